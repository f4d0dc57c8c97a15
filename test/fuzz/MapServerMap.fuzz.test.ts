import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeMapImage } from '../../sim/world/MapImage.js';
import { loadMapServerMap } from '../../sim/world/MapServerMap.js';
import { encodePgm } from '../../sim/world/PgmImage.js';
import { bytesFor, corpus, decodesOrRefuses, fromHex, fuzz, fuzzTimeoutMs, hex, textFor } from './FuzzKit.js';

// map_server maps (sim/world/): the YAML beside the image, and the PGM (P5/P2) or PNG image. Every
// mutated file loads or raises OUTPOST_ERR_WORLD_FILE; a header declaring a huge image is refused
// before the image is allocated.

const work = mkdtempSync(join(tmpdir(), 'outpost-fuzz-map-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const size = fc.integer({ min: 1, max: 12 });
const image = fc
  .tuple(size, size)
  .chain(([w, h]) => fc.tuple(fc.constant(w), fc.constant(h), fc.uint8Array({ minLength: w * h, maxLength: w * h })));
const pgm = fc.tuple(image, fc.boolean()).map(([[w, h, data], ascii]) => {
  if (!ascii) return new Uint8Array(encodePgm(w, h, data, 'fuzz'));
  return new Uint8Array(Buffer.from(`P2\n# fuzz\n${w} ${h}\n255\n${[...data].join(' ')}\n`, 'latin1'));
});
const png = fc.tuple(image, fc.constantFrom(0, 2, 4, 6)).map(([[w, h, data], colorType]) => {
  const p = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) p.data.set([data[i]!, data[i]!, data[i]!, 255], i * 4);
  return new Uint8Array(PNG.sync.write(p, { colorType: colorType as 0 | 2 | 4 | 6 }));
});

const YAML = readFileSync('sim/worlds/small_rooms.yaml', 'utf8').replace(/^image: .*$/m, 'image: map.pgm');
writeFileSync(join(work, 'map.pgm'), encodePgm(3, 2, Uint8Array.of(0, 254, 205, 0, 254, 205)));

describe('map_server maps under generated and mutated files', { timeout: fuzzTimeoutMs() }, () => {
  it('decodes or refuses with OUTPOST_ERR_WORLD_FILE every mutated PGM', async () => {
    await fuzz(bytesFor(pgm, Uint8Array.of(0x50, 0x35, 0x0a)), (bytes) => {
      decodesOrRefuses(
        () => decodeMapImage(bytes, 'fuzz.pgm'),
        ['OUTPOST_ERR_WORLD_FILE'],
        () => hex(bytes),
      );
    });
  });

  it('decodes or refuses with OUTPOST_ERR_WORLD_FILE every mutated PNG', async () => {
    await fuzz(bytesFor(png, Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)), (bytes) => {
      decodesOrRefuses(
        () => decodeMapImage(bytes, 'fuzz.png'),
        ['OUTPOST_ERR_WORLD_FILE'],
        () => hex(bytes),
      );
    });
  });

  it('loads or refuses with OUTPOST_ERR_WORLD_FILE every mutated map YAML', async () => {
    let n = 0;
    await fuzz(textFor(fc.constant(YAML)), (text) => {
      const file = join(work, `map-${n++ % 4}.yaml`);
      writeFileSync(file, text);
      decodesOrRefuses(
        () => loadMapServerMap(file),
        ['OUTPOST_ERR_WORLD_FILE'],
        () => JSON.stringify(text),
      );
    });
  });

  it('refuses headers declaring huge images before allocating them', async () => {
    const pngHeader = (w: number, h: number): Uint8Array => {
      const p = Buffer.from(PNG.sync.write(Object.assign(new PNG({ width: 1, height: 1 }), {})));
      p.writeUInt32BE(w, 16);
      p.writeUInt32BE(h, 20); // IHDR width, height (its CRC now fails)
      return new Uint8Array(p);
    };
    for (const [name, bytes] of [
      ['P5 1048576x1048576', new Uint8Array(Buffer.from('P5 1048576 1048576 255\n\0', 'latin1'))],
      ['P5 65536x65536 16-bit', new Uint8Array(Buffer.from('P5 65536 65536 65535\n\0\0', 'latin1'))],
      ['P2 60000x60000', new Uint8Array(Buffer.from('P2 60000 60000 255\n0 0 0\n', 'latin1'))],
      ['PNG 2^31x2^31', pngHeader(2 ** 31 - 1, 2 ** 31 - 1)],
    ] as const) {
      expect(
        () =>
          decodesOrRefuses(
            () => decodeMapImage(bytes, name),
            ['OUTPOST_ERR_WORLD_FILE'],
            () => name,
          ),
        name,
      ).not.toThrow();
      expect(() => decodeMapImage(bytes, name), name).toThrow();
    }
  });

  it('replays every image that ever failed', async () => {
    for (const { input, why } of corpus('map-image')) {
      decodesOrRefuses(
        () => decodeMapImage(fromHex(input), 'corpus'),
        ['OUTPOST_ERR_WORLD_FILE'],
        () => why,
      );
    }
  });
});
