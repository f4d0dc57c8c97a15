import type { QoSProfile } from '../QoS.js';

/** What a transport tells a subscription about one message. */
export interface MessageInfo {
  /** Which endpoint published it (node name, or `remote:<peer>` for messages from a socket peer). */
  publisher: string;
}

export type Deliver = (message: unknown, info: MessageInfo) => void;
export type ServiceHandler = (request: unknown) => Promise<unknown>;

export interface PublisherHandle {
  publish(message: unknown): void;
  /** Matched subscriptions right now. */
  subscriptionCount(): number;
  close(): void;
}

export interface SubscriptionHandle {
  publisherCount(): number;
  close(): void;
}

export interface ServiceHandle {
  close(): void;
}

export interface ClientHandle {
  call(request: unknown, options: { timeoutMs: number; signal?: AbortSignal }): Promise<unknown>;
  isServiceAvailable(): boolean;
  close(): void;
}

export interface TopicInfo {
  name: string;
  type: string;
  publishers: string[];
  subscribers: string[];
}

export interface ServiceInfo {
  name: string;
  type: string;
  servers: string[];
}

export interface GraphSnapshot {
  nodes: string[];
  topics: TopicInfo[];
  services: ServiceInfo[];
}

/**
 * The endpoints of one node on a transport. A node never imports a transport: it gets one of
 * these from its context and sees only this interface. Names here are fully resolved (`/r1/scan`).
 */
export interface NodeHandle {
  advertise(topic: string, type: string, qos: QoSProfile): PublisherHandle;
  subscribe(topic: string, type: string, qos: QoSProfile, deliver: Deliver): SubscriptionHandle;
  advertiseService(name: string, type: string, handler: ServiceHandler): ServiceHandle;
  createClient(name: string, type: string): ClientHandle;
  destroy(): void;
}

/** A way for nodes to exchange messages: `local` (in-process), `ros2` (rclnodejs), ... */
export interface Transport {
  readonly name: string;
  createNodeHandle(fullyQualifiedName: string): NodeHandle;
  graph(): GraphSnapshot;
  /**
   * The QoS each publisher of `topic` offers, where the transport can tell (ROS 2's
   * `get_publishers_info_by_topic`): a bridge subscribes to a latched topic as transient_local
   * only when every publisher offers it. Optional: undefined where unknown.
   */
  publisherQoS?(topic: string): QoSProfile[] | undefined;
  /** Calls `listener` whenever endpoints come or go (for wait-for-service and `topic list`). */
  onGraphChange(listener: () => void): () => void;
  close(): Promise<void>;
}
