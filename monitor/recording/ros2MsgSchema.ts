import type { MessageDefinition, MessageDefinitionField } from '@foxglove/message-definition';
import type { MessageRegistry } from '../../runtime/msg/MessageRegistry.js';

const SEPARATOR = '='.repeat(80);

/**
 * ROS 2's builtin time types: the registry keeps them as the primitives `time`/`duration` (as
 * @foxglove/rosmsg-msgs-common does), but rosbag2 names them as messages with their own section,
 * and Foxglove and `ros2 bag` expect that.
 */
const BUILTIN: Record<string, { name: string; body: string }> = {
  time: { name: 'builtin_interfaces/Time', body: 'int32 sec\nuint32 nanosec' },
  duration: { name: 'builtin_interfaces/Duration', body: 'int32 sec\nuint32 nanosec' },
};

/**
 * The `ros2msg` schema text of `type` as rosbag2 writes it into MCAP: the main definition, then
 * every type it uses, each after a line of 80 `=` and `MSG: pkg/Type`.
 */
export function ros2MsgSchema(registry: MessageRegistry, type: string): string {
  const defs: MessageDefinition[] = registry.definitionsOf(type);
  const builtins = new Set<string>();
  const render = (d: MessageDefinition): string =>
    d.definitions
      .map((f) => {
        const b = BUILTIN[f.type];
        if (b !== undefined) builtins.add(f.type);
        return fieldLine(f, b?.name ?? f.type);
      })
      .join('\n');
  const sections = defs.map((d, i) => (i === 0 ? render(d) : `${SEPARATOR}\nMSG: ${d.name}\n${render(d)}`));
  for (const t of builtins) sections.push(`${SEPARATOR}\nMSG: ${BUILTIN[t]!.name}\n${BUILTIN[t]!.body}`);
  return sections.join('\n');
}

function fieldLine(f: MessageDefinitionField, typeName: string): string {
  const bounded = f.upperBound !== undefined && f.type === 'string' ? `${typeName}<=${f.upperBound}` : typeName;
  if (f.isConstant === true) return `${bounded} ${f.name}=${String(f.valueText ?? f.value)}`;
  let array = '';
  if (f.isArray === true) {
    if (f.arrayLength !== undefined) array = `[${f.arrayLength}]`;
    else if (f.arrayUpperBound !== undefined) array = `[<=${f.arrayUpperBound}]`;
    else array = '[]';
  }
  return `${bounded}${array} ${f.name}`;
}
