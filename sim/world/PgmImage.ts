import { OutpostError } from '../../runtime/OutpostError.js';
import type { MapImage } from './MapImage.js';

/**
 * Netpbm greymaps (https://netpbm.sourceforge.net/doc/pgm.html), the format ROS map_saver writes:
 * "P5" (binary) or "P2" (ASCII), then width, height and maxval as decimal tokens separated by
 * whitespace, `#` comments allowed between them; for P5 exactly one whitespace byte, then the
 * raster, one byte a sample when maxval < 256, else two bytes big-endian. Row 0 is the top row.
 * Only the first image of a multi-image file is read (map_server does the same).
 */
export function parsePgm(bytes: Uint8Array, file: string): MapImage {
  const fail = (what: string): never => {
    throw new OutpostError('OUTPOST_ERR_WORLD_FILE', `map image ${file}: ${what}`);
  };
  if (bytes.length < 2 || bytes[0] !== 0x50 || (bytes[1] !== 0x35 && bytes[1] !== 0x32)) {
    fail('expected PGM magic "P5" or "P2"');
  }
  const binary = bytes[1] === 0x35;
  let pos = 2;
  const isSpace = (c: number): boolean =>
    c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
  /** The next decimal token, skipping whitespace and comments; NaN at end of data or on a non-digit. */
  const token = (): number => {
    for (;;) {
      while (pos < bytes.length && isSpace(bytes[pos]!)) pos++;
      if (pos < bytes.length && bytes[pos] === 0x23) {
        // '#': comment to end of line
        while (pos < bytes.length && bytes[pos] !== 0x0a && bytes[pos] !== 0x0d) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    while (pos < bytes.length && bytes[pos]! >= 0x30 && bytes[pos]! <= 0x39) pos++;
    if (pos === start || (pos < bytes.length && !isSpace(bytes[pos]!) && bytes[pos] !== 0x23)) return Number.NaN;
    return Number(Buffer.from(bytes.subarray(start, pos)).toString('latin1'));
  };
  const header = (name: string, max: number): number => {
    const v = token();
    if (!Number.isInteger(v) || v < 1 || v > max)
      fail(`expected a ${name} from 1 to ${max} in the PGM header, got ${Number.isNaN(v) ? 'no number' : v}`);
    return v;
  };
  if (pos < bytes.length && !isSpace(bytes[pos]!) && bytes[pos] !== 0x23)
    fail('expected whitespace after the magic number');
  const width = header('width', 1 << 20);
  const height = header('height', 1 << 20);
  const maxval = header('maxval', 65535);
  const n = width * height;
  // The header alone must not size the allocation: a 24-byte "P5 1048576 1048576 255" asked for a
  // 1 TiB array (RangeError), 65536×65536 for 4 GiB (found by fuzzing). Check that the
  // raster can be there first: binary samples take 1 or 2 bytes, ASCII ones a digit and a separator.
  const bytesPerSample = maxval < 256 ? 1 : 2;
  if (binary) {
    if (pos >= bytes.length || !isSpace(bytes[pos]!))
      fail('expected one whitespace byte after maxval, then the raster');
    pos++;
    const need = n * bytesPerSample;
    if (bytes.length - pos < need)
      fail(
        `truncated raster: expected ${need} bytes for ${width}×${height} at maxval ${maxval}, got ${bytes.length - pos}`,
      );
  } else if (bytes.length - pos < 2 * n - 1) {
    fail(
      `truncated ASCII raster: expected ${n} samples for ${width}×${height} (at least ${2 * n - 1} bytes), got ${bytes.length - pos} bytes`,
    );
  }
  const data = maxval < 256 ? new Uint8Array(n) : new Uint16Array(n);
  if (binary) {
    for (let i = 0; i < n; i++) {
      const v = bytesPerSample === 1 ? bytes[pos + i]! : (bytes[pos + 2 * i]! << 8) | bytes[pos + 2 * i + 1]!;
      if (v > maxval)
        fail(`sample ${i} (row ${Math.floor(i / width)}, column ${i % width}) is ${v}, above maxval ${maxval}`);
      data[i] = v;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = token();
      if (Number.isNaN(v))
        fail(`truncated or malformed ASCII raster: expected ${n} samples, sample ${i} is missing or not a number`);
      if (v > maxval)
        fail(`sample ${i} (row ${Math.floor(i / width)}, column ${i % width}) is ${v}, above maxval ${maxval}`);
      data[i] = v;
    }
  }
  return { width, height, channels: 1, maxval, hasAlpha: false, data };
}

/** A binary (P5) 8-bit PGM of `data` (row 0 = top), with an optional one-line comment. */
export function encodePgm(width: number, height: number, data: Uint8Array, comment?: string): Buffer {
  if (data.length !== width * height) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_ARGUMENT',
      `PGM: expected ${width * height} samples, got ${data.length}`,
    );
  }
  const note = comment === undefined ? '' : `# ${comment.replace(/[\r\n]+/g, ' ')}\n`;
  const head = Buffer.from(`P5\n${note}${width} ${height}\n255\n`, 'latin1');
  return Buffer.concat([head, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
