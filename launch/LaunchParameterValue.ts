import { parse } from 'yaml';
import {
  coerceParameterValue,
  type ParameterSpec,
  type ParameterTypeName,
  type ParameterValue,
} from '../runtime/Parameter.js';

const INTEGER = /^[+-]?\d+$/;
const DOUBLE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The element type of an array parameter type. */
const ELEMENT: Partial<Record<ParameterTypeName, ParameterTypeName>> = {
  bool_array: 'bool',
  integer_array: 'integer',
  byte_array: 'integer',
  double_array: 'double',
  string_array: 'string',
};

/**
 * Reads text as the declared type wants it, the way launch_ros reads a substituted parameter value
 * (it parses the text as YAML) but guided by the declared type: "0.5" → 0.5 for a double,
 * "True"/"true" → true for a bool, "[1, 2]" → [1, 2] for an integer array, and a string parameter
 * keeps the text as it is ("1" stays "1"). Text that does not read as the type is returned
 * unchanged, so the type check reports it.
 */
function fromText(type: ParameterTypeName, text: string): unknown {
  const t = text.trim();
  switch (type) {
    case 'bool': {
      const lower = t.toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : text;
    }
    case 'integer':
      return INTEGER.test(t) ? Number(t) : text;
    case 'double':
      return DOUBLE.test(t) ? Number(t) : text;
    case 'string':
      return text;
    default: {
      let parsed: unknown;
      try {
        parsed = parse(t);
      } catch {
        return text;
      }
      return Array.isArray(parsed) ? elementsFromText(type, parsed) : text;
    }
  }
}

function elementsFromText(type: ParameterTypeName, items: unknown[]): unknown[] {
  const element = ELEMENT[type];
  return element === undefined ? items : items.map((v) => (typeof v === 'string' ? fromText(element, v) : v));
}

/**
 * Checks a parameter value from a launch file against its spec and returns it typed. `textual`
 * says the value came from launch-file text (strings there may hold substitutions, so they are
 * read as the declared type); values from parameter files are YAML-typed and checked as they are.
 */
export function coerceLaunchParameter(
  where: string,
  spec: ParameterSpec,
  value: unknown,
  textual: boolean,
): ParameterValue {
  let v = value;
  if (textual) {
    if (typeof v === 'string') v = fromText(spec.type, v);
    else if (Array.isArray(v)) v = elementsFromText(spec.type, v);
  }
  return coerceParameterValue(where, spec, v);
}

/** `use_sim_time`, which every node declares besides its kind's table. */
export const USE_SIM_TIME_SPEC: ParameterSpec = {
  type: 'bool',
  default: false,
  description: 'Take time from /clock (simulation) instead of the system clock.',
};
