import { open, type FileHandle } from 'node:fs/promises';
import { McapIndexedReader, type McapTypes } from '@mcap/core';
import { loadDecompressHandlers } from '@mcap/support';
import { OutpostError } from '../../runtime/OutpostError.js';
import { scanMcap, type RecoveryScan } from './McapRecovery.js';

const MAGIC = Uint8Array.from([0x89, 0x4d, 0x43, 0x41, 0x50, 0x30, 0x0d, 0x0a]);

/** How a file that was not closed was read: up to its last complete chunk. */
export interface Recovery {
  /** `no footer` (the writer stopped between records), `truncated` (mid-record), or the parse error. */
  reason: string;
  chunks: number;
  /** Bytes after the last complete record that were ignored. */
  ignoredBytes: number;
}

export interface RecordingSummary {
  messageCount: bigint;
  /** Log times (ns) of the first and last message; 0 when there is none. */
  startTime: bigint;
  endTime: bigint;
  /** Messages per channel id. */
  channelCounts: ReadonlyMap<number, bigint>;
  chunkCount: number;
  /** Chunk compressions seen (`zstd`, `lz4`, `none`). */
  compression: ReadonlySet<string>;
}

/**
 * An MCAP file opened for reading: through its summary and indexes when it was closed properly
 * (messages in log-time order), else by a sequential scan that recovers every complete chunk
 * (McapRecovery; messages in file order). A file that is not MCAP, or that holds nothing usable,
 * is an OUTPOST_ERR_MCAP_FILE that says what was expected and what came.
 */
export class McapRecording {
  readonly path: string;
  readonly size: number;
  readonly header: McapTypes.Header;
  readonly schemas: ReadonlyMap<number, McapTypes.Schema>;
  readonly channels: ReadonlyMap<number, McapTypes.Channel>;
  readonly summary: RecordingSummary;
  /** Set when the file had no usable summary and was recovered by scanning. */
  readonly recovery: Recovery | undefined;
  #file: FileHandle;
  #indexed: McapIndexedReader | undefined;
  #decompress: McapTypes.DecompressHandlers;

  private constructor(
    path: string,
    size: number,
    file: FileHandle,
    decompress: McapTypes.DecompressHandlers,
    parts: {
      header: McapTypes.Header;
      schemas: ReadonlyMap<number, McapTypes.Schema>;
      channels: ReadonlyMap<number, McapTypes.Channel>;
      summary: RecordingSummary;
      recovery: Recovery | undefined;
      indexed: McapIndexedReader | undefined;
    },
  ) {
    this.path = path;
    this.size = size;
    this.#file = file;
    this.#decompress = decompress;
    this.header = parts.header;
    this.schemas = parts.schemas;
    this.channels = parts.channels;
    this.summary = parts.summary;
    this.recovery = parts.recovery;
    this.#indexed = parts.indexed;
  }

