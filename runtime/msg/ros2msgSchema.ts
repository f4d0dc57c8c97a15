import type { MessageDefinition, MessageDefinitionField } from '@foxglove/message-definition';
import type { MessageRegistry } from './MessageRegistry.js';

/**
 * `time` and `duration` are primitives in @foxglove's definitions (`std_msgs/Header`'s stamp is a
 * `time`); ROS 2 writes them as the messages they are, with their own `MSG:` section.
 */
const BUILTIN_MESSAGES: Readonly<Record<string, string>> = {
  time: 'builtin_interfaces/Time',
  duration: 'builtin_interfaces/Duration',
};

/**
 * The schema text of a ROS 2 message type as rosbag2 (Jazzy) writes it into MCAP and
 * foxglove_bridge advertises it (`schemaEncoding: ros2msg`): the type's own fields, then each type
 * it uses after a line of 80 `=` and `MSG: pkg/Type`; `builtin_interfaces/Time` and `Duration`
 * appear as messages, bounded strings and sequences keep their bounds. Comments and default
 * values are not kept (they change nothing on the wire). Unlike `MessageRegistry.definitionText`,
 * whose exact text the fleet link hashes and so must not change, this is for outside tools.
 */
export function ros2msgSchema(registry: MessageRegistry, type: string): string {
  const defs: MessageDefinition[] = [...registry.definitionsOf(type)];
  const seen = new Set(defs.map((d) => d.name));
  for (let i = 0; i < defs.length; i++) {
    for (const f of defs[i]!.definitions) {
      const builtin = f.isConstant === true ? undefined : BUILTIN_MESSAGES[f.type];
      if (builtin !== undefined && !seen.has(builtin)) {
        seen.add(builtin);
        defs.push(registry.definitionsOf(builtin)[0]!);
      }
    }
  }
  return defs
    .map((d, i) => {
      const body = d.definitions.map(fieldLine).join('\n');
      return i === 0 ? body : `${'='.repeat(80)}\nMSG: ${d.name}\n${body}`;
    })
    .join('\n');
}

function fieldLine(f: MessageDefinitionField): string {
  if (f.isConstant === true) return `${f.type} ${f.name}=${f.valueText ?? String(f.value)}`;
  let base = BUILTIN_MESSAGES[f.type] ?? f.type;
  if ((f.type === 'string' || f.type === 'wstring') && f.upperBound !== undefined) base += `<=${f.upperBound}`;
  let array = '';
  if (f.isArray === true) {
    if (f.arrayLength !== undefined) array = `[${f.arrayLength}]`;
    else if (f.arrayUpperBound !== undefined) array = `[<=${f.arrayUpperBound}]`;
    else array = '[]';
  }
  return `${base}${array} ${f.name}`;
}
