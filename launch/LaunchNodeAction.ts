import { dirname, resolve } from 'node:path';
import type { NodeKind, NodeKindRegistry } from '../runtime/NodeKind.js';
import { OutpostError, describeValue } from '../runtime/OutpostError.js';
import type { ParameterSpec, ParameterValue } from '../runtime/Parameter.js';
import { joinName, validateNodeName, type Remap } from '../runtime/TopicName.js';
import type { ActionFields, ActionSchema } from './ActionFields.js';
import type { LaunchNodeSpec } from './LaunchPlan.js';
import { coerceLaunchParameter, USE_SIM_TIME_SPEC } from './LaunchParameterValue.js';
import { composeNamespace, type LaunchScope } from './LaunchScope.js';
import type { ParameterFile } from './ParameterFile.js';
import { withLocation } from './YamlSource.js';

const NAME_VALUE: ActionSchema = { name: { type: 'text', required: true }, value: { type: 'text', required: true } };
const PARAM_FROM: ActionSchema = { from: { type: 'text', required: true } };
const PARAM_VALUE: ActionSchema = { name: { type: 'text', required: true }, value: { type: 'value', required: true } };

/** The fields of `node` (launch_ros's, less those Outpost cannot honour, plus `process`). */
export const NODE_SCHEMA: ActionSchema = {
  pkg: { type: 'text' },
  exec: { type: 'text', required: true },
  name: { type: 'text' },
  namespace: { type: 'text' },
  exec_name: { type: 'text' },
  param: { type: 'list', items: (keys) => (keys.includes('from') ? PARAM_FROM : PARAM_VALUE) },
  remap: { type: 'list', items: { from: { type: 'text', required: true }, to: { type: 'text', required: true } } },
  env: { type: 'list', items: NAME_VALUE },
  respawn: { type: 'bool' },
  respawn_delay: { type: 'number' },
  respawn_max_retries: { type: 'integer' },
  output: { type: 'text' },
  args: { type: 'text' },
  ros_args: { type: 'text' },
  process: { type: 'bool' },
};

/** What the node action needs from the loader. */
export interface NodeActionHost {
  registry: NodeKindRegistry;
  /** Reads (once per load) the parameter file at an absolute path; `item` is where it is named. */
  parameterFile(path: string, item: ActionFields): ParameterFile;
}

function kindOf(fields: ActionFields, registry: NodeKindRegistry): NodeKind {
  const known = registry.names();
  const list = known.length > 0 ? known.join(', ') : 'none registered';
  const pkg = fields.text('pkg') ?? 'outpost';
  if (pkg !== 'outpost') {
    fields.source.fail(
      'OUTPOST_ERR_UNKNOWN_NODE_KIND',
      fields.where('pkg'),
      `node: pkg ${describeValue(pkg)} is not supported; Outpost runs only pkg "outpost" node kinds (${list})`,
    );
  }
  const exec = fields.requiredText('exec');
  const kind = exec === '' ? undefined : registry.get(exec);
  if (kind === undefined) {
    fields.source.fail(
      'OUTPOST_ERR_UNKNOWN_NODE_KIND',
      fields.where('exec'),
      `node: exec ${describeValue(exec)} is not a registered node kind; expected one of ${list}`,
    );
  }
  return kind;
}

