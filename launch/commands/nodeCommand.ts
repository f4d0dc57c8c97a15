import { parseArgs } from 'node:util';
import { OutpostError } from '../../runtime/OutpostError.js';
import type { CliCommand } from './CliCommand.js';
import { isCliNode, requireArg, resolveNode, withLaunch } from './launchBus.js';

const USAGE = `outpost node list
       outpost node info NODE
  (add --launch PID when several launches run)`;

export const nodeCommand: CliCommand = {
  name: 'node',
  summary: 'list the nodes of a running launch and their endpoints, like `ros2 node`',
  usage: USAGE,
  help: `Talks to a running \`outpost launch\` over its bus socket, like \`ros2 node\`.
(\`outpost nodes\`, plural, lists the node kinds a launch file can start.)

  list  fully qualified names of the running nodes
  info  what NODE publishes and subscribes to and the services it offers, with their types

Examples:
  outpost node list
  outpost node info /d1/mavlink_bridge`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { launch: { type: 'string' } },
    });
    const [sub, name] = positionals;
    if (sub !== 'list' && sub !== 'info') throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `usage: ${USAGE}`);
    return withLaunch(values.launch, io.env, async (client) => {
      const graph = await client.graph();
      if (sub === 'list') {
        for (const n of graph.nodes) if (!isCliNode(n)) io.out(n);
        return 0;
      }
      const node = resolveNode(graph, requireArg(name, 'NODE', USAGE));
      const lines = (list: Array<{ name: string; type: string }>): string[] =>
        list.map((e) => `    ${e.name}: ${e.type}`);
      io.out(node);
      io.out('  Subscribers:');
      for (const l of lines(graph.topics.filter((t) => t.subscribers.includes(node)))) io.out(l);
      io.out('  Publishers:');
      for (const l of lines(graph.topics.filter((t) => t.publishers.includes(node)))) io.out(l);
      io.out('  Service Servers:');
      for (const l of lines(graph.services.filter((s) => s.servers.includes(node)))) io.out(l);
      return 0;
    });
  },
};
