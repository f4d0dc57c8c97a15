import { writeSync, writevSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { McapRecordBuilder, Opcode, type McapTypes } from '@mcap/core';
import * as zstd from '@foxglove/wasm-zstd';
import { OutpostError } from '../../runtime/OutpostError.js';
import { McapChunkBuffer } from './McapChunkBuffer.js';

export type ChunkCompression = 'zstd' | 'none';

export interface McapRecorderOptions {
  /** Close the open chunk once its records reach this many bytes, uncompressed. Default 1 MiB. */
  chunkBytes?: number;
  /**
   * ...or once its first message is this many wall seconds old (checked on each message and by
   * `flushDue()`), so a quiet bus still reaches the disk. Default 1 s.
   */
  chunkSeconds?: number;
  /** Chunk compression. Default zstd (@foxglove/wasm-zstd, no download). */
  compression?: ChunkCompression;
  /**
   * zstd level. Default -1, zstd's first fast level: on a recorded 4-robot mission ~1.3× the speed
   * of level 1 for a file 13% bigger (4.7× smaller than its CDR instead of 5.3×); -3 and -5 were no
   * faster there and bigger again (`bench:mcap -- --case levels`).
   */
  zstdLevel?: number;
  /**
   * fdatasync after chunks (in the background, at most every 0.5 s) and at close, so a power cut
   * keeps about what a crash keeps. Default true.
   */
  sync?: boolean;
  /**
   * CRC32 of each chunk's records (what a recovery checks a chunk by). Default true; false writes 0,
   * as the spec allows, and saves a pass over every byte (bench:mcap: about a fifth of an
   * uncompressed recording's CPU time).
   */
  chunkCrc?: boolean;
  /** The MCAP header's library string. */
  library?: string;
}

export interface McapRecorderStats {
  messages: number;
  chunks: number;
  /** Bytes of the file so far. */
  bytesWritten: number;
}

/**
 * A chunked, indexed MCAP writer built on @mcap/core's record and chunk builders, written for crash
 * safety: a chunk goes to the file (one write, then fdatasync) as soon as it is full or a second old,
 * so a process killed mid-run leaves a file whose complete chunks a reader recovers (McapRecovery);
 * `close()` adds the summary (schemas, channels, statistics, chunk indexes) and footer.
 * McapWriter itself chunks by size only and wants every call awaited in turn, which a synchronous
 * bus callback cannot do; every call here is synchronous. Chunks are written synchronously (to
 * the page cache: microseconds for a chunk, and the file stays a prefix of what was handed over, so
 * a kill never leaves a later chunk behind a hole); only fdatasync, which can take a disk's time,
 * runs in the background. (An ordered async write queue was tried: on this 2-core machine it was
 * slower, from fresh buffers per chunk and thread-pool hand-offs, and no steadier.)
 */
export class McapRecorder {
  readonly path: string;
  #file: FileHandle;
  #position = 0;
  #syncing: Promise<void> | undefined;
  #lastSync = 0;
  #records = new McapRecordBuilder();
  #chunk = new McapChunkBuffer();
  #chunkOpenedAt = 0;
  #chunkBytes: number;
  #chunkMs: number;
  #compression: ChunkCompression;
  #zstdLevel: number;
  #sync: boolean;
  #chunkCrc: boolean;
  #schemas = new Map<number, McapTypes.Schema>();
  #channels = new Map<number, McapTypes.Channel>();
  #schemasWritten = new Set<number>();
  #chunkIndexes: McapTypes.ChunkIndex[] = [];
  /** Messages per channel id (index), kept as numbers on the hot path; bigints only in the summary. */
  #counts: number[] = [];
  #messages = 0;
  #startTime = 0n;
  #endTime = 0n;
  #closed = false;

  private constructor(path: string, file: FileHandle, options: McapRecorderOptions) {
    this.path = path;
    this.#file = file;
    this.#chunkBytes = options.chunkBytes ?? 1024 * 1024;
    this.#chunkMs = (options.chunkSeconds ?? 1) * 1000;
    this.#compression = options.compression ?? 'zstd';
    this.#zstdLevel = options.zstdLevel ?? -1;
    // zstd's own range: fast levels down to -131072 (ZSTD_minCLevel), 22 the slowest and smallest.
    if (!Number.isInteger(this.#zstdLevel) || this.#zstdLevel < -131072 || this.#zstdLevel > 22) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `zstdLevel: expected an integer from -131072 to 22, got ${String(options.zstdLevel)}`,
      );
    }
    this.#sync = options.sync ?? true;
    this.#chunkCrc = options.chunkCrc ?? true;
  }

  /** Creates (or truncates) `path` and writes the MCAP magic and header (profile `ros2`). */
  static async create(path: string, options: McapRecorderOptions = {}): Promise<McapRecorder> {
    if (options.compression === 'zstd' || options.compression === undefined) await zstd.isLoaded;
    let file: FileHandle;
    try {
      file = await open(path, 'w');
    } catch (err) {
      throw new OutpostError('OUTPOST_ERR_MCAP_FILE', `cannot create ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const r = new McapRecorder(path, file, options);
    r.#records.writeMagic();
    r.#records.writeHeader({ profile: 'ros2', library: options.library ?? 'outpost' });
    r.#emit();
    return r;
  }

  get stats(): McapRecorderStats {
    return { messages: this.#messages, chunks: this.#chunkIndexes.length, bytesWritten: this.#position };
  }

  addSchema(name: string, encoding: string, text: string): number {
    const id = this.#schemas.size + 1;
    this.#schemas.set(id, { id, name, encoding, data: new TextEncoder().encode(text) });
    return id;
  }

  addChannel(topic: string, schemaId: number, messageEncoding: string, metadata: Map<string, string>): number {
    const id = this.#channels.size + 1;
    this.#channels.set(id, { id, topic, schemaId, messageEncoding, metadata });
    this.#counts[id] = 0;
    return id;
  }

  /** Adds one message; its bytes are copied into the open chunk. */
  addMessage(channelId: number, logTime: bigint, publishTime: bigint, data: Uint8Array): void {
    if (this.#closed) return;
    const sequence = this.#counts[channelId];
    if (sequence === undefined) {
      throw new OutpostError('OUTPOST_ERR_INVALID_ARGUMENT', `MCAP channel ${channelId} was never added`);
    }
    const chunk = this.#chunk;
    if (chunk.messageCount === 0) this.#chunkOpenedAt = performance.now();
    // Schema and channel go into the first chunk that uses them, so every complete chunk a
    // recovery reads is self-contained with what came before it.
    if (sequence === 0) this.#introduce(channelId);
    this.#counts[channelId] = sequence + 1;
    chunk.addMessage(channelId, sequence, logTime, publishTime, data);
    if (this.#messages === 0 || logTime < this.#startTime) this.#startTime = logTime;
    if (this.#messages === 0 || logTime > this.#endTime) this.#endTime = logTime;
    this.#messages++;
    if (chunk.byteLength >= this.#chunkBytes) this.flush();
  }

  /** Writes the open chunk if it is older than `chunkSeconds` (call it from a timer). */
  flushDue(): void {
    if (this.#chunk.messageCount > 0 && performance.now() - this.#chunkOpenedAt >= this.#chunkMs) this.flush();
  }

  /** Writes the open chunk and its message indexes now, in one write. */
  flush(): void {
    const chunk = this.#chunk;
    if (this.#closed || chunk.messageCount === 0) return;
    const raw = chunk.records();
    const crc = this.#chunkCrc ? crc32(raw) : 0;
    const records = this.#compression === 'zstd' ? zstd.compress(raw, this.#zstdLevel) : raw;
    const compression = this.#compression === 'zstd' ? 'zstd' : '';
    const head = chunk.chunkHeader(crc, compression, records.byteLength);
    const index = chunk.messageIndexes();
    const start = this.#position;
    const chunkLength = head.byteLength + records.byteLength;
    const messageIndexOffsets = new Map<number, bigint>();
    for (const [channelId, o] of index.offsets) messageIndexOffsets.set(channelId, BigInt(start + chunkLength + o));
    this.#chunkIndexes.push({
      messageStartTime: chunk.startTime,
      messageEndTime: chunk.endTime,
      chunkStartOffset: BigInt(start),
      chunkLength: BigInt(chunkLength),
      messageIndexOffsets,
      messageIndexLength: BigInt(index.bytes.byteLength),
      compression,
      compressedSize: BigInt(records.byteLength),
      uncompressedSize: BigInt(raw.byteLength),
    });
    this.#write([head, records, index.bytes]);
    chunk.reset();
    if (this.#sync) this.#backgroundSync();
  }

  /** Resolves once a background fdatasync in flight has finished (the writes themselves are done). */
  async drain(): Promise<void> {
    await this.#syncing;
  }

  /** Writes the last chunk, the summary and the footer, and closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    const r = this.#records;
    // 0: no data-section CRC. Each chunk carries its own CRC (what a recovery checks); a second
    // pass over every byte written cost a third of the recording's time (bench:mcap).
    r.writeDataEnd({ dataSectionCrc: 0 });
    this.#emit();
    const summaryStart = BigInt(this.#position);
    const offsets: McapTypes.SummaryOffset[] = [];
    const group = (opcode: number, write: () => bigint): void => {
      const groupStart = summaryStart + BigInt(r.length);
      const groupLength = write();
      if (groupLength > 0n) offsets.push({ groupOpcode: opcode, groupStart, groupLength });
    };
    group(Opcode.SCHEMA, () => [...this.#schemas.values()].reduce((n, s) => n + r.writeSchema(s), 0n));
    group(Opcode.CHANNEL, () => [...this.#channels.values()].reduce((n, c) => n + r.writeChannel(c), 0n));
    const channelMessageCounts = new Map<number, bigint>();
    for (const id of this.#channels.keys()) channelMessageCounts.set(id, BigInt(this.#counts[id] ?? 0));
    const statistics: McapTypes.Statistics = {
      messageCount: BigInt(this.#messages),
      schemaCount: this.#schemas.size,
      channelCount: this.#channels.size,
      attachmentCount: 0,
      metadataCount: 0,
      chunkCount: this.#chunkIndexes.length,
      messageStartTime: this.#startTime,
      messageEndTime: this.#endTime,
      channelMessageCounts,
    };
    group(Opcode.STATISTICS, () => r.writeStatistics(statistics));
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
    this.#emit();
    try {
      await this.#syncing;
      if (this.#sync) await this.#file.datasync();
    } finally {
      await this.#file.close();
    }
  }

  /** Writes what the record builder holds. */
  #emit(): void {
    this.#write([this.#records.buffer]);
    this.#records.reset();
  }

  /** Writes `parts` at the end of the file, all of them (a short write goes on where it stopped). */
  #write(parts: Uint8Array[]): void {
    let total = 0;
    for (const p of parts) total += p.byteLength;
    let done = 0;
    try {
      done = writevSync(this.#file.fd, parts);
      while (done < total) {
        let skip = done;
        const rest = parts.flatMap((p) => {
          if (skip >= p.byteLength) {
            skip -= p.byteLength;
            return [];
          }
          const tail = skip > 0 ? p.subarray(skip) : p;
          skip = 0;
          return [tail];
        });
        done += writeSync(this.#file.fd, rest[0]!);
      }
    } catch (err) {
      throw new OutpostError('OUTPOST_ERR_MCAP_FILE', `writing ${this.path} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.#position += total;
  }

  /** At most one fdatasync in flight, and none sooner than 0.5 s after the last. */
  #backgroundSync(): void {
    if (this.#syncing !== undefined || performance.now() - this.#lastSync < 500) return;
    this.#syncing = this.#file
      .datasync()
      .catch(() => {
        // A failed sync leaves the data in the page cache; the next one (or close) tries again.
      })
      .finally(() => {
        this.#lastSync = performance.now();
        this.#syncing = undefined;
      });
  }

  /** Puts the schema (once) and channel records of `channelId` into the open chunk. */
  #introduce(channelId: number): void {
    const channel = this.#channels.get(channelId)!;
    const r = new McapRecordBuilder();
    if (!this.#schemasWritten.has(channel.schemaId)) {
      r.writeSchema(this.#schemas.get(channel.schemaId)!);
      this.#schemasWritten.add(channel.schemaId);
    }
    r.writeChannel(channel);
    this.#chunk.addRecord(r.buffer);
  }
}
