import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { OutpostError } from '../../runtime/OutpostError.js';
import { parsePgm } from './PgmImage.js';

/**
 * A decoded map image as map_server sees it: row 0 is the TOP row of the picture, pixels
 * row-major with `channels` interleaved samples each, every sample in 0..maxval.
 * Grey images have one channel; PNGs come as RGBA (4 channels; `hasAlpha` says whether the file
 * carried transparency — an alpha channel or a tRNS chunk — or alpha is just filled opaque).
 */
export interface MapImage {
  width: number;
  height: number;
  channels: 1 | 4;
  /** Largest sample value: 255 for 8-bit, 65535 for 16-bit, 2^depth − 1 for low-depth PNG grey. */
  maxval: number;
  hasAlpha: boolean;
  data: Uint8Array | Uint16Array;
}

/** One image format: recognises its magic bytes and decodes. Keyed by name, tried in order. */
interface MapImageFormat {
  matches(bytes: Uint8Array): boolean;
  decode(bytes: Uint8Array, file: string): MapImage;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export const mapImageFormats: Record<string, MapImageFormat> = {
  pgm: {
    matches: (b) => b.length >= 2 && b[0] === 0x50 && (b[1] === 0x35 || b[1] === 0x32), // "P5" | "P2"
    decode: parsePgm,
  },
  png: { matches: (b) => PNG_MAGIC.every((v, i) => b[i] === v), decode: decodePng },
};

/** Reads and decodes a PGM (P5/P2) or PNG map image; anything else is OUTPOST_ERR_WORLD_FILE. */
export function readMapImage(file: string): MapImage {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw new OutpostError(
      'OUTPOST_ERR_WORLD_FILE',
      `map image ${file}: cannot read it (${(cause as Error).message})`,
      { cause },
    );
  }
  return decodeMapImage(bytes, file);
}

export function decodeMapImage(bytes: Uint8Array, file: string): MapImage {
  for (const format of Object.values(mapImageFormats)) {
    if (format.matches(bytes)) return format.decode(bytes, file);
  }
  const head = Buffer.from(bytes.subarray(0, 4))
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '.');
  throw new OutpostError(
    'OUTPOST_ERR_WORLD_FILE',
    `map image ${file}: expected a PGM (magic "P5" or "P2") or PNG file, got bytes starting "${head}" (supported formats: ${Object.keys(mapImageFormats).join(', ')})`,
  );
}

function decodePng(bytes: Uint8Array, file: string): MapImage {
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    // skipRescale keeps 16-bit samples as 16-bit (and 1/2/4-bit grey as is); palettes still expand to 8-bit RGBA.
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { skipRescale: true });
  } catch (cause) {
    throw new OutpostError(
      'OUTPOST_ERR_WORLD_FILE',
      `map image ${file}: expected a valid PNG, got a broken one (${(cause as Error).message})`,
      { cause },
    );
  }
  const paletted = (png.colorType & 1) !== 0;
  const maxval = paletted ? 255 : 2 ** png.depth - 1;
  const data = png.data as unknown as Uint8Array | Uint16Array;
  if (data.length !== png.width * png.height * 4) {
    throw new OutpostError(
      'OUTPOST_ERR_WORLD_FILE',
      `map image ${file}: expected ${png.width * png.height} RGBA pixels, decoded ${Math.floor(data.length / 4)}`,
    );
  }
  return { width: png.width, height: png.height, channels: 4, maxval, hasAlpha: png.alpha, data };
}
