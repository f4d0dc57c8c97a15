import type { Logger } from 'pino';
import { BusRecorder, type RecordingResult } from '../../monitor/recording/BusRecorder.js';
import type { ChunkCompression } from '../../monitor/recording/McapRecorder.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import { expandTopicName } from '../../runtime/TopicName.js';
import type { LocalTransport } from '../../runtime/transport/LocalTransport.js';
import type { Launcher } from '../Launcher.js';
import type { CliIO } from './CliCommand.js';

/** parseArgs options for `--record FILE [--topics a,b] [--compression zstd|none]` (launch and sim). */
export const RECORD_OPTIONS = {
  record: { type: 'string' },
  topics: { type: 'string' },
  compression: { type: 'string' },
} as const;

export const RECORD_HELP = `  --record FILE         record every topic on the bus to FILE (MCAP, profile ros2, cdr, chunked and
                        indexed; a killed run leaves every complete chunk readable)
  --topics a,b          with --record: only these topics (a name that never appears exits 2)
  --compression C       with --record: chunk compression, zstd (default) or none`;

/** `--topics a,b`: fully qualified names (a relative one is rooted at `/`), duplicates dropped. */
export function parseTopicList(text: string): string[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) {
    throw new OutpostError(
      'OUTPOST_ERR_CLI_USAGE',
      `--topics: expected a comma-separated list of topic names, got ${JSON.stringify(text)}`,
    );
  }
  return [...new Set(names.map((n) => expandTopicName(n, 'record', '/')))];
}

/** A recording started from the command line; `finish` closes it and reports. */
export interface CliRecording {
  /** After the launch is up: warns about listed topics that are not on the bus yet. */
  launched(): void;
  /** Closes the file, prints what was written; throws OUTPOST_ERR_RECORD_TOPIC for listed topics that never came. */
  finish(): Promise<RecordingResult>;
}

/**
 * Starts recording the launcher's bus when `--record` was given (before `launcher.start()`, so the
 * first message of every node is in the file). `sim` time follows /clock, as a simulation's nodes do.
 */
export async function startRecording(
  values: { record?: string; topics?: string; compression?: string },
  launcher: Launcher,
  time: 'sim' | 'wall',
  io: CliIO,
  logger: Logger,
): Promise<CliRecording | undefined> {
  if (values.record === undefined) {
    if (values.topics !== undefined || values.compression !== undefined) {
      throw new OutpostError('OUTPOST_ERR_CLI_USAGE', '--topics and --compression need --record FILE');
    }
    return undefined;
  }
  const compression = values.compression ?? 'zstd';
  if (compression !== 'zstd' && compression !== 'none') {
    throw new OutpostError(
      'OUTPOST_ERR_CLI_USAGE',
      `--compression: expected zstd or none, got ${JSON.stringify(values.compression)}`,
    );
  }
  const topics = values.topics === undefined ? undefined : parseTopicList(values.topics);
  const recorder = await BusRecorder.start(values.record, {
    bus: (launcher.context.transport as LocalTransport).bus,
    registry: launcher.context.registry,
    time,
    compression: compression as ChunkCompression,
    logger,
    ...(topics === undefined ? {} : { topics }),
  });
  return {
    launched() {
      const missing = recorder.missingTopics();
      if (missing.length > 0) {
        io.err(`--record: waiting for ${missing.join(', ')} (not on the bus yet)`);
      }
    },
    async finish() {
      const result = await recorder.stop();
      io.err(
        `recorded ${result.messages} messages on ${result.topics} topics in ${result.chunks} chunks to ${result.path} ` +
          `(${(result.bytes / 1048576).toFixed(2)} MiB${result.dropped > 0 ? `, ${result.dropped} dropped` : ''})`,
      );
      const missing = recorder.missingTopics();
      if (missing.length > 0) {
        const seen = recorder.seenTopics();
        throw new OutpostError(
          'OUTPOST_ERR_RECORD_TOPIC',
          `--topics: ${missing.join(', ')} never appeared on the bus; expected names like ` +
            `${seen.slice(0, 6).join(', ')}${seen.length > 6 ? `, ... (${seen.length} topics)` : ''}`,
        );
      }
      return result;
    },
  };
}
