/**
 * Quality of service as in ROS 2 (`rmw_qos_profile_t`), with its named profiles. The local
 * transport honours them the way DDS does: a reliable subscription does not match a best-effort
 * publisher, a transient-local subscription gets the last `depth` messages of a transient-local
 * publisher, and `keep_last` subscriptions drop their oldest unprocessed messages past `depth`.
 */
export type Reliability = 'reliable' | 'best_effort';
export type Durability = 'volatile' | 'transient_local';
export type History = 'keep_last' | 'keep_all';

export interface QoSProfile {
  reliability: Reliability;
  durability: Durability;
  history: History;
  /** Queue depth for `keep_last` (messages). */
  depth: number;
}

export const QoS = {
  /** rmw_qos_profile_default: reliable, volatile, keep last 10. */
  profileDefault: { reliability: 'reliable', durability: 'volatile', history: 'keep_last', depth: 10 },
  /** rmw_qos_profile_sensor_data: best effort, volatile, keep last 5. */
  profileSensorData: { reliability: 'best_effort', durability: 'volatile', history: 'keep_last', depth: 5 },
  /** rmw_qos_profile_services_default. */
  profileServicesDefault: { reliability: 'reliable', durability: 'volatile', history: 'keep_last', depth: 10 },
  /** Latched topics (maps, /tf_static, robot_description): reliable, transient local, keep last 1. */
  profileLatched: { reliability: 'reliable', durability: 'transient_local', history: 'keep_last', depth: 1 },
  /** /clock: best effort, keep last 1, as rclcpp's ClockQoS. */
  profileClock: { reliability: 'best_effort', durability: 'volatile', history: 'keep_last', depth: 1 },
} as const satisfies Record<string, QoSProfile>;

/** A QoS given as a profile, a partial override of the default, or a bare depth (rclcpp style). */
export type QoSLike = QoSProfile | Partial<QoSProfile> | number | undefined;

export function resolveQoS(qos: QoSLike): QoSProfile {
  if (qos === undefined) return { ...QoS.profileDefault };
  if (typeof qos === 'number') return { ...QoS.profileDefault, depth: qos };
  return { ...QoS.profileDefault, ...qos };
}

/** Why a publisher's and a subscription's QoS do not match (request vs offer), or undefined. */
export function qosIncompatibility(offered: QoSProfile, requested: QoSProfile): string | undefined {
  if (requested.reliability === 'reliable' && offered.reliability === 'best_effort') {
    return 'subscription requests reliable delivery but the publisher offers best effort';
  }
  if (requested.durability === 'transient_local' && offered.durability === 'volatile') {
    return 'subscription requests transient_local durability but the publisher offers volatile';
  }
  return undefined;
}
