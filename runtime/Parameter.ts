import { OutpostError, describeValue } from './OutpostError.js';

/** Parameter types, numbered as rcl_interfaces/msg/ParameterType and rclnodejs's `ParameterType`. */
export enum ParameterType {
  PARAMETER_NOT_SET = 0,
  PARAMETER_BOOL = 1,
  PARAMETER_INTEGER = 2,
  PARAMETER_DOUBLE = 3,
  PARAMETER_STRING = 4,
  PARAMETER_BYTE_ARRAY = 5,
  PARAMETER_BOOL_ARRAY = 6,
  PARAMETER_INTEGER_ARRAY = 7,
  PARAMETER_DOUBLE_ARRAY = 8,
  PARAMETER_STRING_ARRAY = 9,
}

/** The type names used in node-kind parameter specs and in `outpost nodes`. */
export type ParameterTypeName =
  | 'bool'
  | 'integer'
  | 'double'
  | 'string'
  | 'byte_array'
  | 'bool_array'
  | 'integer_array'
  | 'double_array'
  | 'string_array';

export type ParameterValue = boolean | number | string | number[] | boolean[] | string[];

const TYPE_BY_NAME: Record<ParameterTypeName, ParameterType> = {
  bool: ParameterType.PARAMETER_BOOL,
  integer: ParameterType.PARAMETER_INTEGER,
  double: ParameterType.PARAMETER_DOUBLE,
  string: ParameterType.PARAMETER_STRING,
  byte_array: ParameterType.PARAMETER_BYTE_ARRAY,
  bool_array: ParameterType.PARAMETER_BOOL_ARRAY,
  integer_array: ParameterType.PARAMETER_INTEGER_ARRAY,
  double_array: ParameterType.PARAMETER_DOUBLE_ARRAY,
  string_array: ParameterType.PARAMETER_STRING_ARRAY,
};

export function parameterTypeFromName(name: ParameterTypeName): ParameterType {
  return TYPE_BY_NAME[name];
}

export function parameterTypeName(type: ParameterType): ParameterTypeName | 'not_set' {
  for (const [k, v] of Object.entries(TYPE_BY_NAME)) if (v === type) return k as ParameterTypeName;
  return 'not_set';
}

/**
 * How a node kind declares one parameter. Every option is documented where it is declared: say
 * what it does, its unit (SI, REP-103) and its range. `outpost nodes` prints these.
 */
export interface ParameterSpec {
  type: ParameterTypeName;
  /** Used when neither the launch file nor a parameter file sets the value; omit to require one. */
  default?: ParameterValue;
  description: string;
  /** SI unit shown by `outpost nodes`, e.g. "m/s". */
  unit?: string;
  /** Inclusive numeric range; for integers `step` constrains values to from + k·step. */
  range?: { from: number; to: number; step?: number };
  /** Allowed values of a string parameter (a strategy name, say). */
  choices?: readonly string[];
  /** Cannot change after declaration (ROS 2 `read_only`). */
  readOnly?: boolean;
  /**
   * Checks the value's content beyond its type (a schedule's syntax, a route spec): returns what
   * is wrong, or undefined. Runs wherever the value is checked, so a launch file fails at load.
   */
  check?: (value: ParameterValue) => string | undefined;
}

/** A named, typed value, as rclnodejs's `Parameter` (`new Parameter(name, type, value)`). */
export class Parameter {
  constructor(
    readonly name: string,
    readonly type: ParameterType,
    readonly value: ParameterValue,
  ) {}
}

/** Describes a parameter, as rclnodejs's `ParameterDescriptor`. */
export class ParameterDescriptor {
  constructor(
    readonly name: string,
    readonly type: ParameterType = ParameterType.PARAMETER_NOT_SET,
    readonly description: string = '',
    readonly readOnly: boolean = false,
    readonly range?: { from: number; to: number; step?: number },
    readonly choices?: readonly string[],
  ) {}
}

export interface SetParametersResult {
  successful: boolean;
  reason: string;
}

