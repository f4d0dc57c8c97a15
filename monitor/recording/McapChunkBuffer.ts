import { Opcode } from '@mcap/core';

/** Per channel in one chunk: log times and record offsets, for its MessageIndex record. */
interface ChannelIndex {
  times: bigint[];
  offsets: number[];
}

/**
 * The open chunk of an MCAP file: its records, serialized straight into one growing buffer, and the
 * message index of each channel. @mcap/core's ChunkBuilder does the same but copies the whole chunk
 * out (`slice`) to hand it over, and then again into the chunk record: at 1 MiB a chunk those two
 * copies cost more than the rest of recording. Here the chunk's bytes are written from where they
 * lie (`records()`), and only the small chunk header and index records are built apart.
 */
export class McapChunkBuffer {
  #buf = Buffer.allocUnsafe(1 << 20);
  #view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
  #length = 0;
  #messages = 0;
  #index = new Map<number, ChannelIndex>();
  startTime = 0n;
  endTime = 0n;

  get byteLength(): number {
    return this.#length;
  }

  get messageCount(): number {
    return this.#messages;
  }

  /** A view of the records so far (valid until the next add or reset). */
  records(): Uint8Array {
    return this.#buf.subarray(0, this.#length);
  }

  /** Appends an already serialized record (a Schema or Channel from McapRecordBuilder). */
  addRecord(bytes: Uint8Array): void {
    this.#ensure(bytes.byteLength);
    this.#buf.set(bytes, this.#length);
    this.#length += bytes.byteLength;
  }

  addMessage(channelId: number, sequence: number, logTime: bigint, publishTime: bigint, data: Uint8Array): void {
    const size = 1 + 8 + 2 + 4 + 8 + 8 + data.byteLength;
    this.#ensure(size);
    let index = this.#index.get(channelId);
    if (index === undefined) {
      index = { times: [], offsets: [] };
      this.#index.set(channelId, index);
    }
    index.times.push(logTime);
    index.offsets.push(this.#length);
    if (this.#messages === 0 || logTime < this.startTime) this.startTime = logTime;
    if (this.#messages === 0 || logTime > this.endTime) this.endTime = logTime;
    this.#messages++;
    const v = this.#view;
    let o = this.#length;
    v.setUint8(o, Opcode.MESSAGE);
    v.setBigUint64(o + 1, BigInt(size - 9), true);
    v.setUint16(o + 9, channelId, true);
    v.setUint32(o + 11, sequence, true);
    v.setBigUint64(o + 15, logTime, true);
    v.setBigUint64(o + 23, publishTime, true);
    o += 31;
    this.#buf.set(data, o);
    this.#length = o + data.byteLength;
  }

  /** The chunk record's bytes up to its records (which follow it in the file). */
  chunkHeader(uncompressedCrc: number, compression: string, recordsLength: number): Uint8Array {
    const name = Buffer.from(compression, 'utf8');
    const head = Buffer.allocUnsafe(1 + 8 + 8 + 8 + 8 + 4 + 4 + name.length + 8);
    const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
    v.setUint8(0, Opcode.CHUNK);
    v.setBigUint64(1, BigInt(head.length - 9 + recordsLength), true);
    v.setBigUint64(9, this.startTime, true);
    v.setBigUint64(17, this.endTime, true);
    v.setBigUint64(25, BigInt(this.#length), true);
    v.setUint32(33, uncompressedCrc, true);
    v.setUint32(37, name.length, true);
    head.set(name, 41);
    v.setBigUint64(41 + name.length, BigInt(recordsLength), true);
    return head;
  }

  /**
   * The MessageIndex records of this chunk, one per channel, and where each starts relative to the
   * first (for the ChunkIndex). Offsets point into the uncompressed records, as the spec says.
   */
  messageIndexes(): { bytes: Uint8Array; offsets: Map<number, number> } {
    let total = 0;
    for (const ix of this.#index.values()) total += 1 + 8 + 2 + 4 + 16 * ix.times.length;
    const bytes = Buffer.allocUnsafe(total);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const offsets = new Map<number, number>();
    let o = 0;
    for (const [channelId, ix] of this.#index) {
      offsets.set(channelId, o);
      const n = ix.times.length;
      v.setUint8(o, Opcode.MESSAGE_INDEX);
      v.setBigUint64(o + 1, BigInt(2 + 4 + 16 * n), true);
      v.setUint16(o + 9, channelId, true);
      v.setUint32(o + 11, 16 * n, true);
      o += 15;
      for (let i = 0; i < n; i++, o += 16) {
        v.setBigUint64(o, ix.times[i]!, true);
        v.setBigUint64(o + 8, BigInt(ix.offsets[i]!), true);
      }
    }
    return { bytes, offsets };
  }

  reset(): void {
    this.#length = 0;
    this.#messages = 0;
    this.#index.clear();
    this.startTime = 0n;
    this.endTime = 0n;
  }

  #ensure(extra: number): void {
    if (this.#length + extra <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#length + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#length);
    this.#buf = next;
    this.#view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }
}
