import { closeSync, fdatasync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { McapChunkBuilder, McapRecordBuilder, Opcode, type McapTypes } from '@mcap/core';
import * as zstd from '@foxglove/wasm-zstd';
import { OutpostError } from '../../runtime/OutpostError.js';

export type ChunkCompression = 'zstd' | 'none';

export interface McapRecorderOptions {
  /** Close the open chunk once its records reach this many bytes, uncompressed. Default 1 MiB. */
  chunkBytes?: number;
  /**
   * ...or once its first message is this many wall seconds old (checked on each message and by
   * `flushDue()`), so a quiet bus still reaches the disk. Default 1 s.
   */
  chunkSeconds?: number;
  /** Chunk compression. Default zstd (level 1, the fastest; @foxglove/wasm-zstd, no download). */
  compression?: ChunkCompression;
  /** fdatasync after each chunk (in the background), so a power cut keeps what a crash keeps. Default true. */
  sync?: boolean;
  /** The MCAP header's library string. */
  library?: string;
}

export interface McapRecorderStats {
  messages: number;
  chunks: number;
  bytesWritten: number;
}

/**
 * A chunked, indexed MCAP writer built on @mcap/core's record and chunk builders, written for crash
 * safety: a chunk goes to the file (one write, then fdatasync) as soon as it is full or a second old,
 * so a process killed mid-run leaves a file whose complete chunks a reader recovers (McapRecovery);
 * `close()` adds the summary (schemas, channels, statistics, chunk indexes) and footer.
 * McapWriter itself chunks by size only and wants every call awaited in turn, which a synchronous
 * bus callback cannot do; every call here is synchronous.
 */
export class McapRecorder {
  readonly path: string;
  #fd: number;
  #position = 0;
  #dataCrc = 0;
  #records = new McapRecordBuilder();
  #chunk = new McapChunkBuilder({ useMessageIndex: true });
  #chunkOpenedAt = 0;
  #chunkBytes: number;
  #chunkMs: number;
  #compression: ChunkCompression;
  #sync: boolean;
  #syncing: Promise<void> | undefined;
  #syncAgain = false;
  #schemas = new Map<number, McapTypes.Schema>();
  #channels = new Map<number, McapTypes.Channel>();
  #written = new Set<string>();
  #sequences = new Map<number, number>();
  #chunkIndexes: McapTypes.ChunkIndex[] = [];
  #stats: McapTypes.Statistics = {
    messageCount: 0n,
    schemaCount: 0,
    channelCount: 0,
    attachmentCount: 0,
    metadataCount: 0,
    chunkCount: 0,
    messageStartTime: 0n,
    messageEndTime: 0n,
    channelMessageCounts: new Map(),
  };
  #closed = false;

  private constructor(path: string, fd: number, options: McapRecorderOptions) {
    this.path = path;
    this.#fd = fd;
    this.#chunkBytes = options.chunkBytes ?? 1024 * 1024;
    this.#chunkMs = (options.chunkSeconds ?? 1) * 1000;
    this.#compression = options.compression ?? 'zstd';
    this.#sync = options.sync ?? true;
  }

  /** Creates (or truncates) `path` and writes the MCAP magic and header (profile `ros2`). */
  static async create(path: string, options: McapRecorderOptions = {}): Promise<McapRecorder> {
    if (options.compression === 'zstd' || options.compression === undefined) await zstd.isLoaded;
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (err) {
      throw new OutpostError('OUTPOST_ERR_MCAP_FILE', `cannot create ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const r = new McapRecorder(path, fd, options);
    r.#records.writeMagic();
    r.#records.writeHeader({ profile: 'ros2', library: options.library ?? 'outpost' });
    r.#emit(true);
    return r;
  }

  get stats(): McapRecorderStats {
    return { messages: Number(this.#stats.messageCount), chunks: this.#stats.chunkCount, bytesWritten: this.#position };
  }

  addSchema(name: string, encoding: string, text: string): number {
    const id = this.#schemas.size + 1;
    this.#schemas.set(id, { id, name, encoding, data: new TextEncoder().encode(text) });
    this.#stats.schemaCount++;
    return id;
  }

  addChannel(topic: string, schemaId: number, messageEncoding: string, metadata: Map<string, string>): number {
    const id = this.#channels.size + 1;
    this.#channels.set(id, { id, topic, schemaId, messageEncoding, metadata });
    this.#stats.channelCount++;
    return id;
  }

  /** Adds one message; `data` is kept by reference until its chunk is written (do not reuse the buffer). */
  addMessage(channelId: number, logTime: bigint, publishTime: bigint, data: Uint8Array): void {
    if (this.#closed) return;
    const channel = this.#channels.get(channelId);
    if (channel === undefined) {
      throw new OutpostError('OUTPOST_ERR_INVALID_ARGUMENT', `MCAP channel ${channelId} was never added`);
    }
    if (this.#chunk.numMessages === 0) this.#chunkOpenedAt = performance.now();
    // Schema and channel go into the first chunk that uses them, so every complete chunk a
    // recovery reads is self-contained with what came before it.
    if (!this.#written.has(`c${channelId}`)) {
      if (!this.#written.has(`s${channel.schemaId}`)) {
        this.#chunk.addSchema(this.#schemas.get(channel.schemaId)!);
        this.#written.add(`s${channel.schemaId}`);
      }
      this.#chunk.addChannel(channel);
      this.#written.add(`c${channelId}`);
    }
    const sequence = this.#sequences.get(channelId) ?? 0;
    this.#sequences.set(channelId, sequence + 1);
    this.#chunk.addMessage({ channelId, sequence, logTime, publishTime, data });
    const s = this.#stats;
    if (s.messageCount === 0n || logTime < s.messageStartTime) s.messageStartTime = logTime;
    if (s.messageCount === 0n || logTime > s.messageEndTime) s.messageEndTime = logTime;
    s.messageCount++;
    s.channelMessageCounts.set(channelId, (s.channelMessageCounts.get(channelId) ?? 0n) + 1n);
    if (this.#chunk.byteLength >= this.#chunkBytes || performance.now() - this.#chunkOpenedAt >= this.#chunkMs) {
      this.flush();
    }
  }

  /** Writes the open chunk if it is older than `chunkSeconds` (call it from a timer on a quiet bus). */
  flushDue(): void {
    if (this.#chunk.numMessages > 0 && performance.now() - this.#chunkOpenedAt >= this.#chunkMs) this.flush();
  }

  /** Writes the open chunk and its message indexes now. */
  flush(): void {
    const chunk = this.#chunk;
    if (this.#closed || chunk.numMessages === 0) return;
    const raw = chunk.buffer;
    const records = this.#compression === 'zstd' ? zstd.compress(raw, 1) : raw;
    const start = BigInt(this.#position);
    const record: McapTypes.Chunk = {
      messageStartTime: chunk.messageStartTime,
      messageEndTime: chunk.messageEndTime,
      uncompressedSize: BigInt(raw.byteLength),
      uncompressedCrc: crc32(raw),
      compression: this.#compression === 'zstd' ? 'zstd' : '',
      records,
    };
    const chunkLength = this.#records.writeChunk(record);
    const indexStart = start + BigInt(this.#records.length);
    const messageIndexOffsets = new Map<number, bigint>();
    let messageIndexLength = 0n;
    for (const index of chunk.indices) {
      messageIndexOffsets.set(index.channelId, indexStart + messageIndexLength);
      messageIndexLength += this.#records.writeMessageIndex(index);
    }
    this.#chunkIndexes.push({
      messageStartTime: record.messageStartTime,
      messageEndTime: record.messageEndTime,
      chunkStartOffset: start,
      chunkLength,
      messageIndexOffsets,
      messageIndexLength,
      compression: record.compression,
      compressedSize: BigInt(records.byteLength),
      uncompressedSize: record.uncompressedSize,
    });
    this.#stats.chunkCount++;
    chunk.reset();
    this.#emit(true);
    if (this.#sync) this.#backgroundSync();
  }

  /** Writes the last chunk, the summary and the footer, and closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    const r = this.#records;
    r.writeDataEnd({ dataSectionCrc: this.#dataCrc });
    this.#emit(false);
    const summaryStart = BigInt(this.#position);
    const offsets: McapTypes.SummaryOffset[] = [];
    const group = (opcode: number, write: () => bigint): void => {
      const groupStart = summaryStart + BigInt(r.length);
      const groupLength = write();
      if (groupLength > 0n) offsets.push({ groupOpcode: opcode, groupStart, groupLength });
    };
    group(Opcode.SCHEMA, () => [...this.#schemas.values()].reduce((n, s) => n + r.writeSchema(s), 0n));
    group(Opcode.CHANNEL, () => [...this.#channels.values()].reduce((n, c) => n + r.writeChannel(c), 0n));
    group(Opcode.STATISTICS, () => r.writeStatistics(this.#stats));
    group(Opcode.CHUNK_INDEX, () => this.#chunkIndexes.reduce((n, c) => n + r.writeChunkIndex(c), 0n));
    const summaryOffsetStart = summaryStart + BigInt(r.length);
    for (const o of offsets) r.writeSummaryOffset(o);
    // The footer's CRC covers the summary and the footer up to the CRC field itself.
    const footerHead = new DataView(new ArrayBuffer(1 + 8 + 8 + 8));
    footerHead.setUint8(0, Opcode.FOOTER);
    footerHead.setBigUint64(1, 20n, true);
    footerHead.setBigUint64(9, summaryStart, true);
    footerHead.setBigUint64(17, summaryOffsetStart, true);
    const summaryCrc = crc32(new Uint8Array(footerHead.buffer), crc32(r.buffer));
    r.writeFooter({ summaryStart, summaryOffsetStart, summaryCrc });
    r.writeMagic();
    this.#emit(false);
    await this.#syncing;
    try {
      if (this.#sync) fdatasyncSync(this.#fd);
    } finally {
      closeSync(this.#fd);
    }
  }

  /** Writes what the record builder holds; data-section bytes also feed the data CRC. */
  #emit(data: boolean): void {
    const buf = this.#records.buffer;
    if (data) this.#dataCrc = crc32(buf, this.#dataCrc);
    let done = 0;
    while (done < buf.byteLength) done += writeSync(this.#fd, buf, done, buf.byteLength - done);
    this.#position += buf.byteLength;
    this.#records.reset();
  }

  /** One fdatasync in flight at a time; chunks written meanwhile are covered by one more after it. */
  #backgroundSync(): void {
    if (this.#syncing !== undefined) {
      this.#syncAgain = true;
      return;
    }
    this.#syncing = new Promise<void>((resolve) => {
      fdatasync(this.#fd, () => {
        this.#syncing = undefined;
        resolve();
        if (this.#syncAgain && !this.#closed) {
          this.#syncAgain = false;
          this.#backgroundSync();
        }
      });
    });
  }
}
