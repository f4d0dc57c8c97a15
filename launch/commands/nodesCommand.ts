import { builtinNodeKinds } from '../builtinNodeKinds.js';
import type { CliCommand } from './CliCommand.js';

export const nodesCommand: CliCommand = {
  name: 'nodes',
  summary: 'list node kinds (exec names for pkg: outpost), their parameters and endpoints',
  usage: 'outpost nodes [KIND]',
  help: `Lists the node kinds a launch file can start with pkg: outpost, with every parameter's type,
default, unit, range and description, and every topic it publishes and subscribes to, service it
offers and service it calls (relative to the node's namespace; {name} stands for a name known at
run time, {name*} for one or more segments; type * is the type a parameter gives). Give a kind to
show only that one.

Examples:
  outpost nodes
  outpost nodes twist_publisher`,
  async run(args, io) {
    const kinds = builtinNodeKinds();
    const wanted = args[0];
    const list = wanted === undefined ? kinds.all() : kinds.all().filter((k) => k.name === wanted);
    if (list.length === 0) {
      io.err(`unknown node kind "${wanted}"; known kinds: ${kinds.names().join(', ')}`);
      return 2;
    }
    for (const k of list) {
      io.out(`${k.name}: ${k.description}`);
      for (const [name, p] of Object.entries(k.parameters)) {
        const extra = [
          p.default !== undefined ? `default ${JSON.stringify(p.default)}` : 'required',
          p.unit ? `unit ${p.unit}` : '',
          p.range ? `range [${p.range.from}, ${p.range.to}]${p.range.step ? ` step ${p.range.step}` : ''}` : '',
          p.choices ? `one of ${p.choices.join('|')}` : '',
          p.readOnly ? 'read-only' : '',
        ]
          .filter(Boolean)
          .join(', ');
        io.out(`  ${name} (${p.type}; ${extra})  ${p.description}`);
      }
      for (const role of ['publishes', 'subscribes', 'services', 'clients'] as const) {
        for (const [name, type] of Object.entries(k[role] ?? {})) io.out(`  ${role} ${name} [${type}]`);
      }
      io.out('');
    }
    return 0;
  },
};
