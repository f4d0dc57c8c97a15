import {
  KindNode,
  OutpostError,
  defineNodeKind,
  nodeKindSpec,
  secondsToNs,
  type Context,
  type MessageOf,
  type NodeKindOptions,
  type Publisher,
} from '../../runtime/index.js';
import { ProxyLinkGate, type LinkState } from '../../runtime/fleet/LinkGate.js';

const LATCHED = { durability: 'transient_local', depth: 1000 } as const;

const spec = nodeKindSpec({
  name: 'link_gate',
  description:
    "Gates fleet radio links with real TCP proxies, from the simulator's link states or a scripted schedule.",
  parameters: {
    schedule: {
      type: 'string_array',
      default: [],
      description:
        'Scripted topology, entries "SECONDS: a-b, c-d" (node time); empty: follow /outpost/fleet/link_states.',
      check: (v) => {
        try {
          parseSchedule(v as string[]);
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    },
    loop_s: {
      type: 'double',
      default: 0,
      unit: 's',
      range: { from: 0, to: 1e6 },
      description: 'Repeat the schedule with this period; 0: no repeat.',
    },
    bytes_per_second: {
      type: 'double',
      default: 0,
      unit: 'B/s',
      range: { from: 0, to: 1e10 },
      description: 'Budget of scheduled links; 0: unlimited.',
    },
    latency_s: {
      type: 'double',
      default: 0,
      unit: 's',
      range: { from: 0, to: 10 },
      description: 'One-way latency of scheduled links.',
    },
  },
  publishes: {
    '/outpost/fleet/link_routes': 'outpost_msgs/msg/FleetLinkRoute',
    '/outpost/fleet/links': 'outpost_msgs/msg/LinkStateArray',
  },
  subscribes: {
    '/outpost/fleet/brokers': 'outpost_msgs/msg/FleetBroker',
    '/outpost/fleet/link_states': 'outpost_msgs/msg/LinkStateArray',
  },
});

/** One step of a scripted topology: from `atSec` on, exactly these pairs are linked. */
interface ScheduleStep {
  atSec: number;
  pairs: Array<[string, string]>;
}

/**
 * Gates the fleet's radio links for real (simulation and tests): puts a TCP proxy in front of every
 * robot's fleet broker for every teammate, announces where each robot must connect
 * (/outpost/fleet/link_routes), and cuts or restores those proxies as the link graph changes —
 * from the simulator's radio model on /outpost/fleet/link_states, or from a scripted `schedule`
 * in node time (sim time under use_sim_time).
 */
export class LinkGateNode extends KindNode<typeof spec> {
  readonly gate: ProxyLinkGate;
  #routes: Publisher<'outpost_msgs/msg/FleetLinkRoute'> | undefined;
  #applied: Publisher<'outpost_msgs/msg/LinkStateArray'> | undefined;
  #requested: LinkState[] = [];
  #schedule: ScheduleStep[];
  #startedAt = 0n;
  #pending: Promise<void> = Promise.resolve();

  constructor(context: Context, options: NodeKindOptions) {
    super(spec, context, options);
    this.gate = new ProxyLinkGate({ logger: this.getLogger() });
    this.#schedule = parseSchedule(this.params.schedule);
  }

  protected override onConfigure() {
    this.#routes = this.publisher('/outpost/fleet/link_routes', { qos: LATCHED });
    this.#applied = this.publisher('/outpost/fleet/links', { qos: { durability: 'transient_local', depth: 1 } });
    this.subscription('/outpost/fleet/brokers', { qos: LATCHED }, (b) => {
      // Serialised: proxies for one robot are in place before the next robot's are made.
      this.#pending = this.#pending
        .then(() => this.#addBroker(b))
        .catch((err: unknown) => {
          this.getLogger().error({ err }, `cannot gate the broker of ${b.robot}`);
        });
      return this.#pending;
    });
    this.subscription('/outpost/fleet/link_states', { qos: 10 }, (m) => {
      this.#request(
        m.links.map((l) => ({
          a: l.a,
          b: l.b,
          up: l.up,
          bytesPerSecond: l.bytes_per_second,
          loss: l.loss,
          latencySec: l.latency_s,
        })),
      );
    });
    return 'success' as const;
  }

  protected override onActivate() {
    this.#startedAt = this.now().nanoseconds;
    if (this.#schedule.length > 0) {
      // Checked at 20 Hz of node time: topology changes land within 50 ms of their scripted time.
      let current = -1;
      this.createTimer(secondsToNs(0.05), () => {
        const loop = this.params.loop_s;
        let t = Number(this.now().nanoseconds - this.#startedAt) / 1e9;
        if (loop > 0) t %= loop;
        let idx = -1;
        for (let i = 0; i < this.#schedule.length; i++) if (this.#schedule[i]!.atSec <= t) idx = i;
        if (idx === current) return;
        current = idx;
        const bps = this.params.bytes_per_second;
        const latencySec = this.params.latency_s;
        this.#request(
          (this.#schedule[idx]?.pairs ?? []).map(([a, b]) => ({
            a,
            b,
            up: true,
            bytesPerSecond: bps,
            loss: 0,
            latencySec,
          })),
        );
      });
    }
    return 'success' as const;
  }

  protected override async onCleanup() {
    await this.#pending;
    await this.gate.close();
    return 'success' as const;
  }

  protected override async onShutdown() {
    await this.#pending;
    await this.gate.close();
    return 'success' as const;
  }

  #request(links: LinkState[]): void {
    this.#requested = links;
    this.gate.apply(links);
    this.#applied?.publish({
      stamp: this.now().toMsg(),
      links: links.map((l) => ({
        a: l.a,
        b: l.b,
        up: l.up,
        bytes_per_second: l.bytesPerSecond,
        loss: l.loss,
        latency_s: l.latencySec,
      })),
    });
  }

  async #addBroker(b: MessageOf<'outpost_msgs/msg/FleetBroker'>): Promise<void> {
    const url = new URL(b.url);
    const known = this.gate.robots;
    await this.gate.addRobot(b.robot, url.hostname, Number(url.port));
    for (const other of known) {
      if (other === b.robot) continue;
      for (const [from, to] of [
        [b.robot, other],
        [other, b.robot],
      ] as const) {
        this.#routes?.publish({ from_robot: from, to_robot: to, url: this.gate.urlFor(from, to)! });
      }
    }
    this.gate.apply(this.#requested);
  }
}

