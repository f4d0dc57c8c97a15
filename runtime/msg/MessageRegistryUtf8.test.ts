import { describe, expect, it } from 'vitest';
import { hexOf, plain } from './testing/registryTestHelpers.js';
import { defaultRegistry } from './defaultRegistry.js';

const registry = defaultRegistry();

describe('MessageRegistry: UTF-8 strings', () => {
  it('round-trips a non-ASCII string with its UTF-8 byte length on the wire', () => {
    const text = 'Zürich → 東京';
    const bytes = registry.encode('std_msgs/msg/String', { data: text });
    const utf8 = Buffer.from(text, 'utf8');
    expect(utf8.length).toBe(18); // 12 UTF-16 code units
    expect(hexOf(bytes)).toBe(
      `00010000${(utf8.length + 1).toString(16).padStart(2, '0')}000000${utf8.toString('hex')}00`,
    );
    expect(registry.decode('std_msgs/msg/String', bytes)).toEqual({ data: text });
  });

  it('keeps the alignment of the fields after a non-ASCII string, in nested arrays too', () => {
    const status = {
      header: { stamp: { sec: 7, nanosec: 9 }, frame_id: 'carte_é' },
      status: [
        {
          level: 1,
          name: 'capteur/lidar',
          message: 'température élevée 🔥',
          hardware_id: 'ü',
          values: [
            { key: 'φ', value: '1.5' },
            { key: 'k', value: 'v' },
          ],
        },
        { level: 2, name: 'plain', message: 'ascii only', hardware_id: '', values: [] },
      ],
    };
    const decoded = registry.decode(
      'diagnostic_msgs/msg/DiagnosticArray',
      registry.encode('diagnostic_msgs/msg/DiagnosticArray', status),
    );
    expect(decoded).toEqual(status);
    const odom = registry.createDefault<Record<string, unknown>>('nav_msgs/msg/Odometry');
    odom.header = { stamp: { sec: 1, nanosec: 2 }, frame_id: 'ñ' }; // 2 bytes: shifts the float64s after it
    odom.child_frame_id = 'base_link';
    odom.pose = {
      pose: { position: { x: 1.5, y: -2, z: 3 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      covariance: Array.from({ length: 36 }, (_, i) => i / 4),
    };
    expect(plain(registry.decode('nav_msgs/msg/Odometry', registry.encode('nav_msgs/msg/Odometry', odom)))).toEqual(
      odom,
    );
  });

  it('leaves the message given to encode untouched', () => {
    const msg = { data: 'naïve' };
    registry.encode('std_msgs/msg/String', msg);
    expect(msg).toEqual({ data: 'naïve' });
  });
});
