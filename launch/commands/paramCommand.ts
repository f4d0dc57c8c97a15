import { parseArgs } from 'node:util';
import { parse as parseYaml, stringify } from 'yaml';
import { toPlain } from '../../runtime/msg/MessageBuilder.js';
import { OutpostError, describeValue, type OutpostErrorCode } from '../../runtime/OutpostError.js';
import { ParameterType, parameterTypeName } from '../../runtime/Parameter.js';
import { fromParameterValueMsg } from '../../runtime/ParameterServices.js';
import type { BusClient } from '../../runtime/transport/BusClient.js';
import type { CliCommand, CliIO } from './CliCommand.js';
import { callService, requireArg, resolveNode, withLaunch } from './launchBus.js';

const USAGE = `outpost param list [NODE]
       outpost param get NODE NAME
       outpost param set NODE NAME VALUE
       outpost param dump NODE
       outpost param describe NODE NAME
  (add --launch PID when several launches run)`;

export const paramCommand: CliCommand = {
  name: 'param',
  summary: "read and set a running node's parameters, like `ros2 param`",
  usage: USAGE,
  help: `Talks to a running \`outpost launch\` through each node's parameter services
(~/list_parameters, ~/get_parameters, ~/set_parameters, ~/describe_parameters), like \`ros2 param\`.

  list      parameter names of NODE (of every node when NODE is left out)
  get       the value of NAME
  set       set NAME to VALUE (YAML: 0.5, 3, true, abc, "[1, 2]"); the node checks it against
            the parameter's type, range and choices and says why it refuses
  dump      every parameter of NODE as the \`NODE: {ros__parameters: {...}}\` YAML that a launch
            file's \`from:\` (and \`--params-file\` in ROS 2) reads back
  describe  type, description and constraints of NAME

NODE is a full name (/r1/mapper) or, when only one node has it, the last part (mapper).

Examples:
  outpost param list /r1/mapper
  outpost param get /r1/controller max_speed
  outpost param set /r1/controller max_speed 0.4
  outpost param dump /r1/controller > controller.yaml`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { launch: { type: 'string' } },
    });
    const [sub, ...rest] = positionals;
    const action = sub === undefined || !Object.hasOwn(ACTIONS, sub) ? undefined : ACTIONS[sub];
    if (action === undefined) throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `usage: ${USAGE}`);
    return withLaunch(values.launch, io.env, (client) => action(client, rest, io));
  },
};

type Action = (client: BusClient, args: string[], io: CliIO) => Promise<number>;
type ValueMsg = Parameters<typeof fromParameterValueMsg>[0];

const TIMEOUT_MS = 5000;

const ACTIONS: Record<string, Action> = {
  async list(client, args, io) {
    const graph = await client.graph();
    const nodes =
      args[0] !== undefined
        ? [resolveNode(graph, args[0])]
        : graph.nodes.filter((n) => graph.services.some((s) => s.name === `${n === '/' ? '' : n}/list_parameters`));
    for (const node of nodes) {
      const names = (await listNames(client, node)).sort();
      io.out(`${node}:`);
      for (const n of names) io.out(`  ${n}`);
    }
    return 0;
  },

  async get(client, args, io) {
    const node = resolveNode(await client.graph(), requireArg(args[0], 'NODE', USAGE));
    const name = requireArg(args[1], 'NAME', USAGE);
    const r = (await callService(
      client,
      `${node}/get_parameters`,
      'rcl_interfaces/srv/GetParameters',
      { names: [name] },
      TIMEOUT_MS,
    )) as { values: ValueMsg[] };
    const v = r.values[0];
    if (v === undefined || v.type === ParameterType.PARAMETER_NOT_SET)
      throw notDeclared(node, name, await listNames(client, node));
    io.out(`${LABELS[v.type] ?? 'Value'}: ${show(fromParameterValueMsg(v))}`);
    return 0;
  },

  async set(client, args, io) {
    const node = resolveNode(await client.graph(), requireArg(args[0], 'NODE', USAGE));
    const name = requireArg(args[1], 'NAME', USAGE);
    const value = toValueMsg(requireArg(args[2], 'VALUE', USAGE));
    const r = (await callService(
      client,
      `${node}/set_parameters`,
      'rcl_interfaces/srv/SetParameters',
      { parameters: [{ name, value }] },
      TIMEOUT_MS,
    )) as { results: Array<{ successful: boolean; reason: string }> };
    const result = r.results[0];
    if (result?.successful !== true) {
      const reason = result?.reason ?? 'no result';
      throw new OutpostError(reasonCode(reason), `Setting parameter failed: ${reason} (node ${node})`);
    }
    io.out('Set parameter successful');
    return 0;
  },

  async dump(client, args, io) {
    const node = resolveNode(await client.graph(), requireArg(args[0], 'NODE', USAGE));
    const names = (await listNames(client, node)).sort();
    const r = (await callService(
      client,
      `${node}/get_parameters`,
      'rcl_interfaces/srv/GetParameters',
      { names },
      TIMEOUT_MS,
    )) as { values: ValueMsg[] };
    const params: Record<string, unknown> = {};
    names.forEach((n, i) => {
      params[n] = toPlain(fromParameterValueMsg(r.values[i]!));
    });
    io.out(stringify({ [node]: { ros__parameters: params } }, { lineWidth: 0 }).trimEnd());
    return 0;
  },

  async describe(client, args, io) {
    const node = resolveNode(await client.graph(), requireArg(args[0], 'NODE', USAGE));
    const name = requireArg(args[1], 'NAME', USAGE);
    const r = (await callService(
      client,
      `${node}/describe_parameters`,
      'rcl_interfaces/srv/DescribeParameters',
      { names: [name] },
      TIMEOUT_MS,
    )) as {
      descriptors: Array<{
        type: number;
        description: string;
        additional_constraints: string;
        read_only: boolean;
        floating_point_range: Array<{ from_value: number; to_value: number; step: number }>;
        integer_range: Array<{ from_value: bigint; to_value: bigint; step: bigint }>;
      }>;
    };
    const d = r.descriptors[0];
    if (d === undefined || d.type === ParameterType.PARAMETER_NOT_SET)
      throw notDeclared(node, name, await listNames(client, node));
    io.out(`Parameter name: ${name}`);
    io.out(`  Type: ${parameterTypeName(d.type)}`);
    if (d.description !== '') io.out(`  Description: ${d.description}`);
    const range = d.floating_point_range[0] ?? d.integer_range[0];
    if (range !== undefined || d.additional_constraints !== '' || d.read_only) {
      io.out('  Constraints:');
      if (d.read_only) io.out('    Read only: true');
      if (range !== undefined)
        io.out(
          `    Min value: ${String(range.from_value)}\n    Max value: ${String(range.to_value)}${Number(range.step) !== 0 ? `\n    Step: ${String(range.step)}` : ''}`,
        );
      if (d.additional_constraints !== '') io.out(`    Additional constraints: ${d.additional_constraints}`);
    }
    return 0;
  },
};

