import type { GraphObservation } from './GraphObservation.js';
import type { GridView } from './GridView.js';
import { type TeammateInput, ViewpointGraph } from './ViewpointGraph.js';

interface Point {
  x: number;
  y: number;
}

/** The explorer's parameters that shape its graph (ExplorerSpec). */
export interface ExplorerGraphParams {
  readonly sensor_range: number;
  readonly local_radius: number;
  readonly teammate_radius: number;
  readonly node_spacing: number;
  readonly route_spacing: number;
  readonly offshoot_spacing: number;
  readonly max_edge_length: number;
  readonly k: number;
  readonly frontier_block: number;
  readonly rebuild_distance: number;
}

/**
 * The explorer's viewpoint graph and when it is rebuilt. Rate limit: the graph is rebuilt only
 * when something it depends on changed (the map, a teammate's pose, the robot's position by
 * `rebuild_distance`). A teammate going out of contact (no message) shows at the next rebuild,
 * which motion or a map update brings.
 */
export class ExplorerGraph {
  readonly #params: ExplorerGraphParams;
  #graph: ViewpointGraph;
  #mapChanged = false;
  #matesChanged = false;
  #builtAt: Point | undefined;
  #obs: GraphObservation | undefined;

  /** `params`: read at each (re)build, as the node holds them. */
  constructor(params: ExplorerGraphParams) {
    this.#params = params;
    this.#graph = this.#makeGraph();
  }

  /** The latest observation (undefined before the first build). */
  get observation(): GraphObservation | undefined {
    return this.#obs;
  }

  /** The merged map changed: rebuild at the next decision. */
  mapChanged(): void {
    this.#mapChanged = true;
  }

  /** A teammate's belief changed: rebuild at the next decision. */
  matesChanged(): void {
    this.#matesChanged = true;
  }

  recordPose(x: number, y: number): void {
    this.#graph.recordPose(x, y);
  }

  markReached(x: number, y: number): void {
    this.#graph.markReached(x, y);
  }

  /** Forgets the graph (the node is cleaned up). */
  reset(): void {
    this.#graph = this.#makeGraph();
    this.#obs = this.#builtAt = undefined;
  }

  /**
   * Rebuilds the graph if `force` or anything it depends on changed; `teammates` is asked only
   * then. Returns whether it rebuilt; `observation` is defined after.
   */
  update(force: boolean, grid: GridView, pose: Point, teammates: () => TeammateInput[]): boolean {
    const moved =
      this.#builtAt === undefined ||
      Math.hypot(pose.x - this.#builtAt.x, pose.y - this.#builtAt.y) >= this.#params.rebuild_distance;
    if (!(force || this.#mapChanged || this.#matesChanged || moved || this.#obs === undefined)) return false;
    this.#obs = this.#graph.build(grid, pose.x, pose.y, teammates()).observation;
    this.#mapChanged = false;
    this.#matesChanged = false;
    this.#builtAt = { x: pose.x, y: pose.y };
    return true;
  }

  #makeGraph(): ViewpointGraph {
    const p = this.#params;
    return new ViewpointGraph({
      sensorRange: p.sensor_range,
      localRadius: p.local_radius,
      teammateRadius: p.teammate_radius,
      nodeSpacing: p.node_spacing,
      routeSpacing: p.route_spacing,
      offshootSpacing: p.offshoot_spacing,
      maxEdgeLength: p.max_edge_length,
      k: p.k,
      frontier: { block: p.frontier_block },
    });
  }
}
