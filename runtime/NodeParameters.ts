import { OutpostError } from './OutpostError.js';
import {
  Parameter,
  ParameterDescriptor,
  coerceParameterValue,
  parameterTypeFromName,
  parameterTypeName,
  type ParameterSpec,
  type ParameterValue,
  type SetParametersResult,
} from './Parameter.js';

export type OnSetCallback = (parameters: Parameter[]) => SetParametersResult;

interface DeclaredParameter {
  descriptor: ParameterDescriptor;
  spec: Pick<ParameterSpec, 'type' | 'range' | 'choices' | 'check'>;
  value: ParameterValue;
}

/**
 * The parameter store of one node: declared parameters with their descriptors and values, the
 * launch-file overrides applied at declaration, and the on-set validators and post-set listeners.
 * Node delegates its rclnodejs-shaped parameter methods here; nothing on a publish or subscription
 * path goes through it.
 */
export class NodeParameters {
  readonly #fqn: string;
  readonly #overrides: Record<string, unknown>;
  #parameters = new Map<string, DeclaredParameter>();
  #onSet: OnSetCallback[] = [];
  #postSet: Array<(parameters: Parameter[]) => void> = [];

  /** `fqn` names the node in error messages; `overrides` replace declared defaults. */
  constructor(fqn: string, overrides: Record<string, unknown> | undefined) {
    this.#fqn = fqn;
    this.#overrides = { ...overrides };
  }

  /** See Node.declareParameter: a spec, or an rclnodejs `Parameter` with an optional descriptor. */
  declare(a: string | Parameter, b?: ParameterSpec | ParameterDescriptor): ParameterValue {
    let name: string;
    let spec: ParameterSpec;
    if (a instanceof Parameter) {
      const d = b instanceof ParameterDescriptor ? b : undefined;
      const typeName = parameterTypeName(a.type);
      if (typeName === 'not_set') {
        throw new OutpostError('OUTPOST_ERR_PARAMETER_TYPE', `parameter "${a.name}": a type is required`);
      }
      name = a.name;
      spec = {
        type: typeName,
        default: a.value,
        description: d?.description ?? '',
        ...(d?.range ? { range: d.range } : {}),
        ...(d?.choices ? { choices: d.choices } : {}),
        ...(d?.readOnly ? { readOnly: true } : {}),
      };
    } else {
      name = a;
      spec = b as ParameterSpec;
    }
    if (this.#parameters.has(name)) {
      throw new OutpostError(
        'OUTPOST_ERR_PARAMETER_ALREADY_DECLARED',
        `node ${this.#fqn}: parameter "${name}" is already declared`,
      );
    }
    const where = `node ${this.#fqn} parameter "${name}"`;
    const raw = Object.hasOwn(this.#overrides, name) ? this.#overrides[name] : spec.default;
    if (raw === undefined) {
      throw new OutpostError(
        'OUTPOST_ERR_PARAMETER_TYPE',
        `${where}: no value given and no default; expected ${spec.type}`,
      );
    }
    const value = coerceParameterValue(where, spec, raw);
    const descriptor = new ParameterDescriptor(
      name,
      parameterTypeFromName(spec.type),
      spec.description,
      spec.readOnly ?? false,
      spec.range,
      spec.choices,
    );
    this.#parameters.set(name, { descriptor, spec, value });
    return value;
  }

  has(name: string): boolean {
    return this.#parameters.has(name);
  }

  get(name: string): Parameter {
    const p = this.#parameters.get(name);
    if (p === undefined) {
      throw new OutpostError(
        'OUTPOST_ERR_PARAMETER_NOT_DECLARED',
        `node ${this.#fqn}: parameter "${name}" is not declared (declared: ${[...this.#parameters.keys()].join(', ')})`,
      );
    }
    return new Parameter(name, p.descriptor.type, p.value);
  }

  getMany(names?: string[]): Parameter[] {
    return (names ?? [...this.#parameters.keys()]).map((n) => this.get(n));
  }

  descriptor(name: string): ParameterDescriptor {
    this.get(name);
    return this.#parameters.get(name)!.descriptor;
  }

  addOnSet(callback: OnSetCallback): void {
    this.#onSet.push(callback);
  }

  removeOnSet(callback: OnSetCallback): void {
    this.#onSet = this.#onSet.filter((c) => c !== callback);
  }

  addPostSet(callback: (parameters: Parameter[]) => void): void {
    this.#postSet.push(callback);
  }

  /** Sets each parameter on its own; returns one result per parameter, in order. */
  set(parameters: Array<Parameter | { name: string; value: unknown }>): SetParametersResult[] {
    return parameters.map((p) => this.#setOne(p.name, p.value));
  }

  #setOne(name: string, value: unknown): SetParametersResult {
    const p = this.#parameters.get(name);
    if (p === undefined) return { successful: false, reason: `parameter "${name}" is not declared` };
    if (p.descriptor.readOnly) return { successful: false, reason: `parameter "${name}" is read-only` };
    let coerced: ParameterValue;
    try {
      coerced = coerceParameterValue(`parameter "${name}"`, p.spec, value);
    } catch (err) {
      return { successful: false, reason: (err as Error).message };
    }
    const candidate = new Parameter(name, p.descriptor.type, coerced);
    for (const cb of this.#onSet) {
      const r = cb([candidate]);
      if (!r.successful) return r;
    }
    p.value = coerced;
    for (const cb of this.#postSet) cb([candidate]);
    return { successful: true, reason: '' };
  }
}
