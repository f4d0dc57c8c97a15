import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { OutpostError } from '../../runtime/OutpostError.js';
import { CELL_FREE, CELL_OCCUPIED, CELL_UNKNOWN, GridWorld } from './GridWorld.js';
import { readMapImage, type MapImage } from './MapImage.js';
import { encodePgm } from './PgmImage.js';

/**
 * ROS map_server maps (the YAML + image pair of ROS 1 map_server and ROS 2 nav2_map_server):
 *
 *   image: rooms.pgm          # relative to the YAML file (or absolute)
 *   resolution: 0.1           # m per pixel
 *   origin: [-32.0, -24.0, 0] # pose of the lower-left pixel's corner: x, y (m), yaw (rad; only 0)
 *   negate: 0                 # 1: white is occupied
 *   occupied_thresh: 0.65
 *   free_thresh: 0.196
 *   mode: trinary             # optional: trinary (default) | scale | raw
 *
 * Pixel → cell follows nav2_map_server's map_io exactly: shade = mean of the R, G, B samples ÷
 * maxval (and in trinary mode the alpha sample joins the mean when the image has alpha);
 * p = negate ? shade : 1 − shade (for 8-bit: (255 − value)/255); p > occupied_thresh → occupied,
 * p < free_thresh → free, else unknown. Scale mode thresholds the same way but a pixel that is not
 * fully opaque is unknown, and alpha stays out of the mean (GridWorld has no partial cells, so
 * scale's in-between values are unknown too). Raw mode takes round(shade·255) as the
 * OccupancyGrid value itself (0..100; anything else unknown; negate ignored, as nav2 does) and
 * reads it as a probability v/100 against the thresholds. Image row 0 is the top of the map.
 */
export type MapMode = 'trinary' | 'scale' | 'raw';

export interface MapServerMetadata {
  imagePath: string;
  resolution: number;
  origin: [number, number, number];
  negate: boolean;
  occupiedThresh: number;
  freeThresh: number;
  mode: MapMode;
}

/** How each mode turns one pixel into a GridWorld cell. `rgb`: R+G+B sum; `a`: alpha sample. */
type PixelClassifier = (rgb: number, a: number, img: MapImage, m: MapServerMetadata) => number;

const threshold = (p: number, m: MapServerMetadata): number =>
  p > m.occupiedThresh ? CELL_OCCUPIED : p < m.freeThresh ? CELL_FREE : CELL_UNKNOWN;

export const mapModes: Record<MapMode, PixelClassifier> = {
  trinary: (rgb, a, img, m) => {
    const shade = img.hasAlpha ? (rgb + a) / 4 / img.maxval : rgb / 3 / img.maxval;
    return threshold(m.negate ? shade : 1 - shade, m);
  },
  scale: (rgb, a, img, m) => {
    if (img.hasAlpha && a !== img.maxval) return CELL_UNKNOWN;
    const shade = rgb / 3 / img.maxval;
    return threshold(m.negate ? shade : 1 - shade, m);
  },
  raw: (rgb, _a, img, m) => {
    const v = Math.round((rgb / 3 / img.maxval) * 255);
    return v <= 100 ? threshold(v / 100, m) : CELL_UNKNOWN;
  },
};

