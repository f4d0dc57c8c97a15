import type { MessageDefinition } from '@foxglove/message-definition';
import { OutpostError, describeValue } from '../OutpostError.js';
import type { MessageRegistry } from './MessageRegistry.js';

/**
 * Builds a message of `type` from loose input (YAML or JSON typed by a person): fields left out
 * take their defaults, unknown fields and wrong types are errors that name the field path, what
 * was expected and what came. Used where messages enter from outside: `outpost topic pub`.
 */
export function buildMessage(registry: MessageRegistry, type: string, input: unknown): Record<string, unknown> {
  const defs = registry.definitionsOf(type);
  const byName = new Map(defs.map((d) => [d.name ?? '', d]));
  return buildStruct(byName, defs[0]!, input ?? {}, type);
}

function buildStruct(
  defs: Map<string, MessageDefinition>,
  def: MessageDefinition,
  input: unknown,
  path: string,
): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new OutpostError(
      'OUTPOST_ERR_CDR_ENCODE',
      `${path}: expected a mapping of fields, got ${describeValue(input)}`,
    );
  }
  const given = input as Record<string, unknown>;
  const fields = def.definitions.filter((f) => f.isConstant !== true);
  for (const key of Object.keys(given)) {
    if (!fields.some((f) => f.name === key)) {
      throw new OutpostError(
        'OUTPOST_ERR_CDR_ENCODE',
        `${path}: unknown field "${key}"; expected one of ${fields.map((f) => f.name).join(', ')}`,
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const p = `${path}.${f.name}`;
    const v = given[f.name];
    const one = (x: unknown, q: string): unknown =>
      f.isComplex === true ? buildStruct(defs, defs.get(f.type)!, x ?? {}, q) : primitive(f.type, x, q);
    if (f.isArray === true) {
      if (v === undefined) {
        out[f.name] =
          f.arrayLength !== undefined
            ? Array.from({ length: f.arrayLength }, (_, i) => one(undefined, `${p}[${i}]`))
            : [];
        continue;
      }
      if (!Array.isArray(v))
        throw new OutpostError('OUTPOST_ERR_CDR_ENCODE', `${p}: expected a list, got ${describeValue(v)}`);
      if (f.arrayLength !== undefined && v.length !== f.arrayLength) {
        throw new OutpostError(
          'OUTPOST_ERR_CDR_ENCODE',
          `${p}: expected exactly ${f.arrayLength} elements, got ${v.length}`,
        );
      }
      out[f.name] = v.map((x, i) => one(x, `${p}[${i}]`));
    } else {
      out[f.name] = one(v, p);
    }
  }
  return out;
}

const INT_LIMITS: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  byte: [0, 255],
  char: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

function primitive(type: string, v: unknown, path: string): unknown {
  const fail = (expected: string): never => {
    throw new OutpostError('OUTPOST_ERR_CDR_ENCODE', `${path}: expected ${expected}, got ${describeValue(v)}`);
  };
  switch (type) {
    case 'bool':
      if (v === undefined) return false;
      return typeof v === 'boolean' ? v : fail('true or false');
    case 'string':
    case 'wstring':
      if (v === undefined) return '';
      return typeof v === 'string' ? v : fail('a string');
    case 'float32':
    case 'float64':
      if (v === undefined) return 0;
      return typeof v === 'number' ? v : fail('a number');
    case 'int64':
    case 'uint64': {
      if (v === undefined) return 0n;
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
      return fail('an integer');
    }
    case 'time':
    case 'duration':
      if (v === undefined) return { sec: 0, nanosec: 0 };
      return v;
    default: {
      if (v === undefined) return 0;
      const lim = INT_LIMITS[type];
      if (typeof v !== 'number' || !Number.isInteger(v)) return fail(`an integer (${type})`);
      if (lim !== undefined && (v < lim[0] || v > lim[1])) fail(`${type} in [${lim[0]}, ${lim[1]}]`);
      return v;
    }
  }
}

/** A decoded message as plain data for printing: typed arrays become lists, bigints numbers or strings. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, toPlain);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}