/** `ros2 param get`'s wording per type. */
const LABELS: Record<number, string> = {
  [ParameterType.PARAMETER_BOOL]: 'Boolean value is',
  [ParameterType.PARAMETER_INTEGER]: 'Integer value is',
  [ParameterType.PARAMETER_DOUBLE]: 'Double value is',
  [ParameterType.PARAMETER_STRING]: 'String value is',
  [ParameterType.PARAMETER_BYTE_ARRAY]: 'Byte values are',
  [ParameterType.PARAMETER_BOOL_ARRAY]: 'Boolean values are',
  [ParameterType.PARAMETER_INTEGER_ARRAY]: 'Integer values are',
  [ParameterType.PARAMETER_DOUBLE_ARRAY]: 'Double values are',
  [ParameterType.PARAMETER_STRING_ARRAY]: 'String values are',
};

async function listNames(client: BusClient, node: string): Promise<string[]> {
  const r = (await callService(
    client,
    `${node}/list_parameters`,
    'rcl_interfaces/srv/ListParameters',
    {},
    TIMEOUT_MS,
  )) as { result: { names: string[] } };
  return r.result.names;
}

function notDeclared(node: string, name: string, names: string[]): OutpostError {
  return new OutpostError(
    'OUTPOST_ERR_PARAMETER_NOT_DECLARED',
    `node ${node} has no parameter "${name}"; it has: ${names.join(', ')}`,
  );
}

function show(v: unknown): string {
  return stringify(toPlain(v), { lineWidth: 0, collectionStyle: 'flow' }).trimEnd();
}

/**
 * VALUE as a typed rcl_interfaces/msg/ParameterValue, typed the way `ros2 param set` types it
 * from YAML: `3` integer, `3.0` double, `true` bool, `[1, 2]` integer array, anything else a string.
 * The node then checks it against the parameter's own type (an integer is accepted for a double).
 */
export function toValueMsg(text: string): ValueMsg {
  let v: unknown;
  try {
    v = parseYaml(text, { intAsBigInt: true });
  } catch {
    v = text; // not YAML at all: take it as the string it is, as ros2 param set does
  }
  const m: ValueMsg = {
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
  const all = (a: unknown[], t: string): boolean => a.every((x) => typeof x === t);
  if (typeof v === 'boolean') return { ...m, type: ParameterType.PARAMETER_BOOL, bool_value: v };
  if (typeof v === 'bigint') return { ...m, type: ParameterType.PARAMETER_INTEGER, integer_value: v };
  if (typeof v === 'number') return { ...m, type: ParameterType.PARAMETER_DOUBLE, double_value: v };
  if (typeof v === 'string') return { ...m, type: ParameterType.PARAMETER_STRING, string_value: v };
  if (Array.isArray(v)) {
    if (all(v, 'boolean')) return { ...m, type: ParameterType.PARAMETER_BOOL_ARRAY, bool_array_value: v as boolean[] };
    if (all(v, 'bigint'))
      return { ...m, type: ParameterType.PARAMETER_INTEGER_ARRAY, integer_array_value: v as bigint[] };
    if (v.every((x) => typeof x === 'bigint' || typeof x === 'number')) {
      return { ...m, type: ParameterType.PARAMETER_DOUBLE_ARRAY, double_array_value: v.map(Number) };
    }
    if (all(v, 'string'))
      return { ...m, type: ParameterType.PARAMETER_STRING_ARRAY, string_array_value: v as string[] };
  }
  throw new OutpostError(
    'OUTPOST_ERR_CLI_USAGE',
    `VALUE: expected a bool, integer, double, string or an array of one of them, got ${describeValue(toPlain(v))}`,
  );
}

/** The error code behind a node's refusal, read from the reason text Node.setParameters gives. */
function reasonCode(reason: string): OutpostErrorCode {
  if (reason.includes('is not declared')) return 'OUTPOST_ERR_PARAMETER_NOT_DECLARED';
  if (reason.includes('read-only')) return 'OUTPOST_ERR_PARAMETER_READ_ONLY';
  if (/: expected (a boolean|an integer|a number|a string|an array)/.test(reason)) return 'OUTPOST_ERR_PARAMETER_TYPE';
  return 'OUTPOST_ERR_PARAMETER_RANGE'; // out of range, not a choice, or refused by the node's own check
}
