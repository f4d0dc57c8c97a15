import type { Context } from './Context.js';
import type { Node } from './Node.js';
import type { EndpointTable, NodeKind, NodeKindOptions } from './NodeKind.js';
import type { ParameterSpec } from './Parameter.js';

export type ParameterTable = Readonly<Record<string, ParameterSpec>>;

/** The TypeScript type of a parameter's value, from its spec (`choices` narrow a string). */
export type ParameterValueOf<S> = S extends { type: 'bool' }
  ? boolean
  : S extends { type: 'integer' | 'double' }
    ? number
    : S extends { type: 'string'; choices: readonly (infer C extends string)[] }
      ? C
      : S extends { type: 'string' }
        ? string
        : S extends { type: 'bool_array' }
          ? readonly boolean[]
          : S extends { type: 'string_array' }
            ? readonly string[]
            : readonly number[];

/** A node kind's parameters as one typed, read-only object (kept current when parameters are set). */
export type ParamsOf<P extends ParameterTable> = { readonly [K in keyof P]: ParameterValueOf<P[K]> };

/**
 * Everything about a node kind but how to build it: its name, parameters and endpoints. A node
 * class extends `KindNode<typeof spec>` to get `this.params` typed from it; `defineNodeKind` then
 * adds the constructor. Kept apart from `create` so the node class can refer to the spec's types
 * without a cycle.
 */
export interface NodeKindSpec<
  P extends ParameterTable = ParameterTable,
  Pub extends EndpointTable = EndpointTable,
  Sub extends EndpointTable = EndpointTable,
  Srv extends EndpointTable = EndpointTable,
  Cli extends EndpointTable = EndpointTable,
> {
  /** The `exec` name in launch files. */
  readonly name: string;
  /** One sentence for `outpost nodes`. */
  readonly description: string;
  /** Every parameter the node declares, besides `use_sim_time`. */
  readonly parameters: P;
  /** Topics it publishes: name pattern (relative, `{placeholder}` segments) → message type. */
  readonly publishes: Pub;
  /** Topics it subscribes to. */
  readonly subscribes: Sub;
  /** Services it offers: name pattern → service type. */
  readonly services: Srv;
  /** Services it calls. */
  readonly clients: Cli;
}

/**
 * Declares a node kind's spec. Literal types are kept (`type: 'double'`, message type names), so
 * `this.params.rate_hz` is a `number` and `this.publisher('cmd_vel')` a
 * `Publisher<'geometry_msgs/msg/Twist'>`.
 */
export function nodeKindSpec<
  const P extends ParameterTable,
  const Pub extends EndpointTable = Record<never, never>,
  const Sub extends EndpointTable = Record<never, never>,
  const Srv extends EndpointTable = Record<never, never>,
  const Cli extends EndpointTable = Record<never, never>,
>(input: {
  name: string;
  description: string;
  parameters: P;
  publishes?: Pub;
  subscribes?: Sub;
  services?: Srv;
  clients?: Cli;
}): NodeKindSpec<P, Pub, Sub, Srv, Cli> {
  return {
    name: input.name,
    description: input.description,
    parameters: input.parameters,
    publishes: input.publishes ?? ({} as Pub),
    subscribes: input.subscribes ?? ({} as Sub),
    services: input.services ?? ({} as Srv),
    clients: input.clients ?? ({} as Cli),
  };
}

/** A node kind made from its spec and the function that builds its node. */
export function defineNodeKind<S extends NodeKindSpec>(
  spec: S,
  create: (context: Context, options: NodeKindOptions) => Node,
): NodeKind & S {
  return { ...spec, create };
}
