import { parseArgs } from 'node:util';
import { bagInfo } from '../../monitor/recording/bagInfo.js';
import { McapRecording } from '../../monitor/recording/McapRecording.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import type { CliCommand } from './CliCommand.js';

const USAGE = 'outpost bag info FILE.mcap';

export const bagCommand: CliCommand = {
  name: 'bag',
  summary: 'inspect an MCAP recording (like ros2 bag info)',
  usage: USAGE,
  help: `  info  prints the file's size, duration, start and end, message count and one line per topic
        (type, count, serialization format), like \`ros2 bag info\`. A file whose writer was
        killed (no summary) is read up to its last complete chunk, and says so.
A file that is not MCAP, or is cut before anything usable, exits 2 with what was expected and what came.

Examples:
  outpost bag info mission.mcap`,
  async run(argv, io) {
    const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
    const [sub, file, ...extra] = positionals;
    if (sub !== 'info' || file === undefined || extra.length > 0) {
      throw new OutpostError(
        'OUTPOST_ERR_CLI_USAGE',
        `expected \`${USAGE}\`, got \`outpost bag ${positionals.join(' ')}\``,
      );
    }
    const rec = await McapRecording.open(file);
    try {
      io.out(bagInfo(rec));
      if (rec.recovery !== undefined) {
        io.err(`${file}: not closed by its writer; recovered ${rec.recovery.chunks} complete chunks`);
      }
    } finally {
      await rec.close();
    }
    return 0;
  },
};