/** Reads and checks a map_server YAML file (not its image). */
export function readMapServerMetadata(yamlPath: string): MapServerMetadata {
  const fail = (what: string, cause?: unknown): never => {
    throw new OutpostError(
      'OUTPOST_ERR_WORLD_FILE',
      `map ${yamlPath}: ${what}`,
      cause === undefined ? undefined : { cause },
    );
  };
  let text = '';
  try {
    text = readFileSync(yamlPath, 'utf8');
  } catch (cause) {
    fail(`cannot read it (${(cause as Error).message})`, cause);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (cause) {
    fail(`expected map_server YAML, got a parse error (${(cause as Error).message})`, cause);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    fail('expected a YAML mapping with image, resolution, origin, negate, occupied_thresh, free_thresh');
  const y = doc as Record<string, unknown>;
  const need = (key: string): unknown =>
    y[key] === undefined || y[key] === null ? fail(`missing field "${key}"`) : y[key];
  const number = (key: string): number => {
    const v = need(key);
    if (typeof v !== 'number' || !Number.isFinite(v))
      fail(`field "${key}": expected a number, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const image = need('image');
  if (typeof image !== 'string' || image.length === 0)
    fail(`field "image": expected a file name, got ${JSON.stringify(image)}`);
  const resolution = number('resolution');
  if (!(resolution > 0)) fail(`field "resolution": expected metres per pixel > 0, got ${resolution}`);
  const origin = need('origin');
  if (
    !Array.isArray(origin) ||
    origin.length !== 3 ||
    !origin.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    fail(`field "origin": expected [x, y, yaw] (three numbers), got ${JSON.stringify(origin)}`);
  }
  const [ox, oy, yaw] = origin as [number, number, number];
  if (yaw !== 0) fail(`field "origin": a rotated map (yaw ${yaw} rad) is not supported; expected yaw 0`);
  const negateRaw = need('negate');
  if (negateRaw !== 0 && negateRaw !== 1 && negateRaw !== true && negateRaw !== false) {
    fail(`field "negate": expected 0, 1, true or false, got ${JSON.stringify(negateRaw)}`);
  }
  const occupiedThresh = number('occupied_thresh');
  const freeThresh = number('free_thresh');
  for (const [k, v] of [
    ['occupied_thresh', occupiedThresh],
    ['free_thresh', freeThresh],
  ] as const) {
    if (v < 0 || v > 1) fail(`field "${k}": expected a probability in [0, 1], got ${v}`);
  }
  if (freeThresh > occupiedThresh)
    fail(`expected free_thresh ≤ occupied_thresh, got free_thresh ${freeThresh} > occupied_thresh ${occupiedThresh}`);
  const mode = y.mode ?? 'trinary';
  if (typeof mode !== 'string' || !Object.hasOwn(mapModes, mode)) {
    fail(`field "mode": expected one of ${Object.keys(mapModes).join(', ')}, got ${JSON.stringify(mode)}`);
  }
  return {
    imagePath: isAbsolute(image as string) ? (image as string) : join(dirname(resolve(yamlPath)), image as string),
    resolution,
    origin: [ox, oy, yaw],
    negate: negateRaw === 1 || negateRaw === true,
    occupiedThresh,
    freeThresh,
    mode: mode as MapMode,
  };
}

/** Loads a map_server map as the simulator's ground truth. Errors: OUTPOST_ERR_WORLD_FILE. */
export function loadMapServerMap(yamlPath: string): GridWorld {
  const m = readMapServerMetadata(yamlPath);
  const img = readMapImage(m.imagePath);
  const classify = mapModes[m.mode];
  const { width, height, channels, data } = img;
  const cells = new Uint8Array(width * height);
  for (let row = 0; row < height; row++) {
    const out = (height - 1 - row) * width; // image row 0 is the top; GridWorld row 0 the bottom
    for (let col = 0; col < width; col++) {
      const i = (row * width + col) * channels;
      const rgb = channels === 1 ? 3 * data[i]! : data[i]! + data[i + 1]! + data[i + 2]!;
      const a = channels === 1 ? img.maxval : data[i + 3]!;
      cells[out + col] = classify(rgb, a, img, m);
    }
  }
  return new GridWorld({
    width,
    height,
    resolution: m.resolution,
    originX: m.origin[0],
    originY: m.origin[1],
    cells,
    name: yamlPath,
  });
}

/** Pixel values map_saver writes for trinary maps, and the thresholds that read them back. */
const SAVE_FREE = 254;
const SAVE_OCCUPIED = 0;
const SAVE_UNKNOWN = 205; // p = 50/255 = 0.19608: above free_thresh 0.196, so unknown on load
const SAVE_OCCUPIED_THRESH = 0.65;
const SAVE_FREE_THRESH = 0.196;

/**
 * Writes `world` as map_server YAML plus a binary PGM beside it (same base name, `.pgm`), the
 * way ROS 1 map_saver does (free 254, occupied 0, unknown 205; thresholds 0.65 / 0.196), so that
 * map_server, nav2 and loadMapServerMap all read back the same cells. Returns both paths.
 */
export function saveMapServerMap(
  world: GridWorld,
  yamlPath: string,
  comment?: string,
): { yamlPath: string; imagePath: string } {
  const imagePath = join(dirname(yamlPath), `${basename(yamlPath, extname(yamlPath))}.pgm`);
  const { width, height } = world;
  const pixels = new Uint8Array(width * height);
  for (let row = 0; row < height; row++) {
    const src = (height - 1 - row) * width;
    for (let col = 0; col < width; col++) {
      const c = world.cells[src + col];
      pixels[row * width + col] = c === CELL_FREE ? SAVE_FREE : c === CELL_OCCUPIED ? SAVE_OCCUPIED : SAVE_UNKNOWN;
    }
  }
  const note = comment ?? world.name;
  const yaml = [
    `# ${note.replace(/[\r\n]+/g, ' ')}`,
    `image: ${basename(imagePath)}`,
    'mode: trinary',
    `resolution: ${world.resolution}`,
    `origin: [${world.originX}, ${world.originY}, 0]`,
    'negate: 0',
    `occupied_thresh: ${SAVE_OCCUPIED_THRESH}`,
    `free_thresh: ${SAVE_FREE_THRESH}`,
    '',
  ].join('\n');
  try {
    writeFileSync(imagePath, encodePgm(width, height, pixels, note));
    writeFileSync(yamlPath, yaml);
  } catch (cause) {
    throw new OutpostError('OUTPOST_ERR_WORLD_FILE', `map ${yamlPath}: cannot write it (${(cause as Error).message})`, {
      cause,
    });
  }
  return { yamlPath, imagePath };
}
