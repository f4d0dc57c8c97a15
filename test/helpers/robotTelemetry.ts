import { defaultRegistry, type MessageOf } from '../../runtime/index.js';
import { buildMessage } from '../../runtime/msg/MessageBuilder.js';

type Telemetry = MessageOf<'outpost_msgs/msg/RobotTelemetry'>;

/** A whole RobotTelemetry (fields not given take their defaults), as a telemetry node sends it. */
export function telemetry(robot: string, extra: Partial<Telemetry> = {}): Telemetry {
  return buildMessage(defaultRegistry(), 'outpost_msgs/msg/RobotTelemetry', {
    robot,
    vehicle: 'ground',
    x: 1.5,
    y: -2,
    yaw: 0.5,
    altitude: Number.NaN,
    battery_percent: 87,
    battery_voltage: Number.NaN,
    mode: 'exploring',
    links: [{ peer: 'r2', connected: true, queued: 3, last_message_age_s: 0.4 }],
    outbox_depth: 3,
    policy_p50_ms: 4.2,
    policy_p99_ms: 9.1,
    cpu_percent: 35,
    rss_kib: 120_000,
    ...extra,
  }) as unknown as Telemetry;
}
