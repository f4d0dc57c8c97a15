import { parseArgs } from 'node:util';
import { stringify, parse as parseYaml } from 'yaml';
import { buildMessage, toPlain } from '../../runtime/msg/MessageBuilder.js';
import { defaultRegistry } from '../../runtime/msg/defaultRegistry.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import type { QoSProfile } from '../../runtime/QoS.js';
import { BusClient } from '../../runtime/transport/BusClient.js';
import type { CliCommand, CliIO } from './CliCommand.js';
import { findLaunchSocket } from './launchBus.js';

const USAGE = `outpost topic list [-t]
       outpost topic echo TOPIC [--once | -n N] [--json] [--durability transient_local]
       outpost topic pub TOPIC TYPE [VALUES] [--rate HZ | --once | --times N]
       outpost topic hz TOPIC [--duration S]
  (add --launch PID when several launches run)`;

export const topicCommand: CliCommand = {
  name: 'topic',
  summary: 'inspect the topics of a running launch from another shell',
  usage: USAGE,
  help: `Talks to a running \`outpost launch\` over its bus socket, like \`ros2 topic\`.

  list  topics with their types (-t) and publisher/subscriber counts
  echo  print each message as YAML (or JSON lines with --json); waits for the topic to appear
  pub   publish VALUES (YAML, fields not given take defaults) at --rate HZ (default 1) until
        Ctrl-C, --once, or --times N
  hz    print the average rate, min/max interval and std dev every second

Examples:
  outpost topic list -t
  outpost topic echo /r1/odom --once
  outpost topic pub /r1/cmd_vel geometry_msgs/msg/Twist "{linear: {x: 0.3}, angular: {z: 0.5}}" --rate 10
  outpost topic hz /r1/odom`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        launch: { type: 'string' },
        t: { type: 'boolean', short: 't' },
        once: { type: 'boolean' },
        n: { type: 'string', short: 'n' },
        json: { type: 'boolean' },
        rate: { type: 'string', short: 'r' },
        times: { type: 'string' },
        duration: { type: 'string' },
        durability: { type: 'string' },
      },
    });
    const [sub, ...rest] = positionals;
    const action = sub === undefined ? undefined : ACTIONS[sub];
    if (action === undefined) throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `usage: ${USAGE}`);
    const client = await BusClient.connect(findLaunchSocket(values.launch, io.env));
    try {
      return await action(client, rest, values, io);
    } finally {
      client.close();
    }
  },
};

type Values = Record<string, string | boolean | undefined>;
type Action = (client: BusClient, args: string[], values: Values, io: CliIO) => Promise<number>;

