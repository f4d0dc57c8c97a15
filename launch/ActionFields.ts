import { isMap, isScalar, isSeq } from 'yaml';
import { describeValue } from '../runtime/OutpostError.js';
import { describeNode, scalarSource, type YamlNode, type YamlSource } from './YamlSource.js';

/**
 * The shape of a field: `text` a scalar read as text (substitutions resolved), `bool`/`number`/
 * `integer` a typed scalar or a text that resolves to one, `value` a parameter value (a scalar or a
 * list of scalars), `list` a list of maps with their own fields, `children` a list of actions.
 */
export type FieldType = 'text' | 'bool' | 'number' | 'integer' | 'value' | 'list' | 'children';

export interface FieldSpec {
  type: FieldType;
  required?: boolean;
  /** For `list`: the fields of each item, or a function choosing them from the item's keys. */
  items?: ActionSchema | ((keys: string[]) => ActionSchema);
}

export type ActionSchema = Readonly<Record<string, FieldSpec>>;

/** Resolves the substitutions in a text found at `node`. */
export type Resolver = (text: string, node: YamlNode) => string;

const EXPECTED: Record<FieldType, string> = {
  text: 'a text or number',
  bool: 'true or false',
  number: 'a number',
  integer: 'an integer',
  value: 'a scalar or a list of scalars',
  list: 'a list of maps',
  children: 'a list of actions',
};

/** ROS spells names with '-' in XML and '_' in YAML; accept both, report the '_' form. */
export const canonicalName = (name: string): string => name.replace(/-/g, '_');

/** Truthy strings as ROS conditions read them: true/1 and false/0, any case. */
export function parseRosBool(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return undefined;
}

/**
 * The fields of one action (or of one item of an action's list), checked when constructed: a map,
 * no unknown field, required ones present, each of the right shape. Reading a field resolves
 * substitutions; every error names `file:line:col`, the action and what was expected.
 */
export class ActionFields {
  readonly #fields = new Map<string, { key: YamlNode; value: YamlNode | null }>();

  constructor(
    readonly label: string,
    readonly source: YamlSource,
    readonly map: YamlNode | null,
    /** Where "missing field" errors point: the action's key (`- node:`). */
    readonly anchor: unknown,
    readonly schema: ActionSchema,
    readonly resolve: Resolver,
  ) {
    const names = Object.keys(schema);
    const fail: (node: unknown, message: string) => never = (node, message) =>
      source.fail('OUTPOST_ERR_LAUNCH_ACTION', node, `${label}: ${message}`, anchor);
    if (map !== null && !(isScalar(map) && map.value === null)) {
      if (!isMap(map)) fail(map, `expected a map of fields (${names.join(', ')}), got ${describeNode(map)}`);
      for (const pair of map.items) {
        const key = pair.key as YamlNode;
        if (!isScalar(key) || typeof key.value !== 'string')
          fail(key, `expected a field name, got ${describeNode(key)}`);
        const name = canonicalName(key.value as string);
        if (!Object.hasOwn(schema, name))
          fail(key, `unknown field ${JSON.stringify(key.value)}; expected one of ${names.join(', ')}`);
        this.#fields.set(name, { key, value: source.deref(pair.value) });
      }
    }
    for (const [name, spec] of Object.entries(schema)) {
      const field = this.#fields.get(name);
      if (field === undefined) {
        if (spec.required === true)
          fail(
            anchor,
            `missing required field "${name}" (${EXPECTED[spec.type]}); expected fields: ${names.join(', ')}`,
          );
        continue;
      }
      this.#checkShape(name, spec, field.value, field.key);
    }
  }

