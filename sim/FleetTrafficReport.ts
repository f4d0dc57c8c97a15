import type { Node } from '../runtime/index.js';
import type { MissionReport } from './MissionReport.js';
import {
  fleetTraffic,
  readFleetLinkDiagnostics,
  type FleetLinkDiagnostics,
} from '../nodes/fleet/FleetLinkDiagnostics.js';

/**
 * Fleet traffic for the report, from each fleet_link's diagnostics on `/diagnostics` (latest value
 * per robot, summed over the team into `report.fleet`).
 */
export function reportFleetTraffic(node: Node, report: MissionReport): void {
  const fleetStats = new Map<string, { sent: number; delivered: number; bytes: number }>();
  node.createSubscription('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics', { qos: 100 }, (m) => {
    for (const st of m.status) {
      let figures: FleetLinkDiagnostics | undefined;
      try {
        figures = readFleetLinkDiagnostics(st);
      } catch (err) {
        node.getLogger().warn({ err }, `mission report: ${(err as Error).message}; status dropped`);
        continue;
      }
      if (figures === undefined) continue; // another node's diagnostics
      fleetStats.set(figures.robot, fleetTraffic(figures));
      const total = { messages_sent: 0, messages_delivered: 0, bytes_sent: 0 };
      for (const f of fleetStats.values()) {
        total.messages_sent += f.sent;
        total.messages_delivered += f.delivered;
        total.bytes_sent += f.bytes;
      }
      report.fleet = total;
    }
  });
}
