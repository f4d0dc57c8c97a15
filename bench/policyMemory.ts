import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { packageRoot } from '../runtime/packageRoot.js';

/**
 * How the IR2 policy's native memory follows the size of its graph: runs the shipped model with
 * N (viewpoints) growing from 100 to 900, then cycles through the same sizes again, and prints the
 * process RSS after each step (after a forced GC). ONNX Runtime keeps buffers sized for the largest
 * N it has seen (the N×N attention masks and scores), so RSS climbs while N does and stays flat once
 * every size has been seen: a robot's RSS grows while its explored area (and graph) grows, and no
 * further. The memory soak's single-robot case explains its slope with this.
 *
 *   npm run soak:policy-memory        # node --expose-gc dist/bench/policyMemory.js
 */
const K = 30;
const session = await ort.InferenceSession.create(join(packageRoot(), 'models/ir2-explore.onnx'), {
  intraOpNumThreads: 1,
});
const floats = (shape: number[]): ort.Tensor =>
  new ort.Tensor('float32', new Float32Array(shape.reduce((a, b) => a * b)).fill(0.1), shape);
const ints = (shape: number[]): ort.Tensor =>
  new ort.Tensor('int64', new BigInt64Array(shape.reduce((a, b) => a * b)), shape);
async function run(n: number): Promise<void> {
  await session.run({
    node_inputs: floats([1, n, 6]),
    edge_inputs: ints([1, 1, K]),
    current_index: ints([1, 1, 1]),
    node_padding_mask: ints([1, 1, n]),
    edge_padding_mask: ints([1, 1, K]),
    edge_mask: floats([1, n, n]),
  });
}
const gc = (globalThis as { gc?: () => void }).gc;
const rss = (): string => {
  gc?.();
  return `${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB`;
};
if (gc === undefined) process.stderr.write('run with node --expose-gc for steadier numbers\n');
for (let n = 100; n <= 900; n += 100) {
  for (let r = 0; r < 20; r++) await run(n + (r % 7));
  process.stdout.write(`growing: N up to ${n + 6}, rss ${rss()}\n`);
}
for (let k = 1; k <= 4; k++) {
  for (let n = 100; n <= 906; n += 13) await run(n);
  process.stdout.write(`cycle ${k} through N 100-906: rss ${rss()}\n`);
}
