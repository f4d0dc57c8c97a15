import type { Clock } from './clock/Clock.js';
import type { Context } from './Context.js';
import type { Node } from './Node.js';
import type { ParameterSpec } from './Parameter.js';
import type { Remap } from './TopicName.js';

/** What a launch file gives a node when it creates one. */
export interface NodeKindOptions {
  name: string;
  namespace: string;
  /** Parameter values from the launch file and parameter files, already checked against `parameters`. */
  parameterOverrides: Record<string, unknown>;
  remappings: Remap[];
  /** A clock to run on instead of the context's (tests pass a ManualClock). */
  clock?: Clock;
}

/**
 * A kind of node that launch files can start by `exec` name under `pkg: outpost`, like a ROS 2
 * component. The parameter table is static so that a launch file is checked (unknown parameter,
 * wrong type, out of range) before anything starts, and so `outpost nodes` can list it.
 */
export interface NodeKind {
  /** The `exec` name in launch files, e.g. `twist_publisher`. */
  readonly name: string;
  readonly description: string;
  /** Every parameter the node declares, besides `use_sim_time` which every node has. */
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  /** Topics the node publishes and subscribes, relative to its namespace, for `outpost nodes`. */
  readonly publishes?: Readonly<Record<string, string>>;
  readonly subscribes?: Readonly<Record<string, string>>;
  create(context: Context, options: NodeKindOptions): Node;
}

/** The node kinds a launcher knows, keyed by exec name. */
export class NodeKindRegistry {
  #kinds = new Map<string, NodeKind>();

  register(kind: NodeKind): this {
    if (this.#kinds.has(kind.name)) throw new Error(`node kind "${kind.name}" is registered twice`);
    this.#kinds.set(kind.name, kind);
    return this;
  }

  get(name: string): NodeKind | undefined {
    return this.#kinds.get(name);
  }

  names(): string[] {
    return [...this.#kinds.keys()].sort();
  }

  all(): NodeKind[] {
    return this.names().map((n) => this.#kinds.get(n)!);
  }
}