/**
 * Checks `value` against `spec` and returns it in canonical form (integers given to a double are
 * accepted as doubles; a string given to a numeric or boolean parameter is not). Throws an
 * OutpostError naming the parameter, what was expected and what came.
 */
export function coerceParameterValue(
  where: string,
  spec: Pick<ParameterSpec, 'type' | 'range' | 'choices' | 'check'>,
  value: unknown,
): ParameterValue {
  const coerced = coerceType(where, spec, value);
  const problem = spec.check?.(coerced);
  if (problem !== undefined) throw new OutpostError('OUTPOST_ERR_PARAMETER_RANGE', `${where}: ${problem}`);
  return coerced;
}

function coerceType(
  where: string,
  spec: Pick<ParameterSpec, 'type' | 'range' | 'choices'>,
  value: unknown,
): ParameterValue {
  const fail = (code: 'OUTPOST_ERR_PARAMETER_TYPE' | 'OUTPOST_ERR_PARAMETER_RANGE', expected: string): never => {
    throw new OutpostError(code, `${where}: expected ${expected}, got ${describeValue(value)}`);
  };
  const num = (v: unknown, integer: boolean): number => {
    if (typeof v === 'bigint' && integer) {
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
        fail('OUTPOST_ERR_PARAMETER_RANGE', 'a safe integer');
      return Number(v);
    }
    if (typeof v !== 'number' || Number.isNaN(v))
      return fail('OUTPOST_ERR_PARAMETER_TYPE', integer ? 'an integer' : 'a number (double)');
    if (integer && !Number.isInteger(v)) fail('OUTPOST_ERR_PARAMETER_TYPE', 'an integer');
    return v;
  };
  const inRange = (v: number): void => {
    const r = spec.range;
    if (r === undefined) return;
    if (v < r.from || v > r.to) fail('OUTPOST_ERR_PARAMETER_RANGE', `a value in [${r.from}, ${r.to}]`);
    if (
      r.step !== undefined &&
      r.step > 0 &&
      Math.abs((v - r.from) / r.step - Math.round((v - r.from) / r.step)) > 1e-9
    ) {
      fail('OUTPOST_ERR_PARAMETER_RANGE', `a value from ${r.from} in steps of ${r.step}`);
    }
  };
  const arr = (check: (v: unknown) => unknown): unknown[] => {
    if (!Array.isArray(value)) return fail('OUTPOST_ERR_PARAMETER_TYPE', `an array (${spec.type})`);
    return value.map(check);
  };
  switch (spec.type) {
    case 'bool':
      if (typeof value !== 'boolean') fail('OUTPOST_ERR_PARAMETER_TYPE', 'a boolean (true or false)');
      return value as boolean;
    case 'integer': {
      const v = num(value, true);
      inRange(v);
      return v;
    }
    case 'double': {
      const v = num(value, false);
      inRange(v);
      return v;
    }
    case 'string':
      if (typeof value !== 'string') fail('OUTPOST_ERR_PARAMETER_TYPE', 'a string');
      if (spec.choices !== undefined && !spec.choices.includes(value as string)) {
        fail('OUTPOST_ERR_PARAMETER_RANGE', `one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')}`);
      }
      return value as string;
    case 'bool_array':
      return arr((v) =>
        typeof v === 'boolean' ? v : fail('OUTPOST_ERR_PARAMETER_TYPE', 'an array of booleans'),
      ) as boolean[];
    case 'integer_array':
    case 'byte_array':
      return arr((v) => {
        const n = num(v, true);
        if (spec.type === 'byte_array' && (n < 0 || n > 255)) fail('OUTPOST_ERR_PARAMETER_RANGE', 'bytes 0..255');
        inRange(n);
        return n;
      }) as number[];
    case 'double_array':
      return arr((v) => {
        const n = num(v, false);
        inRange(n);
        return n;
      }) as number[];
    case 'string_array':
      return arr((v) =>
        typeof v === 'string' ? v : fail('OUTPOST_ERR_PARAMETER_TYPE', 'an array of strings'),
      ) as string[];
  }
}
