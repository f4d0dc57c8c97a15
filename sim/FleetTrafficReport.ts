import type { Node } from '../runtime/index.js';
import type { MissionReport } from './MissionReport.js';

/**
 * Fleet traffic for the report, from each fleet_link's diagnostics on `/diagnostics` (latest value
 * per robot, summed over the team into `report.fleet`).
 */
export function reportFleetTraffic(node: Node, report: MissionReport): void {
  const fleetStats = new Map<string, { sent: number; delivered: number; bytes: number }>();
  node.createSubscription('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics', { qos: 100 }, (m) => {
    for (const st of m.status) {
      if (!st.name.startsWith('fleet_link: ')) continue;
      const sum = (suffix: string): number => st.values.filter((kv) => kv.key.endsWith(suffix)).reduce((a, kv) => a + Number(kv.value), 0);
      fleetStats.set(st.hardware_id, { sent: sum('.sent'), delivered: sum('received.delivered'), bytes: sum('.bytes') });
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
