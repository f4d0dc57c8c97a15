import type { FileHandle } from 'node:fs/promises';
import { McapStreamReader, type McapTypes } from '@mcap/core';

/** What a sequential scan of an MCAP file found, up to its last complete chunk. */
export interface RecoveryScan {
  header: McapTypes.Header | undefined;
  schemas: Map<number, McapTypes.Schema>;
  channels: Map<number, McapTypes.Channel>;
  /** Messages per channel in the complete chunks (and outside chunks). */
  counts: Map<number, bigint>;
  chunks: number;
  compression: Set<string>;
  messageStartTime: bigint | undefined;
  messageEndTime: bigint | undefined;
  /** Bytes after the last complete record: the record the writer was in the middle of. */
  trailingBytes: number;
  /** Why the scan stopped before a footer: `truncated` (file ends mid-record) or the parse error. */
  stop: string | undefined;
  /** True when the file ends with a valid footer and magic. */
  complete: boolean;
}

const READ_SIZE = 1024 * 1024;

/**
 * Reads `file` record by record from the start (the way a stream is read) and calls `onMessage`
 * for every message in a complete chunk: what a reader can still use when the summary and footer
 * are missing because the writer was killed. A chunk is only handed out once it is complete and
 * its CRC matches, so a chunk cut short by a crash is dropped whole; the scan stops at the first
 * record that is cut short or does not parse.
 */
export async function scanMcap(
  file: FileHandle,
  decompressHandlers: McapTypes.DecompressHandlers,
  onMessage?: (m: McapTypes.Message) => void | Promise<void>,
): Promise<RecoveryScan> {
  const scan: RecoveryScan = {
    header: undefined,
    schemas: new Map(),
    channels: new Map(),
    counts: new Map(),
    chunks: 0,
    compression: new Set(),
    messageStartTime: undefined,
    messageEndTime: undefined,
    trailingBytes: 0,
    stop: undefined,
    complete: false,
  };
  const reader = new McapStreamReader({ includeChunks: true, decompressHandlers, validateCrcs: true });
  const buf = Buffer.alloc(READ_SIZE);
  let fed = 0;
  // The records of a chunk reach the result only once the reader has moved past the chunk without
  // an error (a CRC mismatch is found after the chunk record itself is handed out).
  let pending: McapTypes.TypedMcapRecord[] = [];
  let pendingChunk = false;
  const commit = async (): Promise<void> => {
    if (pendingChunk) scan.chunks++;
    for (const r of pending) await take(scan, r, onMessage);
    pending = [];
    pendingChunk = false;
  };
  for (;;) {
    const { bytesRead } = await file.read(buf, 0, READ_SIZE, fed);
    if (bytesRead === 0) break;
    reader.append(buf.subarray(0, bytesRead));
    fed += bytesRead;
    try {
      for (let r: McapTypes.TypedMcapRecord | undefined; (r = reader.nextRecord()) !== undefined; ) {
        if (isChunkContent(r)) {
          pending.push(r);
          continue;
        }
        await commit();
        if (r.type === 'Chunk') {
          pendingChunk = true;
          scan.compression.add(r.compression === '' ? 'none' : r.compression);
        } else await take(scan, r, onMessage);
      }
    } catch (err) {
      scan.stop = (err as Error).message;
      return scan;
    }
    await commit();
    if (reader.done()) {
      scan.complete = true;
      return scan;
    }
  }
  scan.trailingBytes = reader.bytesRemaining();
  scan.stop = scan.trailingBytes > 0 ? 'truncated' : 'no footer';
  return scan;
}

/** Records that may sit inside a chunk: they belong to the chunk until the next top-level record. */
function isChunkContent(r: McapTypes.TypedMcapRecord): boolean {
  return r.type === 'Schema' || r.type === 'Channel' || r.type === 'Message';
}

async function take(
  scan: RecoveryScan,
  r: McapTypes.TypedMcapRecord,
  onMessage: ((m: McapTypes.Message) => void | Promise<void>) | undefined,
): Promise<void> {
  switch (r.type) {
    case 'Header':
      scan.header = r;
      return;
    case 'Schema':
      scan.schemas.set(r.id, r);
      return;
    case 'Channel':
      scan.channels.set(r.id, r);
      return;
    case 'Message': {
      scan.counts.set(r.channelId, (scan.counts.get(r.channelId) ?? 0n) + 1n);
      if (scan.messageStartTime === undefined || r.logTime < scan.messageStartTime) scan.messageStartTime = r.logTime;
      if (scan.messageEndTime === undefined || r.logTime > scan.messageEndTime) scan.messageEndTime = r.logTime;
      await onMessage?.(r);
      return;
    }
    default:
      return;
  }
}
