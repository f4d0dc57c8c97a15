import { Opcode } from '@mcap/core';

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
  /**
   * Record offsets of each channel's messages, by channel id, and the ids in order of first use.
   * Only offsets are kept: the log time the index also needs is read back from the record itself,
   * so the hot path pushes one small integer and no bigint.
   */
  #offsets: (number[] | undefined)[] = [];
  #channels: number[] = [];
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
    if (this.#length + bytes.byteLength > this.#buf.length) this.#grow(bytes.byteLength);
    this.#buf.set(bytes, this.#length);
    this.#length += bytes.byteLength;
  }

  addMessage(channelId: number, sequence: number, logTime: bigint, publishTime: bigint, data: Uint8Array): void {
    const size = 31 + data.byteLength;
    if (this.#length + size > this.#buf.length) this.#grow(size);
    const o = this.#length;
    let offsets = this.#offsets[channelId];
    if (offsets === undefined) {
      offsets = [];
      this.#offsets[channelId] = offsets;
      this.#channels.push(channelId);
    }
    offsets.push(o);
    if (this.#messages === 0) {
      this.startTime = logTime;
      this.endTime = logTime;
    } else if (logTime < this.startTime) this.startTime = logTime;
    else if (logTime > this.endTime) this.endTime = logTime;
    this.#messages++;
    const b = this.#buf;
    const v = this.#view;
    b[o] = Opcode.MESSAGE;
    // Record length as two u32 halves: a message under 4 GiB needs no bigint for it.
    v.setUint32(o + 1, size - 9, true);
    v.setUint32(o + 5, 0, true);
    v.setUint16(o + 9, channelId, true);
    v.setUint32(o + 11, sequence, true);
    v.setBigUint64(o + 15, logTime, true);
    v.setBigUint64(o + 23, publishTime, true);
    b.set(data, o + 31);
    this.#length = o + size;
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
    for (const id of this.#channels) total += 15 + 16 * this.#offsets[id]!.length;
    const bytes = Buffer.allocUnsafe(total);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const src = this.#view;
    const offsets = new Map<number, number>();
    let o = 0;
    for (const channelId of this.#channels) {
      offsets.set(channelId, o);
      const recs = this.#offsets[channelId]!;
      const n = recs.length;
      v.setUint8(o, Opcode.MESSAGE_INDEX);
      v.setUint32(o + 1, 6 + 16 * n, true);
      v.setUint32(o + 5, 0, true);
      v.setUint16(o + 9, channelId, true);
      v.setUint32(o + 11, 16 * n, true);
      o += 15;
      for (let i = 0; i < n; i++, o += 16) {
        const at = recs[i]!;
        // The log time, copied from the message record (bytes 15..23 of it).
        v.setUint32(o, src.getUint32(at + 15, true), true);
        v.setUint32(o + 4, src.getUint32(at + 19, true), true);
        v.setUint32(o + 8, at % 0x1_0000_0000, true);
        v.setUint32(o + 12, Math.floor(at / 0x1_0000_0000), true);
      }
    }
    return { bytes, offsets };
  }

  reset(): void {
    this.#length = 0;
    this.#messages = 0;
    for (const id of this.#channels) this.#offsets[id] = undefined;
    this.#channels = [];
    this.startTime = 0n;
    this.endTime = 0n;
  }

  #grow(extra: number): void {
    let size = this.#buf.length * 2;
    while (size < this.#length + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#length);
    this.#buf = next;
    this.#view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }
}
