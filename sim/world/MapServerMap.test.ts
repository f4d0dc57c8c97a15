import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/OutpostError.js';
import { CELL_FREE as F, CELL_OCCUPIED as O, CELL_UNKNOWN as U, GridWorld } from './GridWorld.js';
import { loadMapServerMap, saveMapServerMap } from './MapServerMap.js';

const dir = mkdtempSync(join(tmpdir(), 'outpost-map-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes `image` bytes and a YAML naming it; returns the YAML path. */
function mapFiles(image: Uint8Array | string, ext: string, yaml: Record<string, unknown> = {}): string {
  const base = `m${n++}`;
  writeFileSync(join(dir, `${base}.${ext}`), image);
  const fields = {
    image: `${base}.${ext}`,
    resolution: 0.5,
    origin: [1, -2, 0],
    negate: 0,
    occupied_thresh: 0.65,
    free_thresh: 0.196,
    ...yaml,
  };
  const text = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join('\n');
  writeFileSync(join(dir, `${base}.yaml`), `${text}\n`);
  return join(dir, `${base}.yaml`);
}

/** P5 8-bit from rows given top first. */
function p5(rows: number[][], maxval = 255): Buffer {
  const w = rows[0]!.length;
  const head = Buffer.from(`P5\n# made by a test\n${w} ${rows.length}\n${maxval}\n`, 'latin1');
  if (maxval < 256) return Buffer.concat([head, Buffer.from(rows.flat())]);
  const body = Buffer.alloc(w * rows.length * 2);
  rows.flat().forEach((v, i) => {
    body.writeUInt16BE(v, 2 * i);
  });
  return Buffer.concat([head, body]);
}

/** GridWorld cells as rows, TOP first (so they read like the image). */
function rowsTopFirst(w: GridWorld): number[][] {
  const out: number[][] = [];
  for (let r = w.height - 1; r >= 0; r--) out.push([...w.cells.subarray(r * w.width, (r + 1) * w.width)]);
  return out;
}

function png(width: number, height: number, rgba: number[], colorType: 0 | 2 | 4 | 6, bitDepth: 8 | 16 = 8): Buffer {
  const p = new PNG({ width, height, colorType, bitDepth, inputHasAlpha: true });
  if (bitDepth === 16) {
    // pngjs packs 16-bit from a Uint16Array of RGBA samples
    p.data = Uint16Array.from(rgba) as unknown as Buffer;
  } else {
    p.data = Buffer.from(rgba);
  }
  return PNG.sync.write(p, { colorType, bitDepth, inputHasAlpha: true });
}

function expectWorldFileError(f: () => unknown, pattern: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(isOutpostError(err, 'OUTPOST_ERR_WORLD_FILE'), String(err)).toBe(true);
  expect((err as Error).message).toMatch(pattern);
}

describe('loadMapServerMap: PGM', () => {
  it('P5: thresholds as map_server, top row flipped to the top, origin and resolution kept', () => {
    // p = (255 − v)/255: 254 → 0.004 free; 0 → 1 occupied; 205 → 0.196 unknown (not < 0.196);
    // 166 → 0.349 unknown; 89 → 0.651 occupied (> 0.65); 90 → 0.647 unknown; 206 → 0.192 free.
    const y = mapFiles(
      p5([
        [254, 0, 205],
        [166, 89, 90],
        [206, 254, 254],
      ]),
      'pgm',
    );
    const w = loadMapServerMap(y);
    expect([w.width, w.height, w.resolution, w.originX, w.originY]).toEqual([3, 3, 0.5, 1, -2]);
    expect(rowsTopFirst(w)).toEqual([
      [F, O, U],
      [U, O, U],
      [F, F, F],
    ]);
    // cell (0,0) is the image's bottom-left pixel
    expect(w.cells[0]).toBe(F);
    expect(w.cells[2 * 3 + 1]).toBe(O);
    expect(w.name).toBe(y);
  });

  it('negate: white is occupied', () => {
    const w = loadMapServerMap(mapFiles(p5([[254, 0, 128]]), 'pgm', { negate: 1 }));
    expect(rowsTopFirst(w)).toEqual([[O, F, U]]);
  });

  it('P2 ASCII with comments and maxval 15 (shade = v / maxval)', () => {
    const y = mapFiles('P2\n# ascii\n2 2\n# a comment\n15\n15 0\n 3 8\n', 'pgm');
    // p = 1 − v/15: 15 → 0 free; 0 → 1 occupied; 3 → 0.8 occupied; 8 → 0.467 unknown
    expect(rowsTopFirst(loadMapServerMap(y))).toEqual([
      [F, O],
      [O, U],
    ]);
  });

  it('16-bit P5 (big-endian samples)', () => {
    const y = mapFiles(p5([[65535, 0, 30000]], 65535), 'pgm');
    expect(rowsTopFirst(loadMapServerMap(y))).toEqual([[F, O, U]]);
  });

  it('raw mode: the value is the occupancy percentage; > 100 is unknown', () => {
    const y = mapFiles(p5([[0, 100, 255, 50]]), 'pgm', { mode: 'raw' });
    expect(rowsTopFirst(loadMapServerMap(y))).toEqual([[F, O, U, U]]);
  });

  it('scale mode reads grey like trinary', () => {
    const y = mapFiles(p5([[254, 0, 128]]), 'pgm', { mode: 'scale' });
    expect(rowsTopFirst(loadMapServerMap(y))).toEqual([[F, O, U]]);
  });
});

describe('loadMapServerMap: PNG', () => {
  it('grey 8-bit', () => {
    const y = mapFiles(png(3, 1, [254, 254, 254, 255, 0, 0, 0, 255, 205, 205, 205, 255], 0), 'png');
    expect(rowsTopFirst(loadMapServerMap(y))).toEqual([[F, O, U]]);
  });

  it('grey 16-bit', () => {
    const y = mapFiles(png(2, 1, [65535, 65535, 65535, 65535, 0, 0, 0, 65535], 0, 16), 'png');
    expect(rowsTopFirst(loadMapServerMap(y))).toEqual([[F, O]]);
  });

  it('RGB averages the channels (ROS)', () => {
    // (255+255+0)/3 = 170 → p 0.333 unknown; (255+255+255)/3 free; (0+0+255)/3 = 85 → p 0.667 occupied
    const y = mapFiles(png(3, 1, [255, 255, 0, 255, 255, 255, 255, 255, 0, 0, 255, 255], 2), 'png');
    expect(rowsTopFirst(loadMapServerMap(y))).toEqual([[U, F, O]]);
  });

  it('RGBA: trinary averages alpha in; scale makes non-opaque pixels unknown', () => {
    // white opaque; white transparent → (255·3 + 0)/4 = 191 → p 0.25 unknown; black half-transparent → 32 → occupied
    const rgba = [255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 0, 128];
    expect(rowsTopFirst(loadMapServerMap(mapFiles(png(3, 1, rgba, 6), 'png')))).toEqual([[F, U, O]]);
    expect(rowsTopFirst(loadMapServerMap(mapFiles(png(3, 1, rgba, 6), 'png', { mode: 'scale' })))).toEqual([[F, U, U]]);
  });

  it('two rows flip bottom-up', () => {
    const y = mapFiles(png(1, 2, [0, 0, 0, 255, 255, 255, 255, 255], 2), 'png');
    const w = loadMapServerMap(y);
    expect(w.cells[0]).toBe(F); // bottom row = image row 1 (white)
    expect(w.cells[1]).toBe(O);
  });
});

describe('loadMapServerMap: malformed input names the file and what was expected', () => {
  const good = p5([[254, 0]]);
  it.each([
    ['missing image', { image: undefined }, /missing field "image"/],
    ['missing resolution', { resolution: undefined }, /missing field "resolution"/],
    ['bad resolution', { resolution: -1 }, /"resolution": expected metres per pixel > 0, got -1/],
    ['origin of two', { origin: [1, 2] }, /"origin": expected \[x, y, yaw\]/],
    ['rotated origin', { origin: [0, 0, 0.5] }, /yaw 0.5 rad\) is not supported/],
    ['missing negate', { negate: undefined }, /missing field "negate"/],
    ['negate 2', { negate: 2 }, /"negate": expected 0, 1, true or false, got 2/],
    ['occupied_thresh > 1', { occupied_thresh: 1.5 }, /"occupied_thresh": expected a probability in \[0, 1\], got 1.5/],
    ['free_thresh < 0', { free_thresh: -0.1 }, /"free_thresh": expected a probability/],
    ['free > occupied', { free_thresh: 0.8 }, /expected free_thresh ≤ occupied_thresh/],
    ['thresh as string', { free_thresh: 'low' }, /"free_thresh": expected a number, got "low"/],
    ['unknown mode', { mode: 'fancy' }, /"mode": expected one of trinary, scale, raw, got "fancy"/],
  ])('%s', (_name, yaml, pattern) => {
    const y = mapFiles(good, 'pgm', yaml);
    expectWorldFileError(() => loadMapServerMap(y), pattern);
    expectWorldFileError(() => loadMapServerMap(y), new RegExp(`map ${y.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('missing YAML file, not YAML, not a mapping', () => {
    expectWorldFileError(() => loadMapServerMap(join(dir, 'nope.yaml')), /nope\.yaml: cannot read it/);
    writeFileSync(join(dir, 'bad.yaml'), 'image: [unclosed');
    expectWorldFileError(
      () => loadMapServerMap(join(dir, 'bad.yaml')),
      /bad\.yaml: expected map_server YAML, got a parse error/,
    );
    writeFileSync(join(dir, 'list.yaml'), '- 1\n- 2\n');
    expectWorldFileError(() => loadMapServerMap(join(dir, 'list.yaml')), /list\.yaml: expected a YAML mapping/);
  });

  it('unreadable image', () => {
    const y = mapFiles(good, 'pgm');
    writeFileSync(y, readFileSync(y, 'utf8').replace(/image: .*/, 'image: "missing.pgm"'));
    expectWorldFileError(() => loadMapServerMap(y), /map image .*missing\.pgm: cannot read it/);
  });

  it('bad magic', () => {
    expectWorldFileError(
      () => loadMapServerMap(mapFiles('GIF89a....', 'pgm')),
      /expected a PGM \(magic "P5" or "P2"\) or PNG file, got bytes starting "GIF8"/,
    );
    expectWorldFileError(() => loadMapServerMap(mapFiles('P6\n1 1\n255\nabc', 'pgm')), /expected a PGM/);
  });

  it('truncated or malformed PGM', () => {
    expectWorldFileError(
      () => loadMapServerMap(mapFiles(p5([[1, 2, 3, 4]]).subarray(0, -2), 'pgm')),
      /truncated raster: expected 4 bytes for 4×1 at maxval 255, got 2/,
    );
    expectWorldFileError(
      () => loadMapServerMap(mapFiles('P5\n4\n', 'pgm')),
      /expected a height from 1 to \d+ in the PGM header, got no number/,
    );
    expectWorldFileError(() => loadMapServerMap(mapFiles('P5\n0 4 255\n', 'pgm')), /expected a width from 1/);
    expectWorldFileError(
      () => loadMapServerMap(mapFiles('P5 1 1 70000 ab', 'pgm')),
      /expected a maxval from 1 to 65535.*got 70000/,
    );
    expectWorldFileError(
      () => loadMapServerMap(mapFiles('P2 2 1 255 12', 'pgm')),
      /expected 2 samples, sample 1 is missing/,
    );
    expectWorldFileError(
      () => loadMapServerMap(mapFiles('P2 2 1 100 12 101', 'pgm')),
      /sample 1 .* is 101, above maxval 100/,
    );
  });

  it('broken PNG', () => {
    const bytes = png(4, 4, new Array(64).fill(255), 6);
    expectWorldFileError(
      () => loadMapServerMap(mapFiles(bytes.subarray(0, 40), 'png')),
      /expected a valid PNG, got a broken one/,
    );
  });
});

describe('saveMapServerMap', () => {
  it('round-trips cells, resolution and origin through YAML + P5 PGM', () => {
    const cells = Uint8Array.from([F, O, U, F, F, O]);
    const w = new GridWorld({
      width: 3,
      height: 2,
      resolution: 0.05,
      originX: -1.5,
      originY: 2.25,
      cells,
      name: 'tiny',
    });
    const out = saveMapServerMap(w, join(dir, 'saved.yaml'));
    expect(out.imagePath).toBe(join(dir, 'saved.pgm'));
    const yaml = readFileSync(out.yamlPath, 'utf8');
    expect(yaml).toMatch(/^image: saved\.pgm$/m);
    expect(yaml).toMatch(/^origin: \[-1\.5, 2\.25, 0\]$/m);
    const pgm = readFileSync(out.imagePath);
    expect(pgm.subarray(0, 2).toString('latin1')).toBe('P5');
    // the top image row is the world's row 1: F F O → 254 254 0
    expect([...pgm.subarray(pgm.length - 6, pgm.length - 3)]).toEqual([254, 254, 0]);
    const back = loadMapServerMap(out.yamlPath);
    expect([back.width, back.height, back.resolution, back.originX, back.originY]).toEqual([3, 2, 0.05, -1.5, 2.25]);
    expect([...back.cells]).toEqual([...cells]);
  });
});
