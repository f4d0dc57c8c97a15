import { parseArgs } from 'node:util';
import { OutpostError } from '../../runtime/OutpostError.js';
import type { CliCommand } from './CliCommand.js';
import { callService, requireArg, resolveNode, withLaunch } from './launchBus.js';

const USAGE = `outpost lifecycle get NODE
       outpost lifecycle set NODE TRANSITION
       outpost lifecycle list NODE
  (TRANSITION: configure, activate, deactivate, cleanup, shutdown; add --launch PID when several launches run)`;

const TRANSITIONS = ['configure', 'activate', 'deactivate', 'cleanup', 'shutdown'];
const TIMEOUT_MS = 30_000;

export const lifecycleCommand: CliCommand = {
  name: 'lifecycle',
  summary: "read and change a running node's lifecycle state, like `ros2 lifecycle`",
  usage: USAGE,
  help: `Talks to a running \`outpost launch\` through each node's lifecycle services (~/get_state,
~/change_state, ~/get_available_transitions), like \`ros2 lifecycle\`.

  get   the current state: unconfigured [1], inactive [2], active [3] or finalized [4]
  set   run TRANSITION; refused (exit 2) when the current state does not allow it
  list  the transitions the current state allows

Examples:
  outpost lifecycle get /r1/controller
  outpost lifecycle set /r1/controller deactivate`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { launch: { type: 'string' } },
    });
    const [sub, nodeArg, transition] = positionals;
    if (sub !== 'get' && sub !== 'set' && sub !== 'list')
      throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `usage: ${USAGE}`);
    const nodeName = requireArg(nodeArg, 'NODE', USAGE);
    if (sub === 'set' && (transition === undefined || !TRANSITIONS.includes(transition))) {
      throw new OutpostError(
        'OUTPOST_ERR_CLI_USAGE',
        `TRANSITION: expected one of ${TRANSITIONS.join(', ')}, got ${JSON.stringify(transition ?? '')}`,
      );
    }
    return withLaunch(values.launch, io.env, async (client) => {
      const node = resolveNode(await client.graph(), nodeName);
      const state = async (): Promise<{ id: number; label: string }> =>
        (
          (await callService(client, `${node}/get_state`, 'lifecycle_msgs/srv/GetState', {}, TIMEOUT_MS)) as {
            current_state: { id: number; label: string };
          }
        ).current_state;
      const available = async (): Promise<Array<{ transition: { id: number; label: string } }>> =>
        (
          (await callService(
            client,
            `${node}/get_available_transitions`,
            'lifecycle_msgs/srv/GetAvailableTransitions',
            {},
            TIMEOUT_MS,
          )) as { available_transitions: Array<{ transition: { id: number; label: string } }> }
        ).available_transitions;
      if (sub === 'get') {
        const s = await state();
        io.out(`${s.label} [${s.id}]`);
        return 0;
      }
      if (sub === 'list') {
        for (const t of await available()) io.out(`- ${t.transition.label} [${t.transition.id}]`);
        return 0;
      }
      const allowed = (await available()).map((t) => t.transition.label);
      if (!allowed.includes(transition!)) {
        const s = await state();
        throw new OutpostError(
          'OUTPOST_ERR_LIFECYCLE_TRANSITION',
          `node ${node}: cannot ${transition!} from state ${s.label}; expected one of ${allowed.join(', ') || 'none (finalized)'}`,
        );
      }
      const r = (await callService(
        client,
        `${node}/change_state`,
        'lifecycle_msgs/srv/ChangeState',
        { transition: { id: 0, label: transition } },
        TIMEOUT_MS,
      )) as { success: boolean };
      if (!r.success) {
        const s = await state();
        throw new OutpostError(
          'OUTPOST_ERR_LIFECYCLE_TRANSITION',
          `Transitioning failed: node ${node} refused ${transition!} and is ${s.label}`,
        );
      }
      io.out('Transitioning successful');
      return 0;
    });
  },
};
