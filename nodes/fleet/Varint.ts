import { OutpostError, type OutpostErrorCode } from '../../runtime/OutpostError.js';

/**
 * Unsigned LEB128 varints (as protobuf writes them) for the map-sync wire formats. Values are
 * limited to 32 bits: tile ids, versions and counts all fit, and a reader can reject a 6th
 * continuation byte instead of walking into garbage.
 */
export const MAX_VARINT = 0xffff_ffff;

export class VarintWriter {
  #buf = new Uint8Array(256);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  uint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > MAX_VARINT) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `varint: expected an integer in 0..${MAX_VARINT}, got ${value}`,
      );
    }
    this.#reserve(5);
    let v = value;
    while (v >= 0x80) {
      this.#buf[this.#len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[this.#len++] = v;
    return this;
  }

  bytes(data: Uint8Array): this {
    this.#reserve(data.length);
    this.#buf.set(data, this.#len);
    this.#len += data.length;
    return this;
  }

  /** A length-prefixed UTF-8 string. */
  string(text: string): this {
    const data = new TextEncoder().encode(text);
    return this.uint(data.length).bytes(data);
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }
}

/** Reads what VarintWriter wrote; every malformation is an OutpostError of the reader's code. */
export class VarintReader {
  readonly #data: Uint8Array;
  readonly #code: OutpostErrorCode;
  readonly #what: string;
  #pos = 0;

  /** `what` names the format in error messages ("tile summary"). */
  constructor(data: Uint8Array, code: OutpostErrorCode, what: string) {
    this.#data = data;
    this.#code = code;
    this.#what = what;
  }

  get offset(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.#data.length - this.#pos;
  }

  uint(field: string): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (this.#pos >= this.#data.length) this.fail(`truncated inside ${field} at byte ${this.#pos}`);
      const b = this.#data[this.#pos++]!;
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (value > MAX_VARINT) this.fail(`${field} ${value} exceeds 32 bits at byte ${this.#pos - 1}`);
        return value;
      }
      scale *= 0x80;
    }
    return this.fail(`${field} is a varint longer than 5 bytes at byte ${this.#pos - 5}`);
  }

  bytes(n: number, field: string): Uint8Array {
    if (n > this.remaining) this.fail(`${field}: expected ${n} byte(s), only ${this.remaining} left`);
    const out = this.#data.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  string(field: string, maxBytes: number): string {
    const n = this.uint(`${field} length`);
    if (n === 0 || n > maxBytes) this.fail(`${field} length ${n} is outside 1..${maxBytes}`);
    const raw = this.bytes(n, field);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return this.fail(`${field} is not valid UTF-8`);
    }
  }

  /** Fails unless every byte was read (trailing garbage is a sign of a wrong format). */
  end(): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} unexpected trailing byte(s) at byte ${this.#pos}`);
  }

  fail(detail: string): never {
    throw new OutpostError(this.#code, `${this.#what}: ${detail}`);
  }
}
