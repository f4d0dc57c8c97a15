import type { MessageOf } from '../runtime/index.js';

/** RobotTelemetry as JSON: NaN becomes null (unknown), arrays plain, stamps in seconds. */
export function wireTelemetry(m: MessageOf<'outpost_msgs/msg/RobotTelemetry'>): Record<string, unknown> {
  const num = (x: number) => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
  return {
    stamp_s: m.stamp.sec + m.stamp.nanosec / 1e9,
    robot: m.robot,
    vehicle: m.vehicle,
    x: num(m.x),
    y: num(m.y),
    yaw: num(m.yaw),
    altitude: num(m.altitude),
    speed: num(m.speed),
    battery_percent: num(m.battery_percent),
    battery_voltage: num(m.battery_voltage),
    mode: m.mode,
    armed: m.armed,
    links: m.links.map((l) => ({
      peer: l.peer,
      connected: l.connected,
      queued: l.queued,
      last_message_age_s: num(l.last_message_age_s),
    })),
    outbox_depth: m.outbox_depth,
    outbox_dropped: m.outbox_dropped,
    policy_p50_ms: num(m.policy_p50_ms),
    policy_p99_ms: num(m.policy_p99_ms),
    policy_fallbacks: m.policy_fallbacks,
    cpu_percent: num(m.cpu_percent),
    rss_kib: m.rss_kib,
  };
}
