import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeMapImage, mapImageFormats } from './MapImage.js';

describe('MapImage', () => {
  it('tells PGM from PNG by magic bytes', () => {
    expect(Object.keys(mapImageFormats)).toEqual(['pgm', 'png']);
    expect(decodeMapImage(Buffer.from('P2 1 1 255 7'), 'a.pgm').data[0]).toBe(7);
    const p = new PNG({ width: 1, height: 1 });
    p.data = Buffer.from([10, 20, 30, 40]);
    const img = decodeMapImage(PNG.sync.write(p), 'a.png'); // pngjs writes RGBA by default
    expect([img.channels, img.maxval, img.hasAlpha, ...img.data]).toEqual([4, 255, true, 10, 20, 30, 40]);
  });

  it('a grey PNG without alpha reports opaque pixels and no alpha', () => {
    const p = new PNG({ width: 2, height: 1, colorType: 0, inputHasAlpha: true });
    p.data = Buffer.from([9, 9, 9, 255, 200, 200, 200, 255]);
    const img = decodeMapImage(PNG.sync.write(p, { colorType: 0, inputHasAlpha: true }), 'g.png');
    expect(img.hasAlpha).toBe(false);
    expect([...img.data]).toEqual([9, 9, 9, 255, 200, 200, 200, 255]);
  });

  it('rejects anything else, quoting its first bytes', () => {
    expect(() => decodeMapImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'photo.jpg')).toThrow(
      'map image photo.jpg: expected a PGM (magic "P5" or "P2") or PNG file, got bytes starting "...." (supported formats: pgm, png)',
    );
  });
});
