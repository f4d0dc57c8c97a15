import type { Clock } from './clock/Clock.js';
import type { Context } from './Context.js';
import type { Node } from './Node.js';
import { OutpostError } from './OutpostError.js';
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
 * Endpoint name pattern (see EndpointPattern: relative to the node, `{placeholder}` segments) →
 * ROS 2 type name. `*` as the type means "the type the node's parameters give" (a fleet route).
 */
export type EndpointTable = Readonly<Record<string, string>>;

/**
 * A kind of node that launch files can start by `exec` name under `pkg: outpost`, like a ROS 2
 * component. Everything here is static so that a launch file is checked (unknown parameter,
 * wrong type, out of range) before anything starts, and so `outpost nodes` can print it. Built
 * with `defineNodeKind`, whose nodes can only create the endpoints listed here.
 */
export interface NodeKind {
  /** The `exec` name in launch files, e.g. `twist_publisher`. */
  readonly name: string;
  readonly description: string;
  /** Every parameter the node declares, besides `use_sim_time` which every node has. */
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
  /** Topics the node publishes. */
  readonly publishes: EndpointTable;
  /** Topics the node subscribes to. */
  readonly subscribes: EndpointTable;
  /** Services the node offers. */
  readonly services: EndpointTable;
  /** Services the node calls. */
  readonly clients: EndpointTable;
  create(context: Context, options: NodeKindOptions): Node;
}

/** The node kinds a launcher knows, keyed by exec name. */
export class NodeKindRegistry {
  #kinds = new Map<string, NodeKind>();

  register(kind: NodeKind): this {
    if (this.#kinds.has(kind.name)) {
      throw new OutpostError('OUTPOST_ERR_INVALID_ARGUMENT', `node kind "${kind.name}" is registered twice`);
    }
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
