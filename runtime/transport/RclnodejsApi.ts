/**
 * The slice of rclnodejs 2.x that `Ros2Transport` uses, declared here as narrow structural types
 * so that the project type-checks the same with and without rclnodejs installed (it only installs
 * where ROS 2 is sourced). Shapes follow rclnodejs's own `types/*.d.ts` (node, client, service,
 * qos, context, node_options); only what Outpost calls is listed. Nothing here is imported at run
 * time: the module itself is loaded with a dynamic `import()` in `Ros2Transport.ts`.
 */

/** A policy value of rclnodejs's `QoS.HistoryPolicy`, `ReliabilityPolicy` or `DurabilityPolicy`. */
export type RclPolicy = number;

export interface RclQoSConstructor {
  new (history: RclPolicy, depth: number, reliability: RclPolicy, durability: RclPolicy): object;
  readonly HistoryPolicy: { RMW_QOS_POLICY_HISTORY_KEEP_LAST: RclPolicy; RMW_QOS_POLICY_HISTORY_KEEP_ALL: RclPolicy };
  readonly ReliabilityPolicy: {
    RMW_QOS_POLICY_RELIABILITY_RELIABLE: RclPolicy;
    RMW_QOS_POLICY_RELIABILITY_BEST_EFFORT: RclPolicy;
  };
  readonly DurabilityPolicy: {
    RMW_QOS_POLICY_DURABILITY_TRANSIENT_LOCAL: RclPolicy;
    RMW_QOS_POLICY_DURABILITY_VOLATILE: RclPolicy;
  };
}

export interface RclEndpointOptions {
  qos?: object;
}

export interface RclPublisher {
  publish(message: unknown): void;
  /** Matched subscriptions (rclnodejs ≥ 1.0; absent on older releases). */
  readonly subscriptionCount?: number;
}

export interface RclSubscription {
  /** Matched publishers (newer rclnodejs releases only; absent on older ones). */
  readonly publisherCount?: number;
}

export interface RclServiceResponse {
  send(response: unknown): void;
}

export type RclServiceCallback = (request: unknown, response: RclServiceResponse) => void;

export interface RclService {
  readonly serviceName?: string;
}

export interface RclClient {
  /** Callback form, present in every release. */
  sendRequest(request: unknown, callback: (response: unknown) => void): void;
  /** Promise form with `{ timeout, signal }` (rclnodejs ≥ 1.7). */
  sendRequestAsync?(request: unknown, options?: { timeout?: number; signal?: AbortSignal }): Promise<unknown>;
  isServiceServerAvailable(): boolean;
}

export interface RclNamesAndTypes {
  name: string;
  types: string[];
}

export interface RclNodeName {
  name: string;
  namespace: string;
}

export interface RclNode {
  name(): string;
  namespace(): string;
  spin(timeout?: number): void;
  destroy(): void;
  createPublisher(type: string, topic: string, options?: RclEndpointOptions): RclPublisher;
  createSubscription(
    type: string,
    topic: string,
    options: RclEndpointOptions,
    callback: (message: unknown) => void,
  ): RclSubscription;
  createService(type: string, name: string, options: RclEndpointOptions, callback: RclServiceCallback): RclService;
  createClient(type: string, name: string, options?: RclEndpointOptions): RclClient;
  destroyPublisher(publisher: RclPublisher): void;
  destroySubscription(subscription: RclSubscription): void;
  destroyService(service: RclService): void;
  destroyClient(client: RclClient): void;
  getTopicNamesAndTypes(): RclNamesAndTypes[];
  getServiceNamesAndTypes(): RclNamesAndTypes[];
  getNodeNamesAndNamespaces(): RclNodeName[];
  getPublisherNamesAndTypesByNode(nodeName: string, namespace?: string): RclNamesAndTypes[];
  getSubscriptionNamesAndTypesByNode(nodeName: string, namespace?: string): RclNamesAndTypes[];
  getServiceNamesAndTypesByNode(nodeName: string, namespace?: string): RclNamesAndTypes[];
  countPublishers(topic: string): number;
  countSubscribers(topic: string): number;
}

export interface RclContext {
  isShutdown?(): boolean;
}

export interface RclNodeOptions {
  startParameterServices: boolean;
}

/** The module object of `import('rclnodejs')` (its CommonJS `module.exports`). */
export interface RclnodejsModule {
  init(context?: RclContext, argv?: string[]): Promise<void>;
  shutdown(context?: RclContext): void;
  Context: new () => RclContext;
  Node: new (name: string, namespace?: string, context?: RclContext, options?: RclNodeOptions) => RclNode;
  NodeOptions: new () => RclNodeOptions;
  QoS: RclQoSConstructor;
}
