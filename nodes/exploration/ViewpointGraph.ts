import { OutpostError } from '../../runtime/index.js';
import { findFrontiers, visibleFrontierCount, type FrontierOptions, type Frontiers } from './Frontiers.js';
import type { GraphNode, GraphObservation } from './GraphObservation.js';
import { pathTo, shortestPaths, type ShortestPaths } from './GraphPaths.js';
import type { GridView } from './GridView.js';
import { addRendezvousUtility, type RendezvousOptions } from './RendezvousUtility.js';

/**
 * Geometry of the graph. Lengths in metres. The defaults reproduce IR2's graph in cells on a
 * 0.05 m map (IR2's maps are 1 px per cell): sensor 80 cells = 4 m, dense window ±80 cells, dense
 * spacing ≈ 13 cells (a 50-point lattice across 640), route spacing 30, offshoot spacing 40,
 * longest edge 160, teammate window ±20.
 */
export interface ViewpointGraphOptions {
  /** Utility range: frontiers within this distance and in line of sight count. Default 4 m. */
  sensorRange?: number;
  /** Half-width of the square of dense nodes around the robot (IR2 CUR_AGENT_KNN_RAD). Default 4 m. */
  localRadius?: number;
  /** Half-width of the square of dense nodes around each believed teammate (IR2 OTHER_AGENT_KNN_RAD). Default 1 m. */
  teammateRadius?: number;
  /** Spacing of the uniform lattice the dense nodes are taken from. Default 0.65 m. */
  nodeSpacing?: number;
  /** A new sparse route node is kept once the robot is this far from every sparse node (IR2 GLOBAL_GRAPH_UNIQUE_RAD). Default 1.5 m. */
  routeSpacing?: number;
  /** Offshoot nodes (toward high utility) stay this far apart (IR2 GLOBAL_GRAPH_OFFSHOOT_UNIQUE_RAD). Default 2 m. */
  offshootSpacing?: number;
  /** At most this many offshoot nodes are added per build (IR2: 6). */
  offshootsPerBuild?: number;
  /** Longest edge (IR2 GLOBAL_GRAPH_KNN_RAD). Default 8 m. */
  maxEdgeLength?: number;
  /** Neighbours per node, self included (IR2 K_SIZE). At most 30, the learned policy's width. Default 30. */
  k?: number;
  frontier?: FrontierOptions;
  rendezvous?: RendezvousOptions;
}

/** A teammate as the graph needs it (from TeammateBeliefs). */
export interface TeammateInput {
  /** Believed map-frame position. Unit: m. */
  x: number;
  y: number;
  /** In radio contact now: no rendezvous utility toward it (IR2 only rewards meeting other groups). */
  inContact: boolean;
  /** Cells our map gained since we last heard it (the map-delta stand-in). */
  mapDelta: number;
}

export interface ViewpointGraphBuild {
  observation: GraphObservation;
  /** Frontier points found on the map (frontier blocks). */
  frontierCount: number;
  /** Cell coordinates of each node, interleaved x, y (for visualisation and tests). */
  cells: Int32Array;
}

export const MAX_NEIGHBOURS = 30;

/**
 * IR2's collision-free graph over known free space: sparse nodes along the route (this robot's
 * and its teammates' believed positions) and offshoots toward high utility, plus dense nodes from
 * a uniform lattice around the robot and its believed teammates; each node linked to its K nearest
 * nodes in line of sight. Only the part connected to the robot is kept. Unlike IR2, a frontier
 * that no such node sees gets an anchor node (`#anchorOrphanFrontiers`), so no known frontier is
 * ever left out of the graph. The sparse set and the
 * visit counts persist between builds; everything else is rebuilt from the latest map.
 */
