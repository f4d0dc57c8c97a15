/**
 * Entry point of a `process: true` node: reads its spec from OUTPOST_NODE_SPEC, joins the
 * launcher's bus at OUTPOST_BUS_SOCKET, brings the node up (configure, activate) and down again
 * on SIGTERM/SIGINT. Exits 1 if the launcher's bus goes away.
 */
import { pino } from 'pino';
import { Context } from '../runtime/Context.js';
import { defaultRegistry } from '../runtime/msg/defaultRegistry.js';
import { SocketTransport } from '../runtime/transport/SocketTransport.js';
import { builtinNodeKinds } from './builtinNodeKinds.js';
import type { LaunchNodeSpec } from './LaunchPlan.js';

const spec = JSON.parse(process.env.OUTPOST_NODE_SPEC ?? 'null') as LaunchNodeSpec | null;
const socketPath = process.env.OUTPOST_BUS_SOCKET;
if (spec === null || socketPath === undefined) {
  console.error(
    'nodeProcessMain: OUTPOST_NODE_SPEC and OUTPOST_BUS_SOCKET must be set (it is started by `outpost launch`)',
  );
  process.exit(2);
}
const logger = pino({ level: process.env.OUTPOST_LOG_LEVEL ?? 'info' }).child({ pid: process.pid });
const kind = builtinNodeKinds().get(spec.kind);
if (kind === undefined) {
  logger.fatal(`unknown node kind "${spec.kind}"`);
  process.exit(2);
}
const transport = await SocketTransport.connect(socketPath, defaultRegistry());
const context = new Context({ transport, logger });
const node = kind.create(context, {
  name: spec.name,
  namespace: spec.namespace,
  parameterOverrides: spec.parameters,
  remappings: spec.remappings,
});

let stopping = false;
const stop = async (code: number): Promise<void> => {
  if (stopping) return;
  stopping = true;
  try {
    await node.shutdownAndDestroy();
  } finally {
    await context.close();
    process.exit(code);
  }
};
process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
transport.onDisconnect(() => {
  logger.error("the launcher's bus closed; exiting");
  void stop(1);
});

for (const t of ['configure', 'activate'] as const) {
  const outcome = await node[t]();
  if (outcome.result !== 'success') {
    logger.fatal({ err: outcome.error }, `${t} returned ${outcome.result}`);
    await stop(1);
  }
}
