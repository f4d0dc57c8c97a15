import type { NodeKindRegistry } from '../runtime/NodeKind.js';
import type { SourceLocation } from '../runtime/OutpostError.js';
import type { ParameterValue } from '../runtime/Parameter.js';
import type { Remap } from '../runtime/TopicName.js';
import { LaunchLoader } from './LaunchLoader.js';

export type { SourceLocation };

/** One node a launch file starts, fully resolved: what a launcher needs and nothing to look up. */
export interface LaunchNodeSpec {
  /** Always 'outpost': the one package whose node kinds Outpost runs. */
  pkg: string;
  /** The node kind (`exec` in the launch file), registered in the NodeKindRegistry. */
  kind: string;
  /** Node name; defaults to `exec`. */
  name: string;
  /** Normalised namespace, '/' or '/r1' or '/fleet/r1'. */
  namespace: string;
  /**
   * Parameter values the launch sets (set_parameter, parameter files, `param`), in that order of
   * precedence (later wins), each checked and typed against the kind's table (+ `use_sim_time`).
   * Parameters left unset are absent: the node takes its declared default.
   */
  parameters: Record<string, ParameterValue>;
  /** Remapping rules, `set_remap` ones in scope first, then the node's own, in the order given. */
  remappings: Remap[];
  /** Restart the node when it exits; default false. */
  respawn: boolean;
  /** Seconds to wait before a restart; default 0. */
  respawnDelay: number;
  /** Restarts allowed; -1 (the default, as launch_ros) is unlimited. */
  respawnMaxRetries: number;
  /** Outpost extension `process: true`: run the node in its own child process; default false. */
  process: boolean;
  /** Extra environment variables for the node's process (`env: [{name, value}]`). */
  env: Record<string, string>;
  /** Where the `node` action is written. */
  location: SourceLocation;
}

/** A launch file read, resolved and checked, with nothing started. */
export interface LaunchPlan {
  /** Absolute path of the launch file. */
  file: string;
  /** The top-level file's arguments as they resolved (given, or their default). */
  arguments: Record<string, string>;
  nodes: LaunchNodeSpec[];
  /** Every file read (absolute paths, first read first): the launch file, includes, parameter files. */
  files: string[];
}

export interface LoadLaunchOptions {
  /** `name:=value` pairs from the command line; each must be declared by an `arg` of the file. */
  arguments?: Record<string, string>;
  /** The node kinds `exec` may name. */
  registry: NodeKindRegistry;
  /** What `$(env ...)` reads; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Reads a ROS 2 launch YAML file (and what it includes) into a plan, checking everything that can
 * be checked before a node starts. Throws OutpostError (OUTPOST_ERR_LAUNCH_*, _UNKNOWN_NODE_KIND,
 * _UNKNOWN_PARAMETER, _PARAMETER_TYPE/_RANGE, _PARAMETER_FILE) with `file:line:col` in the message
 * and in `error.location`.
 */
export function loadLaunchFile(path: string, options: LoadLaunchOptions): LaunchPlan {
  return new LaunchLoader(options).load(path);
}