/** `"5: r1-r2, r2-r3"` → from 5 s on, r1–r2 and r2–r3 are linked; `"0:"` → nothing is. */
export function parseSchedule(entries: readonly string[]): ScheduleStep[] {
  const steps = entries.map((e) => {
    const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*:(.*)$/.exec(e);
    if (m === null) {
      throw new OutpostError(
        'OUTPOST_ERR_PARAMETER_RANGE',
        `link_gate schedule entry ${JSON.stringify(e)}: expected "SECONDS: a-b, c-d"`,
      );
    }
    const pairs = m[2]!
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0)
      .map((p) => {
        const ab = p.split('-').map((x) => x.trim());
        if (ab.length !== 2 || ab[0] === '' || ab[1] === '') {
          throw new OutpostError(
            'OUTPOST_ERR_PARAMETER_RANGE',
            `link_gate schedule entry ${JSON.stringify(e)}: pair ${JSON.stringify(p)} is not "robotA-robotB"`,
          );
        }
        return [ab[0]!, ab[1]!] as [string, string];
      });
    return { atSec: Number(m[1]), pairs };
  });
  return steps.sort((a, b) => a.atSec - b.atSec);
}

export const linkGateKind = defineNodeKind(spec, (context, options) => new LinkGateNode(context, options));
