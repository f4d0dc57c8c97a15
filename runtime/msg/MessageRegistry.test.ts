import { describe, expect, it } from 'vitest';
import { bytesOf, hexOf, plain, thrown } from './testing/registryTestHelpers.js';
import { defaultRegistry } from './defaultRegistry.js';

const registry = defaultRegistry();

const header = (sec: number, nanosec: number) => ({ stamp: { sec, nanosec }, frame_id: 'test_frame' });

/**
 * Payloads recorded by ROS 2 tools with the message they decode to, from
 * test/conformance/bags/SOURCES.md (the `payloadHex` of each decoded example; only the permissively
 * licensed recordings: the GPL-3.0 one is read by CdrConformance.test.ts where ../shared is present).
 */
const VECTORS: Array<{ type: string; source: string; hex: string; message: Record<string, unknown> }> = [
  {
    type: 'geometry_msgs/msg/Twist',
    source: 'rosbags_rs_synthetic_common_types /test/geometry_msgs/twist',
    hex: '00010000000000000000f03f0000000000000000000000000000000000000000000000000000000000000000000000000000e03f',
    message: { linear: { x: 1, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.5 } },
  },
  {
    type: 'geometry_msgs/msg/Twist',
    source: 'nav2_collision_monitor /cmd_vel_smoothed (rclpy)',
    hex: '000100009a9999999999c93f00000000000000000000000000000000000000000000000000000000000000000000000000000000',
    message: { linear: { x: 0.2, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } },
  },
  {
    type: 'rosgraph_msgs/msg/Clock',
    source: 'nav2_collision_monitor /clock (rclpy)',
    hex: '0001000000000000fdecb42f',
    message: { clock: { sec: 0, nanosec: 800386301 } },
  },
  {
    type: 'tf2_msgs/msg/TFMessage',
    source: 'rosbags_rs_synthetic_common_types /test/tf2_msgs/tf_message',
    hex: '0001000001000000fd6e44680053ac000b000000746573745f6672616d6500000c0000006368696c645f6672616d650000000000000000000000f03f00000000000000400000000000000840000000000000000000000000000000000000000000000000000000000000f03f',
    message: {
      transforms: [
        {
          header: header(1749315325, 11293440),
          child_frame_id: 'child_frame',
          transform: { translation: { x: 1, y: 2, z: 3 }, rotation: { x: 0, y: 0, z: 0, w: 1 } },
        },
      ],
    },
  },
  {
    type: 'nav_msgs/msg/OccupancyGrid',
    source: 'rosbags_rs_synthetic_common_types /test/nav_msgs/occupancy_grid (10x10)',
    hex:
      '00010000fc6e446800dccb370b000000746573745f6672616d6500000000000000000000cdcc4c3d0a0000000a00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000f03f64000000' +
      'ff'.repeat(100),
    message: {
      header: header(1749315324, 936107008),
      info: {
        map_load_time: { sec: 0, nanosec: 0 },
        resolution: 0.05000000074505806,
        width: 10,
        height: 10,
        origin: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      },
      data: new Array<number>(100).fill(-1),
    },
  },
  {
    type: 'sensor_msgs/msg/LaserScan',
    source: 'rosbags_rs_synthetic_common_types /test/sensor_msgs/laser_scan',
    hex: '00010000fc6e446800e357390b000000746573745f6672616d650000c3f5c8bfc3f5c83f0ad7233c00000000cdcccc3dcdcccc3d00002041050000000000803f0000004000004040000080400000a040050000000000c84200004843000096430000c8430000fa43',
    message: {
      header: header(1749315324, 962061056),
      angle_min: -1.5700000524520874,
      angle_max: 1.5700000524520874,
      angle_increment: 0.009999999776482582,
      time_increment: 0,
      scan_time: 0.10000000149011612,
      range_min: 0.10000000149011612,
      range_max: 10,
      ranges: [1, 2, 3, 4, 5],
      intensities: [100, 200, 300, 400, 500],
    },
  },
  {
    type: 'std_msgs/msg/String',
    source: 'rosbags_rs_synthetic_common_types /test/std_msgs/string',
    hex: '000100000d00000048656c6c6f2c20524f53322100',
    message: { data: 'Hello, ROS2!' },
  },
  {
    type: 'sensor_msgs/msg/NavSatFix',
    source: 'rosbags_rs_synthetic_common_types /test/sensor_msgs/nav_sat_fix',
    hex: '00010000fc6e446800ddcd390b000000746573745f6672616d6500000100000000000000d0d556ec2fe3424050fc1873d79a5ec00000000000005940000000000000f03f000000000000f03f000000000000f03f000000000000f03f000000000000f03f000000000000f03f000000000000f03f000000000000f03f000000000000f03f01',
    message: {
      header: header(1749315324, 969792768),
      status: { status: 0, service: 1 },
      latitude: 37.7749,
      longitude: -122.4194,
      altitude: 100,
      position_covariance: new Array<number>(9).fill(1),
      position_covariance_type: 1,
    },
  },
  {
    type: 'sensor_msgs/msg/BatteryState',
    source: 'rosbags_rs_synthetic_common_types /test/sensor_msgs/battery_state',
    hex: '00010000fc6e4468006609380b000000746573745f6672616d6500009a9949410000c8410000a0c0000048420000c8420000c8420000003f0201010103000000cdcc6c40cdcc6c40cdcc6c40030000000000c8410000c8410000c84114000000626174746572795f636f6d706172746d656e74000a00000042415431323334353600',
    message: {
      header: header(1749315324, 940140032),
      voltage: 12.600000381469727,
      temperature: 25,
      current: -5,
      charge: 50,
      capacity: 100,
      design_capacity: 100,
      percentage: 0.5,
      power_supply_status: 2,
      power_supply_health: 1,
      power_supply_technology: 1,
      present: true,
      cell_voltage: [3.700000047683716, 3.700000047683716, 3.700000047683716],
      cell_temperature: [25, 25, 25],
      location: 'battery_compartment',
      serial_number: 'BAT123456',
    },
  },
  {
    type: 'geometry_msgs/msg/TwistStamped',
    source: 'rosbags_rs_synthetic_common_types /test/geometry_msgs/twist_stamped',
    hex: '00010000fc6e446800a64b370b000000746573745f6672616d650000000000000000f03f0000000000000000000000000000000000000000000000000000000000000000000000000000e03f',
    message: {
      header: header(1749315324, 927704576),
      twist: { linear: { x: 1, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0.5 } },
    },
  },
];

