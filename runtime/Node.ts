import type { Logger } from 'pino';
import { Client } from './Client.js';
import type { Clock } from './clock/Clock.js';
import { subscribeSimClock } from './clock/subscribeSimClock.js';
import { Context } from './Context.js';
import { NodeEndpoints } from './NodeEndpoints.js';
import {
  Lifecycle,
  type LifecycleState,
  type LifecycleTransition,
  type TransitionCallback,
  type TransitionOutcome,
} from './Lifecycle.js';
import type { MessageOf } from './msg/MessageTypes.js';
import { OutpostError, describeValue } from './OutpostError.js';
import { NodeParameters, type OnSetCallback } from './NodeParameters.js';
import {
  type Parameter,
  type ParameterDescriptor,
  ParameterType,
  type ParameterSpec,
  type ParameterValue,
  type SetParametersResult,
} from './Parameter.js';
import { Publisher } from './Publisher.js';
import { resolveQoS, type QoSLike } from './QoS.js';
import { Service, type ServiceCallback } from './Service.js';
import { Subscription, type SubscriptionCallback } from './Subscription.js';
import { Timer } from './Timer.js';
import type { Time } from './Time.js';
import { joinName, normalizeNamespace, resolveTopicName, validateNodeName, type Remap } from './TopicName.js';
import { advertiseLifecycleServices } from './LifecycleServices.js';
import { advertiseParameterServices, type BuiltinServiceFactory } from './ParameterServices.js';
import { ROSOUT_QOS, RosoutLog } from './RosoutLog.js';
import type { NodeHandle } from './transport/Transport.js';

export interface NodeOptions {
  /** Values that replace declared defaults (from launch files and parameter files). */
  parameterOverrides?: Record<string, unknown>;
  /** Topic and service remapping rules, applied to fully expanded names. */
  remappings?: readonly Remap[];
  /** A clock to use instead of the context's (a ManualClock in tests); overrides `use_sim_time`. */
  clock?: Clock;
}

export interface EndpointOptions {
  qos?: QoSLike;
}

/**
 * A ROS 2-shaped node: publishers, subscriptions, timers, services and clients, parameters, a
 * clock and a logger, with the managed-node lifecycle. Its API follows rclnodejs 2.x so code moves
 * between Outpost and ROS 2. Every Outpost node is a lifecycle node: override the `on*` methods
 * (or `registerOn*`) to acquire resources in configure/activate and release them in
 * deactivate/cleanup.
 */
export class Node {
  readonly context: Context;
  #name: string;
  #namespace: string;
  #handle: NodeHandle;
  #logger: Logger;
  #clock: Clock;
  #remaps: readonly Remap[];
  #parameters: NodeParameters;
  #endpoints = new NodeEndpoints();
  #lifecycle: Lifecycle;
  #destroyed = false;
  #droppedInactive = 0;
  #rosout: RosoutLog | undefined;

