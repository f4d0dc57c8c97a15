import type { Node } from './Node.js';
import { ParameterType, type ParameterDescriptor, type ParameterValue } from './Parameter.js';
import type { Service, ServiceCallback } from './Service.js';

/** How Node hands its built-in services their creator (`createService` without subclass checks). */
export type BuiltinServiceFactory = <T extends string>(
  typeName: T,
  serviceName: string,
  callback: ServiceCallback<T>,
) => Service<T>;

/**
 * A node's parameters as ROS 2 exposes them: the rcl_interfaces services `~/get_parameters`,
 * `~/set_parameters`, `~/list_parameters`, `~/describe_parameters` and `~/get_parameter_types`.
 * `outpost param` calls them over the bus socket, and on the ros2 transport `ros2 param` can.
 * Values cross as rcl_interfaces/msg/ParameterValue; setting one goes through the node's own
 * checks (type, range, choices, on-set callbacks), so a bad value is refused with its reason.
 */
export function advertiseParameterServices(node: Node, createService: BuiltinServiceFactory): void {
  createService('rcl_interfaces/srv/GetParameters', '~/get_parameters', (req) => ({
    values: req.names.map((n) =>
      node.hasParameter(n) ? toParameterValueMsg(node.getParameter(n).type, node.getParameter(n).value) : notSet(),
    ),
  }));
  createService('rcl_interfaces/srv/GetParameterTypes', '~/get_parameter_types', (req) => ({
    types: req.names.map((n) => (node.hasParameter(n) ? node.getParameter(n).type : ParameterType.PARAMETER_NOT_SET)),
  }));
  createService('rcl_interfaces/srv/SetParameters', '~/set_parameters', (req) => ({
    results: req.parameters.map(
      (p) => node.setParameters([{ name: p.name, value: fromParameterValueMsg(p.value) }])[0]!,
    ),
  }));
  createService('rcl_interfaces/srv/ListParameters', '~/list_parameters', (req) => {
    const names = node
      .getParameters()
      .map((p) => p.name)
      .filter((n) => req.prefixes.length === 0 || req.prefixes.some((pre) => n === pre || n.startsWith(`${pre}.`)));
    const prefixes = [...new Set(names.filter((n) => n.includes('.')).map((n) => n.slice(0, n.lastIndexOf('.'))))];
    return { result: { names, prefixes } };
  });
  createService('rcl_interfaces/srv/DescribeParameters', '~/describe_parameters', (req) => ({
    descriptors: req.names.map((n) =>
      toDescriptorMsg(n, node.hasParameter(n) ? node.getParameterDescriptor(n) : undefined),
    ),
  }));
}

type ParameterValueMsg = {
  type: number;
  bool_value: boolean;
  integer_value: bigint;
  double_value: number;
  string_value: string;
  byte_array_value: number[];
  bool_array_value: boolean[];
  integer_array_value: bigint[];
  double_array_value: number[];
  string_array_value: string[];
};

function notSet(): ParameterValueMsg {
  return {
    type: ParameterType.PARAMETER_NOT_SET,
    bool_value: false,
    integer_value: 0n,
    double_value: 0,
    string_value: '',
    byte_array_value: [],
    bool_array_value: [],
    integer_array_value: [],
    double_array_value: [],
    string_array_value: [],
  };
}

/** A typed value as rcl_interfaces/msg/ParameterValue (the field that matches `type` is set). */
export function toParameterValueMsg(type: ParameterType, value: ParameterValue): ParameterValueMsg {
  const m = notSet();
  m.type = type;
  switch (type) {
    case ParameterType.PARAMETER_BOOL:
      m.bool_value = value as boolean;
      break;
    case ParameterType.PARAMETER_INTEGER:
      m.integer_value = BigInt(value as number);
      break;
    case ParameterType.PARAMETER_DOUBLE:
      m.double_value = value as number;
      break;
    case ParameterType.PARAMETER_STRING:
      m.string_value = value as string;
      break;
    case ParameterType.PARAMETER_BYTE_ARRAY:
      m.byte_array_value = value as number[];
      break;
    case ParameterType.PARAMETER_BOOL_ARRAY:
      m.bool_array_value = value as boolean[];
      break;
    case ParameterType.PARAMETER_INTEGER_ARRAY:
      m.integer_array_value = (value as number[]).map((v) => BigInt(v));
      break;
    case ParameterType.PARAMETER_DOUBLE_ARRAY:
      m.double_array_value = value as number[];
      break;
    case ParameterType.PARAMETER_STRING_ARRAY:
      m.string_array_value = value as string[];
      break;
    default:
      break;
  }
  return m;
}

/**
 * The plain value carried by a decoded ParameterValue (`undefined` for NOT_SET). 64-bit integers
 * become numbers where they are safe; larger ones stay bigint, which the parameter check refuses
 * with a range error.
 */
export function fromParameterValueMsg(m: {
  type: number;
  bool_value: boolean;
  integer_value: bigint | number;
  double_value: number;
  string_value: string;
  byte_array_value: ArrayLike<number>;
  bool_array_value: ArrayLike<boolean>;
  integer_array_value: ArrayLike<bigint | number>;
  double_array_value: ArrayLike<number>;
  string_array_value: ArrayLike<string>;
}): unknown {
  const int = (v: bigint | number): number | bigint =>
    typeof v === 'bigint' && v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(v)
      : v;
  switch (m.type) {
    case ParameterType.PARAMETER_BOOL:
      return m.bool_value;
    case ParameterType.PARAMETER_INTEGER:
      return int(m.integer_value);
    case ParameterType.PARAMETER_DOUBLE:
      return m.double_value;
    case ParameterType.PARAMETER_STRING:
      return m.string_value;
    case ParameterType.PARAMETER_BYTE_ARRAY:
      return Array.from(m.byte_array_value);
    case ParameterType.PARAMETER_BOOL_ARRAY:
      return Array.from(m.bool_array_value);
    case ParameterType.PARAMETER_INTEGER_ARRAY:
      return Array.from(m.integer_array_value, int);
    case ParameterType.PARAMETER_DOUBLE_ARRAY:
      return Array.from(m.double_array_value);
    case ParameterType.PARAMETER_STRING_ARRAY:
      return Array.from(m.string_array_value);
    default:
      return undefined;
  }
}

function toDescriptorMsg(name: string, d: ParameterDescriptor | undefined) {
  const range = d?.range;
  const isInt = d?.type === ParameterType.PARAMETER_INTEGER || d?.type === ParameterType.PARAMETER_INTEGER_ARRAY;
  return {
    name,
    type: d?.type ?? ParameterType.PARAMETER_NOT_SET,
    description: d?.description ?? '',
    additional_constraints: d?.choices !== undefined ? `one of ${d.choices.join(', ')}` : '',
    read_only: d?.readOnly ?? false,
    dynamic_typing: false,
    floating_point_range:
      range !== undefined && !isInt ? [{ from_value: range.from, to_value: range.to, step: range.step ?? 0 }] : [],
    integer_range:
      range !== undefined && isInt
        ? [{ from_value: BigInt(range.from), to_value: BigInt(range.to), step: BigInt(range.step ?? 0) }]
        : [],
  };
}