/** Reads a `node` action in its scope into a checked LaunchNodeSpec. */
export function buildNodeSpec(fields: ActionFields, scope: LaunchScope, host: NodeActionHost): LaunchNodeSpec {
  const src = fields.source;
  const kind = kindOf(fields, host.registry);
  const name = fields.text('name') ?? kind.name;
  src.at(fields.where('name'), () => validateNodeName(name));
  const nsText = fields.text('namespace');
  const namespace =
    nsText === undefined
      ? scope.namespace
      : src.at(fields.where('namespace'), () => composeNamespace(scope.namespace, nsText));
  const fqn = joinName(namespace, name);

  for (const field of ['args', 'ros_args'] as const) {
    const text = fields.text(field);
    if (text !== undefined && text.trim() !== '') {
      src.fail(
        'OUTPOST_ERR_LAUNCH_ACTION',
        fields.where(field),
        `node ${fqn}: ${field} ${describeValue(text)} is not supported; ` +
          'Outpost nodes take no command-line arguments: set parameters with param: [{name, value}] and remappings with remap: [{from, to}]',
      );
    }
  }
  fields.text('output'); // accepted for launch_ros compatibility; Outpost logs through pino
  fields.text('exec_name');

  const respawn = fields.bool('respawn', false);
  const respawnDelay = fields.number('respawn_delay', 0, { min: 0 });
  const respawnMaxRetries = fields.number('respawn_max_retries', -1, { integer: true, min: -1 });
  const process = fields.bool('process', false);

  const env: Record<string, string> = {};
  for (const item of fields.list('env')) env[item.requiredText('name')] = item.requiredText('value');

  const remappings: Remap[] = [...scope.remaps];
  for (const item of fields.list('remap'))
    remappings.push({ from: item.requiredText('from'), to: item.requiredText('to') });

  const parameters = nodeParameters(fields, scope, host, kind, fqn);
  return {
    pkg: 'outpost',
    kind: kind.name,
    name,
    namespace,
    parameters,
    remappings,
    respawn,
    respawnDelay,
    respawnMaxRetries,
    process,
    env,
    location: src.locate(fields.anchor),
  };
}

function nodeParameters(
  fields: ActionFields,
  scope: LaunchScope,
  host: NodeActionHost,
  kind: NodeKind,
  fqn: string,
): Record<string, ParameterValue> {
  const src = fields.source;
  const specs: Record<string, ParameterSpec> = { use_sim_time: USE_SIM_TIME_SPEC, ...kind.parameters };
  const declared = Object.keys(specs);
  const specOf = (name: string): ParameterSpec | undefined => (Object.hasOwn(specs, name) ? specs[name] : undefined);
  const unknown = (name: string): string =>
    `node ${fqn} (kind ${kind.name}): unknown parameter ${describeValue(name)}; expected one of ${declared.join(', ')}`;
  const values: Record<string, ParameterValue> = {};

  // Scoped set_parameter values come first; a node kind that does not declare one ignores it,
  // as a ROS 2 node ignores overrides it does not declare.
  for (const p of scope.parameters) {
    const spec = specOf(p.name);
    if (spec === undefined) continue;
    values[p.name] = withLocation(
      p.location,
      `${p.where}: set_parameter ${describeValue(p.name)} for node ${fqn}`,
      () => coerceLaunchParameter(`node ${fqn} parameter ${describeValue(p.name)}`, spec, p.value, true),
    );
  }

  for (const item of fields.list('param')) {
    if (item.has('from')) {
      const path = resolve(dirname(src.path), item.requiredText('from'));
      const file = host.parameterFile(path, item);
      for (const entry of file.matching(fqn)) {
        for (const p of entry.parameters) {
          const spec = specOf(p.name);
          if (spec === undefined) {
            if (entry.wildcard) continue; // `/**` entries are shared by many kinds
            throw new OutpostError(
              'OUTPOST_ERR_UNKNOWN_PARAMETER',
              `${p.where}: ${unknown(p.name)} (parameter file entry "${entry.key}", used by ${src.where(item.anchor)})`,
              { location: p.location },
            );
          }
          values[p.name] = withLocation(p.location, p.where, () =>
            coerceLaunchParameter(
              `node ${fqn} parameter ${describeValue(p.name)} (from entry "${entry.key}")`,
              spec,
              p.value,
              false,
            ),
          );
        }
      }
      continue;
    }
    const name = item.requiredText('name');
    const spec = specOf(name) ?? src.fail('OUTPOST_ERR_UNKNOWN_PARAMETER', item.where('name'), unknown(name));
    const value = item.value('value');
    values[name] = src.at(item.where('value'), () =>
      coerceLaunchParameter(`node ${fqn} parameter ${describeValue(name)}`, spec, value, true),
    );
  }

  for (const [name, spec] of Object.entries(specs)) {
    if (spec.default === undefined && !Object.hasOwn(values, name)) {
      src.fail(
        'OUTPOST_ERR_PARAMETER_TYPE',
        fields.anchor,
        `node ${fqn} (kind ${kind.name}): parameter ${describeValue(name)} has no default and is not set; expected a ${spec.type} value in param: [{name: ${name}, value: ...}]`,
      );
    }
  }
  return values;
}
