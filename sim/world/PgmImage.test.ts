import { describe, expect, it } from 'vitest';
import { encodePgm, parsePgm } from './PgmImage.js';

describe('PgmImage', () => {
  it('encodes P5 that parses back, comment included', () => {
    const data = Uint8Array.from([0, 1, 2, 253, 254, 255]);
    const bytes = encodePgm(3, 2, data, 'two\nlines');
    expect(bytes.subarray(0, 20).toString('latin1')).toBe('P5\n# two lines\n3 2\n2');
    const img = parsePgm(bytes, 'x.pgm');
    expect([img.width, img.height, img.maxval, img.channels, img.hasAlpha]).toEqual([3, 2, 255, 1, false]);
    expect([...img.data]).toEqual([...data]);
  });

  it('reads 16-bit big-endian samples and P2 with comments anywhere in the header', () => {
    const p5 = Buffer.concat([Buffer.from('P5 2 1 1000\n'), Buffer.from([0x03, 0xe8, 0x00, 0x07])]);
    const img = parsePgm(p5, 'x.pgm');
    expect(img.data).toBeInstanceOf(Uint16Array);
    expect([...img.data]).toEqual([1000, 7]);
    expect([...parsePgm(Buffer.from('P2#c\n2#c\n1\n#c\n9 4\n5'), 'a.pgm').data]).toEqual([4, 5]);
  });

  it('names the file and the problem', () => {
    expect(() => parsePgm(Buffer.from('P5 2 2 255\nab'), 'short.pgm')).toThrow(
      'map image short.pgm: truncated raster: expected 4 bytes for 2×2 at maxval 255, got 2',
    );
    expect(() => parsePgm(Buffer.from('P5 2x 2 255\nabcd'), 'x.pgm')).toThrow(/expected a width/);
    expect(() => parsePgm(Buffer.from('P52 2 255\nabcd'), 'x.pgm')).toThrow(
      /expected whitespace after the magic number/,
    );
    expect(() => encodePgm(2, 2, new Uint8Array(3))).toThrow(/expected 4 samples, got 3/);
  });

  it('refuses a header declaring a huge image before allocating it (found by fuzzing)', () => {
    const before = process.memoryUsage().arrayBuffers;
    for (const [header, message] of [
      ['P5 1048576 1048576 255\n\0', /truncated raster: expected 1099511627776 bytes/],
      ['P5 65536 65536 65535\n\0\0', /truncated raster: expected 8589934592 bytes/],
      ['P2 60000 60000 255\n0 0 0\n', /truncated ASCII raster: expected 3600000000 samples/],
    ] as const) {
      expect(() => parsePgm(new Uint8Array(Buffer.from(header, 'latin1')), 'huge.pgm')).toThrow(message);
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });
});
