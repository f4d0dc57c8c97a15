import type { Context } from '../../runtime/Context.js';
import { Node } from '../../runtime/Node.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import { FoxgloveServer } from '../../monitor/foxglove/FoxgloveServer.js';

/** Where `--foxglove` serves the bus. */
export interface FoxgloveOption {
  port: number;
  host: string;
}

/** The help lines `launch` and `sim` share. */
export const FOXGLOVE_HELP = `  --foxglove [PORT]      serve every topic to Foxglove's app (Open connection → Foxglove WebSocket) on
                         PORT (default 8765; 0: any free port); the URL is printed on start
  --foxglove-host HOST   bind address for --foxglove (default 127.0.0.1, this machine only;
                         0.0.0.0 serves every interface, e.g. a robot in the field)`;

/**
 * Takes `--foxglove [PORT]` (`--foxglove=PORT`) and `--foxglove-host HOST` out of `argv`, since
 * node's parseArgs has no options with an optional value. A token after `--foxglove` is its port
 * only when it is a number, so `--foxglove robot:=r1` still reads `robot:=r1` as an argument.
 */
export function takeFoxgloveOption(argv: readonly string[]): { rest: string[]; foxglove: FoxgloveOption | undefined } {
  const rest: string[] = [];
  let port: number | undefined;
  let host: string | undefined;
  let asked = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--foxglove' || a.startsWith('--foxglove=')) {
      asked = true;
      let value = a.startsWith('--foxglove=') ? a.slice('--foxglove='.length) : undefined;
      if (value === undefined && /^\d+$/.test(argv[i + 1] ?? '')) value = argv[++i];
      if (value !== undefined) port = parsePort(value);
    } else if (a === '--foxglove-host' || a.startsWith('--foxglove-host=')) {
      asked = true;
      const value = a.startsWith('--foxglove-host=') ? a.slice('--foxglove-host='.length) : argv[++i];
      if (value === undefined || value === '' || value.startsWith('-')) {
        throw new OutpostError(
          'OUTPOST_ERR_CLI_USAGE',
          `--foxglove-host: expected an address such as 127.0.0.1 or 0.0.0.0, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
        );
      }
      host = value;
    } else rest.push(a);
  }
  return { rest, foxglove: asked ? { port: port ?? 8765, host: host ?? '127.0.0.1' } : undefined };
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    throw new OutpostError(
      'OUTPOST_ERR_CLI_USAGE',
      `--foxglove: expected a TCP port 0..65535 (0: any free one), got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * Serves a launch's bus over the Foxglove WebSocket protocol through a node of its own
 * (`/outpost/foxglove`), on sim time when the launch runs the simulator. Prints the URL.
 */
export async function startFoxglove(
  context: Context,
  option: FoxgloveOption,
  simTime: boolean,
  out: (line: string) => void,
): Promise<() => Promise<void>> {
  const node = new Node('foxglove', '/outpost', context, { parameterOverrides: { use_sim_time: simTime } });
  let server: FoxgloveServer;
  try {
    server = await FoxgloveServer.start({ node, host: option.host, port: option.port, name: 'outpost' });
  } catch (err) {
    node.destroy();
    throw err;
  }
  out(`foxglove: ${server.url} (open in Foxglove: Open connection → Foxglove WebSocket)`);
  if (option.host === '0.0.0.0' || option.host === '::') {
    out(`foxglove: serving every interface on port ${server.port}; connect to this machine's address`);
  }
  return async () => {
    await server.close();
    node.destroy();
  };
}
