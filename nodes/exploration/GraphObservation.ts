/**
 * What an exploration policy sees: IR2's graph observation (marmotlab/IR2-Multi-Robot-RL-Exploration,
 * `multi_robot_worker.get_observations`), in physical units. The learned (ONNX) policy packs it into
 * IR2's tensors with `ir2NodeInputs`/`ir2EdgeMask`; the classical policies read it directly.
 */
export interface GraphNode {
  /** Map-frame position of the node (the centre of its grid cell). Unit: m. */
  x: number;
  y: number;
  /**
   * IR2's node utility: how many frontier points (frontier blocks, see FrontierOptions.block) lie
   * within `sensor_range` of the node with line of sight. A count, ≥ 0, unnormalised (IR2 feeds
   * it × 1/50). Zero for nodes this robot has already reached (IR2's `set_visited`).
   */
  utility: number;
  /**
   * IR2's rendezvous ("map-delta") utility, dimensionless and already normalised as IR2 feeds it:
   * 0 where no out-of-contact teammate is worth meeting; along the graph path to a teammate that
   * lacks Δ of our map, Δ·8/A (A = map cells) decaying linearly to the robot, + 0.1; 0 within
   * `rendezvous_self_radius` of the robot. Stand-in for Δ: cells this robot's map gained since it
   * last heard that teammate (IR2 keeps a copy of each teammate's map; we keep only the count).
   */
  rendezvousUtility: number;
  /** IR2's guidepost: how many samples of this robot's own trajectory are nearest to this node. ≥ 0. */
  visits: number;
  /** IR2's occupied flag: −1 at the current node (this robot), +1 where a teammate is believed to be, else 0. */
  occupied: number;
}

export interface GraphObservation {
  nodes: GraphNode[];
  /**
   * edges[i]: indices of node i's neighbours, nearest first, at most K (30). As in IR2 (whose
   * KD-tree query returns the point itself) the first entry is i itself (distance 0); the others
   * are the nearest nodes reached by a collision-free straight line (no occupied or unknown cell,
   * see GridView.lineClear) no longer than the maximum edge length. Lists are not necessarily
   * symmetric (k-nearest is not); the line test is, so paths may use an edge either way.
   */
  edges: number[][];
  /** Index of the node at the robot (always present; it is the robot's own cell). */
  currentIndex: number;
  /** Cell edge of the map the graph was built on. Unit: m. */
  resolution: number;
  /** Map-frame position of the map's cell (0,0) lower-left corner. Unit: m. */
  originX: number;
  originY: number;
}

export interface Ir2Scaling {
  /** Applied to cell coordinates: IR2 uses 1/640 on its 640×480 and 500² maps, 1/1000 on 1000². */
  coords?: number;
  /** Applied to `utility`. IR2: 1/50. */
  utility?: number;
  /**
   * x, y relative to the current node (which is then at 0, 0) instead of the map origin. Not IR2's
   * (IR2 feeds absolute coordinates); Outpost's trained model uses it (its card says
   * `observation.relative_coords: true`): translation-invariant inputs learn faster and do not tie
   * the policy to where a map's origin lies.
   */
  relative?: boolean;
}

/**
 * IR2's `node_inputs` (N×6, row-major float32): x, y in map cells relative to the map origin ×
 * `coords`; utility × `utility`; rendezvous utility as is; visits; occupied.
 */
export function ir2NodeInputs(obs: GraphObservation, scaling: Ir2Scaling = {}): Float32Array {
  const cs = scaling.coords ?? 1 / 640;
  const us = scaling.utility ?? 1 / 50;
  const out = new Float32Array(obs.nodes.length * 6);
  const here = obs.nodes[obs.currentIndex];
  const x0 = scaling.relative === true && here !== undefined ? here.x : obs.originX;
  const y0 = scaling.relative === true && here !== undefined ? here.y : obs.originY;
  obs.nodes.forEach((n, i) => {
    out[6 * i] = ((n.x - x0) / obs.resolution) * cs;
    out[6 * i + 1] = ((n.y - y0) / obs.resolution) * cs;
    out[6 * i + 2] = n.utility * us;
    out[6 * i + 3] = n.rendezvousUtility;
    out[6 * i + 4] = n.visits;
    out[6 * i + 5] = n.occupied;
  });
  return out;
}

/** IR2's `edge_mask` (N×N, row-major float32): 0 where j ∈ edges[i], 1 elsewhere. */
export function ir2EdgeMask(obs: GraphObservation): Float32Array {
  const n = obs.nodes.length;
  const mask = new Float32Array(n * n).fill(1);
  obs.edges.forEach((list, i) => {
    for (const j of list) mask[i * n + j] = 0;
  });
  return mask;
}
