import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@foxglove/rosmsg';
import { describe, expect, it } from 'vitest';
import { isOutpostError, type OutpostErrorCode } from '../OutpostError.js';
import { builtinInterfaceDirectory } from './InterfaceDirectory.js';
import { MessageRegistry } from './MessageRegistry.js';
import { defaultRegistry } from './defaultRegistry.js';

const registry = defaultRegistry();

const header = (sec: number, nanosec: number) => ({ stamp: { sec, nanosec }, frame_id: 'test_frame' });

/**
 * Payloads recorded by ROS 2 tools with the message they decode to, from
 * test/conformance/bags/SOURCES.md and ../shared/conformance/bags/SOURCES.md (the `payloadHex` of each decoded example).
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
    type: 'tf2_msgs/msg/TFMessage',
    source: 'evo_nav2_turtlebot_sim /tf (rosbag2 recording; note the IEEE -0)',
    hex: '0001000001000000a00300000008af2f050000006f646f6d000000000a000000626173655f6c696e6b000000864aab44536a06c0841846678c90f13f000000000000000000000000000000800000000000000000a44aa77d9da6b53fac07db65a6e2efbf',
    message: {
      transforms: [
        {
          header: { stamp: { sec: 928, nanosec: 800000000 }, frame_id: 'odom' },
          child_frame_id: 'base_link',
          transform: {
            translation: { x: -2.8019166340612314, y: 1.0977901491292252, z: 0 },
            rotation: { x: -0, y: 0, z: 0.08457359616958599, w: -0.9964172353140746 },
          },
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

/** Typed arrays as plain arrays, so a decoded message compares with the documented one. */
function plain(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<unknown>);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const bytesOf = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

