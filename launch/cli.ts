import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOutpostError, type OutpostErrorCode } from '../runtime/OutpostError.js';
import { packageRoot } from '../runtime/packageRoot.js';
import type { CliCommand, CliIO } from './commands/CliCommand.js';
import { interfacesCommand } from './commands/interfacesCommand.js';
import { launchCommand } from './commands/launchCommand.js';
import { lifecycleCommand } from './commands/lifecycleCommand.js';
import { monitorCommand } from './commands/monitorCommand.js';
import { nodeCommand } from './commands/nodeCommand.js';
import { nodesCommand } from './commands/nodesCommand.js';
import { paramCommand } from './commands/paramCommand.js';
import { serviceCommand } from './commands/serviceCommand.js';
import { simCommand } from './commands/simCommand.js';
import { topicCommand } from './commands/topicCommand.js';
import { bagCommand } from './commands/bagCommand.js';
import { replayCommand } from './commands/replayCommand.js';

const COMMANDS: Record<string, CliCommand> = Object.fromEntries(
  [
    launchCommand,
    simCommand,
    nodesCommand,
    topicCommand,
    serviceCommand,
    paramCommand,
    nodeCommand,
    lifecycleCommand,
    interfacesCommand,
    monitorCommand,
    bagCommand,
    replayCommand,
  ].map((c) => [c.name, c]),
);

/** Errors in what the user gave us (files, arguments) exit 2; everything else exits 1. */
const USER_ERRORS = new Set<OutpostErrorCode>([
  'OUTPOST_ERR_LAUNCH_FILE',
  'OUTPOST_ERR_LAUNCH_ACTION',
  'OUTPOST_ERR_LAUNCH_SUBSTITUTION',
  'OUTPOST_ERR_LAUNCH_INCLUDE_CYCLE',
  'OUTPOST_ERR_LAUNCH_ARGUMENT',
  'OUTPOST_ERR_UNKNOWN_NODE_KIND',
  'OUTPOST_ERR_UNKNOWN_PARAMETER',
  'OUTPOST_ERR_PARAMETER_FILE',
  'OUTPOST_ERR_PARAMETER_TYPE',
  'OUTPOST_ERR_PARAMETER_RANGE',
  'OUTPOST_ERR_CLI_USAGE',
  'OUTPOST_ERR_UNKNOWN_MESSAGE_TYPE',
  'OUTPOST_ERR_CDR_ENCODE',
  'OUTPOST_ERR_INVALID_NAME',
  'OUTPOST_ERR_UNKNOWN_NODE',
  'OUTPOST_ERR_PARAMETER_NOT_DECLARED',
  'OUTPOST_ERR_PARAMETER_READ_ONLY',
  'OUTPOST_ERR_LIFECYCLE_TRANSITION',
  'OUTPOST_ERR_TYPE_MISMATCH',
  'OUTPOST_ERR_DASHBOARD_LISTEN',
  'OUTPOST_ERR_MCAP_FILE',
  'OUTPOST_ERR_RECORD_TOPIC',
]);

function mainHelp(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.name.length));
  return `outpost: run ROS 2-shaped robot nodes, launch files and tools

Usage: outpost <command> [options]

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

Run \`outpost <command> --help\` for a command's options.

Examples:
  outpost launch launch/demo.launch.yaml              # start the demo (Ctrl-C stops it)
  outpost topic echo /demo/odom --once                # in a second shell
  outpost topic pub /demo/cmd_vel geometry_msgs/msg/Twist "{linear: {x: 0.5}}" --rate 10
  outpost service call /d1/mavlink_bridge/arm std_srvs/srv/SetBool "{data: true}"
  outpost param set /demo/teleop linear_x 0.2
  outpost node info /demo/teleop
  outpost lifecycle set /demo/teleop deactivate
  outpost topic echo /rosout                          # what the nodes log (INFO and above)
  outpost nodes                                       # node kinds, their parameters and endpoints
  outpost sim launch/sim/explore.launch.yaml --record mission.mcap
  outpost bag info mission.mcap                       # topics, types, counts, duration
  outpost replay mission.mcap --rate 4                # publish it again, in its own (sim) time`;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.err(
      `outpost: unknown command "${name}"; expected one of ${Object.keys(COMMANDS).join(', ')} (see outpost --help)`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: ${command.usage}\n\n${command.help}`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (isOutpostError(err)) {
      io.err(`outpost ${name}: ${err.message} [${err.code}]`);
      return USER_ERRORS.has(err.code) ? 2 : 1;
    }
    if (err instanceof TypeError && (err as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      io.err(`outpost ${name}: ${err.message}; usage: ${command.usage}`);
      return 2;
    }
    io.err(`outpost ${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}
