import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { builtinNodeKinds } from '../builtinNodeKinds.js';
import { cliLogger } from '../cliLogger.js';
import { Launcher } from '../Launcher.js';
import { loadLaunchFile } from '../LaunchPlan.js';
import { launchArguments } from './launchArguments.js';
import { RECORD_HELP, RECORD_OPTIONS, startRecording } from './recordOption.js';
import type { CliCommand } from './CliCommand.js';
import { FOXGLOVE_HELP, startFoxglove, takeFoxgloveOption } from './foxgloveOption.js';

export const launchCommand: CliCommand = {
  name: 'launch',
  summary: 'run a launch file (ROS 2 launch YAML)',
  usage:
    'outpost launch FILE [name:=value ...] [--check] [--foxglove [PORT]] [--foxglove-host HOST] [--record run.mcap [--topics a,b]]',
  help: `Runs the nodes of a ROS 2 launch YAML file. Arguments are given as name:=value.
The file is checked completely first (actions, substitutions, node kinds, parameter names,
types and ranges); a bad file prints where and why, starts nothing and exits 2.
Ctrl-C brings every node down through its lifecycle, ends child processes and exits 0.

Options:
  --check   only check the file and print the nodes it would start
${FOXGLOVE_HELP}
${RECORD_HELP}

Environment:
  OUTPOST_LOG_LEVEL   trace|debug|info|warn|error (default info)
  OUTPOST_LOG_FORMAT  pretty|json (default: pretty on a terminal)
  OUTPOST_RUN_DIR     where the bus socket lives (default <tmp>/outpost-<uid>)

Examples:
  outpost launch launch/demo.launch.yaml
  outpost launch launch/demo.launch.yaml robot:=r2 speed:=0.5
  outpost launch launch/demo.launch.yaml --check
  outpost launch launch/robot.launch.yaml robot:=r1 --foxglove --foxglove-host 0.0.0.0
  outpost launch launch/robot.launch.yaml robot:=r1 --record r1.mcap --topics /r1/odom,/r1/scan`,
  async run(argv, io) {
    const { rest, foxglove } = takeFoxgloveOption(argv);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { check: { type: 'boolean' }, ...RECORD_OPTIONS },
    });
    const { file, args } = launchArguments(positionals, this.usage);
    const kinds = builtinNodeKinds();
    const plan = loadLaunchFile(file, { arguments: args, registry: kinds, env: io.env });
    if (values.check === true) {
      io.out(`${relative(process.cwd(), plan.file)}: OK, ${plan.nodes.length} node(s)`);
      for (const n of plan.nodes) {
        io.out(
          `  ${n.namespace === '/' ? '' : n.namespace}/${n.name}  (${n.pkg}/${n.kind}${n.process ? ', own process' : ''})`,
        );
      }
      return 0;
    }
    const logger = cliLogger(io.env);
    const launcher = new Launcher({ plan, kinds, logger });
    // A launch that includes the simulator runs in sim time: so does its recording.
    const time = plan.nodes.some((n) => n.kind === 'simulator') ? 'sim' : 'wall';
    const recording = await startRecording(values, launcher, time, io, logger);
    let failed = true;
    const stopped = new Promise<void>((resolve) =>
      io.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    let stopFoxglove: (() => Promise<void>) | undefined;
    try {
      await launcher.start();
      recording?.launched();
      // A launch that runs the simulator runs on its clock: stamp with sim time, as `outpost sim` does.
      const simTime = plan.nodes.some((n) => n.kind === 'simulator');
      if (foxglove !== undefined) stopFoxglove = await startFoxglove(launcher.context, foxglove, simTime, io.out);
      await stopped;
      logger.info('shutting down');
      failed = false;
    } finally {
      await stopFoxglove?.();
      await launcher.stop();
      if (failed) await recording?.finish().catch(() => undefined);
    }
    await recording?.finish();
    logger.info('all nodes stopped');
    return 0;
  },
};