export class ViewpointGraph {
  readonly #o: Required<Omit<ViewpointGraphOptions, 'frontier' | 'rendezvous'>>;
  readonly #frontierOptions: FrontierOptions;
  readonly #rendezvousOptions: RendezvousOptions;
  /** Sparse route nodes (this robot's and teammates' positions): map-frame (m), so they survive a map that grows. */
  #route: Array<[number, number]> = [];
  /** Sparse offshoot nodes toward high utility, with the graph path that reached them (m). */
  #offshoots: Array<[number, number]> = [];
  /** Samples of the robot's own trajectory (m), for the visit counts. */
  #trail: Array<[number, number]> = [];
  /** Positions (m) of nodes this robot reached: their utility is 0 from then on (IR2 `set_visited`). */
  #reached: Array<[number, number]> = [];

  constructor(options: ViewpointGraphOptions = {}) {
    this.#o = {
      sensorRange: options.sensorRange ?? 4,
      localRadius: options.localRadius ?? 4,
      teammateRadius: options.teammateRadius ?? 1,
      nodeSpacing: options.nodeSpacing ?? 0.65,
      routeSpacing: options.routeSpacing ?? 1.5,
      offshootSpacing: options.offshootSpacing ?? 2,
      offshootsPerBuild: options.offshootsPerBuild ?? 6,
      maxEdgeLength: options.maxEdgeLength ?? 8,
      k: options.k ?? MAX_NEIGHBOURS,
    };
    if (!Number.isInteger(this.#o.k) || this.#o.k < 2 || this.#o.k > MAX_NEIGHBOURS) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `viewpoint graph: expected k an integer in [2, ${MAX_NEIGHBOURS}], got ${this.#o.k}`,
      );
    }
    this.#frontierOptions = options.frontier ?? {};
    this.#rendezvousOptions = options.rendezvous ?? {};
  }

  /** Sparse nodes kept between builds (route and offshoots). */
  get sparseCount(): number {
    return this.#route.length + this.#offshoots.length;
  }

  /** Feeds the robot's pose: extends the route (sparse nodes) and the trail (visit counts). */
  recordPose(x: number, y: number): void {
    addSpaced(this.#route, x, y, this.#o.routeSpacing);
    const last = this.#trail[this.#trail.length - 1];
    if (last === undefined || Math.hypot(last[0] - x, last[1] - y) >= this.#o.nodeSpacing) this.#trail.push([x, y]);
  }

  /** The robot reached the node at (x, y): its utility stays 0 (IR2 marks the node visited). */
  markReached(x: number, y: number): void {
    this.#reached.push([x, y]);
  }

  build(grid: GridView, robotX: number, robotY: number, teammates: readonly TeammateInput[] = []): ViewpointGraphBuild {
    const res = grid.resolution;
    const cell = (m: number): number => Math.max(1, Math.round(m / res));
    const [rx, ry] = grid.cellOf(robotX, robotY);
    const rcx = Math.min(grid.width - 1, Math.max(0, rx));
    const rcy = Math.min(grid.height - 1, Math.max(0, ry));
    for (const t of teammates) addSpaced(this.#route, t.x, t.y, this.#o.routeSpacing);

    // 1. Candidate nodes: robot, teammates, sparse, dense lattice windows. Keyed by cell.
    const index = new Map<number, number>();
    const xs: number[] = [];
    const ys: number[] = [];
    const add = (cx: number, cy: number, force = false): void => {
      if (!force && !grid.isFree(cx, cy)) return;
      const key = cy * grid.width + cx;
      if (index.has(key)) return;
      index.set(key, xs.length);
      xs.push(cx);
      ys.push(cy);
    };
    add(rcx, rcy, true); // the robot's own cell, free or not: it is standing there
    for (const t of teammates) add(...grid.cellOf(t.x, t.y));
    for (const [x, y] of this.#route) add(...grid.cellOf(x, y));
    for (const [x, y] of this.#offshoots) add(...grid.cellOf(x, y));
    const s = cell(this.#o.nodeSpacing);
    const lattice = (cx: number, cy: number, half: number): void => {
      const x0 = Math.max(0, Math.ceil((cx - half - (s >> 1)) / s));
      const x1 = Math.floor((Math.min(grid.width - 1, cx + half) - (s >> 1)) / s);
      const y0 = Math.max(0, Math.ceil((cy - half - (s >> 1)) / s));
      const y1 = Math.floor((Math.min(grid.height - 1, cy + half) - (s >> 1)) / s);
      for (let j = y0; j <= y1; j++) for (let i = x0; i <= x1; i++) add(i * s + (s >> 1), j * s + (s >> 1));
    };
    lattice(rcx, rcy, cell(this.#o.localRadius));
    for (const t of teammates) {
      const [tx, ty] = grid.cellOf(t.x, t.y);
      lattice(tx, ty, cell(this.#o.teammateRadius));
    }

    // 1b. Utilities of the candidates, then anchors for the frontiers no candidate sees.
    const range = cell(this.#o.sensorRange);
    const frontiers = findFrontiers(grid, this.#frontierOptions, range);
    const reachedCells = new Set(
      this.#reached.map(([x, y]) => {
        const [cx, cy] = grid.cellOf(x, y);
        return cy * grid.width + cx;
      }),
    );
    const seen = new Uint8Array(frontiers.count);
    const utilities: number[] = [];
    const utilityOf = (i: number): number => {
      // A reached node keeps utility 0, but what it sees counts as looked at (no anchor for it).
      const u = visibleFrontierCount(grid, frontiers, xs[i]!, ys[i]!, range, seen);
      return reachedCells.has(ys[i]! * grid.width + xs[i]!) ? 0 : u;
    };
    for (let i = 0; i < xs.length; i++) utilities.push(utilityOf(i));
    this.#anchorOrphanFrontiers(
      grid,
      frontiers,
      seen,
      xs,
      ys,
      add,
      (i) => utilities.push(utilityOf(i)),
      range,
      cell(this.#o.maxEdgeLength),
    );
    if (xs.length >= 65536) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `viewpoint graph: ${xs.length} candidate nodes, at most 65535; raise node_spacing or route_spacing`,
      );
    }

    // 2. K nearest collision-free neighbours, self first (as IR2's KD-tree query returns it).
    const allEdges = this.#knn(grid, xs, ys, cell(this.#o.maxEdgeLength));

    // 3. Keep the part connected to the robot (IR2 keeps the robot's connected component).
    const keep = connectedFrom(allEdges, 0);
    const newIndex = new Int32Array(xs.length).fill(-1);
    keep.forEach((old, i) => {
      newIndex[old] = i;
    });
    const cells = new Int32Array(keep.length * 2);
    keep.forEach((old, i) => {
      cells[2 * i] = xs[old]!;
      cells[2 * i + 1] = ys[old]!;
    });
    const edges = keep.map((old) => allEdges[old]!.map((j) => newIndex[j]!).filter((j) => j >= 0));

    // 4. Node features.
    const nodes: GraphNode[] = keep.map((old, i) => ({
      x: grid.centerX(cells[2 * i]!),
      y: grid.centerY(cells[2 * i + 1]!),
      utility: utilities[old]!,
      rendezvousUtility: 0,
      visits: 0,
      occupied: 0,
    }));
    for (const [x, y] of this.#trail) nodes[nearest(nodes, x, y)]!.visits++;
    for (const t of teammates) {
      const i = nearest(nodes, t.x, t.y);
      if (i > 0) nodes[i]!.occupied = 1;
    }
    nodes[0]!.occupied = -1;
    const observation: GraphObservation = {
      nodes,
      edges,
      currentIndex: 0,
      resolution: res,
      originX: grid.originX,
      originY: grid.originY,
    };
    addRendezvousUtility(observation, grid, teammates, this.#rendezvousOptions);

    // 5. Offshoots toward high utility join the sparse set, so those places stay in the graph
    //    after the robot's dense window has moved on.
    this.#addOffshoots(observation, robotX, robotY, frontiers);
    return { observation, frontierCount: frontiers.count, cells };
  }

  /**
   * Adds a node for every frontier that no candidate node sees (within the utility range, in line
   * of sight). The lidar sees farther than the utility range and the graph only keeps nodes along
   * routes, offshoots and the dense windows, so a frontier glimpsed from afar and then left behind
   * was in no graph: every explorer reported "done" with free space still unknown (the
   * team stopped at 83% on cave.yaml, a wide cavern seen only at the lidar's edge). The anchor
   * sits on the line from the nearest candidate that sees the frontier in line of sight, just
   * within utility range of it (so it links to that candidate), else on the frontier point itself.
   * Each anchor's visible frontiers count as seen, so a frontier arc gets a few anchors, not one
   * per point. Candidate positions are cell coordinates; `onAdded(i)` is called for each new node.
   */
  #anchorOrphanFrontiers(
    grid: GridView,
    frontiers: Frontiers,
    seen: Uint8Array,
    xs: number[],
    ys: number[],
    add: (cx: number, cy: number) => void,
    onAdded: (i: number) => void,
    range: number,
    maxEdge: number,
  ): void {
    const pull = 0.9 * range;
    const lim2 = (maxEdge + pull) ** 2;
    frontier: for (let f = 0; f < frontiers.count; f++) {
      if (seen[f] === 1) continue;
      seen[f] = 1;
      const fx = frontiers.points[2 * f]!;
      const fy = frontiers.points[2 * f + 1]!;
      const near: number[] = [];
      for (let i = 0; i < xs.length; i++) if ((xs[i]! - fx) ** 2 + (ys[i]! - fy) ** 2 <= lim2) near.push(i);
      near.sort((a, b) => (xs[a]! - fx) ** 2 + (ys[a]! - fy) ** 2 - ((xs[b]! - fx) ** 2 + (ys[b]! - fy) ** 2));
      let ax = fx;
      let ay = fy;
      for (const i of near.slice(0, 3 * this.#o.k)) {
        if (!grid.lineClear(xs[i]!, ys[i]!, fx, fy)) continue;
        const t = pull / Math.hypot(xs[i]! - fx, ys[i]! - fy);
        if (t >= 1) continue frontier; // that candidate is within range already: nothing to add
        const px = Math.round(fx + (xs[i]! - fx) * t);
        const py = Math.round(fy + (ys[i]! - fy) * t);
        if (grid.isFree(px, py)) {
          ax = px;
          ay = py;
        }
        break;
      }
      const before = xs.length;
      add(ax, ay);
      if (xs.length > before) onAdded(before);
    }
  }

  /**
   * Like IR2: up to `offshootsPerBuild` local nodes with more utility than the robot's, spaced
   * apart from every sparse node, join the sparse set together with the graph path that reaches
   * them (so they stay connected once the dense window has moved on).
   */
  #addOffshoots(obs: GraphObservation, robotX: number, robotY: number, frontiers: Frontiers): void {
    if (frontiers.count === 0) return;
    const nodes = obs.nodes;
    const own = nodes[obs.currentIndex]!.utility;
    const r = this.#o.localRadius;
    const spacing2 = this.#o.offshootSpacing ** 2;
    const candidates = nodes
      .map((n, i) => ({ n, i }))
      .filter(({ n }) => n.utility > own && Math.abs(n.x - robotX) <= r && Math.abs(n.y - robotY) <= r)
      .sort((a, b) => b.n.utility - a.n.utility);
    let paths: ShortestPaths | undefined;
    let added = 0;
    for (const { n, i } of candidates) {
      if (added >= this.#o.offshootsPerBuild) break;
      const near = (list: Array<[number, number]>): boolean =>
        list.some(([x, y]) => (x - n.x) ** 2 + (y - n.y) ** 2 < spacing2);
      if (near(this.#route) || near(this.#offshoots)) continue;
      paths ??= shortestPaths(obs, obs.currentIndex);
      for (const p of pathTo(paths, i)) {
        const q = nodes[p]!;
        if (p !== obs.currentIndex && !this.#offshoots.some(([x, y]) => x === q.x && y === q.y))
          this.#offshoots.push([q.x, q.y]);
      }
      added++;
    }
  }

  #knn(grid: GridView, xs: number[], ys: number[], maxEdge: number): number[][] {
    return kNearestInSight(grid, xs, ys, this.#o.k, maxEdge);
  }
}

/**
 * For each node (cell coordinates xs[i], ys[i]), up to `k` nodes within `maxEdge` cells in line of
 * sight, nearest first (ties by index), itself first. Candidates are ordered by a key
 * d²·65536 + j; while that fits in an int32 (maxEdge ≤ 181 cells; the default is 80) the keys are
 * sorted as Int32Array, which sorts and decodes ~2.5× faster than Float64Array keys with a float
 * modulo (the sort was ~40% of a graph build's neighbour search in a CPU profile). `wide` forces
 * the Float64Array keys (tests). Both give the same order: the keys are the same integers.
 */
export function kNearestInSight(
  grid: GridView,
  xs: readonly number[],
  ys: readonly number[],
  k: number,
  maxEdge: number,
  wide = false,
): number[][] {
  const n = xs.length;
  const max2 = maxEdge * maxEdge;
  const narrow = !wide && max2 * 65536 + 65535 <= 0x7fffffff;
  const keys = narrow ? new Int32Array(n) : new Float64Array(n);
  const out: number[][] = [];
  for (let i = 0; i < n; i++) {
    const xi = xs[i]!;
    const yi = ys[i]!;
    let m = 0;
    for (let j = 0; j < n; j++) {
      const d2 = (xs[j]! - xi) ** 2 + (ys[j]! - yi) ** 2;
      if (d2 <= max2) keys[m++] = d2 * 65536 + j; // packed so a native numeric sort orders by distance
    }
    const sorted = keys.subarray(0, m).sort();
    const list: number[] = [];
    // Look a little past the K nearest so a wall next to a node does not leave it stranded, but
    // bound the line tests per node.
    const examine = Math.min(m, 3 * k);
    for (let q = 0; q < examine && list.length < k; q++) {
      const j = narrow ? sorted[q]! & 65535 : sorted[q]! % 65536;
      if (j === i || grid.lineClear(xi, yi, xs[j]!, ys[j]!)) list.push(j);
    }
    out.push(list);
  }
  return out;
}

/** Node indices reachable from `source` over edges used both ways, in ascending order of first reach (source first). */
function connectedFrom(edges: number[][], source: number): number[] {
  const adj: number[][] = edges.map(() => []);
  edges.forEach((list, i) => {
    for (const j of list)
      if (j !== i) {
        adj[i]!.push(j);
        adj[j]!.push(i);
      }
  });
  const seen = new Uint8Array(edges.length);
  const order = [source];
  seen[source] = 1;
  for (let q = 0; q < order.length; q++) {
    for (const j of adj[order[q]!]!)
      if (seen[j] === 0) {
        seen[j] = 1;
        order.push(j);
      }
  }
  return order;
}

/** Appends (x, y) unless a point of `list` is closer than `spacing`. */
function addSpaced(list: Array<[number, number]>, x: number, y: number, spacing: number): void {
  for (const [sx, sy] of list) if ((sx - x) ** 2 + (sy - y) ** 2 < spacing * spacing) return;
  list.push([x, y]);
}

function nearest(nodes: readonly GraphNode[], x: number, y: number): number {
  let best = 0;
  let bd = Infinity;
  for (let i = 0; i < nodes.length; i++) {
    const d = (nodes[i]!.x - x) ** 2 + (nodes[i]!.y - y) ** 2;
    if (d < bd) {
      bd = d;
      best = i;
    }
  }
  return best;
}
