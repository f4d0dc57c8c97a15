import { closeSync, openSync, writeSync } from 'node:fs';
import { OutpostError } from '../../runtime/index.js';
import { ir2NodeInputs, type GraphObservation, type Ir2Scaling } from './GraphObservation.js';
import { MAX_NEIGHBOURS } from './ViewpointGraph.js';

/** "OPD1": Outpost policy decision, format 1. */
export const DECISION_MAGIC = 0x3144504f;

/**
 * Appends one record per decision for imitation learning (training/ reads them):
 *
 *     u32 magic "OPD1" | u32 N | u32 current_index | i32 expert_slot | f32 time_s | u32 robot (1-based, 0 unknown)
 *     f32[N·6] node_inputs (IR2's, see ir2NodeInputs) | i16[N·30] edges (neighbour indices, −1 padded)
 *
 * little-endian. `expert_slot` is the slot in edges[current_index] the expert would take (−1: none).
 * Records are written synchronously so a killed run keeps every complete record before the kill.
 */
export class DecisionRecorder {
  readonly path: string;
  #fd: number | undefined;
  #scaling: Ir2Scaling;
  count = 0;

  constructor(path: string, scaling: Ir2Scaling = {}) {
    this.path = path;
    this.#scaling = scaling;
    try {
      this.#fd = openSync(path, 'a');
    } catch (err) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `decision recorder: cannot open ${path} for appending: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  write(obs: GraphObservation, expertSlot: number, timeS: number, robot: number): void {
    if (this.#fd === undefined) return;
    const n = obs.nodes.length;
    if (n > 32767) {
      throw new OutpostError(
        'OUTPOST_ERR_INVALID_ARGUMENT',
        `decision recorder ${this.path}: expected a graph of at most 32767 nodes (indices are stored as int16), got ${n}`,
      );
    }
    const buf = Buffer.alloc(24 + n * 6 * 4 + n * MAX_NEIGHBOURS * 2);
    buf.writeUInt32LE(DECISION_MAGIC, 0);
    buf.writeUInt32LE(n, 4);
    buf.writeUInt32LE(obs.currentIndex, 8);
    buf.writeInt32LE(expertSlot, 12);
    buf.writeFloatLE(timeS, 16);
    buf.writeUInt32LE(robot, 20);
    const inputs = ir2NodeInputs(obs, this.#scaling);
    Buffer.from(inputs.buffer, inputs.byteOffset, inputs.byteLength).copy(buf, 24);
    let off = 24 + n * 24;
    for (let i = 0; i < n; i++) {
      const list = obs.edges[i] ?? [];
      for (let s = 0; s < MAX_NEIGHBOURS; s++, off += 2) buf.writeInt16LE(s < list.length ? list[s]! : -1, off);
    }
    writeSync(this.#fd, buf);
    this.count++;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
