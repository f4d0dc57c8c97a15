import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { builtinNodeKinds } from '../builtinNodeKinds.js';
import { Node } from '../../runtime/Node.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import { joinName } from '../../runtime/TopicName.js';
import { cliLogger } from '../cliLogger.js';
import { Launcher } from '../Launcher.js';
import { loadLaunchFile } from '../LaunchPlan.js';
import { launchArguments } from './launchArguments.js';
import { RECORD_HELP, RECORD_OPTIONS, startRecording } from './recordOption.js';
import type { CliCommand } from './CliCommand.js';

export const simCommand: CliCommand = {
  name: 'sim',
  summary: 'run a launch file against the simulator and report on the mission',
  usage:
    'outpost sim FILE [name:=value ...] [--report out.json] [--until coverage=0.99|time=SECONDS] [--seed N] [--record run.mcap [--topics a,b]]',
  help: `Runs a launch file that includes the simulator (pkg: outpost, exec: simulator), shows progress
(coverage, sim time, speed-up), stops when the goal is reached and writes the mission report
(JSON) to --report. --seed N and --until are passed to the launch file as seed:=N,
until_coverage:=C and until_time:=S, so the launch file must declare those arguments
(launch/sim/explore.launch.yaml does).

Options:
${RECORD_HELP}
                        (log times are sim time, so \`outpost replay\` plays it back in sim time)

Examples:
  outpost sim launch/sim/explore.launch.yaml
  outpost sim launch/sim/explore.launch.yaml map:=sim/worlds/cave.yaml robots:=3 --seed 7 --report out.json
  outpost sim launch/sim/explore.launch.yaml policy:=utility_greedy --until time=300
  outpost sim launch/sim/explore.launch.yaml --record mission.mcap`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { report: { type: 'string' }, until: { type: 'string' }, seed: { type: 'string' }, ...RECORD_OPTIONS },
    });
    const { file, args } = launchArguments(positionals, this.usage);
    if (values.seed !== undefined) {
      if (!/^\d+$/.test(values.seed))
        throw new OutpostError(
          'OUTPOST_ERR_CLI_USAGE',
          `--seed: expected a non-negative integer, got ${JSON.stringify(values.seed)}`,
        );
      args.seed = values.seed;
    }
    if (values.until !== undefined) {
      const m = /^(coverage|time)=([0-9.]+)$/.exec(values.until);
      if (m === null)
        throw new OutpostError(
          'OUTPOST_ERR_CLI_USAGE',
          `--until: expected coverage=FRACTION or time=SECONDS, got ${JSON.stringify(values.until)}`,
        );
      args[m[1] === 'coverage' ? 'until_coverage' : 'until_time'] = m[2]!;
    }
    const kinds = builtinNodeKinds();
    const plan = loadLaunchFile(file, { arguments: args, registry: kinds, env: io.env });
    if (!plan.nodes.some((n) => n.kind === 'simulator')) {
      throw new OutpostError(
        'OUTPOST_ERR_CLI_USAGE',
        `${file} starts no simulator node (pkg: outpost, exec: simulator); use \`outpost launch\` for it`,
      );
    }
    const logger = cliLogger({ OUTPOST_LOG_LEVEL: 'warn', ...io.env });
    const launcher = new Launcher({ plan, kinds, logger });
    const recording = await startRecording(values, launcher, 'sim', io, logger);
    let failed = true;
    const tty = process.stdout.isTTY === true;
    let report: string | undefined;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    io.signal.addEventListener('abort', () => finished(), { once: true });
    try {
      await launcher.start();
      recording?.launched();
      const simNames = new Set(
        plan.nodes.filter((n) => n.kind === 'simulator').map((n) => joinName(n.namespace, n.name)),
      );
      const sims = launcher.nodes.filter((n) => simNames.has(n.getFullyQualifiedName()));
      const down = sims.find((n) => n.lifecycleState !== 'active');
      if (down !== undefined) {
        // Its configure failed (the reason is in the log above): no report would ever come.
        throw new OutpostError(
          'OUTPOST_ERR_LAUNCH_ACTION',
          `${down.getFullyQualifiedName()} did not start (it is ${down.lifecycleState}); see the error logged above`,
        );
      }
      const watcher = new Node('sim_cli', '/outpost', launcher.context);
      watcher.createSubscription('outpost_msgs/msg/SimStatus', '/sim/status', { qos: 10 }, (s) => {
        const line =
          `coverage ${(100 * s.coverage).toFixed(1)}%  sim ${(s.sim_time.sec + s.sim_time.nanosec / 1e9).toFixed(1)} s  ` +
          `wall ${s.wall_time_s.toFixed(1)} s  ×${s.speed_up.toFixed(1)}  longest path ${s.max_path_length_m.toFixed(1)} m  contacts ${s.contacts}`;
        if (tty) process.stdout.write(`\r\x1b[K${line}`);
        else io.out(line);
      });
      watcher.createSubscription(
        'std_msgs/msg/String',
        '/sim/report',
        { qos: { durability: 'transient_local', depth: 1 } },
        (m) => {
          report = m.data;
          finished();
        },
      );
      await done;
      watcher.destroy();
      failed = false;
    } finally {
      await launcher.stop();
      if (failed) await recording?.finish().catch(() => undefined);
    }
    // A --topics name that never appeared exits 2, but only after the report is out.
    let recordError: unknown;
    await recording?.finish().catch((err: unknown) => {
      recordError = err;
    });
    if (tty) process.stdout.write('\n');
    if (report === undefined) {
      io.err('stopped before the mission ended: no report');
      return io.signal.aborted ? 0 : 1;
    }
    const parsed = JSON.parse(report) as { reason?: string };
    const pretty = JSON.stringify(parsed, null, 2);
    if (values.report !== undefined) {
      writeFileSync(values.report, `${pretty}\n`);
      io.out(`report written to ${values.report}`);
    } else io.out(pretty);
    if (recordError !== undefined) throw recordError;
    if (parsed.reason?.startsWith('error') === true) {
      io.err(`the simulation failed: ${parsed.reason}`);
      return 1;
    }
    return 0;
  },
};
