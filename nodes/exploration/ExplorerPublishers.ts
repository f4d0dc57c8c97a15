import { type KindNode, type Publisher, QoS } from '../../runtime/index.js';
import { quaternionFromYaw } from '../../runtime/geometry/Quaternions.js';
import type { explorerSpec } from './ExplorerSpec.js';
import type { GraphObservation } from './GraphObservation.js';
import { graphMarkers } from './GraphMarkers.js';

interface Point {
  x: number;
  y: number;
}

/**
 * What the explorer says (lifecycle publishers, stamped by the node's clock, in `map_frame`):
 * goals for the planner on `goal`, this robot's pose for teammates on `pose`, `~/done` (latched)
 * and the graph's markers on `~/graph` (built only while someone listens).
 */
export class ExplorerPublishers {
  readonly #node: KindNode<typeof explorerSpec>;
  readonly #goal: Publisher<'geometry_msgs/msg/PoseStamped'>;
  readonly #pose: Publisher<'geometry_msgs/msg/PoseStamped'>;
  readonly #done: Publisher<'std_msgs/msg/Bool'>;
  readonly #graph: Publisher<'visualization_msgs/msg/MarkerArray'>;

  /** Creates the publishers on `node`, in this order: goal, pose, ~/done, ~/graph. */
  constructor(node: KindNode<typeof explorerSpec>) {
    this.#node = node;
    const latched = QoS.profileLatched;
    this.#goal = node.publisher('goal', { lifecycle: true });
    this.#pose = node.publisher('pose', { lifecycle: true });
    this.#done = node.publisher('~/done', { lifecycle: true, qos: latched });
    this.#graph = node.publisher('~/graph', { lifecycle: true });
  }

  /** A goal at `node`, facing the way from `from` to it. */
  goal(node: Point, from: Point): void {
    this.#goal.publish({
      header: { stamp: this.#node.now().toMsg(), frame_id: this.#node.params.map_frame },
      pose: {
        position: { x: node.x, y: node.y, z: 0 },
        orientation: quaternionFromYaw(Math.atan2(node.y - from.y, node.x - from.x)),
      },
    });
  }

  pose(pose: Point & { yaw: number }): void {
    this.#pose.publish({
      header: { stamp: this.#node.now().toMsg(), frame_id: this.#node.params.map_frame },
      pose: { position: { x: pose.x, y: pose.y, z: 0 }, orientation: quaternionFromYaw(pose.yaw) },
    });
  }

  done(done: boolean): void {
    this.#done.publish({ data: done });
  }

  graph(obs: GraphObservation): void {
    if (this.#graph.getSubscriptionCount() > 0) {
      this.#graph.publish(graphMarkers(obs, this.#node.params.map_frame, this.#node.now().toMsg()));
    }
  }

  destroy(): void {
    for (const pub of [this.#goal, this.#pose, this.#done, this.#graph]) pub.destroy();
  }
}
