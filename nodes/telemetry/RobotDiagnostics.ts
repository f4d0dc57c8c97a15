import type { MessageOf } from '../../runtime/index.js';
import { readFleetLinkDiagnostics, type FleetLinkDiagnostics } from '../fleet/FleetLinkDiagnostics.js';

type DiagnosticStatus = MessageOf<'diagnostic_msgs/msg/DiagnosticStatus'>;

/** The policy host's figures (runtime/policy/NodePolicyHost.ts), NaN where it gave none. */
export interface PolicyFigures {
  p50Ms: number;
  p99Ms: number;
  fallbacks: number;
}

/** What one status on /diagnostics says about this robot. */
export type RobotStatusReading =
  | { kind: 'policy'; figures: PolicyFigures }
  | { kind: 'fleet'; figures: FleetLinkDiagnostics }
  | { kind: 'other' };

/**
 * Reads `/diagnostics` for one robot. Every robot of a simulation shares the topic, so a status
 * counts only when it is this robot's: a node in its namespace (`/r1/explorer: policy`) or its
 * fleet_link (`fleet_link: r1`, hardware_id r1). Undefined for another robot's status.
 */
export class RobotDiagnostics {
  readonly #robot: string;
  readonly #prefix: string;

  /** `namespace`: the robot's, e.g. `/r1` (statuses of nodes under it are its own). */
  constructor(robot: string, namespace: string) {
    this.#robot = robot;
    this.#prefix = `${namespace.replace(/\/$/, '')}/`;
  }

  owns(status: DiagnosticStatus): boolean {
    return status.hardware_id === this.#robot || (this.#prefix !== '/' && status.name.startsWith(this.#prefix));
  }

  read(status: DiagnosticStatus): RobotStatusReading | undefined {
    if (!this.owns(status)) return undefined;
    if (status.name.endsWith(': policy') && status.name.startsWith(this.#prefix)) {
      const v = new Map(status.values.map((kv) => [kv.key, kv.value]));
      // The host writes '' for a latency it has not measured yet.
      const num = (k: string) => {
        const s = v.get(k) ?? '';
        return s === '' ? Number.NaN : Number(s);
      };
      return { kind: 'policy', figures: { p50Ms: num('p50_ms'), p99Ms: num('p99_ms'), fallbacks: num('fallbacks') } };
    }
    const fleet = readFleetLinkDiagnostics(status);
    if (fleet !== undefined && fleet.robot === this.#robot) return { kind: 'fleet', figures: fleet };
    return { kind: 'other' };
  }
}