describe('MessageRegistry: known ROS 2 byte vectors', () => {
  for (const v of VECTORS) {
    it(`encodes ${v.type} exactly as recorded (${v.source}, ${v.hex.length / 2} bytes)`, () => {
      expect(hexOf(registry.encode(v.type, v.message))).toBe(v.hex);
    });

    it(`decodes ${v.type} (${v.source}) to the documented fields`, () => {
      const decoded = registry.decode(v.type, bytesOf(v.hex));
      expect(plain(decoded)).toEqual(v.message);
      // Same bytes again from what was decoded (typed arrays as the decoder returns them).
      expect(hexOf(registry.encode(v.type, decoded))).toBe(v.hex);
    });
  }

  it('keeps IEEE negative zero (a recorded AMCL /tf has rotation.x = -0; CdrConformance checks that file byte for byte)', () => {
    const tf = {
      transforms: [
        {
          header: header(928, 800000000),
          child_frame_id: 'base_link',
          transform: { translation: { x: 1, y: 2, z: 0 }, rotation: { x: -0, y: 0, z: 0.0845, w: -0.9964 } },
        },
      ],
    };
    const bytes = registry.encode('tf2_msgs/msg/TFMessage', tf);
    const decoded = registry.decode<typeof tf>('tf2_msgs/msg/TFMessage', bytes);
    expect(Object.is(decoded.transforms[0]!.transform.rotation.x, -0)).toBe(true);
    expect(hexOf(registry.encode('tf2_msgs/msg/TFMessage', decoded))).toBe(hexOf(bytes));
  });

  it('decodes a big-endian payload (encapsulation 00 00)', () => {
    expect(registry.decode('rosgraph_msgs/msg/Clock', bytesOf('00000000' + '00000001' + '2fb4ecfd'))).toEqual({
      clock: { sec: 1, nanosec: 800386301 },
    });
  });
});

