import { parse } from 'yaml';
import { QoS, type QoSProfile } from '../../runtime/QoS.js';

/** rmw's "infinite" duration (RMW_DURATION_INFINITE as rosbag2 prints it). */
const INFINITE = '\n    sec: 9223372036\n    nsec: 854775807';

/**
 * The `offered_qos_profiles` channel metadata of rosbag2: a YAML list with one entry per publisher
 * of the topic, in the layout `ros2 bag record` writes (`ros2 bag play` reads it to offer the same
 * QoS again). Outpost's QoS has no deadline, lifespan or liveliness, so those are rmw's defaults.
 */
export function offeredQosProfilesYaml(profiles: readonly QoSProfile[]): string {
  return profiles
    .map(
      (q) =>
        `- history: ${q.history}\n  depth: ${q.depth}\n  reliability: ${q.reliability}\n  durability: ${q.durability}\n` +
        `  deadline:${INFINITE}\n  lifespan:${INFINITE}\n  liveliness: automatic\n` +
        `  liveliness_lease_duration:${INFINITE}\n  avoid_ros_namespace_conventions: false`,
    )
    .join('\n');
}

/**
 * The QoS to replay a channel with: the first offered profile, as `ros2 bag play` does when all
 * publishers agree; fields missing or unreadable (a recording from another tool) take the default.
 * Integer codes (older rosbag2 wrote 1/2 for reliable/best_effort) are understood too.
 */
export function replayQoS(metadata: ReadonlyMap<string, string>): QoSProfile {
  const text = metadata.get('offered_qos_profiles');
  const out: QoSProfile = { ...QoS.profileDefault };
  if (text === undefined || text.trim() === '') return out;
  let list: unknown;
  try {
    list = parse(text);
  } catch {
    return out;
  }
  const first = Array.isArray(list) ? (list[0] as Record<string, unknown> | undefined) : undefined;
  if (first === undefined || first === null || typeof first !== 'object') return out;
  const pick = <T extends string>(v: unknown, names: readonly T[], codes: Record<number, T>): T | undefined =>
    typeof v === 'string' && (names as readonly string[]).includes(v)
      ? (v as T)
      : typeof v === 'number'
        ? codes[v]
        : undefined;
  out.reliability =
    pick(first.reliability, ['reliable', 'best_effort'], { 1: 'reliable', 2: 'best_effort' }) ?? out.reliability;
  out.durability =
    pick(first.durability, ['volatile', 'transient_local'], { 1: 'transient_local', 2: 'volatile' }) ?? out.durability;
  out.history = pick(first.history, ['keep_last', 'keep_all'], { 1: 'keep_last', 2: 'keep_all' }) ?? out.history;
  if (typeof first.depth === 'number' && Number.isInteger(first.depth) && first.depth > 0) out.depth = first.depth;
  return out;
}