function thrown(fn: () => unknown): { code: OutpostErrorCode | undefined; message: string } {
  try {
    fn();
  } catch (err) {
    return { code: isOutpostError(err) ? err.code : undefined, message: (err as Error).message };
  }
  throw new Error('expected the call to throw');
}

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

  it('keeps IEEE negative zero (the real /tf rotation.x is -0)', () => {
    const tf = VECTORS.find((v) => v.source.startsWith('evo_nav2'))!;
    const decoded = registry.decode<{ transforms: Array<{ transform: { rotation: { x: number } } }> }>(
      tf.type,
      bytesOf(tf.hex),
    );
    expect(Object.is(decoded.transforms[0]!.transform.rotation.x, -0)).toBe(true);
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

describe('MessageRegistry: definitions', () => {
  const dir = builtinInterfaceDirectory();

  it('registers outpost_msgs/NodeEvent from its .msg file and encodes it', () => {
    const reg = new MessageRegistry();
    expect(reg.has('outpost_msgs/msg/NodeEvent')).toBe(false);
    reg.registerMessage(
      'outpost_msgs/msg/NodeEvent',
      readFileSync(join(dir, 'outpost_msgs', 'msg', 'NodeEvent.msg'), 'utf8'),
    );
    expect(reg.has('outpost_msgs/msg/NodeEvent')).toBe(true);
    expect(reg.types()).toContain('outpost_msgs/msg/NodeEvent');
    const def = reg.definitionsOf('outpost_msgs/msg/NodeEvent')[0]!;
    expect(def.definitions.filter((f) => f.isConstant === true).map((f) => `${f.name}=${String(f.value)}`)).toEqual([
      'STARTED=0',
      'TRANSITION=1',
      'EXITED=2',
      'RESPAWNING=3',
      'GAVE_UP=4',
      'STOPPED=5',
    ]);
    expect(def.definitions.filter((f) => f.isConstant !== true).map((f) => `${f.type} ${f.name}`)).toEqual([
      'time stamp',
      'string node',
      'uint8 event',
      'string state',
      'int32 pid',
      'int32 exit_code',
      'uint32 restart_count',
      'string detail',
    ]);
    const event = {
      stamp: { sec: 12, nanosec: 5 },
      node: '/r1/twist_publisher',
      event: 2,
      state: 'finalized',
      pid: 4242,
      exit_code: -1,
      restart_count: 3,
      detail: 'SIGKILL',
    };
    expect(reg.decode('outpost_msgs/msg/NodeEvent', reg.encode('outpost_msgs/msg/NodeEvent', event))).toEqual(event);
  });

  it('registers the std_srvs services as _Request/_Response pairs', () => {
    const reg = new MessageRegistry();
    for (const name of ['Empty', 'SetBool', 'Trigger']) {
      reg.registerService(`std_srvs/srv/${name}`, readFileSync(join(dir, 'std_srvs', 'srv', `${name}.srv`), 'utf8'));
    }
    expect(reg.serviceTypes()).toEqual(['std_srvs/srv/Empty', 'std_srvs/srv/SetBool', 'std_srvs/srv/Trigger']);
    expect(reg.hasService('std_srvs/srv/Trigger')).toBe(true);
    expect(reg.types()).not.toContain('std_srvs/srv/Trigger_Request'); // service halves are not topic types
    const res = { success: true, message: 'armed' };
    expect(reg.decode('std_srvs/srv/Trigger_Response', reg.encode('std_srvs/srv/Trigger_Response', res))).toEqual(res);
    expect(
      reg.decode('std_srvs/srv/SetBool_Request', reg.encode('std_srvs/srv/SetBool_Request', { data: true })),
    ).toEqual({ data: true });
    // An empty request is one uint8 on the wire, as rosidl adds `structure_needs_at_least_one_member`.
    expect(hexOf(reg.encode('std_srvs/srv/Trigger_Request', {}))).toBe('0001000000');
  });

  it('resolves same-package field types and Header, and rejects unknown field types', () => {
    const reg = new MessageRegistry();
    reg.registerMessage('outpost_msgs/msg/Tile', 'int32 x\nint32 y\nuint32 version\nint8[] cells');
    reg.registerMessage('outpost_msgs/msg/TileSet', 'Header header\nTile[] tiles\ngeometry_msgs/Pose origin');
    expect(reg.definitionsOf('outpost_msgs/msg/TileSet').map((d) => d.name)).toEqual([
      'outpost_msgs/TileSet',
      'std_msgs/Header',
      'outpost_msgs/Tile',
      'geometry_msgs/Pose',
      'geometry_msgs/Point',
      'geometry_msgs/Quaternion',
    ]);
    const set = reg.createDefault<{ tiles: unknown[] }>('outpost_msgs/msg/TileSet');
    set.tiles = [{ x: 1, y: -2, version: 7, cells: [0, 100, -1] }];
    expect(plain(reg.decode('outpost_msgs/msg/TileSet', reg.encode('outpost_msgs/msg/TileSet', set)))).toEqual(
      plain(set),
    );
    const unknown = thrown(() => reg.registerMessage('outpost_msgs/msg/Bad', 'Missing m'));
    expect(unknown).toEqual({
      code: 'OUTPOST_ERR_MESSAGE_DEFINITION',
      message:
        'message outpost_msgs/msg/Bad: field "m" has type outpost_msgs/Missing, which is not a known message type',
    });
    expect(thrown(() => reg.registerMessage('outpost_msgs/msg/Bad', 'int32 = 3')).code).toBe(
      'OUTPOST_ERR_MESSAGE_DEFINITION',
    );
    expect(thrown(() => reg.registerService('std_srvs/srv/Bad', 'bool data')).message).toBe(
      'service std_srvs/srv/Bad: expected a request and a response separated by one "---" line, got 1 part(s)',
    );
    expect(thrown(() => reg.registerMessage('Bad Name', 'int32 x')).code).toBe('OUTPOST_ERR_INVALID_NAME');
  });

  it('createDefault fills nested messages, fixed arrays and 64-bit integers', () => {
    expect(registry.createDefault('nav_msgs/msg/Odometry')).toEqual({
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' },
      child_frame_id: '',
      pose: {
        pose: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
        covariance: new Array(36).fill(0),
      },
      twist: {
        twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } },
        covariance: new Array(36).fill(0),
      },
    });
    expect(registry.createDefault('std_msgs/msg/Int64')).toEqual({ data: 0n });
    expect(registry.createDefault('tf2_msgs/msg/TFMessage')).toEqual({ transforms: [] });
    // Every default encodes and decodes back to itself.
    for (const type of [
      'nav_msgs/msg/Odometry',
      'sensor_msgs/msg/NavSatFix',
      'outpost_msgs/msg/NodeEvent',
      'sensor_msgs/msg/BatteryState',
    ]) {
      const d = registry.createDefault(type);
      expect(plain(registry.decode(type, registry.encode(type, d)))).toEqual(plain(d));
    }
  });

  it('definitionText is the MCAP ros2msg schema form and parses back to the same definitions', () => {
    const text = registry.definitionText('geometry_msgs/msg/TwistStamped');
    expect(text.split('\n').slice(0, 5)).toEqual([
      'std_msgs/Header header',
      'geometry_msgs/Twist twist',
      '='.repeat(80),
      'MSG: std_msgs/Header',
      'time stamp',
    ]);
    expect(text).toContain('MSG: geometry_msgs/Vector3\nfloat64 x\nfloat64 y\nfloat64 z');
    expect(registry.definitionText('sensor_msgs/msg/NavSatFix')).toContain(
      'float64[9] position_covariance\nuint8 COVARIANCE_TYPE_UNKNOWN=0',
    );
    const sig = (f: {
      type: string;
      name: string;
      isArray?: boolean;
      arrayLength?: number;
      isConstant?: boolean;
      value?: unknown;
    }): string =>
      `${f.type}${f.isArray === true ? `[${f.arrayLength ?? ''}]` : ''} ${f.name}${f.isConstant === true ? `=${String(f.value)}` : ''}`;
    for (const type of [...registry.types(), 'std_srvs/srv/Trigger_Response']) {
      const parsed = parse(registry.definitionText(type), { ros2: true, skipTypeFixup: true });
      expect(parsed.map((d) => d.definitions.map(sig))).toEqual(
        registry.definitionsOf(type).map((d) => d.definitions.map(sig)),
      );
    }
  });

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
