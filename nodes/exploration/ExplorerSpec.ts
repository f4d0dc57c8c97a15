import { nodeKindSpec } from '../../runtime/index.js';
import { policyHostParameters } from '../../runtime/policy/NodePolicyHost.js';
import { explorerPolicies } from './ExplorerPolicies.js';
import { teamParameters } from './SharedPoses.js';

const m = (description: string, d: number, from = 0.01, to = 1000) => ({
  type: 'double' as const,
  default: d,
  unit: 'm',
  range: { from, to },
  description,
});
const s = (description: string, d: number, from = 0, to = 1e6) => ({
  type: 'double' as const,
  default: d,
  unit: 's',
  range: { from, to },
  description,
});

/** The `explorer` node kind's parameters and endpoints (ExplorerNode builds the node). */
export const explorerSpec = nodeKindSpec({
  name: 'explorer',
  description:
    'IR2-style exploration: viewpoint graph of the merged map, a named policy, goals for the planner, pose sharing with teammates.',
  parameters: {
    policy: {
      type: 'string',
      default: 'nearest_frontier',
      choices: Object.keys(explorerPolicies),
      description:
        'Exploration policy, by name (explorerPolicies); "ir2": the learned IR2-contract ONNX policy at model_path through the policy host (falls back to the card\'s classical policy); "expert": the privileged expert of imitation learning (simulation only, needs ground_truth_map).',
    },
    ...policyHostParameters,
    ground_truth_map: {
      type: 'string',
      default: '',
      description:
        'Simulation only: the true world (map_server YAML) for the privileged expert that labels decisions for imitation learning (training/). Empty: none.',
    },
    record_dir: {
      type: 'string',
      default: '',
      description:
        "Simulation only: append every decision (IR2 observation + the expert's choice) to <record_dir>/<robot>.opd (DecisionRecorder format). Needs ground_truth_map.",
    },
    expert_mix: {
      type: 'double',
      default: 0,
      range: { from: 0, to: 1 },
      description:
        'Simulation only (DAgger): probability that a decision follows the expert instead of `policy`. Needs ground_truth_map.',
    },
    expert_seed: {
      type: 'integer',
      default: 1,
      description: "Seed of the expert_mix draws (combined with the robot's index).",
    },
    ...teamParameters("teammates' poses come on fleet/{teammate}/pose, their goals on fleet/{teammate}/goal"),
    map_topic: { type: 'string', default: 'fleet/map', description: 'The team-merged nav_msgs/OccupancyGrid.' },
    status_topics: {
      type: 'string_array',
      default: ['planner/status', 'controller/status'],
      description: 'outpost_msgs/NavStatus topics reporting on the current goal.',
    },
    reached_values: {
      type: 'string_array',
      default: ['reached'],
      description: 'NavStatus states meaning the goal was reached: choose the next one.',
    },
    failed_values: {
      type: 'string_array',
      default: ['unreachable', 'aborted'],
      description: 'NavStatus states meaning the goal failed: blacklist it and choose another.',
    },
    map_frame: {
      type: 'string',
      default: 'map',
      description: 'Frame of goals, shared poses and markers (REP-105); odom poses must be in it.',
    },
    decision_hz: {
      type: 'double',
      default: 1,
      unit: 'Hz',
      range: { from: 0.01, to: 50 },
      description: 'How often the policy decides (and the graph is rebuilt if the map changed or the robot moved).',
    },
    pose_hz: {
      type: 'double',
      default: 2,
      unit: 'Hz',
      range: { from: 0.01, to: 50 },
      description: "How often this robot's pose is published on `pose` for teammates.",
    },
    rebuild_distance: m(
      'The graph is rebuilt when the robot has moved this far since the last build (or the map changed).',
      0.3,
    ),
    goal_tolerance: m('A new choice closer than this to the current goal does not replace it.', 0.3, 0, 1000),
    min_step: m(
      'Stepwise policies (ir2, expert): neighbours of the current node closer than this are not offered, so each step moves the robot.',
      0.6,
      0,
      1000,
    ),
    blacklist_duration: s('How long a failed goal is avoided.', 30),
    blacklist_radius: m('Nodes this close to a failed goal are avoided.', 0.5, 0, 1000),
    goal_separation: m(
      'Classical policies: nodes this close to the goal of an in-contact teammate earlier in the team list are left to it (0: no deconfliction).',
      2,
      0,
      1000,
    ),
    contact_timeout: s(
      'A teammate not heard for this long counts as out of contact (rendezvous utility toward it).',
      5,
      0.01,
    ),
    free_threshold: {
      type: 'integer',
      default: 25,
      range: { from: 0, to: 100 },
      description: 'Occupancy values up to this one are free (map_server free_thresh × 100).',
    },
    occupied_threshold: {
      type: 'integer',
      default: 65,
      range: { from: 1, to: 100 },
      description:
        'Occupancy values from this one up are occupied (map_server occupied_thresh × 100); values between the thresholds, like −1, are unknown.',
    },
    sensor_range: m(
      'Utility range: frontiers within it in line of sight count (IR2 SENSOR_RANGE/UTILITY_CALC_RANGE).',
      4,
    ),
    local_radius: m('Half-width of the square of dense nodes around the robot (IR2 CUR_AGENT_KNN_RAD).', 4),
    teammate_radius: m(
      'Half-width of the square of dense nodes around each believed teammate (IR2 OTHER_AGENT_KNN_RAD).',
      1,
    ),
    node_spacing: m('Spacing of the dense node lattice.', 0.65),
    route_spacing: m("Spacing of sparse nodes along the robots' routes (IR2 GLOBAL_GRAPH_UNIQUE_RAD).", 1.5),
    offshoot_spacing: m(
      'Spacing of sparse offshoot nodes toward high utility (IR2 GLOBAL_GRAPH_OFFSHOOT_UNIQUE_RAD).',
      2,
    ),
    max_edge_length: m('Longest graph edge (IR2 GLOBAL_GRAPH_KNN_RAD).', 8),
    k: {
      type: 'integer',
      default: 30,
      range: { from: 2, to: 30 },
      description: 'Neighbours per node, self included (IR2 K_SIZE; the learned policy expects 30).',
    },
    frontier_block: {
      type: 'integer',
      default: 4,
      range: { from: 1, to: 64 },
      description: 'Frontiers are found on blocks of this many cells a side (IR2 downsamples by 4).',
    },
    distance_offset: m('utility_greedy / preplanned_rendezvous: score = utility / (path length + this).', 1),
    switch_ratio: {
      type: 'double',
      default: 1.5,
      range: { from: 1, to: 100 },
      description:
        'utility_greedy / preplanned_rendezvous: the current goal is kept (while it has utility and is not reached) unless another node scores this many times better; 1 = re-choose from scratch every decision.',
    },
    explore_budget: s('preplanned_rendezvous: exploring time per round.', 120),
    return_allowance: s('preplanned_rendezvous: the meeting is due this long after the exploring budget ends.', 60),
    rendezvous_wait: s('preplanned_rendezvous: how long to wait at the meeting place after the meeting time.', 20),
    nominal_speed: {
      type: 'double',
      default: 0.3,
      unit: 'm/s',
      range: { from: 0.01, to: 100 },
      description: 'preplanned_rendezvous: speed assumed for the way back, to leave in time.',
    },
    arrival_radius: m('preplanned_rendezvous: this close to the meeting place counts as arrived.', 1),
    rendezvous_xy: {
      type: 'double_array',
      default: [] as number[],
      unit: 'm',
      description: 'preplanned_rendezvous: meeting place [x, y] in the map frame; empty: where this robot started.',
      check: (v: unknown) =>
        (v as number[]).length === 0 || (v as number[]).length === 2 ? undefined : 'expected [] or [x, y]',
    },
  },
  publishes: {
    goal: 'geometry_msgs/msg/PoseStamped',
    pose: 'geometry_msgs/msg/PoseStamped',
    '~/done': 'std_msgs/msg/Bool',
    '~/graph': 'visualization_msgs/msg/MarkerArray',
    // Policy ir2: the policy host's latency and fallback diagnostics.
    '/diagnostics': 'diagnostic_msgs/msg/DiagnosticArray',
  },
  subscribes: {
    // The topics `map_topic` and `status_topics` name (default fleet/map; planner/status, controller/status).
    '{map_topic*}': 'nav_msgs/msg/OccupancyGrid',
    '{status_topic*}': 'outpost_msgs/msg/NavStatus',
    odom: 'nav_msgs/msg/Odometry',
    'fleet/{teammate}/goal': 'geometry_msgs/msg/PoseStamped',
    'fleet/{teammate}/pose': 'geometry_msgs/msg/PoseStamped',
    // Simulation only (ground_truth_map): the teammates' true poses for the privileged expert.
    '/{teammate}/odom': 'nav_msgs/msg/Odometry',
  },
});
