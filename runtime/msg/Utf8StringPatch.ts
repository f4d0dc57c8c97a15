import type { MessageDefinition, MessageDefinitionField } from '@foxglove/message-definition';

type Fields = readonly MessageDefinitionField[];

/** Where the UTF-8 bytes of one string go in an encoded payload. */
export interface StringFixup {
  /** Payload offset of the first string byte (just after its uint32 length prefix). */
  offset: number;
  bytes: Uint8Array;
}

/** Size and CDR alignment of fixed-size primitives (time/duration are int32 + uint32, aligned to 4). */
const PRIMITIVE: Record<string, { size: number; align: number }> = {
  bool: { size: 1, align: 1 },
  byte: { size: 1, align: 1 },
  char: { size: 1, align: 1 },
  int8: { size: 1, align: 1 },
  uint8: { size: 1, align: 1 },
  int16: { size: 2, align: 2 },
  uint16: { size: 2, align: 2 },
  int32: { size: 4, align: 4 },
  uint32: { size: 4, align: 4 },
  float32: { size: 4, align: 4 },
  int64: { size: 8, align: 8 },
  uint64: { size: 8, align: 8 },
  float64: { size: 8, align: 8 },
  time: { size: 8, align: 4 },
  duration: { size: 8, align: 4 },
};

/** The typed arrays MessageWriter takes as they are for each primitive array type. */
const TYPED: Record<string, readonly (abstract new (...args: never[]) => unknown)[]> = {
  int8: [Int8Array],
  uint8: [Uint8Array, Uint8ClampedArray],
  byte: [Uint8Array],
  char: [Uint8Array],
  int16: [Int16Array],
  uint16: [Uint16Array],
  int32: [Int32Array],
  uint32: [Uint32Array],
  int64: [BigInt64Array],
  uint64: [BigUint64Array],
  float32: [Float32Array],
  float64: [Float64Array],
};

const NON_ASCII = /[\u0080-\uffff]/; // any UTF-16 code unit above ASCII
const utf8 = new TextEncoder();

/**
 * Makes non-ASCII strings survive @foxglove/rosmsg2-serialization's MessageWriter. Its CdrWriter
 * sizes a string by its UTF-16 length (`value.length`) and writes only that many UTF-8 bytes, so
 * `"Zürich → 東京"` (12 code units, 18 bytes) is silently cut to `"Zürich →"`. Rather than replace
 * the writer, the codec hands it a copy of the message in which each such string is an ASCII
 * placeholder of the right byte length (so sizes and alignment come out right) and then writes the
 * real UTF-8 bytes over the placeholders. ASCII-only messages (nearly all traffic) take no copy.
 */
export class Utf8StringPatch {
  #defs: Map<string, Fields>;
  #root: Fields;
  /** Per definition, the fields that are strings or contain strings somewhere below. */
  #stringFields = new Map<Fields, MessageDefinitionField[]>();

  /** `definitions` as MessageWriter takes them: root first, then every type it uses. */
  constructor(definitions: readonly MessageDefinition[]) {
    this.#defs = new Map(definitions.map((d) => [d.name ?? '', d.definitions]));
    this.#root = definitions[0]?.definitions ?? [];
  }

  /** True when `message` holds a string that is not plain ASCII: only then does the writer need help. */
  needed(message: unknown): boolean {
    return this.#hasWide(this.#root, message);
  }

  /**
   * A copy of `message` with every non-ASCII string replaced by an ASCII placeholder of its UTF-8
   * byte length, and where the real bytes belong in the payload MessageWriter makes of that copy.
   */
  substitute(message: unknown): { message: unknown; fixups: StringFixup[] } {
    const fixups: StringFixup[] = [];
    const [copy] = this.#walk(this.#root, message, 4, fixups);
    return { message: copy, fixups };
  }

  /** Writes the UTF-8 bytes over the placeholders, after checking each string's length prefix. */
  apply(payload: Uint8Array, fixups: readonly StringFixup[]): void {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    for (const { offset, bytes } of fixups) {
      const end = offset + bytes.length;
      if (
        offset < 4 ||
        end >= payload.length ||
        view.getUint32(offset - 4, true) !== bytes.length + 1 ||
        payload[end] !== 0
      ) {
        // The walk below and MessageWriter disagree on the layout: fail rather than corrupt.
        throw new Error(`internal: no ${bytes.length}-byte string placeholder at payload offset ${offset}`);
      }
      payload.set(bytes, offset);
    }
  }

  #hasWide(fields: Fields, msg: unknown): boolean {
    const obj = msg as Record<string, unknown> | null | undefined;
    for (const f of this.#stringy(fields)) {
      const value = obj?.[f.name];
      if (f.isComplex !== true) {
        const items =
          f.isArray === true
            ? Array.isArray(value)
              ? value
              : []
            : [typeof value === 'string' ? value : f.defaultValue];
        for (const s of items) if (typeof s === 'string' && NON_ASCII.test(s)) return true;
      } else if (f.isArray === true) {
        if (Array.isArray(value)) for (const item of value) if (this.#hasWide(this.#nested(f), item)) return true;
      } else if (this.#hasWide(this.#nested(f), value ?? {})) {
        return true;
      }
    }
    return false;
  }

