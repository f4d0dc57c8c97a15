import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicyHost } from '../../runtime/policy/PolicyHost.js';
import { recordingLogger, testModel } from '../../runtime/policy/policyTestKit.js';
import type { Feed } from '../../runtime/policy/TensorContract.js';
import { ir2Feeds } from './Ir2Tensors.js';
import { randomGraphObservation } from './randomGraphObservation.js';

/** IR2's tensors for a random graph of `n` nodes (coordinates already in [0, 1)). */
const randomFeeds = (n: number, seed?: number) => ir2Feeds(randomGraphObservation(n, seed), { coords: 1 });

// models/testing/ir2-random.onnx: IR2's PolicyNet with random weights, exported by
// `training/export_ir2.py --random-weights --seed 7 --test-vectors`; its test vectors hold
// PyTorch's inputs and log-probabilities.
interface Vectors {
  cases: Array<{
    inputs: Record<string, { dtype: 'float32' | 'int64'; dims: number[]; data: number[] }>;
    outputs: { logp: { dims: number[]; data: number[] } };
  }>;
}

describe('IR2 policy exported from PyTorch, run through the host', () => {
  const { logger } = recordingLogger();
  // Timing is not under test here (a shared CI box, and a first run at a new N plans its memory).
  const host = new PolicyHost({ logger, intraOpThreads: 1, latencyBudgetMs: 10_000 });
  beforeAll(async () => {
    const r = await host.load(testModel('ir2-random'));
    if (!r.ok) throw r.error;
  });
  afterAll(() => host.close());

  it('matches PyTorch on the exported test vectors', async () => {
    const vectors = JSON.parse(
      readFileSync(testModel('ir2-random').replace(/\.onnx$/, '.testvectors.json'), 'utf8'),
    ) as Vectors;
    expect(vectors.cases.length).toBeGreaterThanOrEqual(2);
    for (const c of vectors.cases) {
      const feeds: Record<string, Feed> = {};
      for (const [name, t] of Object.entries(c.inputs)) {
        feeds[name] = {
          dims: t.dims,
          data: t.dtype === 'int64' ? BigInt64Array.from(t.data, (v) => BigInt(v)) : Float32Array.from(t.data),
        };
      }
      const d = await host.decide(feeds);
      if (d.source !== 'model') throw new Error(`fallback: ${d.reason} ${d.error?.message}`);
      const got = d.outputs.logp!;
      expect(got.dims).toEqual(c.outputs.logp.dims);
      c.outputs.logp.data.forEach((want, i) => {
        const g = (got.data as Float32Array)[i]!;
        if (want < -1e6)
          expect(g).toBeLessThan(-1e6); // blocked slot
        else expect(Math.abs(g - want)).toBeLessThan(1e-4);
      });
    }
  });

  for (const n of [100, 200, 400]) {
    it(`decides on a ${n}-node graph in IR2's tensor layout: a distribution over the 30 slots, slot 0 and padding blocked`, async () => {
      const feeds = randomFeeds(n, n);
      const d = await host.decide(feeds);
      if (d.source !== 'model') throw new Error(`fallback: ${d.reason} ${d.error?.message}`);
      const logp = d.outputs.logp!;
      expect(logp.type).toBe('float32');
      expect(logp.dims).toEqual([1, 30]);
      const p = Array.from(logp.data as Float32Array, Math.exp);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      const padding = feeds.edge_padding_mask!.data as BigInt64Array;
      const open = Array.from(padding)
        .slice(1)
        .some((v) => v === 0n);
      if (open) expect(p[0]).toBeLessThan(1e-6); // "don't stay" unless nothing else is selectable
      padding.forEach((v, i) => {
        if (i > 0 && v === 1n) expect(p[i]).toBeLessThan(1e-6);
      });
      const action = p.indexOf(Math.max(...p));
      const next = (feeds.edge_inputs!.data as BigInt64Array)[action]!;
      expect(Number(next)).toBeGreaterThanOrEqual(0);
      expect(Number(next)).toBeLessThan(n);
    });
  }

  it('fills the pre-allocated fixed-shape inputs (edge_inputs, current_index, edge_padding_mask)', async () => {
    const feeds = randomFeeds(120, 5);
    const direct = await host.decide(feeds);
    for (const name of ['edge_inputs', 'current_index', 'edge_padding_mask']) {
      const buf = host.buffer(name) as BigInt64Array;
      expect(buf).toBeInstanceOf(BigInt64Array);
      buf.set(feeds[name]!.data as BigInt64Array);
      feeds[name] = { data: buf, dims: feeds[name]!.dims };
    }
    expect(host.buffer('node_inputs')).toBeUndefined(); // N is symbolic
    const pooled = await host.decide(feeds);
    if (direct.source !== 'model' || pooled.source !== 'model') throw new Error('expected model decisions');
    expect(Array.from(pooled.outputs.logp!.data as Float32Array)).toEqual(
      Array.from(direct.outputs.logp!.data as Float32Array),
    );
  });

  it('a node count that differs between inputs is refused, naming the symbol', async () => {
    const feeds = randomFeeds(50);
    feeds.edge_mask = { data: new Float32Array(49 * 49), dims: [1, 49, 49] };
    const d = await host.decide(feeds);
    expect(d).toMatchObject({ source: 'fallback', reason: 'invalid_input', fallback: 'nearest_frontier' });
    if (d.source === 'fallback')
      expect(d.error?.message).toMatch(
        /input "edge_mask": expected float32 \[1,N,N\] with N=50, got float32 \[1,49,49\]/,
      );
  });
});
