import type { MessageDefinition, MessageDefinitionField } from '@foxglove/message-definition';
import { parse } from '@foxglove/rosmsg';
import { ros2jazzy } from '@foxglove/rosmsg-msgs-common';
import { MessageReader, MessageWriter } from '@foxglove/rosmsg2-serialization';
import { OutpostError, describeValue } from '../OutpostError.js';
import { installCdrSequenceGuard } from './CdrSequenceGuard.js';
import { Utf8StringPatch } from './Utf8StringPatch.js';

/** Encodes and decodes one message type as ROS 2 CDR (little endian, with encapsulation header). */
export interface MessageCodec<T = unknown> {
  readonly type: string;
  encode(message: T): Uint8Array;
  decode(bytes: ArrayBufferView): T;
}

/**
 * All message types Outpost knows, by their ROS 2 names (`geometry_msgs/msg/Twist`): the common
 * ROS 2 (Jazzy) definitions from @foxglove/rosmsg-msgs-common, plus definitions registered from
 * `.msg`/`.srv` text (Outpost's own `outpost_msgs`, `std_srvs`). Codecs are built once per type.
 */
export class MessageRegistry {
  /** Definitions keyed by the short form used inside definitions: `pkg/Type`. */
  #definitions = new Map<string, MessageDefinition>();
  #codecs = new Map<string, MessageCodec>();
  #services = new Set<string>();

  constructor() {
    for (const [name, def] of Object.entries(ros2jazzy as Record<string, MessageDefinition>)) {
      this.#definitions.set(name, def);
    }
  }

