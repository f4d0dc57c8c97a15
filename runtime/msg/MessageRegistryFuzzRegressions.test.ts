import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../OutpostError.js';
import { defaultRegistry } from './defaultRegistry.js';

const registry = defaultRegistry();

describe('MessageRegistry: regressions found by fuzzing', () => {
  it('codes messages of constants only (enumerations) as one uint8, like empty ones (found by fuzzing)', () => {
    for (const type of ['rcl_interfaces/msg/ParameterType', 'statistics_msgs/msg/StatisticDataType']) {
      const bytes = registry.encode(type, {});
      expect(Buffer.from(bytes).toString('hex')).toBe('0001000000');
      expect(registry.decode(type, bytes)).toEqual({});
    }
  });

  it('keeps non-ASCII strings in a second field of the same message type (found by fuzzing)', () => {
    const type = 'rcl_interfaces/msg/ParameterEventDescriptors';
    const message = {
      new_parameters: [{ name: 'a' }],
      changed_parameters: [{ name: 'Zürich' }],
      deleted_parameters: [{ name: '\u00a0 ' }],
    };
    const back = registry.decode<{
      changed_parameters: Array<{ name: string }>;
      deleted_parameters: Array<{ name: string }>;
    }>(type, registry.encode(type, message));
    expect(back.changed_parameters[0]!.name).toBe('Zürich');
    expect(back.deleted_parameters[0]!.name).toBe('\u00a0 ');
  });

  it('refuses a sequence length beyond the payload before allocating it (found by fuzzing)', () => {
    // Big endian (00 00) LaserEcho declaring 0x04010000 float32s in 12 bytes: 256 MiB were allocated.
    const before = process.memoryUsage().arrayBuffers;
    let err: unknown;
    try {
      registry.decode('sensor_msgs/msg/LaserEcho', Uint8Array.from([0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0]));
    } catch (e) {
      err = e;
    }
    expect(isOutpostError(err, 'OUTPOST_ERR_CDR_DECODE')).toBe(true);
    expect((err as Error).message).toMatch(/sequence length 67174400 at payload offset 4 exceeds the 4 byte\(s\) left/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
    // Little endian, a float64 sequence near 2^32 (the unaligned path copied first).
    const wide = registry.encode('std_msgs/msg/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data: [] });
    new DataView(wide.buffer, wide.byteOffset).setUint32(wide.length - 4, 0xfffffff0, true);
    expect(() => registry.decode('std_msgs/msg/Float64MultiArray', wide)).toThrow(/sequence length 4294967280/);
  });
});
