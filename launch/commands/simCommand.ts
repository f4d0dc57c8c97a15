import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { builtinNodeKinds } from '../builtinNodeKinds.js';
import { Node } from '../../runtime/Node.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import { joinName } from '../../runtime/TopicName.js';
import { cliLogger } from '../cliLogger.js';
import { Launcher } from '../Launcher.js';
import { loadLaunchFile } from '../LaunchPlan.js';
import { DashboardServer } from '../../monitor/DashboardServer.js';
import { writeMissionPng } from '../../monitor/MissionPng.js';
import { launchArguments } from './launchArguments.js';
import { RECORD_HELP, RECORD_OPTIONS, startRecording } from './recordOption.js';
import type { CliCommand } from './CliCommand.js';
import { FOXGLOVE_HELP, startFoxglove, takeFoxgloveOption } from './foxgloveOption.js';

export const simCommand: CliCommand = {
  name: 'sim',
  summary: 'run a launch file against the simulator and report on the mission',
  usage:
    'outpost sim FILE [name:=value ...] [--report out.json] [--until coverage=0.99|time=SECONDS] [--seed N] [--rate R] [--serve [--port P] [--host H]] [--foxglove [PORT]] [--foxglove-host HOST] [--record run.mcap [--topics a,b]]',
  help: `Runs a launch file that includes the simulator (pkg: outpost, exec: simulator), shows progress
(coverage, sim time, speed-up), stops when the goal is reached and writes the mission report
(JSON) to --report. --seed N and --until are passed to the launch file as seed:=N,
until_coverage:=C and until_time:=S, so the launch file must declare those arguments
(launch/sim/explore.launch.yaml does). --report out.json also writes out.png: the team's final map
with each robot's trail and goal.

--rate R runs R sim seconds per wall second (passed as speed:=R, so the launch file must declare
speed, as explore.launch.yaml does; default: as fast as it can).
--serve starts the web dashboard (http://127.0.0.1:8080/, --port and --host to change) before the
robots move, prints its URL, and keeps it up after the mission ends until Ctrl-C (exit 0).

Options:
${FOXGLOVE_HELP}
                         (messages are stamped with sim time; Foxglove follows the sim clock)

Options:
${RECORD_HELP}
                        (log times are sim time, so \`outpost replay\` plays it back in sim time)

Examples:
  outpost sim launch/sim/explore.launch.yaml
  outpost sim launch/sim/explore.launch.yaml map:=sim/worlds/cave.yaml robots:=3 --seed 7 --report out.json
  outpost sim launch/sim/explore.launch.yaml policy:=utility_greedy --until time=300
  outpost sim launch/sim/explore.launch.yaml speed:=1 --foxglove
  outpost sim launch/sim/explore.launch.yaml --record mission.mcap
  outpost sim launch/sim/explore.launch.yaml --rate 10 --serve      # watch it in a browser`,
  async run(argv, io) {
    const { rest, foxglove } = takeFoxgloveOption(argv);
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        report: { type: 'string' },
        until: { type: 'string' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        serve: { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        ...RECORD_OPTIONS,
      },
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
    if (values.rate !== undefined) {
      const r = Number(values.rate);
      if (!/^[0-9.]+$/.test(values.rate) || !(r > 0))
        throw new OutpostError(
          'OUTPOST_ERR_CLI_USAGE',
          `--rate: expected sim seconds per wall second, a number > 0 (e.g. 1 for real time), got ${JSON.stringify(values.rate)}`,
        );
      args.speed = values.rate;
    }
    const port = dashboardPort(values.port);
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
    let stopFoxglove: (() => Promise<void>) | undefined;
    // The fleet as the dashboard sees it: served with --serve, drawn into the report's PNG with
    // --report; not gathered otherwise (a plain run pays nothing for it).
    const dashboard =
      values.serve === true || values.report !== undefined
        ? new DashboardServer(launcher.context, { port, host: values.host ?? '127.0.0.1' })
        : undefined;
    try {
      if (values.serve === true) io.out(`dashboard: ${await dashboard!.listen()}  (Ctrl-C stops)`);
      await launcher.start();
      recording?.launched();
      if (foxglove !== undefined) stopFoxglove = await startFoxglove(launcher.context, foxglove, true, io.out);
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
      // The file is complete before the report is out (and before --serve waits); a --topics name
      // that never appeared exits 2, but only after the report is out.
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
        const png = writeMissionPng(dashboard!.state, values.report);
        io.out(`report written to ${values.report}${png === undefined ? '' : ` and ${png}`}`);
      } else io.out(pretty);
      if (values.serve === true && !io.signal.aborted) {
        io.out(`mission ended; the dashboard stays up at ${dashboard!.url} until Ctrl-C`);
        await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
      }
      if (recordError !== undefined) throw recordError;
      if (parsed.reason?.startsWith('error') === true) {
        io.err(`the simulation failed: ${parsed.reason}`);
        return 1;
      }
      return 0;
    } finally {
      await stopFoxglove?.();
      await dashboard?.close();
      await launcher.stop();
      if (failed) await recording?.finish().catch(() => undefined);
    }
  },
};

/** `--port P` for the dashboard: 0..65535 (0: any free port); default 8080. */
export function dashboardPort(text: string | undefined): number {
  if (text === undefined) return 8080;
  const p = Number(text);
  if (!/^\d+$/.test(text) || p > 65535)
    throw new OutpostError(
      'OUTPOST_ERR_CLI_USAGE',
      `--port: expected a TCP port 0..65535, got ${JSON.stringify(text)}`,
    );
  return p;
}
