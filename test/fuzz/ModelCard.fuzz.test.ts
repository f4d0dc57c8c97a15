import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelCard } from '../../runtime/policy/ModelCard.js';
import { corpus, decodesOrRefuses, fuzz, fuzzTimeoutMs, textFor } from './FuzzKit.js';

// Model cards (runtime/policy/ModelCard.ts) sit beside every .onnx: each shipped card, mutated as
// text and as JSON values, loads or raises OUTPOST_ERR_MODEL_CARD.

const work = mkdtempSync(join(tmpdir(), 'outpost-fuzz-card-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const cards = ['models', 'models/testing'].flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.card.json'))
    .map((f) => readFileSync(join(dir, f), 'utf8')),
);

/** A shipped card with one field replaced by an arbitrary JSON value (deep fields included). */
const valueMutated: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...cards),
    fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
    fc.jsonValue({ maxDepth: 2 }),
  )
  .map(([text, at, value]) => {
    const card = JSON.parse(text) as Record<string, unknown>;
    const paths: Array<[Record<string, unknown> | unknown[], string | number]> = [];
    const walk = (o: unknown): void => {
      if (o === null || typeof o !== 'object') return;
      for (const [k, v] of Object.entries(o)) {
        paths.push([o as Record<string, unknown>, Array.isArray(o) ? Number(k) : k]);
        walk(v);
      }
    };
    walk(card);
    const [holder, key] = paths[Math.floor(at * paths.length)]!;
    (holder as Record<string | number, unknown>)[key] = value;
    return JSON.stringify(card);
  });

function load(text: string, n: number): unknown {
  const file = join(work, `fuzz-${n % 4}.card.json`);
  writeFileSync(file, text);
  return loadModelCard(file);
}

describe('model cards under generated and mutated text', { timeout: fuzzTimeoutMs() }, () => {
  it(`loads or refuses with OUTPOST_ERR_MODEL_CARD every mutated card (${cards.length} shipped cards as seeds)`, async () => {
    expect(cards.length).toBeGreaterThan(3);
    let n = 0;
    await fuzz(
      fc.oneof({ arbitrary: textFor(fc.constantFrom(...cards)), weight: 5 }, { arbitrary: valueMutated, weight: 5 }),
      (text) => {
        decodesOrRefuses(
          () => load(text, n++),
          ['OUTPOST_ERR_MODEL_CARD'],
          () => JSON.stringify(text),
        );
      },
    );
  });

  it('replays every card that ever failed', async () => {
    let n = 0;
    for (const { input, why } of corpus('model-card'))
      decodesOrRefuses(
        () => load(input, n++),
        ['OUTPOST_ERR_MODEL_CARD'],
        () => why,
      );
  });
});
