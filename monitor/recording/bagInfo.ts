import type { McapRecording } from './McapRecording.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One line per topic of a recording, as `ros2 bag info` lists them (aggregated over channels). */
export interface TopicSummary {
  topic: string;
  type: string;
  count: bigint;
  serialization: string;
}

export function topicSummaries(rec: McapRecording): TopicSummary[] {
  const byTopic = new Map<string, TopicSummary>();
  for (const c of rec.channels.values()) {
    const type = rec.schemas.get(c.schemaId)?.name ?? '(no schema)';
    const t = byTopic.get(c.topic) ?? { topic: c.topic, type, count: 0n, serialization: c.messageEncoding };
    t.count += rec.summary.channelCounts.get(c.id) ?? 0n;
    byTopic.set(c.topic, t);
  }
  return [...byTopic.values()].sort((a, b) => a.topic.localeCompare(b.topic));
}

/**
 * What `outpost bag info` prints, laid out like `ros2 bag info` (file, size, storage, duration,
 * start and end, message count, then one line per topic), plus the chunking and, for a file that
 * was not closed, what was recovered. Times are UTC, with seconds since the epoch in brackets.
 */
export function bagInfo(rec: McapRecording): string {
  const s = rec.summary;
  const topics = topicSummaries(rec);
  const pad = (label: string): string => label.padEnd(19);
  const lines = [
    `${pad('Files:')}${rec.path}`,
    `${pad('Bag size:')}${humanSize(rec.size)}`,
    `${pad('Storage id:')}mcap (profile ${rec.header.profile || 'none'}, library ${rec.header.library || 'unknown'})`,
    `${pad('Duration:')}${seconds(s.endTime - s.startTime)}s`,
    `${pad('Start:')}${stamp(s.startTime)}`,
    `${pad('End:')}${stamp(s.endTime)}`,
    `${pad('Messages:')}${s.messageCount}`,
    `${pad('Chunks:')}${s.chunkCount}${s.compression.size > 0 ? ` (${[...s.compression].join(', ')})` : ''}`,
  ];
  if (rec.recovery !== undefined) {
    lines.push(
      `${pad('Recovered:')}yes: ${rec.recovery.reason}; read ${rec.recovery.chunks} complete chunks` +
        (rec.recovery.ignoredBytes > 0 ? `, ignored the last ${rec.recovery.ignoredBytes} bytes` : ''),
    );
  }
  const rows = topics.map(
    (t) => `Topic: ${t.topic} | Type: ${t.type} | Count: ${t.count} | Serialization Format: ${t.serialization}`,
  );
  lines.push(`${pad('Topic information:')}${rows[0] ?? ''}`, ...rows.slice(1).map((r) => `${pad('')}${r}`));
  return lines.join('\n');
}

function humanSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${bytes} B` : `${v.toFixed(1)} ${units[u]}`;
}

function seconds(ns: bigint): string {
  const neg = ns < 0n;
  const a = neg ? -ns : ns;
  return `${neg ? '-' : ''}${a / 1_000_000_000n}.${(a % 1_000_000_000n).toString().padStart(9, '0')}`;
}

function stamp(ns: bigint): string {
  const d = new Date(Number(ns / 1_000_000n));
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${frac} UTC (${seconds(ns)})`
  );
}