  static async open(path: string): Promise<McapRecording> {
    let file: FileHandle;
    try {
      file = await open(path, 'r');
    } catch (err) {
      throw new OutpostError('OUTPOST_ERR_MCAP_FILE', `cannot open ${path}: ${(err as Error).message}`, { cause: err });
    }
    try {
      return await McapRecording.#read(path, file);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  static async #read(path: string, file: FileHandle): Promise<McapRecording> {
    const size = (await file.stat()).size;
    const head = Buffer.alloc(Math.min(size, 8));
    await file.read(head, 0, head.length, 0);
    if (size < 8 || !head.equals(MAGIC)) {
      throw new OutpostError(
        'OUTPOST_ERR_MCAP_FILE',
        `${path} is not an MCAP file: expected the MCAP magic 89 4d 43 41 50 30 0d 0a ("\\x89MCAP0\\r\\n") ` +
          `at its start, got ${size === 0 ? 'an empty file' : `${describeBytes(head)} (${size} bytes in all)`}`,
      );
    }
    const decompress = await loadDecompressHandlers();
    const tail = Buffer.alloc(8);
    if (size >= 16) await file.read(tail, 0, 8, size - 8);
    let why = 'the writer did not close it';
    if (size >= 16 && tail.equals(MAGIC)) {
      try {
        const indexed = await McapIndexedReader.Initialize({
          readable: fileReadable(file, size),
          decompressHandlers: decompress,
        });
        // Without statistics (another tool may leave them out) the counts come from one scan.
        const summary =
          indexed.statistics !== undefined
            ? indexedSummary(indexed.statistics, indexed.chunkIndexes)
            : scanSummary(await scanMcap(file, decompress));
        return new McapRecording(path, size, file, decompress, {
          header: indexed.header,
          schemas: indexed.schemasById,
          channels: indexed.channelsById,
          summary,
          recovery: undefined,
          indexed,
        });
      } catch (err) {
        why = `its summary cannot be read (${(err as Error).message})`;
      }
    }
    const scan = await scanMcap(file, decompress);
    if (scan.header === undefined) {
      throw new OutpostError(
        'OUTPOST_ERR_MCAP_FILE',
        `${path} is truncated: expected an MCAP header record after the magic, got ${size} bytes in all ` +
          `(${scan.stop ?? 'no header'})`,
      );
    }
    if (!scan.complete && scan.chunks === 0 && scan.counts.size === 0) {
      throw new OutpostError(
        'OUTPOST_ERR_MCAP_FILE',
        `${path} is truncated and holds nothing to recover: expected at least one complete chunk after the ` +
          `header, got ${size} bytes that end ${scan.stop === 'truncated' ? 'inside the first chunk' : `with: ${scan.stop}`}`,
      );
    }
    return new McapRecording(path, size, file, decompress, {
      header: scan.header,
      schemas: scan.schemas,
      channels: scan.channels,
      summary: scanSummary(scan),
      recovery: scan.complete
        ? undefined
        : { reason: `${why}; ${scan.stop ?? 'no footer'}`, chunks: scan.chunks, ignoredBytes: scan.trailingBytes },
      indexed: undefined,
    });
  }

  /**
   * Calls `onMessage` for every message (of `topics`, if given), in log-time order for an indexed
   * file and in file order for a recovered one. Awaits each call, so a slow consumer paces the read.
   */
  async forEachMessage(
    onMessage: (m: McapTypes.Message) => void | Promise<void>,
    topics?: readonly string[],
  ): Promise<void> {
    if (this.#indexed !== undefined) {
      for await (const m of this.#indexed.readMessages(topics === undefined ? {} : { topics })) await onMessage(m);
      return;
    }
    const wanted =
      topics === undefined
        ? undefined
        : new Set([...this.channels.values()].filter((c) => topics.includes(c.topic)).map((c) => c.id));
    await scanMcap(this.#file, this.#decompress, (m) =>
      wanted === undefined || wanted.has(m.channelId) ? onMessage(m) : undefined,
    );
  }

  async close(): Promise<void> {
    await this.#file.close();
  }
}

function fileReadable(file: FileHandle, size: number): McapTypes.IReadable {
  return {
    size: async () => BigInt(size),
    read: async (offset, length) => {
      const out = new Uint8Array(Number(length));
      const { bytesRead } = await file.read(out, 0, out.length, Number(offset));
      if (bytesRead !== out.length) throw new Error(`short read at ${offset}: ${bytesRead} of ${length} bytes`);
      return out;
    },
  };
}

function indexedSummary(s: McapTypes.Statistics, chunkIndexes: readonly McapTypes.ChunkIndex[]): RecordingSummary {
  return {
    messageCount: s.messageCount,
    startTime: s.messageStartTime,
    endTime: s.messageEndTime,
    channelCounts: s.channelMessageCounts,
    chunkCount: s.chunkCount,
    compression: new Set(chunkIndexes.map((c) => (c.compression === '' ? 'none' : c.compression))),
  };
}

function scanSummary(scan: RecoveryScan): RecordingSummary {
  return {
    messageCount: [...scan.counts.values()].reduce((a, b) => a + b, 0n),
    startTime: scan.messageStartTime ?? 0n,
    endTime: scan.messageEndTime ?? 0n,
    channelCounts: scan.counts,
    chunkCount: scan.chunks,
    compression: scan.compression,
  };
}

/** The first bytes of a file, as hex and as text where printable, for "got ..." in errors. */
function describeBytes(b: Buffer): string {
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
  const text = [...b].map((x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.')).join('');
  return `${hex} ("${text}")`;
}
