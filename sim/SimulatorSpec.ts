import { nodeKindSpec } from '../runtime/index.js';
import { firmwareModels } from './firmware/firmwareModels.js';
import { radioModels } from './radio/RadioModels.js';
import { checkSimMap } from './SimWorld.js';
import { vehicleModels } from './vehicles/vehicleModels.js';

/** The `simulator` node kind's parameters and endpoints (SimulatorNode builds the node). */
export const simulatorSpec = nodeKindSpec({
  name: 'simulator',
  description:
    'Simulates the world, vehicles, lidars and radio; publishes /clock and steps in lock-step with the nodes.',
  parameters: {
    map: {
      type: 'string',
      default: 'generate:rooms',
      description: 'A map_server YAML file, or "generate:<kind>" for a seeded world.',
      check: checkSimMap,
    },
    world_width: {
      type: 'integer',
      default: 320,
      range: { from: 16, to: 8192 },
      description: 'Generated world width in cells.',
    },
    world_height: {
      type: 'integer',
      default: 240,
      range: { from: 16, to: 8192 },
      description: 'Generated world height in cells.',
    },
    world_resolution: {
      type: 'double',
      default: 0.1,
      unit: 'm',
      range: { from: 0.01, to: 10 },
      description: 'Generated world cell edge.',
    },
    robots: { type: 'integer', default: 4, range: { from: 1, to: 16 }, description: 'Robots r1..rN.' },
    seed: {
      type: 'integer',
      default: 1,
      range: { from: 0, to: 2 ** 31 - 1 },
      description: 'Seed of everything random in the run.',
    },
    start: {
      type: 'double_array',
      default: [] as number[],
      unit: 'm',
      description: 'Where the robots start, [x, y]; empty: the free cell nearest the map centre.',
      check: (v: unknown) =>
        (v as number[]).length === 0 || (v as number[]).length === 2 ? undefined : 'expected [] or [x, y]',
    },
    vehicle: {
      type: 'string',
      default: 'diff_drive',
      choices: Object.keys(vehicleModels),
      description: 'Vehicle model.',
    },
    robot_radius: {
      type: 'double',
      default: 0.2,
      unit: 'm',
      range: { from: 0.01, to: 5 },
      description: 'Footprint disc radius.',
    },
    max_linear: { type: 'double', default: 1.0, unit: 'm/s', range: { from: 0, to: 50 }, description: 'Speed limit.' },
    max_angular: {
      type: 'double',
      default: 2.0,
      unit: 'rad/s',
      range: { from: 0, to: 50 },
      description: 'Yaw rate limit.',
    },
    dt: { type: 'double', default: 0.05, unit: 's', range: { from: 0.001, to: 1 }, description: 'Physics step.' },
    odom_hz: { type: 'double', default: 20, unit: 'Hz', range: { from: 0.1, to: 1000 }, description: 'Odometry rate.' },
    scan_hz: { type: 'double', default: 10, unit: 'Hz', range: { from: 0.1, to: 1000 }, description: 'Lidar rate.' },
    radio_hz: {
      type: 'double',
      default: 2,
      unit: 'Hz',
      range: { from: 0.1, to: 100 },
      description: 'How often the radio model re-evaluates links.',
    },
    lidar_beams: {
      type: 'integer',
      default: 360,
      range: { from: 3, to: 10000 },
      description: 'Beams per scan over 360°.',
    },
    lidar_range: {
      type: 'double',
      default: 8,
      unit: 'm',
      range: { from: 0.1, to: 200 },
      description: 'Maximum range.',
    },
    lidar_noise: {
      type: 'double',
      default: 0.01,
      unit: 'm',
      range: { from: 0, to: 1 },
      description: 'Range noise standard deviation.',
    },
    radio: {
      type: 'string',
      default: 'line_of_sight',
      description: 'Radio model.',
      check: (v: unknown) =>
        Object.hasOwn(radioModels, v as string) ? undefined : `expected one of ${Object.keys(radioModels).join(', ')}`,
    },
    speed: {
      type: 'double',
      default: 0,
      range: { from: 0, to: 10000 },
      description: 'Pace against the wall clock: 1 real time, N×, 0 as fast as possible.',
    },
    until_coverage: {
      type: 'double',
      default: 0.99,
      range: { from: 0, to: 1 },
      description: 'Stop when the team knows this fraction of the free space.',
    },
    until_time_s: {
      type: 'double',
      default: 0,
      unit: 's',
      range: { from: 0, to: 1e7 },
      description: 'Stop at this sim time; 0: no limit.',
    },
    coverage_map_topic: {
      type: 'string',
      default: 'fleet/map',
      description: "Each robot's map that coverage is measured on (relative to /rX).",
    },
    fleet_sync: {
      type: 'bool',
      default: true,
      description: "Lock-step with each robot's fleet_link (/rX/fleet_link/sync) after every step.",
    },
    policy_label: { type: 'string', default: '', description: 'Policy name written into the report.' },
    wait_for_launch: {
      type: 'double',
      default: 0,
      unit: 's',
      range: { from: 0, to: 3600 },
      description:
        "Before the clock moves, wait up to this long (wall time) for the launcher's latched /outpost/launch_ready, so every node of the launch starts at sim time 0 (repeatable runs). 0: start at once.",
    },
    firmware: {
      type: 'string',
      default: 'none',
      choices: Object.keys(firmwareModels),
      description:
        "none: vehicles take /rX/cmd_vel directly. serial: each robot's motor_bridge talks over a socat pty pair (<firmware_dir>/rX-motor) to a simulated motor controller that drives the vehicle (the hardware path). mavlink: each robot's mavlink_bridge talks over a pty (<firmware_dir>/rX-mavlink) to a simulated autopilot that drives the vehicle.",
    },
    firmware_dir: {
      type: 'string',
      default: '/tmp/outpost-firmware',
      description: 'Where the pty links go with firmware: serial (created; one directory per run).',
    },
    firmware_late_ms: {
      type: 'double',
      default: 200,
      unit: 'ms',
      range: { from: 1, to: 60_000 },
      description:
        'firmware: serial: how long a step waits for the latest command to cross the pty before it goes on (counted as late).',
    },
    wheel_radius: {
      type: 'double',
      default: 0.05,
      unit: 'm',
      range: { from: 0.001, to: 10 },
      description: "firmware: serial: the simulated motor controller's wheel radius (match the motor_bridge's).",
    },
    wheel_separation: {
      type: 'double',
      default: 0.3,
      unit: 'm',
      range: { from: 0.01, to: 10 },
      description: "firmware: serial: the simulated wheel separation (match the motor_bridge's).",
    },
  },
  publishes: {
    '/clock': 'rosgraph_msgs/msg/Clock',
    '/tf': 'tf2_msgs/msg/TFMessage',
    '/outpost/fleet/link_states': 'outpost_msgs/msg/LinkStateArray',
    '/sim/status': 'outpost_msgs/msg/SimStatus',
    '/sim/report': 'std_msgs/msg/String',
    '/map_metadata': 'nav_msgs/msg/MapMetaData',
    '/{robot}/odom': 'nav_msgs/msg/Odometry',
    '/{robot}/scan': 'sensor_msgs/msg/LaserScan',
  },
  subscribes: {
    '/{robot}/cmd_vel': 'geometry_msgs/msg/Twist',
    // Each robot's map that coverage is measured on (`coverage_map_topic`, default fleet/map).
    '/{robot}/{coverage_map_topic*}': 'nav_msgs/msg/OccupancyGrid',
    // Fleet traffic for the report, from each fleet_link's diagnostics.
    '/diagnostics': 'diagnostic_msgs/msg/DiagnosticArray',
    // With wait_for_launch: the launcher's latched "every node is up".
    '/outpost/launch_ready': 'std_msgs/msg/Bool',
  },
  // With fleet_sync: lock-step with each robot's fleet_link.
  clients: { '/{robot}/fleet_link/sync': 'outpost_msgs/srv/FleetSync' },
});