  constructor(name: string, namespace = '', context?: Context, options: NodeOptions = {}) {
    validateNodeName(name);
    this.context = context ?? new Context();
    this.#name = name;
    this.#namespace = normalizeNamespace(namespace);
    this.#remaps = options.remappings ?? [];
    const fqn = this.getFullyQualifiedName();
    this.#parameters = new NodeParameters(fqn, options.parameterOverrides);
    this.#logger = this.context.logger.child({ node: fqn });
    if (this.context.rosoutLevel !== 'off') {
      this.#rosout = new RosoutLog(fqn, this.context.rosoutLevel, () => this.#clock.now());
      this.#logger = this.#rosout.wrap(this.#logger);
    }
    this.#handle = this.context.transport.createNodeHandle(fqn);
    this.#lifecycle = new Lifecycle(fqn);
    for (const t of ['configure', 'activate', 'deactivate', 'cleanup', 'shutdown'] as const) {
      this.#lifecycle.register(t, (prev) => this.#hook(t, prev));
    }
    this.#lifecycle.register('error', (prev) => this.onError(prev));

    const useSimTime = this.declareParameter('use_sim_time', {
      type: 'bool',
      default: false,
      description: 'Take time from /clock (simulation) instead of the system clock.',
    }) as boolean;
    if (options.clock !== undefined) this.#clock = options.clock;
    else if (useSimTime) {
      const { clock, subscription } = subscribeSimClock(this.#handle);
      this.#clock = clock;
      this.#endpoints.subscriptions.add(subscription);
    } else this.#clock = this.context.wallClock;

    // What ROS 2 gives every node: its log on /rosout, its parameters and lifecycle as services.
    // Created through the private paths: a subclass's createService/createPublisher override
    // (KindNode checks endpoints against its kind's spec) is not ready while this constructor runs,
    // and these endpoints belong to every node, not to a kind.
    this.#rosout?.attach(this.#makePublisher('rcl_interfaces/msg/Log', '/rosout', { qos: ROSOUT_QOS }, false));
    const builtin: BuiltinServiceFactory = (typeName, serviceName, callback) =>
      this.#makeService(typeName, serviceName, callback);
    advertiseParameterServices(this, builtin);
    advertiseLifecycleServices(this, builtin);
  }

  // ---- names -------------------------------------------------------------------------------

  name(): string {
    return this.#name;
  }

  namespace(): string {
    return this.#namespace;
  }

  getFullyQualifiedName(): string {
    return joinName(this.#namespace, this.#name);
  }

  /** Resolves a topic or service name as this node sees it (namespace, `~`, remapping). */
  resolveTopicName(topic: string): string {
    return resolveTopicName(topic, this.#name, this.#namespace, this.#remaps);
  }

  // ---- time and logging --------------------------------------------------------------------

  now(): Time {
    return this.#clock.now();
  }

  getClock(): Clock {
    return this.#clock;
  }

  getLogger(): Logger {
    return this.#logger;
  }

  // ---- topics ------------------------------------------------------------------------------

  createPublisher<T extends string>(typeName: T, topic: string, options: EndpointOptions = {}): Publisher<T> {
    return this.#makePublisher(typeName, topic, options, false);
  }

  /** A publisher that only sends while the node is active (rclnodejs `createLifecyclePublisher`). */
  createLifecyclePublisher<T extends string>(typeName: T, topic: string, options: EndpointOptions = {}): Publisher<T> {
    return this.#makePublisher(typeName, topic, options, true);
  }

  createSubscription<T extends string>(
    typeName: T,
    topic: string,
    options: EndpointOptions,
    callback: SubscriptionCallback<T>,
  ): Subscription<T> {
    this.#alive();
    this.#knownType(typeName);
    const resolved = this.resolveTopicName(topic);
    const sub = new Subscription(resolved, typeName, resolveQoS(options.qos));
    const deliver = sub.makeDeliver(
      this.context.executor,
      callback,
      `subscription ${resolved} @ ${this.getFullyQualifiedName()}`,
    );
    sub.attach(this.#handle.subscribe(resolved, typeName, sub.qos, deliver));
    this.#endpoints.subscriptions.add(sub as Subscription);
    return sub;
  }

  /**
   * Stops a subscription of this node and releases it (rclnodejs `destroySubscription`), for
   * nodes whose subscriptions come and go while they run (a bridge that listens only while a
   * client does).
   */
  destroySubscription<T extends string>(subscription: Subscription<T>): void {
    if (this.#endpoints.subscriptions.delete(subscription as Subscription)) subscription.destroy();
  }

  // ---- timers ------------------------------------------------------------------------------

  /** Calls `callback` every `periodNs` nanoseconds of this node's clock. */
  createTimer(periodNs: bigint, callback: () => unknown): Timer {
    this.#alive();
    if (typeof periodNs !== 'bigint' || periodNs <= 0n) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `createTimer: expected a positive period in nanoseconds as a bigint (e.g. 100_000_000n), got ${describeValue(periodNs)}`,
      );
    }
    const timer = new Timer(
      periodNs,
      this.#clock,
      this.context.executor,
      callback,
      `timer ${periodNs} ns @ ${this.getFullyQualifiedName()}`,
    );
    this.#endpoints.timers.add(timer);
    return timer;
  }

  // ---- services ----------------------------------------------------------------------------

  createService<T extends string>(typeName: T, serviceName: string, callback: ServiceCallback<T>): Service<T> {
    return this.#makeService(typeName, serviceName, callback);
  }

  #makeService<T extends string>(typeName: T, serviceName: string, callback: ServiceCallback<T>): Service<T> {
    this.#alive();
    this.#knownService(typeName);
    const resolved = this.resolveTopicName(serviceName);
    const service = new Service(resolved, typeName);
    service.attach(
      this.#handle.advertiseService(
        resolved,
        typeName,
        Service.makeHandler(this.context.executor, callback, `service ${resolved} @ ${this.getFullyQualifiedName()}`),
      ),
    );
    this.#endpoints.services.add(service as Service);
    return service;
  }

  createClient<T extends string>(typeName: T, serviceName: string): Client<T> {
    this.#alive();
    this.#knownService(typeName);
    const resolved = this.resolveTopicName(serviceName);
    const client = new Client(
      resolved,
      typeName,
      this.#handle.createClient(resolved, typeName),
      this.context.transport,
    );
    this.#endpoints.clients.add(client as Client);
    return client;
  }

  // ---- parameters --------------------------------------------------------------------------

  /**
   * Declares a parameter and returns its value (the override from the launch file if any, else
   * the default). Takes a spec (`{ type: 'double', default: 0.5, description, range }`) or, as in
   * rclnodejs, a `Parameter` with an optional `ParameterDescriptor`.
   */
  declareParameter(name: string, spec: ParameterSpec): ParameterValue;
  declareParameter(parameter: Parameter, descriptor?: ParameterDescriptor): ParameterValue;
  declareParameter(a: string | Parameter, b?: ParameterSpec | ParameterDescriptor): ParameterValue {
    return this.#parameters.declare(a, b);
  }

  hasParameter(name: string): boolean {
    return this.#parameters.has(name);
  }

  getParameter(name: string): Parameter {
    return this.#parameters.get(name);
  }

  getParameters(names?: string[]): Parameter[] {
    return this.#parameters.getMany(names);
  }

  getParameterDescriptor(name: string): ParameterDescriptor {
    return this.#parameters.descriptor(name);
  }

  /** Registers a validator run before parameters change; it may reject with a reason. */
  addOnSetParametersCallback(callback: OnSetCallback): void {
    this.#parameters.addOnSet(callback);
  }

  removeOnSetParametersCallback(callback: OnSetCallback): void {
    this.#parameters.removeOnSet(callback);
  }

  /** Registers a listener called after parameters changed (to re-read them). */
  addPostSetParametersCallback(callback: (parameters: Parameter[]) => void): void {
    this.#parameters.addPostSet(callback);
  }

  /** Sets each parameter on its own; returns one result per parameter, in order. */
  setParameters(parameters: Array<Parameter | { name: string; value: unknown }>): SetParametersResult[] {
    return this.#parameters.set(parameters);
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  get lifecycleState(): LifecycleState {
    return this.#lifecycle.state;
  }

  configure(): Promise<TransitionOutcome> {
    return this.#lifecycle.trigger('configure');
  }
  activate(): Promise<TransitionOutcome> {
    return this.#lifecycle.trigger('activate');
  }
  deactivate(): Promise<TransitionOutcome> {
    return this.#lifecycle.trigger('deactivate');
  }
  cleanup(): Promise<TransitionOutcome> {
    return this.#lifecycle.trigger('cleanup');
  }
  shutdown(): Promise<TransitionOutcome> {
    return this.#lifecycle.trigger('shutdown');
  }

  isTransitionValid(transition: LifecycleTransition): boolean {
    return this.#lifecycle.isValid(transition);
  }

  onLifecycleTransition(listener: (outcome: TransitionOutcome) => void): () => void {
    return this.#lifecycle.onTransition(listener);
  }

  registerOnConfigure(cb: TransitionCallback): void {
    this.#extra.set('configure', cb);
  }
  registerOnActivate(cb: TransitionCallback): void {
    this.#extra.set('activate', cb);
  }
  registerOnDeactivate(cb: TransitionCallback): void {
    this.#extra.set('deactivate', cb);
  }
  registerOnCleanup(cb: TransitionCallback): void {
    this.#extra.set('cleanup', cb);
  }
  registerOnShutdown(cb: TransitionCallback): void {
    this.#extra.set('shutdown', cb);
  }

  #extra = new Map<LifecycleTransition, TransitionCallback>();

  /** Acquire resources (open ports, load models, create publishers). */
  protected onConfigure(_previous: LifecycleState): ReturnType<TransitionCallback> {
    return 'success';
  }
  /** Start work (timers, streaming). */
  protected onActivate(_previous: LifecycleState): ReturnType<TransitionCallback> {
    return 'success';
  }
  /** Stop work; the node may be activated again. */
  protected onDeactivate(_previous: LifecycleState): ReturnType<TransitionCallback> {
    return 'success';
  }
  /** Release what configure acquired. */
  protected onCleanup(_previous: LifecycleState): ReturnType<TransitionCallback> {
    return 'success';
  }
  /** Last words before the node is destroyed. */
  protected onShutdown(_previous: LifecycleState): ReturnType<TransitionCallback> {
    return 'success';
  }
  /** Recover after a transition raised an error: 'success' → unconfigured, else finalized. */
  protected onError(_previous: LifecycleState): ReturnType<TransitionCallback> {
    return 'failure';
  }

  async #hook(t: LifecycleTransition, prev: LifecycleState) {
    const table = {
      configure: this.onConfigure,
      activate: this.onActivate,
      deactivate: this.onDeactivate,
      cleanup: this.onCleanup,
      shutdown: this.onShutdown,
    } as const;
    const own = await table[t].call(this, prev);
    if (own === 'failure' || own === 'error' || own === false) return own;
    const extra = this.#extra.get(t);
    return extra === undefined ? own : await extra(prev);
  }

  /**
   * Brings the node down through its lifecycle (deactivate, cleanup, shutdown as the state
   * allows) and then destroys it. Safe to call in any state.
   */
  async shutdownAndDestroy(): Promise<void> {
    try {
      if (this.lifecycleState === 'active') await this.deactivate();
      if (this.lifecycleState === 'inactive') await this.cleanup();
      if (this.lifecycleState !== 'finalized') await this.shutdown();
    } finally {
      this.destroy();
    }
  }

  // ---- teardown ----------------------------------------------------------------------------

  get isDestroyed(): boolean {
    return this.#destroyed;
  }

  /** Releases every endpoint and timer of the node. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#endpoints.destroyAll();
    this.#handle.destroy();
  }

  #makePublisher<T extends string>(
    typeName: T,
    topic: string,
    options: EndpointOptions,
    lifecycle: boolean,
  ): Publisher<T> {
    this.#alive();
    this.#knownType(typeName);
    const resolved = this.resolveTopicName(topic);
    const qos = resolveQoS(options.qos);
    const gate = lifecycle ? () => this.#lifecycle.state === 'active' : undefined;
    const onDrop = lifecycle
      ? () => {
          // Like rclcpp's LifecyclePublisher: warn once, not per message.
          if (this.#droppedInactive++ === 0)
            this.#logger.warn(`publishing on ${resolved} while ${this.#lifecycle.state}: message dropped`);
        }
      : undefined;
    const pub = new Publisher(resolved, typeName, qos, this.#handle.advertise(resolved, typeName, qos), gate, onDrop);
    this.#endpoints.publishers.add(pub as Publisher);
    return pub;
  }

  #alive(): void {
    if (this.#destroyed) {
      throw new OutpostError('OUTPOST_ERR_NODE_DESTROYED', `node ${this.getFullyQualifiedName()} is destroyed`);
    }
  }

  #knownType(typeName: string): void {
    if (!this.context.registry.has(typeName)) this.context.registry.codec(typeName);
  }

  #knownService(typeName: string): void {
    if (!this.context.registry.hasService(typeName)) {
      throw new OutpostError(
        'OUTPOST_ERR_UNKNOWN_MESSAGE_TYPE',
        `service type ${describeValue(typeName)} is not known; expected e.g. "std_srvs/srv/Trigger"`,
      );
    }
  }
}

export type { MessageOf };
export { ParameterType };
