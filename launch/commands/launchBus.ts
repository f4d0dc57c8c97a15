import { parse as parseYaml } from 'yaml';
import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import { buildMessage } from '../../runtime/msg/MessageBuilder.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import { BusClient } from '../../runtime/transport/BusClient.js';
import type { GraphSnapshot } from '../../runtime/transport/Transport.js';
import { runDirectory, runningLaunches } from '../RunDirectory.js';

/**
 * What the commands that talk to a running launch share (`topic`, `service`, `param`, `node`,
 * `lifecycle`): finding its bus socket, reading VALUES, calling a service and naming a node.
 */

/** The bus socket of the one running launch in OUTPOST_RUN_DIR, or of `--launch PID`. */
export function findLaunchSocket(pid: string | boolean | undefined, env: NodeJS.ProcessEnv): string {
  const launches = runningLaunches(runDirectory(env));
  if (typeof pid === 'string') {
    const l = launches.find((x) => String(x.pid) === pid);
    if (l === undefined)
      throw new OutpostError(
        'OUTPOST_ERR_NO_RUNNING_LAUNCH',
        `no running launch with pid ${pid}; running: ${launches.map((x) => `${x.pid} (${x.file})`).join(', ') || 'none'}`,
      );
    return l.socket;
  }
  if (launches.length === 0) {
    throw new OutpostError(
      'OUTPOST_ERR_NO_RUNNING_LAUNCH',
      'no running launch found; start one with `outpost launch FILE` (in the same OUTPOST_RUN_DIR) first',
    );
  }
  if (launches.length > 1) {
    throw new OutpostError(
      'OUTPOST_ERR_NO_RUNNING_LAUNCH',
      `${launches.length} launches are running; choose one with --launch PID: ${launches.map((x) => `${x.pid} (${x.file})`).join(', ')}`,
    );
  }
  return launches[0]!.socket;
}

/** Connects to the launch, runs `work`, and always closes the connection. */
export async function withLaunch<T>(
  pid: string | boolean | undefined,
  env: NodeJS.ProcessEnv,
  work: (client: BusClient) => Promise<T>,
): Promise<T> {
  const client = await BusClient.connect(findLaunchSocket(pid, env));
  try {
    return await work(client);
  } finally {
    client.close();
  }
}

/** VALUES as `topic pub` reads them: YAML (flow or block); absent means `{}`. */
export function parseValues(text: string | undefined, what = 'VALUES'): unknown {
  if (text === undefined) return {};
  try {
    return parseYaml(text) ?? {};
  } catch (err) {
    throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `${what} is not YAML: ${(err as Error).message}`);
  }
}

export function requireArg(v: string | undefined, what: string, usage: string): string {
  if (v === undefined) throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `missing ${what}; usage: ${usage}`);
  return v;
}

/** Calls `name` with a request built from `input` (fields not given take defaults); returns the decoded response. */
export async function callService(
  client: BusClient,
  name: string,
  type: string,
  input: unknown,
  timeoutMs: number,
): Promise<unknown> {
  const registry = defaultRegistry();
  if (!registry.hasService(type)) {
    throw new OutpostError(
      'OUTPOST_ERR_UNKNOWN_MESSAGE_TYPE',
      `service type "${type}" is not known; expected e.g. "std_srvs/srv/SetBool" (see \`outpost interfaces\`)`,
    );
  }
  const request = buildMessage(registry, `${type}_Request`, input);
  const bytes = await client.call(name, type, registry.encode(`${type}_Request`, request), timeoutMs);
  return registry.decode(`${type}_Response`, bytes);
}

/** The node's fully qualified name as the graph has it (`mapper` finds `/r1/mapper` when only one matches). */
export function resolveNode(graph: GraphSnapshot, name: string): string {
  const nodes = graph.nodes.filter((n) => !isCliNode(n));
  if (nodes.includes(name)) return name;
  const matches = name.startsWith('/') ? [] : nodes.filter((n) => n.endsWith(`/${name}`));
  if (matches.length === 1) return matches[0]!;
  throw new OutpostError(
    'OUTPOST_ERR_UNKNOWN_NODE',
    matches.length > 1
      ? `node "${name}" is ambiguous: ${matches.join(', ')}; give the full name`
      : `no node "${name}" in the running launch; nodes: ${nodes.join(', ') || 'none'} (see \`outpost node list\`)`,
  );
}

/** Endpoints the CLI itself opens (`/_outpost_cli_echo`, ...) are not the launch's nodes. */
export function isCliNode(name: string): boolean {
  return name.startsWith('/_outpost_cli');
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
