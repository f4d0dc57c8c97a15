import type { MessageOf } from '../runtime/index.js';
import type { WireLink } from './DashboardProtocol.js';

type LinkStates = MessageOf<'outpost_msgs/msg/LinkStateArray'>;
type TelemetryLinks = MessageOf<'outpost_msgs/msg/RobotTelemetry'>['links'];

interface PeerView {
  connected: boolean;
  /** Seconds since this end last heard from the peer, as of `atMs`; NaN before the first message. */
  ageS: number;
  atMs: number;
}

/**
 * The radio link graph as the dashboard shows it. Which pairs are up comes from the best source
 * there is: the link gate's applied states (`/outpost/fleet/links`: what is really cut), else the
 * simulator's radio model (`/outpost/fleet/link_states`), else the robots' own telemetry (either
 * end connected). A LinkStateArray lists the whole graph, so a pair it leaves out is down. The
 * age of the last message on a link comes from the robots' telemetry (the fresher end wins).
 * Pairs once seen stay listed, so a cut link shows as cut rather than vanishing.
 */
export class LinkGraph {
  #gate: Map<string, boolean> | undefined;
  #radio: Map<string, boolean> | undefined;
  readonly #views = new Map<string, Map<string, PeerView>>();
  readonly #pairs = new Set<string>();

  /** From the link gate (`gate`) or the simulator (`radio`). */
  states(source: 'gate' | 'radio', m: LinkStates): void {
    const up = new Map<string, boolean>();
    for (const l of m.links) {
      const k = pairKey(l.a, l.b);
      up.set(k, l.up);
      this.#pairs.add(k);
    }
    if (source === 'gate') this.#gate = up;
    else this.#radio = up;
  }

  /** From robot `robot`'s telemetry, received at `nowMs`. */
  telemetry(robot: string, links: TelemetryLinks, nowMs: number): void {
    const views = new Map<string, PeerView>();
    for (const l of links) {
      views.set(l.peer, { connected: l.connected, ageS: l.last_message_age_s, atMs: nowMs });
      this.#pairs.add(pairKey(robot, l.peer));
    }
    this.#views.set(robot, views);
  }

  /** Every pair seen so far, sorted, as of `nowMs`. */
  links(nowMs: number): WireLink[] {
    const out: WireLink[] = [];
    for (const k of [...this.#pairs].sort()) {
      const [a, b] = k.split('|') as [string, string];
      const va = this.#views.get(a)?.get(b);
      const vb = this.#views.get(b)?.get(a);
      let up: boolean;
      let source: WireLink['source'];
      if (this.#gate !== undefined) {
        up = this.#gate.get(k) ?? false;
        source = 'gate';
      } else if (this.#radio !== undefined) {
        up = this.#radio.get(k) ?? false;
        source = 'radio';
      } else {
        up = va?.connected === true || vb?.connected === true;
        source = 'telemetry';
      }
      const ages = [va, vb]
        .filter((v): v is PeerView => v !== undefined && Number.isFinite(v.ageS))
        .map((v) => v.ageS + (nowMs - v.atMs) / 1000);
      out.push({ a, b, up, source, age_s: ages.length === 0 ? null : round1(Math.min(...ages)) });
    }
    return out;
  }
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
