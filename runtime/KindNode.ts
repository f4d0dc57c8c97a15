import type { Client } from './Client.js';
import type { Context } from './Context.js';
import type { NodeKindSpec, ParamsOf } from './defineNodeKind.js';
import { EndpointPattern } from './EndpointPattern.js';
import { Node, type EndpointOptions } from './Node.js';
import type { NodeKindOptions } from './NodeKind.js';
import { OutpostError } from './OutpostError.js';
import type { Publisher } from './Publisher.js';
import type { Service, ServiceCallback } from './Service.js';
import type { Subscription, SubscriptionCallback } from './Subscription.js';

export type EndpointRole = 'publishes' | 'subscribes' | 'services' | 'clients';

/** One endpoint a kind's node created, with the declared pattern it matched. */
export interface CreatedEndpoint {
  role: EndpointRole;
  /** The declared name pattern it matched. */
  pattern: string;
  /** The name as the node gave it (before namespace and remapping). */
  name: string;
  /** The fully resolved name. */
  resolved: string;
  type: string;
}

/** Values for a pattern's `{placeholders}`, e.g. `{ teammate: 'r2' }`. */
export type PatternValues = Readonly<Record<string, string>>;

export interface KindPublisherOptions extends EndpointOptions {
  /** Only send while the node is active (a lifecycle publisher). */
  lifecycle?: boolean;
  /** Values of the pattern's placeholders. */
  with?: PatternValues;
}

export interface KindSubscriptionOptions extends EndpointOptions {
  with?: PatternValues;
}

type Table = Readonly<Record<string, string>>;
type Key<T extends Table> = keyof T & string;

/**
 * The base class of every node kind's node. The kind's spec is the single source of truth: the
 * constructor declares every parameter from it and `params` reads them back typed; `publisher`,
 * `subscription`, `service` and `client` create endpoints by their declared name, so the type
 * comes from the table; and every endpoint the node creates, by whatever call, must match a
 * declared pattern and type or the call throws OUTPOST_ERR_UNDECLARED_ENDPOINT. What `outpost
 * nodes` prints is therefore what the node does.
 */
export class KindNode<S extends NodeKindSpec = NodeKindSpec> extends Node {
  readonly spec: S;
  readonly params: ParamsOf<S['parameters']>;
  #patterns: Record<EndpointRole, Array<{ pattern: EndpointPattern; type: string }>>;
  #created: CreatedEndpoint[] = [];

  constructor(spec: S, context: Context, options: NodeKindOptions) {
    super(options.name, options.namespace, context, options);
    this.spec = spec;
    const values: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(spec.parameters)) values[name] = this.declareParameter(name, p);
    this.params = values as ParamsOf<S['parameters']>;
    this.addPostSetParametersCallback((changed) => {
      for (const p of changed) if (Object.hasOwn(values, p.name)) values[p.name] = p.value;
    });
    const compile = (t: Table) => Object.entries(t).map(([p, type]) => ({ pattern: new EndpointPattern(p), type }));
    this.#patterns = {
      publishes: compile(spec.publishes),
      subscribes: compile(spec.subscribes),
      services: compile(spec.services),
      clients: compile(spec.clients),
    };
  }

  /** Every endpoint this node created so far, in order (for `outpost node info` and tests). */
  createdEndpoints(): readonly CreatedEndpoint[] {
    return this.#created;
  }

  // ---- typed creation from the spec ---------------------------------------------------------

  publisher<N extends Key<S['publishes']>>(name: N, options: KindPublisherOptions = {}): Publisher<S['publishes'][N]> {
    const topic = new EndpointPattern(name).fill(options.with);
    const type = this.spec.publishes[name]!;
    return (
      options.lifecycle
        ? this.createLifecyclePublisher(type, topic, options)
        : this.createPublisher(type, topic, options)
    ) as Publisher<S['publishes'][N]>;
  }

  subscription<N extends Key<S['subscribes']>>(
    name: N,
    options: KindSubscriptionOptions,
    callback: SubscriptionCallback<S['subscribes'][N]>,
  ): Subscription<S['subscribes'][N]> {
    const topic = new EndpointPattern(name).fill(options.with);
    return this.createSubscription(this.spec.subscribes[name]! as S['subscribes'][N], topic, options, callback);
  }

  service<N extends Key<S['services']>>(
    name: N,
    callback: ServiceCallback<S['services'][N]>,
    values?: PatternValues,
  ): Service<S['services'][N]> {
    return this.createService(
      this.spec.services[name]! as S['services'][N],
      new EndpointPattern(name).fill(values),
      callback,
    );
  }

  client<N extends Key<S['clients']>>(name: N, values?: PatternValues): Client<S['clients'][N]> {
    return this.createClient(this.spec.clients[name]! as S['clients'][N], new EndpointPattern(name).fill(values));
  }

  // ---- every creation is checked against the spec -----------------------------------------

  override createPublisher<T extends string>(typeName: T, topic: string, options: EndpointOptions = {}): Publisher<T> {
    this.#admit('publishes', topic, typeName);
    return super.createPublisher(typeName, topic, options);
  }

  override createLifecyclePublisher<T extends string>(
    typeName: T,
    topic: string,
    options: EndpointOptions = {},
  ): Publisher<T> {
    this.#admit('publishes', topic, typeName);
    return super.createLifecyclePublisher(typeName, topic, options);
  }

  override createSubscription<T extends string>(
    typeName: T,
    topic: string,
    options: EndpointOptions,
    callback: SubscriptionCallback<T>,
  ): Subscription<T> {
    this.#admit('subscribes', topic, typeName);
    return super.createSubscription(typeName, topic, options, callback);
  }

  override createService<T extends string>(typeName: T, serviceName: string, callback: ServiceCallback<T>): Service<T> {
    this.#admit('services', serviceName, typeName);
    return super.createService(typeName, serviceName, callback);
  }

  override createClient<T extends string>(typeName: T, serviceName: string): Client<T> {
    this.#admit('clients', serviceName, typeName);
    return super.createClient(typeName, serviceName);
  }

  #admit(role: EndpointRole, name: string, type: string): void {
    const hit = this.#patterns[role].find((p) => p.pattern.matches(name) && (p.type === '*' || p.type === type));
    if (hit === undefined) {
      const declared =
        Object.entries(this.spec[role])
          .map(([p, t]) => `${p} [${t}]`)
          .join(', ') || 'none';
      throw new OutpostError(
        'OUTPOST_ERR_UNDECLARED_ENDPOINT',
        `node kind "${this.spec.name}" (${this.getFullyQualifiedName()}) ${role} ${name} [${type}], which its spec does not declare; declared ${role}: ${declared}`,
      );
    }
    this.#created.push({ role, pattern: hit.pattern.source, name, resolved: this.resolveTopicName(name), type });
  }
}
