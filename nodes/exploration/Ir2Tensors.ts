import { ir2EdgeMask, ir2NodeInputs, type GraphObservation, type Ir2Scaling } from './GraphObservation.js';
import { MAX_NEIGHBOURS } from './ViewpointGraph.js';

/** One input tensor: a typed array of the model card's dtype and its dims. */
export interface Ir2Tensor {
  data: Float32Array | BigInt64Array;
  dims: number[];
}

/** IR2's PolicyNet inputs, by the names training/ir2/model.py exports them with. */
export interface Ir2Feeds {
  node_inputs: Ir2Tensor;
  edge_inputs: Ir2Tensor;
  current_index: Ir2Tensor;
  node_padding_mask: Ir2Tensor;
  edge_padding_mask: Ir2Tensor;
  edge_mask: Ir2Tensor;
  [name: string]: Ir2Tensor;
}

/**
 * The six tensors of IR2's `PolicyNet` for one observation (marmotlab/IR2-Multi-Robot-RL-Exploration,
 * `multi_robot_worker.get_observations`), batch 1, no node padding (as IR2 runs at test time):
 *
 * - `node_inputs` float32 [1,N,6]: see ir2NodeInputs (x, y × coords scale; utility × 1/50;
 *   rendezvous utility; visits; occupied −1 self / +1 teammate / 0).
 * - `edge_inputs` int64 [1,1,K]: the current node's neighbour list (itself first), 0-padded to K = 30.
 * - `current_index` int64 [1,1,1].
 * - `node_padding_mask` int64 [1,1,N]: all 0.
 * - `edge_padding_mask` int64 [1,1,K]: 1 where `edge_inputs` is 0 — IR2's rule, so a real neighbour
 *   whose index happens to be 0 is not selectable either (kept for fidelity; see training/README.md).
 * - `edge_mask` float32 [1,N,N]: 0 where j is in i's neighbour list, 1 elsewhere.
 *
 * The training pipeline (training/train_imitation.py) builds the same tensors from recorded
 * decisions; the model's output `logp` [1,K] picks slot a, and the next node is edge_inputs[a].
 */
export function ir2Feeds(obs: GraphObservation, scaling: Ir2Scaling = {}): Ir2Feeds {
  const n = obs.nodes.length;
  const k = MAX_NEIGHBOURS;
  const own = obs.edges[obs.currentIndex] ?? [];
  const edgeInputs = new BigInt64Array(k);
  const edgePadding = new BigInt64Array(k);
  for (let s = 0; s < k; s++) {
    const j = s < own.length ? own[s]! : 0;
    edgeInputs[s] = BigInt(j);
    edgePadding[s] = j === 0 ? 1n : 0n;
  }
  return {
    node_inputs: { data: ir2NodeInputs(obs, scaling), dims: [1, n, 6] },
    edge_inputs: { data: edgeInputs, dims: [1, 1, k] },
    current_index: { data: BigInt64Array.of(BigInt(obs.currentIndex)), dims: [1, 1, 1] },
    node_padding_mask: { data: new BigInt64Array(n), dims: [1, 1, n] },
    edge_padding_mask: { data: edgePadding, dims: [1, 1, k] },
    edge_mask: { data: ir2EdgeMask(obs), dims: [1, n, n] },
  };
}

/**
 * The node IR2's policy picks from its log-probabilities: the selectable slot with the highest
 * log-probability (IR2 at test time: argmax), mapped through `edge_inputs`. −1 when no slot is
 * selectable (every slot padded).
 */
export function ir2Choice(logp: ArrayLike<number>, feeds: Ir2Feeds): number {
  const slots = feeds.edge_inputs.data as BigInt64Array;
  const blocked = feeds.edge_padding_mask.data as BigInt64Array;
  let best = -1;
  let bestLp = -Infinity;
  for (let s = 1; s < slots.length; s++) {
    if (blocked[s] !== 0n) continue;
    const lp = logp[s]!;
    if (lp > bestLp) {
      bestLp = lp;
      best = s;
    }
  }
  return best < 0 ? -1 : Number(slots[best]);
}