describe('MessageRegistry: errors', () => {
  const twist = VECTORS[0]!;

  it('a truncated payload is OUTPOST_ERR_CDR_DECODE naming the type and the byte count', () => {
    const cut = bytesOf(twist.hex).subarray(0, 44);
    const err = thrown(() => registry.decode('geometry_msgs/msg/Twist', cut));
    expect(err.code).toBe('OUTPOST_ERR_CDR_DECODE');
    expect(err.message).toMatch(/^geometry_msgs\/msg\/Twist: cannot decode 44 byte\(s\)/);
    const scan = VECTORS.find((v) => v.type === 'sensor_msgs/msg/LaserScan')!;
    const half = thrown(() => registry.decode(scan.type, bytesOf(scan.hex).subarray(0, 60)));
    expect(half).toMatchObject({
      code: 'OUTPOST_ERR_CDR_DECODE',
      message: expect.stringMatching(/sensor_msgs\/msg\/LaserScan: cannot decode 60 byte/),
    });
  });

  it('an empty or 3-byte buffer is OUTPOST_ERR_CDR_DECODE (no encapsulation header)', () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array([0, 1, 0])]) {
      const err = thrown(() => registry.decode('std_msgs/msg/String', bytes));
      expect(err.code).toBe('OUTPOST_ERR_CDR_DECODE');
      expect(err.message).toBe(
        `std_msgs/msg/String: expected at least the 4-byte CDR encapsulation header, got ${bytes.length} byte(s)`,
      );
    }
  });

  it('a wrong encapsulation header is OUTPOST_ERR_CDR_DECODE showing the header', () => {
    for (const head of ['0003', '0101', '000a']) {
      const bytes = bytesOf(head + twist.hex.slice(4));
      const err = thrown(() => registry.decode('geometry_msgs/msg/Twist', bytes));
      expect(err.code).toBe('OUTPOST_ERR_CDR_DECODE');
      expect(err.message).toContain(`got ${head.slice(0, 2)} ${head.slice(2)}`);
    }
  });

  it('an unknown type is OUTPOST_ERR_UNKNOWN_MESSAGE_TYPE for encode, decode and createDefault', () => {
    for (const fn of [
      () => registry.encode('nav2_msgs/msg/Costmap', {}),
      () => registry.decode('nav2_msgs/msg/Costmap', bytesOf(twist.hex)),
      () => registry.createDefault('geometry_msgs/msg/Twistt'),
    ]) {
      const err = thrown(fn);
      expect(err.code).toBe('OUTPOST_ERR_UNKNOWN_MESSAGE_TYPE');
      expect(err.message).toMatch(/is not known; expected a ROS 2 name like "geometry_msgs\/msg\/Twist"/);
    }
    expect(registry.has('nav2_msgs/msg/Costmap')).toBe(false);
  });

  it('encoding a non-object is OUTPOST_ERR_CDR_ENCODE saying what came', () => {
    for (const [value, shown] of [
      [null, 'null'],
      [42, '42'],
      ['twist', '"twist"'],
      [undefined, 'nothing'],
    ] as const) {
      const err = thrown(() => registry.encode('geometry_msgs/msg/Twist', value));
      expect(err).toEqual({
        code: 'OUTPOST_ERR_CDR_ENCODE',
        message: `geometry_msgs/msg/Twist: expected a message object, got ${shown}`,
      });
    }
  });

  it("a fixed-size array of the wrong length is OUTPOST_ERR_CDR_ENCODE with the writer's reason", () => {
    const err = thrown(() => registry.encode('sensor_msgs/msg/NavSatFix', { position_covariance: [1, 2, 3] }));
    expect(err.code).toBe('OUTPOST_ERR_CDR_ENCODE');
    expect(err.message).toMatch(
      /sensor_msgs\/msg\/NavSatFix: cannot encode: Expected 9 items for fixed-length array field position_covariance but received 3/,
    );
  });
});
