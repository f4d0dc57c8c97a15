import { performance } from 'node:perf_hooks';
import ort from 'onnxruntime-node';
import { pino } from 'pino';
import { PolicyHost } from '../runtime/policy/PolicyHost.js';
import { ir2Feeds } from '../nodes/exploration/Ir2Tensors.js';
import { randomGraphObservation } from '../nodes/exploration/randomGraphObservation.js';
import { testModel } from '../runtime/policy/policyTestKit.js';
import { benchMain, formatTable, percentile, yieldToEventLoop, type BenchOptions } from './BenchRunner.js';

/**
 * Policy host overhead: PolicyHost.decide (feed check against the card, tensor wrapping, run,
 * latency histogram, budget check) against a bare onnxruntime-node `InferenceSession.run` with
 * the same session options on the same IR2 inputs, interleaved in one run (ABBA order, so drift
 * and GC hit both alike), on IR2's PolicyNet exported with random weights
 * (models/testing/ir2-random.onnx), N = 100, 200, 400 graph nodes, 1 intra-op thread.
 * Run: `npm run bench:policy [-- --smoke] [-- --json]`.
 * Targets: host p50 at most 5% above bare p50; host p99 at most 1.5× its p50.
 */

export interface PolicyHostCase {
  n: number;
  runs: number;
  host: { p50Ms: number; p99Ms: number };
  bare: { p50Ms: number; p99Ms: number };
  /** host p50 ÷ bare p50 − 1. */
  overheadP50: number;
  /**
   * Median over interleaved pairs of (host − bare) time: the host's own cost per call, robust to
   * load drift on a shared machine. Unit: ms.
   */
  pairedMedianDiffMs: number;
  /** host p99 ÷ host p50. */
  hostTail: number;
  /** bare p99 ÷ bare p50: the machine's own tail, for comparison. */
  bareTail: number;
  /** The host's own histogram (2% buckets) agrees with the outside timing. */
  hostHistogramP50Ms: number;
  fallbacks: number;
}

export interface PolicyHostResult {
  benchmark: 'policyHost';
  model: string;
  intraOpThreads: 1;
  cases: PolicyHostCase[];
  target: { maxOverheadP50: number; maxTail: number; pass: boolean };
}

const SIZES = [100, 200, 400];

export async function runPolicyHostBench(options: BenchOptions = {}): Promise<PolicyHostResult> {
  const runs = options.smoke ? 6 : 400;
  const warmup = options.smoke ? 2 : 30;
  const path = testModel('ir2-random');
  const cases: PolicyHostCase[] = [];
  for (const n of SIZES) {
    const host = new PolicyHost({
      logger: pino({ level: 'silent' }),
      intraOpThreads: 1,
      latencyBudgetMs: 60_000,
      warmupRuns: warmup,
      warmupSizes: { N: n },
    });
    const loaded = await host.load(path);
    if (!loaded.ok) throw loaded.error;
    const bare = await ort.InferenceSession.create(path, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 4,
    });
    const feeds = ir2Feeds(randomGraphObservation(n, n), { coords: 1 });
    const tensors = Object.fromEntries(
      Object.entries(feeds).map(([name, f]) => {
        const dtype = f.data instanceof BigInt64Array ? 'int64' : 'float32';
        return [name, new ort.Tensor(dtype, f.data as Float32Array, f.dims)];
      }),
    );
    for (let i = 0; i < warmup; i++) await bare.run(tensors);
    const hostMs: number[] = [];
    const bareMs: number[] = [];
    let fallbacks = 0;
    const timeHost = async () => {
      const t = performance.now();
      const d = await host.decide(feeds);
      hostMs.push(performance.now() - t);
      if (d.source !== 'model') fallbacks++;
    };
    const timeBare = async () => {
      const t = performance.now();
      await bare.run(tensors);
      bareMs.push(performance.now() - t);
    };
    for (let i = 0; i < runs; i++) {
      if (i % 2 === 0) {
        await timeHost();
        await timeBare();
      } else {
        await timeBare();
        await timeHost();
      }
      await yieldToEventLoop();
    }
    const h = { p50Ms: percentile(hostMs, 50), p99Ms: percentile(hostMs, 99) };
    const b = { p50Ms: percentile(bareMs, 50), p99Ms: percentile(bareMs, 99) };
    cases.push({
      n,
      runs,
      host: h,
      bare: b,
      overheadP50: h.p50Ms / b.p50Ms - 1,
      pairedMedianDiffMs: percentile(
        hostMs.map((v, i) => v - bareMs[i]!),
        50,
      ),
      hostTail: h.p99Ms / h.p50Ms,
      bareTail: b.p99Ms / b.p50Ms,
      hostHistogramP50Ms: host.stats().p50Ms,
      fallbacks,
    });
    await host.close();
    await bare.release();
  }
  const maxOverheadP50 = 0.05;
  const maxTail = 1.5;
  return {
    benchmark: 'policyHost',
    model: 'models/testing/ir2-random.onnx (IR2 PolicyNet, 1.45 M parameters, random weights)',
    intraOpThreads: 1,
    cases,
    target: {
      maxOverheadP50,
      maxTail,
      pass: cases.every((c) => c.overheadP50 <= maxOverheadP50 && c.hostTail <= maxTail && c.fallbacks === 0),
    },
  };
}

export function formatPolicyHost(r: PolicyHostResult): string {
  const ms = (v: number) => v.toFixed(3);
  const rows = r.cases.map((c) => [
    `N=${c.n}`,
    String(c.runs),
    ms(c.bare.p50Ms),
    ms(c.bare.p99Ms),
    ms(c.host.p50Ms),
    ms(c.host.p99Ms),
    `${(c.overheadP50 * 100).toFixed(1)}%`,
    `${(c.pairedMedianDiffMs * 1000).toFixed(0)} µs`,
    `${c.hostTail.toFixed(2)}×`,
    `${c.bareTail.toFixed(2)}×`,
    String(c.fallbacks),
  ]);
  return (
    `${r.model}, ${r.intraOpThreads} intra-op thread\n\n` +
    `${formatTable(['graph', 'runs', 'bare p50 ms', 'bare p99 ms', 'host p50 ms', 'host p99 ms', 'overhead p50', 'paired median Δ', 'host p99/p50', 'bare p99/p50', 'fallbacks'], rows)}\n\n` +
    `target: overhead ≤ ${r.target.maxOverheadP50 * 100}% at p50, host p99 ≤ ${r.target.maxTail}× p50: ${r.target.pass ? 'PASS' : 'FAIL'}`
  );
}

await benchMain(import.meta.url, runPolicyHostBench, formatPolicyHost);
