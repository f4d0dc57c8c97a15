import type { RclNode } from './RclnodejsApi.js';
import type { GraphSnapshot, ServiceInfo, TopicInfo } from './Transport.js';

/** `/ns` + `name` → `/ns/name` (the root namespace is `/`). */
export function joinRosName(namespace: string, name: string): string {
  return namespace === '/' || namespace === '' ? `/${name}` : `${namespace}/${name}`;
}

/**
 * The ROS graph as one rclnodejs node has discovered it, in Outpost's shape. Discovery is
 * asynchronous (DDS), so endpoints of other processes, and even of this one, appear after a
 * short delay. Nodes for which `hidden(fqn)` is true (the transport's own graph node) are left out.
 * Every rclnodejs node also has `/rosout` and `/parameter_events` endpoints; they are listed, as
 * `ros2 topic list` does.
 */
export function readRos2Graph(observer: RclNode, hidden: (fqn: string) => boolean): GraphSnapshot {
  const topics = new Map<string, TopicInfo>();
  for (const t of observer.getTopicNamesAndTypes()) {
    topics.set(t.name, { name: t.name, type: t.types.join(','), publishers: [], subscribers: [] });
  }
  const services = new Map<string, ServiceInfo>();
  for (const s of observer.getServiceNamesAndTypes()) {
    services.set(s.name, { name: s.name, type: s.types.join(','), servers: [] });
  }
  const nodes = new Set<string>();
  for (const n of observer.getNodeNamesAndNamespaces()) {
    const fqn = joinRosName(n.namespace, n.name);
    if (hidden(fqn) || nodes.has(fqn)) continue;
    nodes.add(fqn);
    // A node can vanish between the listing and these queries; it is then simply not an endpoint.
    for (const t of safely(() => observer.getPublisherNamesAndTypesByNode(n.name, n.namespace)))
      topics.get(t.name)?.publishers.push(fqn);
    for (const t of safely(() => observer.getSubscriptionNamesAndTypesByNode(n.name, n.namespace)))
      topics.get(t.name)?.subscribers.push(fqn);
    for (const s of safely(() => observer.getServiceNamesAndTypesByNode(n.name, n.namespace)))
      services.get(s.name)?.servers.push(fqn);
  }
  const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name);
  return {
    nodes: [...nodes].sort(),
    topics: [...topics.values()].sort(byName),
    services: [...services.values()].sort(byName),
  };
}

function safely<T>(read: () => T[]): T[] {
  try {
    return read();
  } catch {
    return [];
  }
}
