import type { GraphObservation } from './GraphObservation.js';

/** Shortest paths from one node over a graph observation (Dijkstra, Euclidean edge lengths in m). */
export interface ShortestPaths {
  /** Path length from the source to each node; Infinity where unreachable. Unit: m. */
  dist: Float64Array;
  /** Previous node on the shortest path; −1 at the source and where unreachable. */
  prev: Int32Array;
}

/**
 * Dijkstra from `source`. Edges are used in both directions: k-nearest lists are not symmetric,
 * but an edge's line-of-sight test is. O(N²) scan: N is a few hundred, and this beats a heap there.
 */
export function shortestPaths(obs: GraphObservation, source: number): ShortestPaths {
  // One graph build is searched from the robot's node several times (rendezvous utility,
  // offshoots, the policy at every decision until the next build). The last answer per edge-list
  // array is kept with a copy of the node positions and edge lists it was computed from, and
  // reused only when they are all equal again.
  const memo = memos.get(obs.edges);
  if (memo !== undefined && memo.source === source && sameGraph(memo, obs)) {
    return { dist: memo.result.dist.slice(), prev: memo.result.prev.slice() };
  }
  const result = dijkstra(obs, source);
  memos.set(obs.edges, { source, ...snapshot(obs), result: { dist: result.dist.slice(), prev: result.prev.slice() } });
  return result;
}

interface Snapshot {
  xs: Float64Array;
  ys: Float64Array;
  /** Edge lists flattened: list lengths first (one per list), then the entries. */
  edges: Int32Array;
}
const memos = new WeakMap<readonly (readonly number[])[], Snapshot & { source: number; result: ShortestPaths }>();

function snapshot(obs: GraphObservation): Snapshot {
  const n = obs.nodes.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  obs.nodes.forEach((v, i) => {
    xs[i] = v.x;
    ys[i] = v.y;
  });
  let total = obs.edges.length;
  for (const list of obs.edges) total += list.length;
  const edges = new Int32Array(total);
  let at = obs.edges.length;
  obs.edges.forEach((list, i) => {
    edges[i] = list.length;
    for (const j of list) edges[at++] = j;
  });
  return { xs, ys, edges };
}

function sameGraph(s: Snapshot, obs: GraphObservation): boolean {
  const n = obs.nodes.length;
  if (s.xs.length !== n || s.edges.length < obs.edges.length) return false;
  for (let i = 0; i < n; i++)
    if (!Object.is(obs.nodes[i]!.x, s.xs[i]) || !Object.is(obs.nodes[i]!.y, s.ys[i])) return false;
  const lists = obs.edges.length;
  let at = lists;
  for (let i = 0; i < lists; i++) {
    const list = obs.edges[i]!;
    if (s.edges[i] !== list.length || at + list.length > s.edges.length) return false;
    for (let k = 0; k < list.length; k++) if (s.edges[at++] !== list[k]) return false;
  }
  return at === s.edges.length;
}

function dijkstra(obs: GraphObservation, source: number): ShortestPaths {
  const n = obs.nodes.length;
  const dist = new Float64Array(n).fill(Infinity);
  const prev = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  if (source < 0 || source >= n) return { dist, prev };
  // Adjacency in typed arrays (CSR), each neighbour once: an edge listed by both of its nodes would
  // relax the same length twice. This ran three times per graph build (policy, rendezvous,
  // offshoots) and was the largest allocator of a mission (a mission's heap profile).
  const start = new Int32Array(n + 1);
  obs.edges.forEach((list, i) => {
    for (const j of list) {
      if (j === i) continue;
      start[i + 1]!++;
      start[j + 1]!++;
    }
  });
  for (let i = 0; i < n; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, n);
  const adj = new Int32Array(start[n]!);
  obs.edges.forEach((list, i) => {
    for (const j of list) {
      if (j === i) continue;
      adj[fill[i]!++] = j;
      adj[fill[j]!++] = i;
    }
  });
  const end = new Int32Array(n);
  const stamp = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    let w = start[i]!;
    for (let e = start[i]!; e < start[i + 1]!; e++) {
      const j = adj[e]!;
      if (stamp[j] === i) continue;
      stamp[j] = i;
      adj[w++] = j;
    }
    end[i] = w;
  }
  const nodes = obs.nodes;
  dist[source] = 0;
  for (;;) {
    let u = -1;
    let best = Infinity;
    for (let i = 0; i < n; i++)
      if (done[i] === 0 && dist[i]! < best) {
        best = dist[i]!;
        u = i;
      }
    if (u < 0) break;
    done[u] = 1;
    const a = nodes[u]!;
    for (let e = start[u]!; e < end[u]!; e++) {
      const v = adj[e]!;
      if (done[v] === 1) continue;
      const b = nodes[v]!;
      const d = best + Math.hypot(a.x - b.x, a.y - b.y);
      if (d < dist[v]!) {
        dist[v] = d;
        prev[v] = u;
      }
    }
  }
  return { dist, prev };
}

/** The straightforward Dijkstra over arrays of neighbour lists (duplicates included): the reference its tests compare against. */
export function shortestPathsReference(obs: GraphObservation, source: number): ShortestPaths {
  const n = obs.nodes.length;
  const adj: number[][] = Array.from({ length: n }, () => []);
  obs.edges.forEach((list, i) => {
    for (const j of list) {
      if (j === i) continue;
      adj[i]!.push(j);
      adj[j]!.push(i);
    }
  });
  const dist = new Float64Array(n).fill(Infinity);
  const prev = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  if (source < 0 || source >= n) return { dist, prev };
  dist[source] = 0;
  for (;;) {
    let u = -1;
    let best = Infinity;
    for (let i = 0; i < n; i++)
      if (done[i] === 0 && dist[i]! < best) {
        best = dist[i]!;
        u = i;
      }
    if (u < 0) break;
    done[u] = 1;
    const a = obs.nodes[u]!;
    for (const v of adj[u]!) {
      if (done[v] === 1) continue;
      const b = obs.nodes[v]!;
      const d = best + Math.hypot(a.x - b.x, a.y - b.y);
      if (d < dist[v]!) {
        dist[v] = d;
        prev[v] = u;
      }
    }
  }
  return { dist, prev };
}

/** The node indices from the source to `target`, both included; empty when unreachable. */
export function pathTo(paths: ShortestPaths, target: number): number[] {
  if (target < 0 || target >= paths.dist.length || paths.dist[target] === Infinity) return [];
  const out: number[] = [];
  for (let v = target; v >= 0; v = paths.prev[v]!) out.push(v);
  return out.reverse();
}

/** Index of the node nearest to map-frame point (x, y) by straight-line distance; −1 if none. */
export function nearestNode(obs: GraphObservation, x: number, y: number): number {
  let best = -1;
  let bd = Infinity;
  obs.nodes.forEach((n, i) => {
    const d = (n.x - x) ** 2 + (n.y - y) ** 2;
    if (d < bd) {
      bd = d;
      best = i;
    }
  });
  return best;
}