const ACTIONS: Record<string, Action> = {
  async list(client, _args, values, io) {
    const g = await client.graph();
    for (const t of g.topics) {
      io.out(values.t === true ? `${t.name} [${t.type}]` : t.name);
    }
    return 0;
  },

  async echo(client, args, values, io) {
    const topic = requireArg(args[0], 'TOPIC');
    const limit = values.once === true ? 1 : values.n !== undefined ? positiveInt(String(values.n), '-n') : Infinity;
    const type = await waitForTopic(client, topic, io);
    const codec = defaultRegistry().codec(type);
    const qos: Partial<QoSProfile> = {
      reliability: 'best_effort',
      history: 'keep_last',
      depth: 100,
      ...(values.durability === 'transient_local' ? { durability: 'transient_local' } : {}),
    };
    let count = 0;
    await new Promise<void>((resolve, reject) => {
      const sub = client.subscribe(topic, type, qos, '/_outpost_cli_echo', (bytes) => {
        if (count >= limit) return;
        let msg: unknown;
        try {
          msg = toPlain(codec.decode(bytes));
        } catch (err) {
          io.err(`${topic}: ${(err as Error).message}`);
          return;
        }
        count++;
        io.out(values.json === true ? JSON.stringify(msg) : `${stringify(msg, { lineWidth: 0 }).trimEnd()}\n---`);
        if (count >= limit) {
          sub.close();
          resolve();
        }
      });
      sub.ready.catch(reject);
      client.onClose(() => resolve());
      io.signal.addEventListener(
        'abort',
        () => {
          sub.close();
          resolve();
        },
        { once: true },
      );
    });
    return 0;
  },

  async pub(client, args, values, io) {
    const topic = requireArg(args[0], 'TOPIC');
    const type = requireArg(args[1], 'TYPE');
    const registry = defaultRegistry();
    let input: unknown;
    try {
      input = args[2] === undefined ? {} : parseYaml(args[2]);
    } catch (err) {
      throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `VALUES is not YAML: ${(err as Error).message}`);
    }
    const msg = buildMessage(registry, type, input);
    const bytes = registry.encode(type, msg);
    const pub = client.advertise(
      topic,
      type,
      { reliability: 'reliable', durability: 'volatile', history: 'keep_last', depth: 10 },
      '/_outpost_cli_pub',
    );
    const times =
      values.once === true ? 1 : values.times !== undefined ? positiveInt(String(values.times), '--times') : Infinity;
    const rate = values.rate !== undefined ? Number(values.rate) : 1;
    if (!(rate > 0))
      throw new OutpostError(
        'OUTPOST_ERR_CLI_USAGE',
        `--rate: expected a positive number (Hz), got ${String(values.rate)}`,
      );
    // Like `ros2 topic pub --once`, give subscribers a moment to match before the first message.
    await waitForSubscribers(client, topic, 2000, io.signal);
    for (let i = 0; i < times && !io.signal.aborted && !client.closed; i++) {
      pub.publish(bytes);
      io.out(`publishing #${i + 1}: ${JSON.stringify(toPlain(msg))}`);
      if (i + 1 < times) await sleep(1000 / rate, io.signal);
    }
    await sleep(100, io.signal);
    return 0;
  },

  async hz(client, args, values, io) {
    const topic = requireArg(args[0], 'TOPIC');
    const type = await waitForTopic(client, topic, io);
    const stamps: number[] = [];
    const window = 10_000;
    const sub = client.subscribe(topic, type, { reliability: 'best_effort', depth: 1000 }, '/_outpost_cli_hz', () => {
      stamps.push(performance.now());
      if (stamps.length > window) stamps.shift();
    });
    await sub.ready;
    const until = values.duration !== undefined ? performance.now() + Number(values.duration) * 1000 : Infinity;
    while (!io.signal.aborted && !client.closed && performance.now() < until) {
      await sleep(1000, io.signal);
      if (stamps.length < 2) {
        io.out('no new messages');
        continue;
      }
      const d = stamps.slice(1).map((t, i) => (t - stamps[i]!) / 1000);
      const mean = d.reduce((a, b) => a + b, 0) / d.length;
      const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / d.length);
      io.out(
        `average rate: ${(1 / mean).toFixed(3)}\n\tmin: ${Math.min(...d).toFixed(3)}s max: ${Math.max(...d).toFixed(3)}s std dev: ${sd.toFixed(5)}s window: ${stamps.length}`,
      );
    }
    sub.close();
    return 0;
  },
};

async function waitForTopic(client: BusClient, topic: string, io: CliIO): Promise<string> {
  let warned = false;
  while (!io.signal.aborted && !client.closed) {
    const t = (await client.graph()).topics.find((x) => x.name === topic);
    if (t !== undefined) return t.type;
    if (!warned) {
      io.err(`waiting for ${topic} to appear...`);
      warned = true;
    }
    await sleep(200, io.signal);
  }
  throw new OutpostError('OUTPOST_ERR_ABORTED', `stopped waiting for ${topic}`);
}

async function waitForSubscribers(client: BusClient, topic: string, ms: number, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline && !signal.aborted) {
    const t = (await client.graph()).topics.find((x) => x.name === topic);
    if (t !== undefined && t.subscribers.length > 0) return;
    await sleep(50, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

function requireArg(v: string | undefined, what: string): string {
  if (v === undefined) throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `missing ${what}; usage: ${USAGE}`);
  return v;
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `${flag}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
}