  /**
   * Registers a message from its `.msg` text, e.g. `registerMessage('outpost_msgs/msg/TileSummary', text)`.
   * Field types may name other registered messages (`geometry_msgs/Pose` or, in the same package, `Pose`).
   */
  registerMessage(type: string, text: string): void {
    const { pkg, name } = splitTypeName(type);
    const key = `${pkg}/${name}`;
    let parsed: MessageDefinition[];
    try {
      parsed = parse(text, { ros2: true, skipTypeFixup: true });
    } catch (err) {
      throw new OutpostError(
        'OUTPOST_ERR_MESSAGE_DEFINITION',
        `message ${type}: cannot parse its definition: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const root = parsed[0];
    if (root === undefined) {
      throw new OutpostError('OUTPOST_ERR_MESSAGE_DEFINITION', `message ${type}: definition is empty`);
    }
    const fields = root.definitions.map((f) => qualifyField(f, pkg));
    for (const f of fields) {
      if (f.isComplex === true && !this.#definitions.has(f.type) && f.type !== key) {
        throw new OutpostError(
          'OUTPOST_ERR_MESSAGE_DEFINITION',
          `message ${type}: field "${f.name}" has type ${f.type}, which is not a known message type`,
        );
      }
    }
    this.#definitions.set(key, { name: key, definitions: fields });
    this.#codecs.delete(key);
  }

  /** Registers a service from its `.srv` text (request `---` response) as `<Srv>_Request`/`_Response`. */
  registerService(type: string, text: string): void {
    const { pkg, name } = splitTypeName(type);
    const parts = text.split(/^---\s*$/m);
    if (parts.length !== 2) {
      throw new OutpostError(
        'OUTPOST_ERR_MESSAGE_DEFINITION',
        `service ${type}: expected a request and a response separated by one "---" line, got ${parts.length} part(s)`,
      );
    }
    this.registerMessage(`${pkg}/srv/${name}_Request`, parts[0]!);
    this.registerMessage(`${pkg}/srv/${name}_Response`, parts[1]!);
    this.#services.add(`${pkg}/${name}`);
  }

  has(type: string): boolean {
    return this.#definitions.has(shortName(type));
  }

  hasService(type: string): boolean {
    return this.#services.has(shortName(type));
  }

  /** Every registered message type, in ROS 2 form (`pkg/msg/Type`), sorted. */
  types(): string[] {
    return [...this.#definitions.keys()]
      .filter((k) => !k.endsWith('_Request') && !k.endsWith('_Response'))
      .map((k) => longName(k))
      .sort();
  }

  /** Every registered service type, in ROS 2 form (`pkg/srv/Type`), sorted. */
  serviceTypes(): string[] {
    return [...this.#services].map((k) => k.replace('/', '/srv/')).sort();
  }

  /** The definition of a type and of every type it uses, root first (what MessageWriter takes). */
  definitionsOf(type: string): MessageDefinition[] {
    const root = this.#lookup(type);
    const out: MessageDefinition[] = [root];
    const seen = new Set([root.name]);
    for (let i = 0; i < out.length; i++) {
      for (const f of out[i]!.definitions) {
        if (f.isComplex === true && !seen.has(f.type)) {
          seen.add(f.type);
          out.push(this.#lookup(f.type));
        }
      }
    }
    return out;
  }

  /** The `.msg`-style text of a type with its dependencies, as ROS 2 writes it into MCAP schemas. */
  definitionText(type: string): string {
    const defs = this.definitionsOf(type);
    const body = (d: MessageDefinition): string =>
      d.definitions
        .map((f) => {
          const base = f.isComplex === true ? f.type : f.type;
          const arr = f.isArray === true ? `[${f.arrayLength ?? ''}]` : '';
          if (f.isConstant === true) return `${base} ${f.name}=${String(f.valueText ?? f.value)}`;
          return `${base}${arr} ${f.name}`;
        })
        .join('\n');
    return defs.map((d, i) => (i === 0 ? body(d) : `${'='.repeat(80)}\nMSG: ${d.name}\n${body(d)}`)).join('\n');
  }

  codec<T = unknown>(type: string): MessageCodec<T> {
    const key = shortName(type);
    let codec = this.#codecs.get(key);
    if (codec === undefined) {
      codec = buildCodec(longName(key), this.definitionsOf(key));
      this.#codecs.set(key, codec);
    }
    return codec as MessageCodec<T>;
  }

  encode(type: string, message: unknown): Uint8Array {
    return this.codec(type).encode(message);
  }

  decode<T = unknown>(type: string, bytes: ArrayBufferView): T {
    return this.codec<T>(type).decode(bytes);
  }

  /** A message of `type` with every field at its ROS 2 default (zeros, empty strings and arrays). */
  createDefault<T = Record<string, unknown>>(type: string): T {
    return this.#defaultOf(this.#lookup(type)) as T;
  }

  #defaultOf(def: MessageDefinition): Record<string, unknown> {
    const msg: Record<string, unknown> = {};
    for (const f of def.definitions) {
      if (f.isConstant === true) continue;
      const one = (): unknown => (f.isComplex === true ? this.#defaultOf(this.#lookup(f.type)) : primitiveDefault(f));
      if (f.isArray === true) {
        msg[f.name] = f.arrayLength !== undefined ? Array.from({ length: f.arrayLength }, one) : [];
      } else {
        msg[f.name] = one();
      }
    }
    return msg;
  }

  #lookup(type: string): MessageDefinition {
    const def = this.#definitions.get(shortName(type));
    if (def === undefined) {
      throw new OutpostError(
        'OUTPOST_ERR_UNKNOWN_MESSAGE_TYPE',
        `message type ${describeValue(type)} is not known; expected a ROS 2 name like "geometry_msgs/msg/Twist" ` +
          `(see \`outpost interfaces\` for the list)`,
      );
    }
    return def;
  }
}

function buildCodec(type: string, defs: MessageDefinition[]): MessageCodec {
  installCdrSequenceGuard();
  // A message of constants only (rcl_interfaces/msg/ParameterType, an enumeration) is one uint8 on
  // the wire, as an empty one is; MessageReader and MessageWriter take such a root for an IDL
  // constant module and find no message to code (found by fuzzing). Give them the root
  // without its constants.
  const root = defs[0]!;
  const constantsOnly = root.definitions.length > 0 && root.definitions.every((f) => f.isConstant === true);
  const wire = constantsOnly ? [{ ...root, definitions: [] }, ...defs.slice(1)] : defs;
  const writer = new MessageWriter(wire);
  const reader = new MessageReader(wire);
  const strings = new Utf8StringPatch(defs);
  return {
    type,
    encode(message: unknown): Uint8Array {
      if (message === null || typeof message !== 'object') {
        throw new OutpostError(
          'OUTPOST_ERR_CDR_ENCODE',
          `${type}: expected a message object, got ${describeValue(message)}`,
        );
      }
      try {
        if (!strings.needed(message)) return writer.writeMessage(message);
        // The writer cuts non-ASCII strings short (see Utf8StringPatch): encode placeholders, then patch.
        const { message: ascii, fixups } = strings.substitute(message);
        const payload = writer.writeMessage(ascii);
        strings.apply(payload, fixups);
        return payload;
      } catch (err) {
        throw new OutpostError('OUTPOST_ERR_CDR_ENCODE', `${type}: cannot encode: ${(err as Error).message}`, {
          cause: err,
        });
      }
    },
    decode(bytes: ArrayBufferView): unknown {
      if (bytes.byteLength < 4) {
        throw new OutpostError(
          'OUTPOST_ERR_CDR_DECODE',
          `${type}: expected at least the 4-byte CDR encapsulation header, got ${bytes.byteLength} byte(s)`,
        );
      }
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      // 0x0001 is plain CDR little endian; 0x0000 big endian. XCDR2 kinds are not ROS 2 wire formats.
      if (view[0] !== 0 || (view[1] !== 1 && view[1] !== 0)) {
        throw new OutpostError(
          'OUTPOST_ERR_CDR_DECODE',
          `${type}: expected CDR encapsulation 00 01 (little endian) or 00 00, got ${hex(view.subarray(0, 2))}`,
        );
      }
      try {
        return reader.readMessage(view);
      } catch (err) {
        throw new OutpostError(
          'OUTPOST_ERR_CDR_DECODE',
          `${type}: cannot decode ${bytes.byteLength} byte(s): ${(err as Error).message}`,
          { cause: err },
        );
      }
    },
  };
}

function primitiveDefault(f: MessageDefinitionField): unknown {
  if (f.defaultValue !== undefined && !Array.isArray(f.defaultValue)) return f.defaultValue;
  switch (f.type) {
    case 'bool':
      return false;
    case 'string':
    case 'wstring':
      return '';
    case 'int64':
    case 'uint64':
      return 0n;
    case 'time':
    case 'duration':
      return { sec: 0, nanosec: 0 };
    default:
      return 0;
  }
}

function qualifyField(f: MessageDefinitionField, pkg: string): MessageDefinitionField {
  if (f.isComplex !== true) return f;
  let t = f.type;
  if (t === 'Header') t = 'std_msgs/Header';
  else if (!t.includes('/')) t = `${pkg}/${t}`;
  return { ...f, type: shortName(t) };
}

function splitTypeName(type: string): { pkg: string; name: string } {
  const m = /^([a-z][a-z0-9_]*)\/(?:(?:msg|srv|action)\/)?([A-Z][A-Za-z0-9_]*)$/.exec(type);
  if (m === null) {
    throw new OutpostError(
      'OUTPOST_ERR_INVALID_NAME',
      `type name ${describeValue(type)} is not a ROS 2 type name; expected "package/msg/Type"`,
    );
  }
  return { pkg: m[1]!, name: m[2]! };
}

/** `geometry_msgs/msg/Twist` → `geometry_msgs/Twist` (the form inside definitions). */
export function shortName(type: string): string {
  const parts = type.split('/');
  if (parts.length === 3 && (parts[1] === 'msg' || parts[1] === 'srv')) {
    // Service request/response types keep the srv marker out, like rosidl's MCAP schema names do.
    return `${parts[0]}/${parts[2]}`;
  }
  return type;
}

/** `geometry_msgs/Twist` → `geometry_msgs/msg/Twist`; `std_srvs/Trigger_Request` → `std_srvs/srv/Trigger_Request`. */
export function longName(type: string): string {
  const parts = type.split('/');
  if (parts.length !== 2) return type;
  const kind = /_(Request|Response)$/.test(parts[1]!) ? 'srv' : 'msg';
  return `${parts[0]}/${kind}/${parts[1]}`;
}

function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}
