import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@foxglove/rosmsg';
import { describe, expect, it } from 'vitest';
import { builtinInterfaceDirectory } from './InterfaceDirectory.js';
import { MessageRegistry } from './MessageRegistry.js';
import { defaultRegistry } from './defaultRegistry.js';
import { hexOf, plain, thrown } from './testing/registryTestHelpers.js';

const registry = defaultRegistry();

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
});
