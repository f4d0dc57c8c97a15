import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECISION_MAGIC, DecisionRecorder } from './DecisionRecorder.js';
import type { GraphObservation } from './GraphObservation.js';
import { GridView } from './GridView.js';
import { ir2Choice, ir2Feeds } from './Ir2Tensors.js';
import { firstStepSlot, PrivilegedExpert, type ExpertTruth } from './PrivilegedExpert.js';

// A corridor of nodes 1 m apart along y = 0.5: 0 (robot) — 1 — 2 — 3 — 4, where 3 and 4 are
// frontier nodes. Node 0 sees 1 and 2 directly; 3 only through 2.
const line: GraphObservation = {
  nodes: [0, 1, 2, 3, 4].map((i) => ({
    x: i + 0.5,
    y: 0.5,
    utility: i >= 3 ? 5 : 0,
    rendezvousUtility: 0,
    visits: 0,
    occupied: i === 0 ? -1 : 0,
  })),
  edges: [
    [0, 1, 2],
    [1, 0, 2],
    [2, 1, 3, 0],
    [3, 2, 4],
    [4, 3],
  ],
  currentIndex: 0,
  resolution: 1,
  originX: 0,
  originY: 0,
};

/** A true world 10×1 cells, all free except cell 7 (a wall). */
function corridorTruth(): ExpertTruth {
  const free = new Uint8Array(10).fill(1);
  free[7] = 0;
  return { width: 10, height: 1, resolution: 1, originX: 0, originY: 0, free };
}

describe('PrivilegedExpert', () => {
  it('steps to the farthest neighbour on the shortest way to the target', () => {
    expect(firstStepSlot(line, 4)).toBe(2); // node 2, slot 2 of [0, 1, 2]
    expect(firstStepSlot(line, 1)).toBe(1);
    expect(firstStepSlot(line, 0)).toBe(-1); // already there
  });

  it('counts the true free cells its map lacks that a lidar at a node would see, up to walls', () => {
    const expert = new PrivilegedExpert(corridorTruth(), { sensorRange: 5, rays: 8 });
    // The robot knows cells 0..4; from x = 4.5 the ray east sees 5 and 6, then the wall at 7.
    const known = GridView.fromAscii(['.....?????']);
    expect(expert.gainAt(4.5, 0.5, known)).toBe(2);
    expect(expert.gainAt(0.5, 0.5, known)).toBe(1); // 5 m east of x = 0.5 ends in cell 5
    expect(new PrivilegedExpert(corridorTruth(), { sensorRange: 3 }).gainAt(1.5, 0.5, known)).toBe(0); // out of range
  });

  it('heads for the best gain per metre and labels the first step toward it', () => {
    const expert = new PrivilegedExpert(corridorTruth(), { sensorRange: 3, rays: 8 });
    const known = GridView.fromAscii(['....??????']);
    const choice = expert.choose(line, known, []);
    expect(choice.target).toBe(3); // node 4 (x 4.5) sees no more than node 3 but is farther
    expect(choice.slot).toBe(2);
    // A teammate standing on node 3 claims it (and node 4, nearer to it than to us): still the
    // best, but discounted; with nothing else on offer the choice stays.
    expect(expert.choose(line, known, [{ x: 3.5, y: 0.5 }]).target).toBe(3);
    // Nothing left to see: no target.
    expect(expert.choose(line, GridView.fromAscii(['..........']), []).target).toBe(-1);
  });
});

describe('DecisionRecorder', () => {
  it('appends OPD1 records: header, IR2 node inputs, neighbour lists padded with −1', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'opd-')), 'r1.opd');
    const rec = new DecisionRecorder(path);
    rec.write(line, 2, 12.5, 3);
    rec.write(line, -1, 13, 3);
    rec.close();
    const b = readFileSync(path);
    const size = 24 + 5 * 24 + 5 * 30 * 2;
    expect(b.length).toBe(2 * size);
    expect(b.readUInt32LE(0)).toBe(DECISION_MAGIC);
    expect(b.subarray(0, 4).toString('latin1')).toBe('OPD1');
    expect([b.readUInt32LE(4), b.readUInt32LE(8), b.readInt32LE(12), b.readFloatLE(16), b.readUInt32LE(20)]).toEqual([
      5, 0, 2, 12.5, 3,
    ]);
    expect(b.readFloatLE(24 + 3 * 24 + 2 * 4)).toBeCloseTo(5 / 50, 6); // node 3's utility × 1/50
    const edges0 = 24 + 5 * 24;
    expect([0, 1, 2, 3].map((s) => b.readInt16LE(edges0 + 2 * s))).toEqual([0, 1, 2, -1]);
    expect(b.readInt32LE(size + 12)).toBe(-1);
  });
});

describe('ir2Feeds', () => {
  it('builds IR2 PolicyNet inputs: 0-padded neighbour slots, masked where the index is 0', () => {
    const obs = { ...line, currentIndex: 2 };
    const f = ir2Feeds(obs);
    expect(f.node_inputs.dims).toEqual([1, 5, 6]);
    expect(f.edge_mask.dims).toEqual([1, 5, 5]);
    expect([...(f.edge_inputs.data as BigInt64Array).slice(0, 5)]).toEqual([2n, 1n, 3n, 0n, 0n]);
    // Slot 3 is node 0, a real neighbour, masked like padding: IR2's rule.
    expect([...(f.edge_padding_mask.data as BigInt64Array).slice(0, 5)]).toEqual([0n, 0n, 0n, 1n, 1n]);
    expect([...(f.current_index.data as BigInt64Array)]).toEqual([2n]);
    expect([...(f.node_padding_mask.data as BigInt64Array)]).toEqual([0n, 0n, 0n, 0n, 0n]);
    const logp = new Array(30).fill(-10);
    logp[0] = 0; // slot 0 (stay) is never taken while another is selectable
    logp[2] = -1;
    logp[3] = 5; // blocked
    expect(ir2Choice(logp, f)).toBe(3); // slot 2 → node 3
  });
});
