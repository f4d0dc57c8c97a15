import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { packageRoot } from '../packageRoot.js';
import type { Feed } from './TensorContract.js';

/** The test models of models/testing (made by training/fixtures and training/export_ir2.py). */
export function testModel(name: string): string {
  return join(packageRoot(), 'models', 'testing', `${name}.onnx`);
}

/** A pino logger that keeps its records, for asserting what was logged. */
export function recordingLogger(): { logger: Logger; records: Array<{ level: number; msg: string; code?: string }> } {
  const records: Array<{ level: number; msg: string; code?: string }> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') records.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}

/**
 * Copies a test model to a fresh directory, with its card edited by `edit` (or the model bytes
 * replaced by `bytes`): the contract and corruption cases.
 */
export function modelVariant(name: string, edit?: (card: Record<string, unknown>) => void, bytes?: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-policy-'));
  const path = join(dir, `${name}.onnx`);
  if (bytes === undefined) copyFileSync(testModel(name), path);
  else writeFileSync(path, bytes);
  const card = JSON.parse(readFileSync(testModel(name).replace(/\.onnx$/, '.card.json'), 'utf8')) as Record<string, unknown>;
  edit?.(card);
  writeFileSync(path.replace(/\.onnx$/, '.card.json'), JSON.stringify(card));
  return path;
}

/**
 * IR2 observation tensors of the documented shapes for a random graph of `n` nodes (the shapes the
 * observation builder produces): node i's neighbours are itself and the nearest nodes within
 * `radius`, at most k, 0-padded; edge_padding_mask is 1 where the index is 0, as in IR2.
 */
export function ir2Feeds(n: number, seed = 1, k = 30, radius = 0.2): Record<string, Feed> {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const xy = Array.from({ length: n }, () => [rand(), rand()] as const);
  const current = Math.floor(rand() * n);
  const nodeInputs = new Float32Array(n * 6);
  xy.forEach(([x, y], i) => {
    nodeInputs.set([x, y, Math.floor(rand() * 40) / 50, rand() < 0.2 ? rand() * 0.5 : 0, Math.floor(rand() * 3), i === current ? -1 : 0], i * 6);
  });
  const edgeMask = new Float32Array(n * n).fill(1);
  const neighbours: number[][] = xy.map(([x, y], i) => xy
    .map(([u, v], j) => ({ j, d: Math.hypot(u - x, v - y) }))
    .filter((e) => e.d <= radius)
    .sort((a, b) => a.d - b.d || (a.j === i ? -1 : 1))
    .slice(0, k)
    .map((e) => e.j));
  neighbours.forEach((js, i) => { for (const j of js) edgeMask[i * n + j] = 0; });
  const edgeInputs = new BigInt64Array(k);
  neighbours[current]!.forEach((j, slot) => { edgeInputs[slot] = BigInt(j); });
  const edgePadding = BigInt64Array.from(edgeInputs, (v) => (v === 0n ? 1n : 0n));
  return {
    node_inputs: { data: nodeInputs, dims: [1, n, 6] },
    edge_inputs: { data: edgeInputs, dims: [1, 1, k] },
    current_index: { data: BigInt64Array.from([BigInt(current)]), dims: [1, 1, 1] },
    node_padding_mask: { data: new BigInt64Array(n), dims: [1, 1, n] },
    edge_padding_mask: { data: edgePadding, dims: [1, 1, k] },
    edge_mask: { data: edgeMask, dims: [1, n, n] },
  };
}
