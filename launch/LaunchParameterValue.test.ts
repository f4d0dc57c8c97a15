import { describe, expect, it } from 'vitest';
import type { ParameterSpec } from '../runtime/Parameter.js';
import { coerceLaunchParameter } from './LaunchParameterValue.js';

const spec = (type: ParameterSpec['type'], extra: Partial<ParameterSpec> = {}): ParameterSpec => ({
  type,
  description: '',
  ...extra,
});

describe('coerceLaunchParameter', () => {
  it('reads launch-file text as the declared type', () => {
    expect(coerceLaunchParameter('p', spec('double'), '0.5', true)).toBe(0.5);
    expect(coerceLaunchParameter('p', spec('double'), '2', true)).toBe(2);
    expect(coerceLaunchParameter('p', spec('integer'), ' 42 ', true)).toBe(42);
    expect(coerceLaunchParameter('p', spec('bool'), 'True', true)).toBe(true);
    expect(coerceLaunchParameter('p', spec('bool'), 'false', true)).toBe(false);
    expect(coerceLaunchParameter('p', spec('string'), '1', true)).toBe('1');
    expect(coerceLaunchParameter('p', spec('integer_array'), '[1, 2]', true)).toEqual([1, 2]);
    expect(coerceLaunchParameter('p', spec('double_array'), [1, '2.5'], true)).toEqual([1, 2.5]);
    expect(coerceLaunchParameter('p', spec('string_array'), '[a, b]', true)).toEqual(['a', 'b']);
  });

  it('keeps YAML-typed values as they are and reports text that is not the type', () => {
    expect(coerceLaunchParameter('p', spec('double'), 1, false)).toBe(1);
    expect(() => coerceLaunchParameter('node /m parameter "speed"', spec('double'), '0.5', false)).toThrow(
      'node /m parameter "speed": expected a number (double), got "0.5"',
    );
    expect(() => coerceLaunchParameter('p', spec('integer'), '1.5', true)).toThrow(/expected an integer, got "1.5"/);
    expect(() => coerceLaunchParameter('p', spec('bool'), 'yes', true)).toThrow(
      /expected a boolean \(true or false\), got "yes"/,
    );
    expect(() => coerceLaunchParameter('p', spec('double', { range: { from: 0, to: 1 } }), '2', true)).toThrow(
      /expected a value in \[0, 1\], got 2/,
    );
  });
});
