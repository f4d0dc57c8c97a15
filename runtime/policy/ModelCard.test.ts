import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOutpostError } from '../OutpostError.js';
import { loadModelCard, modelCardPath, parseModelCard } from './ModelCard.js';
import { testModel } from './policyTestKit.js';

const valid = () => ({
  format: 'outpost-model-card/1',
  name: 'p',
  version: '1',
  inputs: [{ name: 'x', dtype: 'float32', shape: [1, 'N', 6] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: [1, 30] }],
  control_rate_hz: 2,
  latency_budget_ms: 50,
  fallback: 'nearest_frontier',
  provenance: { trained: 'no' },
});

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('ModelCard', () => {
  it('reads the shipped test cards', () => {
    const card = loadModelCard(modelCardPath(testModel('ir2-random')));
    expect(card.inputs.map((i) => i.name)).toEqual([
      'node_inputs',
      'edge_inputs',
      'current_index',
      'node_padding_mask',
      'edge_padding_mask',
      'edge_mask',
    ]);
    expect(card.inputs[0]).toMatchObject({ dtype: 'float32', shape: [1, 'N', 6] });
    expect(card.outputs[0]).toMatchObject({ name: 'logp', dtype: 'float32', shape: [1, 30] });
    expect(card.fallback).toBe('nearest_frontier');
    expect(card.modelSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(card.provenance.trained).toMatch(/untrained/);
  });

  it('maps a model path to its card path', () => {
    expect(modelCardPath('models/ir2.onnx')).toBe('models/ir2.card.json');
  });

  it('names the file and the field of what is wrong, what was expected and what came', () => {
    const cases: Array<[(c: Record<string, unknown>) => void, RegExp]> = [
      [
        (c) => {
          c.format = 'v2';
        },
        /x\.card\.json: "format": expected "outpost-model-card\/1", got "v2"/,
      ],
      [
        (c) => {
          delete c.name;
        },
        /"name": expected a non-empty string, got nothing/,
      ],
      [
        (c) => {
          c.latency_budget_ms = -1;
        },
        /"latency_budget_ms": expected a positive number, got -1/,
      ],
      [
        (c) => {
          c.inputs = [];
        },
        /"inputs": expected a non-empty array of tensors, got array of 0/,
      ],
      [
        (c) => {
          (c.inputs as Array<Record<string, unknown>>)[0]!.dtype = 'float';
        },
        /"inputs\[0\]\.dtype": expected one of float32, .*got "float"/,
      ],
      [
        (c) => {
          (c.outputs as Array<Record<string, unknown>>)[0]!.shape = [1, 0];
        },
        /"outputs\[0\]\.shape\[1\]": expected an integer ≥ 1 or a symbol such as "N", got 0/,
      ],
      [
        (c) => {
          c.model_sha256 = 'abc';
        },
        /"model_sha256": expected 64 lowercase hex digits/,
      ],
      [
        (c) => {
          c.provenance = 'x';
        },
        /"provenance": expected an object/,
      ],
    ];
    for (const [edit, message] of cases) {
      const c = valid() as Record<string, unknown>;
      edit(c);
      const err = errorOf(() => parseModelCard(c, 'x.card.json'));
      expect(isOutpostError(err, 'OUTPOST_ERR_MODEL_CARD')).toBe(true);
      expect(err.message).toMatch(message);
    }
  });

  it('reports a missing card and a card that is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-card-'));
    expect(errorOf(() => loadModelCard(join(dir, 'none.card.json'))).message).toMatch(
      /none\.card\.json: cannot read it \(ENOENT\)/,
    );
    writeFileSync(join(dir, 'bad.card.json'), '{ nope');
    expect(errorOf(() => loadModelCard(join(dir, 'bad.card.json'))).message).toMatch(/bad\.card\.json: not JSON/);
  });
});
