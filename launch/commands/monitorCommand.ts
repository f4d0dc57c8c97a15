import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DashboardServer } from '../../monitor/DashboardServer.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import { packageRoot } from '../../runtime/packageRoot.js';
import { builtinNodeKinds } from '../builtinNodeKinds.js';
import { cliLogger } from '../cliLogger.js';
import { Launcher } from '../Launcher.js';
import { loadLaunchFile } from '../LaunchPlan.js';
import type { CliCommand } from './CliCommand.js';
import { launchArguments } from './launchArguments.js';
import { dashboardPort } from './simCommand.js';

/** The ground station's launch file (the `groundstation` node kind and its fleet login). */
export function groundstationLaunchFile(): string {
  return join(packageRoot(), 'launch', 'groundstation.launch.yaml');
}

export const monitorCommand: CliCommand = {
  name: 'monitor',
  summary: 'run the ground station and serve the fleet dashboard in a browser',
  usage: 'outpost monitor [FILE] [name:=value ...] [--port P] [--host H]',
  help: `Launches the ground station (launch/groundstation.launch.yaml, or FILE: any launch file whose
bus carries /{robot}/telemetry, /groundstation/map or the robots' own topics) and serves the web
dashboard on http://127.0.0.1:8080/: the team's map with each robot's pose, trail, goal and path,
the radio link graph, a card per robot (battery, links, outbox, policy latency, CPU/RSS, mode),
alerts, staleness, and for a simulation the mission clock and coverage plot. Prints the URL;
Ctrl-C stops it (exit 0).

Options:
  --port P   TCP port (default 8080; 0: any free port)
  --host H   bind address (default 127.0.0.1: this machine only; 0.0.0.0 serves the network)

Examples:
  outpost monitor
  outpost monitor fleet:=field --port 9000
  outpost monitor launch/sim/explore.launch.yaml speed:=1      # a simulation without its report`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { port: { type: 'string' }, host: { type: 'string' } },
    });
    const port = dashboardPort(values.port);
    // A first positional without ":=" is the launch file; otherwise the ground station's.
    const hasFile = positionals[0] !== undefined && !positionals[0].includes(':=');
    const defaultFile = groundstationLaunchFile();
    if (!hasFile && !existsSync(defaultFile)) {
      throw new OutpostError(
        'OUTPOST_ERR_CLI_USAGE',
        `expected the ground station's launch file at ${defaultFile}, got none; give a launch file: ${this.usage}`,
      );
    }
    const { file, args } = launchArguments(hasFile ? positionals : [defaultFile, ...positionals], this.usage);
    const kinds = builtinNodeKinds();
    const plan = loadLaunchFile(file, { arguments: args, registry: kinds, env: io.env });
    const logger = cliLogger(io.env);
    const launcher = new Launcher({ plan, kinds, logger });
    const dashboard = new DashboardServer(launcher.context, { port, host: values.host ?? '127.0.0.1' });
    const stopped = new Promise<void>((resolve) =>
      io.signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    try {
      io.out(`dashboard: ${await dashboard.listen()}  (Ctrl-C stops)`);
      await launcher.start();
      await stopped;
    } finally {
      await dashboard.close();
      await launcher.stop();
    }
    return 0;
  },
};
