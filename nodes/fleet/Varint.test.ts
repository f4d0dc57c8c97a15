import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../../runtime/OutpostError.js';
import { MAX_VARINT, VarintReader, VarintWriter } from './Varint.js';

const reader = (b: Uint8Array): VarintReader => new VarintReader(b, 'OUTPOST_ERR_MAP_SUMMARY', 'test format');

describe('Varint', () => {
  it('round-trips values across byte boundaries, LEB128 like protobuf', () => {
    const values = [0, 1, 127, 128, 300, 16_383, 16_384, 2 ** 28, MAX_VARINT];
    const w = new VarintWriter();
    for (const v of values) w.uint(v);
    w.string('r1-ü');
    const bytes = w.finish();
    expect([...new VarintWriter().uint(300).finish()]).toEqual([0xac, 0x02]);
    const r = reader(bytes);
    expect(values.map((_, i) => r.uint(`v${i}`))).toEqual(values);
    expect(r.string('name', 16)).toBe('r1-ü');
    r.end();
  });

  it('refuses values it cannot write', () => {
    expect(() => new VarintWriter().uint(-1)).toThrow(/expected an integer in 0\.\./);
    expect(() => new VarintWriter().uint(MAX_VARINT + 1)).toThrow();
    expect(() => new VarintWriter().uint(1.5)).toThrow();
  });

  it('fails with the format name and position on truncation, overlong varints, bad UTF-8 and trailing bytes', () => {
    const cases: Array<[Uint8Array, (r: VarintReader) => unknown, RegExp]> = [
      [new Uint8Array([0x80]), (r) => r.uint('count'), /test format: truncated inside count at byte 1/],
      [new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), (r) => r.uint('id'), /longer than 5 bytes/],
      [new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x7f]), (r) => r.uint('id'), /exceeds 32 bits/],
      [new Uint8Array([2, 0xc3, 0x28]), (r) => r.string('origin', 8), /origin is not valid UTF-8/],
      [new Uint8Array([9, 0x41]), (r) => r.string('origin', 8), /origin length 9 is outside 1\.\.8/],
      [
        new Uint8Array([1, 2]),
        (r) => {
          r.uint('a');
          r.end();
        },
        /1 unexpected trailing byte/,
      ],
    ];
    for (const [bytes, read, message] of cases) {
      let caught: unknown;
      try {
        read(reader(bytes));
      } catch (err) {
        caught = err;
      }
      expect(isOutpostError(caught, 'OUTPOST_ERR_MAP_SUMMARY')).toBe(true);
      expect((caught as Error).message).toMatch(message);
    }
  });
});
