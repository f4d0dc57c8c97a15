import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { toPlain } from '../../runtime/msg/MessageBuilder.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import type { BusClient } from '../../runtime/transport/BusClient.js';
import type { CliCommand, CliIO } from './CliCommand.js';
import { callService, parseValues, requireArg, sleep, withLaunch } from './launchBus.js';

const USAGE = `outpost service list [-t]
       outpost service type SERVICE
       outpost service call SERVICE TYPE [VALUES] [--timeout S]
  (add --launch PID when several launches run)`;

export const serviceCommand: CliCommand = {
  name: 'service',
  summary: 'list and call the services of a running launch, like `ros2 service`',
  usage: USAGE,
  help: `Talks to a running \`outpost launch\` over its bus socket, like \`ros2 service\`.

  list  services (with their types: -t)
  type  the type of one service
  call  send one request built from VALUES (YAML, fields not given take defaults) and print the
        response; waits up to --timeout S (default 10) for the service to appear and answer

Examples:
  outpost service list -t
  outpost service call /d1/mavlink_bridge/arm std_srvs/srv/SetBool "{data: true}"
  outpost service call /r1/mapper/get_state lifecycle_msgs/srv/GetState`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { launch: { type: 'string' }, t: { type: 'boolean', short: 't' }, timeout: { type: 'string' } },
    });
    const [sub, ...rest] = positionals;
    const action = sub === undefined || !Object.hasOwn(ACTIONS, sub) ? undefined : ACTIONS[sub];
    if (action === undefined) throw new OutpostError('OUTPOST_ERR_CLI_USAGE', `usage: ${USAGE}`);
    const timeout = values.timeout === undefined ? 10 : Number(values.timeout);
    if (!(timeout > 0))
      throw new OutpostError(
        'OUTPOST_ERR_CLI_USAGE',
        `--timeout: expected a positive number of seconds, got ${JSON.stringify(values.timeout)}`,
      );
    return withLaunch(values.launch, io.env, (client) =>
      action(client, rest, { types: values.t === true, timeoutMs: timeout * 1000 }, io),
    );
  },
};

type Action = (
  client: BusClient,
  args: string[],
  o: { types: boolean; timeoutMs: number },
  io: CliIO,
) => Promise<number>;

const ACTIONS: Record<string, Action> = {
  async list(client, _args, o, io) {
    for (const s of (await client.graph()).services) io.out(o.types ? `${s.name} [${s.type}]` : s.name);
    return 0;
  },

  async type(client, args, _o, io) {
    const name = requireArg(args[0], 'SERVICE', USAGE);
    const s = (await client.graph()).services.find((x) => x.name === name);
    if (s === undefined)
      throw new OutpostError(
        'OUTPOST_ERR_SERVICE_UNAVAILABLE',
        `no service ${name} in the running launch (see \`outpost service list\`)`,
      );
    io.out(s.type);
    return 0;
  },

  async call(client, args, o, io) {
    const name = requireArg(args[0], 'SERVICE', USAGE);
    const type = requireArg(args[1], 'TYPE', USAGE);
    const input = parseValues(args[2]);
    const deadline = performance.now() + o.timeoutMs;
    // Like `ros2 service call`, wait for the server to appear (a launch may still be coming up).
    let warned = false;
    for (;;) {
      const s = (await client.graph()).services.find((x) => x.name === name);
      if (s !== undefined) {
        if (s.type !== type)
          throw new OutpostError('OUTPOST_ERR_TYPE_MISMATCH', `service ${name} has type ${s.type}, not ${type}`);
        break;
      }
      if (performance.now() >= deadline || io.signal.aborted || client.closed) {
        throw new OutpostError(
          'OUTPOST_ERR_SERVICE_UNAVAILABLE',
          `no service ${name} appeared within ${o.timeoutMs / 1000} s (see \`outpost service list\`)`,
        );
      }
      if (!warned) {
        io.err(`waiting for service ${name} to become available...`);
        warned = true;
      }
      await sleep(100, io.signal);
    }
    io.out(`requester: making request: ${type} ${JSON.stringify(toPlain(input))}\n`);
    const response = await callService(client, name, type, input, Math.max(1, deadline - performance.now()));
    io.out(`response:\n${stringify(toPlain(response), { lineWidth: 0 }).trimEnd()}`);
    return 0;
  },
};
