// Outpost's runtime: the public API for writing nodes.
export { Node, type NodeOptions, type EndpointOptions } from './Node.js';
export { Context, type ContextOptions } from './Context.js';
export { Publisher } from './Publisher.js';
export { Subscription, type SubscriptionCallback } from './Subscription.js';
export { Timer } from './Timer.js';
export { Service, type ServiceCallback } from './Service.js';
export { Client, type CallOptions } from './Client.js';
export { Executor } from './Executor.js';
export { Time, secondsToNs, type TimeMsg } from './Time.js';
export type { Clock, ClockType } from './clock/Clock.js';
export { WallClock } from './clock/WallClock.js';
export { ManualClock } from './clock/ManualClock.js';
export { SimClock } from './clock/SimClock.js';
export { SteppedClock } from './clock/SteppedClock.js';
export { QoS, resolveQoS, type QoSProfile, type QoSLike } from './QoS.js';
export {
  Parameter,
  ParameterDescriptor,
  ParameterType,
  coerceParameterValue,
  type ParameterSpec,
  type ParameterValue,
  type ParameterTypeName,
  type SetParametersResult,
} from './Parameter.js';
export type { LifecycleState, LifecycleTransition, CallbackReturn, TransitionOutcome } from './Lifecycle.js';
export {
  OutpostError,
  ERROR_CODES,
  isOutpostError,
  type OutpostErrorCode,
  type SourceLocation,
} from './OutpostError.js';
export { MessageRegistry, type MessageCodec } from './msg/MessageRegistry.js';
export { defaultRegistry } from './msg/defaultRegistry.js';
export type * from './msg/MessageTypes.js';
export type { Transport, NodeHandle, GraphSnapshot, MessageInfo } from './transport/Transport.js';
export { LocalTransport } from './transport/LocalTransport.js';
export { LocalBus } from './transport/LocalBus.js';
export { createTransport, transportNames, type TransportOptions } from './transport/transports.js';
export { createRos2Transport, type Ros2TransportOptions } from './transport/Ros2Transport.js';
export { expandTopicName, resolveTopicName, normalizeNamespace, type Remap } from './TopicName.js';
export { NodeKindRegistry, type NodeKind, type NodeKindOptions, type EndpointTable } from './NodeKind.js';
export {
  defineNodeKind,
  nodeKindSpec,
  type NodeKindSpec,
  type ParamsOf,
  type ParameterTable,
  type ParameterValueOf,
} from './defineNodeKind.js';
export {
  KindNode,
  type CreatedEndpoint,
  type EndpointRole,
  type KindPublisherOptions,
  type KindSubscriptionOptions,
  type PatternValues,
} from './KindNode.js';
export { EndpointPattern } from './EndpointPattern.js';
export { wrapAngle } from './geometry/Angles.js';
export { quaternionFromYaw, yawFromQuaternion, type Quaternion } from './geometry/Quaternions.js';
