import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DashboardServer } from '../../monitor/DashboardServer.js';
import { McapRecording } from '../../monitor/recording/McapRecording.js';
import { McapReplayer } from '../../monitor/recording/McapReplayer.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import type { LocalTransport } from '../../runtime/transport/LocalTransport.js';
import { builtinNodeKinds } from '../builtinNodeKinds.js';
import { cliLogger } from '../cliLogger.js';
import { Launcher } from '../Launcher.js';
import { runDirectory } from '../RunDirectory.js';
import type { CliCommand } from './CliCommand.js';
import { parseTopicList } from './recordOption.js';
import { dashboardPort } from './simCommand.js';

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'publish an MCAP recording on a bus with its original timing (like ros2 bag play)',
  usage: 'outpost replay FILE.mcap [--rate R] [--loop] [--topics a,b] [--serve [--port P] [--host H]]',
  help: `Starts a bus as \`outpost launch\` does (so \`outpost topic echo\`, the dashboard and other
shells find it in the run directory) and publishes the recording on it with its original timing,
each topic with the QoS it was recorded with. When the recording's /clock is not replayed, /clock
is published from the log times, so nodes with use_sim_time follow the recording's (sim) time.
A file whose writer was killed is replayed up to its last complete chunk. Ends when the recording
does (or on Ctrl-C); a file that is not MCAP, or holds nothing usable, exits 2.

Options:
  --rate R        playback speed (1: as recorded, default; 2: twice as fast)
  --loop          start again at the end, until Ctrl-C
  --topics a,b    only these topics (each must be in the file)
  --serve         serve the web dashboard on the replayed bus (http://127.0.0.1:8080/, --port and
                  --host to change) from before the first message; it stays up after the end until Ctrl-C

Examples:
  outpost replay mission.mcap
  outpost replay mission.mcap --rate 4 --topics /r1/odom,/clock
  outpost replay mission.mcap --serve  # watch the recorded mission in a browser
  outpost topic echo /r1/odom          # in a second shell`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        rate: { type: 'string' },
        loop: { type: 'boolean' },
        topics: { type: 'string' },
        serve: { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
      },
    });
    const [file, ...extra] = positionals;
    if (file === undefined || extra.length > 0) {
      throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `expected one recording; usage: ${this.usage}`);
    }
    const rate = values.rate === undefined ? 1 : Number(values.rate);
    if (!(rate > 0) || !Number.isFinite(rate)) {
      throw new OutpostError(
        'OUTPOST_ERR_CLI_USAGE',
        `--rate: expected a positive number, got ${JSON.stringify(values.rate)}`,
      );
    }
    const port = dashboardPort(values.port);
    const rec = await McapRecording.open(file);
    const logger = cliLogger(io.env);
    try {
      if (rec.recovery !== undefined) {
        io.err(`${file}: not closed by its writer; replaying its ${rec.recovery.chunks} complete chunks`);
      }
      const kinds = builtinNodeKinds();
      const launcher = new Launcher({
        plan: { file: resolve(file), arguments: {}, nodes: [], files: [] },
        kinds,
        logger,
        runDir: runDirectory(io.env),
      });
      const replayer = new McapReplayer(rec, {
        bus: (launcher.context.transport as LocalTransport).bus,
        registry: launcher.context.registry,
        rate,
        loop: values.loop === true,
        signal: io.signal,
        logger,
        ...(values.topics === undefined ? {} : { topics: parseTopicList(values.topics) }),
      });
      const dashboard =
        values.serve === true
          ? new DashboardServer(launcher.context, { port, host: values.host ?? '127.0.0.1' })
          : undefined;
      try {
        if (dashboard !== undefined) io.out(`dashboard: ${await dashboard.listen()}  (Ctrl-C stops)`);
        await launcher.start();
        replayer.advertise();
        const result = await replayer.play();
        io.err(
          `replayed ${result.messages} messages${values.loop === true ? ` (${result.loops} full passes)` : ''}` +
            (result.undecodable > 0 ? `; ${result.undecodable} did not decode` : ''),
        );
        if (dashboard !== undefined && !io.signal.aborted) {
          io.out(`replay ended; the dashboard stays up at ${dashboard.url} until Ctrl-C`);
          await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }));
        }
      } finally {
        await dashboard?.close();
        replayer.close();
        await launcher.stop();
      }
    } finally {
      await rec.close();
    }
    return 0;
  },
};
