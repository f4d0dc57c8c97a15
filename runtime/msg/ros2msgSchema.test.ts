import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { McapIndexedReader } from '@mcap/core';
import { parse } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg2-serialization';
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from './defaultRegistry.js';
import { ros2msgSchema } from './ros2msgSchema.js';

const registry = defaultRegistry();

describe('ros2msgSchema', () => {
  it('writes Header as rosbag2 does: builtin_interfaces/Time as a message of its own', () => {
    expect(ros2msgSchema(registry, 'std_msgs/msg/Header')).toBe(
      [
        'builtin_interfaces/Time stamp',
        'string frame_id',
        '='.repeat(80),
        'MSG: builtin_interfaces/Time',
        'int32 sec',
        'uint32 nanosec',
      ].join('\n'),
    );
    const grid = ros2msgSchema(registry, 'nav_msgs/msg/OccupancyGrid');
    expect(grid.split('\n').slice(0, 3)).toEqual([
      'std_msgs/Header header',
      'nav_msgs/MapMetaData info',
      'int8[] data',
    ]);
    expect(grid.match(/^MSG: .*$/gm)).toEqual([
      'MSG: std_msgs/Header',
      'MSG: nav_msgs/MapMetaData',
      'MSG: geometry_msgs/Pose',
      'MSG: geometry_msgs/Point',
      'MSG: geometry_msgs/Quaternion',
      'MSG: builtin_interfaces/Time',
    ]);
  });

  it('keeps constants, fixed arrays and bounds', () => {
    const text = ros2msgSchema(registry, 'sensor_msgs/msg/NavSatFix');
    expect(text).toContain('float64[9] position_covariance');
    expect(text).toContain('uint8 COVARIANCE_TYPE_KNOWN=3');
    const bounded = new (registry.constructor as new () => typeof registry)();
    bounded.registerMessage('test_msgs/msg/Bounded', 'string<=8 name\nint32[<=4] values\nint32[3] fixed');
    expect(ros2msgSchema(bounded, 'test_msgs/msg/Bounded')).toBe('string<=8 name\nint32[<=4] values\nint32[3] fixed');
  });

  it('decodes every registered type, independently parsed, to what our codec decodes', () => {
    let checked = 0;
    for (const type of registry.types()) {
      const defs = parse(ros2msgSchema(registry, type), { ros2: true });
      if (defs[0]!.definitions.every((f) => f.isConstant === true)) continue; // constants only: nothing on the wire
      const bytes = registry.encode(type, registry.createDefault(type));
      expect(new MessageReader(defs).readMessage(bytes), type).toEqual(registry.decode(type, bytes));
      checked++;
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('describes the same fields as the schemas in real rosbag2 (Jazzy) recordings', async () => {
    const bags = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'conformance', 'bags');
    const shape = (text: string) =>
      new Map(
        parse(text, { ros2: true }).map((d) => [
          d.name ?? '',
          d.definitions.map((f) => ({
            name: f.name,
            type: f.type,
            isArray: f.isArray === true,
            arrayLength: f.arrayLength,
            arrayUpperBound: f.arrayUpperBound,
            upperBound: f.upperBound,
            isConstant: f.isConstant === true,
            value: f.isConstant === true ? f.value : undefined,
          })),
        ]),
      );
    let compared = 0;
    for (const file of ['abitobot_imu_joint_states.mcap', 'nav2_collision_monitor_cm_moving_obstacle.mcap']) {
      const buf = readFileSync(join(bags, file));
      const reader = await McapIndexedReader.Initialize({
        readable: {
          size: async () => BigInt(buf.length),
          read: async (offset, length) => buf.subarray(Number(offset), Number(offset + length)),
        },
      });
      for (const schema of reader.schemasById.values()) {
        if (!registry.has(schema.name)) continue;
        const theirs = shape(new TextDecoder().decode(schema.data));
        const ours = shape(ros2msgSchema(registry, schema.name));
        expect(ours, `${file}: ${schema.name}`).toEqual(theirs);
        compared++;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(3);
  });
});
