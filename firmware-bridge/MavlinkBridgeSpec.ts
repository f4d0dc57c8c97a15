import { nodeKindSpec, type ParamsOf } from '../runtime/index.js';
import { relativeTopicCheck } from '../runtime/topicNameParameter.js';

const num = (d: number, unit: string, from: number, to: number, description: string) => ({
  type: 'double' as const,
  default: d,
  unit,
  range: { from, to },
  description,
});
const id = (d: number, description: string) => ({
  type: 'integer' as const,
  default: d,
  range: { from: 0, to: 255 },
  description,
});

/**
 * The node kind `mavlink_bridge`: its parameters and the endpoints `MavlinkBridgeNode` creates.
 */
export const mavlinkBridgeSpec = nodeKindSpec({
  name: 'mavlink_bridge',
  description:
    'MAVLink v2 companion link to PX4/ArduPilot: heartbeat, link loss, arm/mode with ACK and retry, cmd_vel/goal setpoints, odom/gps/battery/status telemetry (ENU/FLU).',
  parameters: {
    link: {
      type: 'string',
      default: 'serial:///dev/ttyACM0:921600',
      description:
        'Byte link URL: serial:///dev/X:BAUD, tcp://host:port (SITL 5760), udp://[host]:port (listen), udpout://host:port.',
    },
    system_id: id(1, "Our MAVLink system id (a companion computer shares the autopilot's)."),
    component_id: id(191, 'Our component id: 191 = MAV_COMP_ID_ONBOARD_COMPUTER.'),
    target_system: id(1, "The autopilot's system id."),
    target_component: id(1, "The autopilot's component id (1 = MAV_COMP_ID_AUTOPILOT1)."),
    link_timeout: num(
      4.5,
      's',
      0.1,
      600,
      'Link lost when no autopilot HEARTBEAT (1 Hz) came for this long (~4–5 missed).',
    ),
    command_timeout: num(0.5, 's', 0.01, 60, 'Wait this long for COMMAND_ACK before resending.'),
    command_retries: {
      type: 'integer',
      default: 3,
      range: { from: 0, to: 100 },
      description: 'Resends of a COMMAND_LONG without ACK.',
    },
    mode_confirm_timeout: num(
      2.5,
      's',
      0.01,
      60,
      'A mode change fails if the HEARTBEAT does not show it this long after the ACK.',
    ),
    offboard_warmup: num(
      0.5,
      's',
      0,
      60,
      'Before asking for OFFBOARD, stream setpoints for this long (PX4 rejects OFFBOARD without a stream).',
    ),
    velocity_frame: {
      type: 'string',
      default: 'local_ned',
      choices: ['local_ned', 'body_ned'],
      description:
        'cmd_vel as LOCAL_NED velocity (rotated by the heading from ATTITUDE; any autopilot) or MAV_FRAME_BODY_NED (the autopilot rotates it; PX4, ArduPilot).',
    },
    auto_offboard: {
      type: 'bool',
      default: false,
      description:
        'Arm and enter OFFBOARD by itself while connected (again after a failsafe). For simulation and benches, not for a real vehicle.',
    },
    odom_topic: {
      type: 'string',
      default: 'odom',
      check: relativeTopicCheck(),
      description: "Topic for the autopilot's odometry (relative to the namespace).",
    },
    setpoint_hz: num(
      10,
      'Hz',
      2.5,
      200,
      'SET_POSITION_TARGET_LOCAL_NED stream rate; PX4 needs more than 2 Hz to enter and stay in OFFBOARD.',
    ),
    cmd_vel_timeout: num(0.5, 's', 0.01, 60, 'A cmd_vel older than this streams zero velocity (hover).'),
    odom_frame: { type: 'string', default: 'odom', description: 'frame_id of odometry (ENU, REP-105).' },
    base_frame: { type: 'string', default: 'base_link', description: 'child_frame_id of odometry (FLU).' },
    gps_frame: { type: 'string', default: 'gps', description: 'frame_id of NavSatFix.' },
    signing_key: {
      type: 'string',
      default: '',
      description: 'MAVLink 2 signing secret as 64 hex digits; empty: no signing.',
      check: (v) =>
        (v as string) === '' || /^[0-9a-fA-F]{64}$/.test(v as string)
          ? undefined
          : 'expected 64 hex digits (a 32-byte key) or ""',
    },
    signing_link_id: id(0, 'Link id in our signatures.'),
    accept_unsigned: { type: 'bool', default: false, description: 'With a signing key: also accept unsigned frames.' },
    reconnect_initial_s: num(0.05, 's', 0.001, 60, 'First delay before reopening a lost link (doubles each try).'),
    reconnect_max_s: num(2, 's', 0.001, 600, 'Longest delay between reopen attempts.'),
  },
  publishes: {
    '{odom_topic*}': 'nav_msgs/msg/Odometry',
    'gps/fix': 'sensor_msgs/msg/NavSatFix',
    battery: 'sensor_msgs/msg/BatteryState',
    '~/status': 'outpost_msgs/msg/VehicleStatus',
  },
  subscribes: { cmd_vel: 'geometry_msgs/msg/Twist', goal: 'geometry_msgs/msg/PoseStamped' },
  services: { '~/arm': 'std_srvs/srv/SetBool', '~/set_mode': 'outpost_msgs/srv/SetMode' },
});

/** The bridge's parameters as read back (live: a parameter change shows at the next read). */
export type MavlinkBridgeParams = ParamsOf<(typeof mavlinkBridgeSpec)['parameters']>;