  /** Mirrors MessageWriter's write order and CDR alignment; returns the (copied if changed) message and the end offset. */
  #walk(fields: Fields, msg: unknown, start: number, fixups: StringFixup[]): [unknown, number] {
    if (!fields.some((f) => f.isConstant !== true)) return [msg, start + 1]; // empty message: one uint8
    const obj = msg as Record<string, unknown> | null | undefined;
    let copy: Record<string, unknown> | undefined;
    const replace = (name: string, value: unknown): void => {
      copy ??= { ...obj };
      copy[name] = value;
    };
    let offset = start;
    for (const f of fields) {
      if (f.isConstant === true) continue;
      const value = obj?.[f.name];
      if (f.isArray === true) {
        if (f.arrayLength === undefined) offset = align(offset, 4) + 4; // sequence length
        if (f.isComplex === true) {
          const items = isArrayLike(value) ? value : [];
          const n = f.arrayLength ?? items.length;
          let out: unknown[] | undefined;
          for (let i = 0; i < n; i++) {
            const item = items[i] ?? {};
            const [next, end] = this.#walk(this.#nested(f), item, offset, fixups);
            offset = end;
            if (next !== item) (out ??= Array.from(items))[i] = next;
          }
          if (out !== undefined) replace(f.name, out);
        } else if (f.type === 'string') {
          const items: unknown[] = Array.isArray(value)
            ? value
            : Array.isArray(f.defaultValue)
              ? f.defaultValue
              : new Array<string>(f.arrayLength ?? 0).fill('');
          let out: unknown[] | undefined;
          items.forEach((item, i) => {
            const s = typeof item === 'string' ? item : '';
            const [next, end] = stringAt(s, offset, fixups);
            offset = end;
            if (next !== s) (out ??= [...items])[i] = next;
          });
          if (out !== undefined) replace(f.name, out);
        } else {
          const n = primitiveCount(f, value);
          const p = primitive(f.type);
          if (n > 0) offset = align(offset, p.align) + p.size * n;
        }
      } else if (f.isComplex === true) {
        const entry = value ?? {};
        const [next, end] = this.#walk(this.#nested(f), entry, offset, fixups);
        offset = end;
        if (next !== entry) replace(f.name, next);
      } else if (f.type === 'string') {
        const s = typeof value === 'string' ? value : typeof f.defaultValue === 'string' ? f.defaultValue : '';
        const [next, end] = stringAt(s, offset, fixups);
        offset = end;
        if (next !== s) replace(f.name, next);
      } else {
        const p = primitive(f.type);
        offset = align(offset, p.align) + p.size;
      }
    }
    return [copy ?? msg, offset];
  }

  #nested(f: MessageDefinitionField): Fields {
    const nested = this.#defs.get(f.type);
    if (nested === undefined) throw new Error(`unknown nested type ${f.type} of field ${f.name}`);
    return nested;
  }

  #stringy(fields: Fields, visiting = new Set<Fields>()): MessageDefinitionField[] {
    let list = this.#stringFields.get(fields);
    if (list !== undefined) return list;
    visiting.add(fields);
    list = fields.filter((f) => {
      if (f.isConstant === true) return false;
      if (f.isComplex !== true) return f.type === 'string';
      const nested = this.#nested(f);
      return !visiting.has(nested) && this.#stringy(nested, visiting).length > 0;
    });
    // Only the types on the current path are "being visited": a second field of the same type
    // (ParameterEventDescriptors' three ParameterDescriptor[]) must find the cached list, not be
    // taken for a cycle and left unpatched (its non-ASCII strings were cut; found by fuzzing).
    visiting.delete(fields);
    this.#stringFields.set(fields, list);
    return list;
  }
}

/** The placeholder for `s` (itself when ASCII) and the offset after it; records non-ASCII bytes. */
function stringAt(s: string, start: number, fixups: StringFixup[]): [string, number] {
  const offset = align(start, 4) + 4;
  if (!NON_ASCII.test(s)) return [s, offset + s.length + 1];
  const bytes = utf8.encode(s);
  fixups.push({ offset, bytes });
  return ['?'.repeat(bytes.length), offset + bytes.length + 1];
}

/** Pads `offset` to `width`; the 4-byte encapsulation header does not count, as in CdrWriter. */
function align(offset: number, width: number): number {
  const rest = (offset - 4) % width;
  return rest > 0 ? offset + width - rest : offset;
}

function primitive(type: string): { size: number; align: number } {
  const p = PRIMITIVE[type];
  if (p === undefined) throw new Error(`unsupported primitive type ${type}`);
  return p;
}

/** How many elements MessageWriter writes for a primitive array field given `value`. */
function primitiveCount(f: MessageDefinitionField, value: unknown): number {
  if (Array.isArray(value)) return value.length;
  if (ArrayBuffer.isView(value) && (TYPED[f.type] ?? []).some((T) => value instanceof T)) {
    return (value as unknown as ArrayLike<unknown>).length;
  }
  const d = f.defaultValue as unknown;
  if (Array.isArray(d) || ArrayBuffer.isView(d)) return (d as ArrayLike<unknown>).length;
  return f.arrayLength ?? 0;
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}