  #checkShape(name: string, spec: FieldSpec, value: YamlNode | null, key: YamlNode): void {
    const expected =
      spec.type === 'list' && typeof spec.items === 'object'
        ? `a list of {${Object.keys(spec.items).join(', ')}}`
        : EXPECTED[spec.type];
    const bad: () => never = () =>
      this.source.fail(
        'OUTPOST_ERR_LAUNCH_ACTION',
        value ?? key,
        `${this.label}: field "${name}" expected ${expected}, got ${describeNode(value)}`,
        key,
      );
    const scalarOk = (n: YamlNode | null, types: string[]): boolean => isScalar(n) && types.includes(typeof n.value);
    switch (spec.type) {
      case 'text':
        if (!scalarOk(value, ['string', 'number', 'boolean'])) bad();
        break;
      case 'bool':
        if (!scalarOk(value, ['string', 'boolean'])) bad();
        break;
      case 'number':
      case 'integer':
        if (!scalarOk(value, ['string', 'number'])) bad();
        if (
          spec.type === 'integer' &&
          typeof (value as { value: unknown }).value === 'number' &&
          !Number.isInteger((value as { value: number }).value)
        )
          bad();
        break;
      case 'value':
        if (isSeq(value)) {
          for (const item of value.items)
            if (!scalarOk(this.source.deref(item), ['string', 'number', 'boolean'])) bad();
        } else if (!scalarOk(value, ['string', 'number', 'boolean'])) bad();
        break;
      case 'children':
        if (!isSeq(value)) bad();
        break;
      case 'list': {
        if (!isSeq(value)) bad();
        this.list(name);
        break;
      }
    }
  }

  has(name: string): boolean {
    return this.#fields.has(name);
  }

  /** The YAML node of a field's value (or of the action, when the field is absent). */
  node(name: string): YamlNode | null {
    return this.#fields.get(name)?.value ?? null;
  }

  /** Where a field is, for errors about its value. */
  where(name: string): unknown {
    return this.#fields.get(name)?.value ?? this.anchor;
  }

  /** A field as text: strings have their substitutions resolved, numbers keep their spelling. */
  text(name: string): string | undefined {
    const node = this.#fields.get(name)?.value;
    if (node === undefined || node === null || !isScalar(node)) return undefined;
    return typeof node.value === 'string' ? this.resolve(node.value, node) : scalarSource(node);
  }

  requiredText(name: string): string {
    const text = this.text(name);
    if (text === undefined)
      this.source.fail('OUTPOST_ERR_LAUNCH_ACTION', this.anchor, `${this.label}: missing required field "${name}"`);
    return text;
  }

  bool(name: string, fallback: boolean): boolean {
    const node = this.#fields.get(name)?.value;
    if (node === undefined || node === null || !isScalar(node)) return fallback;
    if (typeof node.value === 'boolean') return node.value;
    const text = this.resolve(String(node.value), node);
    const b = parseRosBool(text);
    if (b === undefined)
      this.source.fail(
        'OUTPOST_ERR_LAUNCH_ACTION',
        node,
        `${this.label}: field "${name}" expected true or false, got ${describeValue(text)}`,
      );
    return b;
  }

  number(name: string, fallback: number, rule: { integer?: boolean; min?: number } = {}): number {
    const node = this.#fields.get(name)?.value;
    if (node === undefined || node === null || !isScalar(node)) return fallback;
    const raw = typeof node.value === 'number' ? node.value : this.resolve(String(node.value), node);
    const n = typeof raw === 'number' ? raw : raw.trim() === '' ? Number.NaN : Number(raw);
    const expected = `${rule.integer === true ? 'an integer' : 'a number'}${rule.min !== undefined ? ` >= ${rule.min}` : ''}`;
    if (
      !Number.isFinite(n) ||
      (rule.integer === true && !Number.isInteger(n)) ||
      (rule.min !== undefined && n < rule.min)
    ) {
      this.source.fail(
        'OUTPOST_ERR_LAUNCH_ACTION',
        node,
        `${this.label}: field "${name}" expected ${expected}, got ${describeValue(raw)}`,
      );
    }
    return n;
  }

  /**
   * A parameter value as the launch file gives it: numbers and booleans typed by YAML, strings
   * (and list items that are strings) with substitutions resolved.
   */
  value(name: string): unknown {
    const node = this.#fields.get(name)?.value ?? null;
    const one = (n: YamlNode | null): unknown => {
      if (!isScalar(n)) return undefined;
      return typeof n.value === 'string' ? this.resolve(n.value, n) : n.value;
    };
    if (isSeq(node)) return node.items.map((item) => one(this.source.deref(item)));
    return one(node);
  }

  /** The items of a `list` field, each checked against the field's item schema. */
  list(name: string): ActionFields[] {
    const node = this.#fields.get(name)?.value;
    const spec = this.schema[name];
    if (node === undefined || node === null || !isSeq(node) || spec?.items === undefined) return [];
    return node.items.map((raw, i) => {
      const item = this.source.deref(raw);
      const keys = isMap(item)
        ? item.items.map((p) => canonicalName(String((p.key as { value?: unknown }).value)))
        : [];
      const schema = typeof spec.items === 'function' ? spec.items(keys) : spec.items!;
      return new ActionFields(
        `${this.label} ${name}[${i}]`,
        this.source,
        item,
        item ?? this.#fields.get(name)!.key,
        schema,
        this.resolve,
      );
    });
  }

  /** The list of child actions of a `children` field. */
  children(name: string): YamlNode[] {
    const node = this.#fields.get(name)?.value;
    return node !== undefined && node !== null && isSeq(node)
      ? node.items.map((n) => this.source.deref(n)!).filter((n) => n !== null)
      : [];
  }
}
