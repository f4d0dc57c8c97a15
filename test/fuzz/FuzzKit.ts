import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { isOutpostError, type OutpostErrorCode } from '../../runtime/OutpostError.js';

/**
 * Shared parts of the property-based fuzz suites: how many inputs, which seed,
 * the mutations applied to valid encodings, and the one property every parser must hold: an input
 * either decodes or raises an OutpostError of an expected code, within a time limit, without a
 * large allocation.
 *
 * `npm test` runs each suite with FUZZ_RUNS unset (500 inputs, seed 14: deterministic).
 * `npm run fuzz` (test/fuzz/runFuzz.ts) sets FUZZ_RUNS=10000 and a fresh FUZZ_SEED it prints;
 * `FUZZ_SEED=<n> npm run fuzz` replays a run.
 */
export interface FuzzConfig {
  numRuns: number;
  seed: number;
}

/** Inputs per property inside `npm test`. */
export const DEFAULT_RUNS = 500;
/** Seed inside `npm test`, so the suite is deterministic. */
export const DEFAULT_SEED = 14;
/** Wall time one input may take (s). Generous: the 2-core CI box runs two test workers. */
export const INPUT_TIME_LIMIT_S = 2;
/** ArrayBuffer memory one input may leave live (bytes): a 4 GB length prefix must not get near it. */
export const INPUT_ALLOCATION_LIMIT = 256 * 1024 * 1024;

/** Time a fuzz suite's test may take (ms): 100 ms per input, at least a minute (the 2-core CI box is slow). */
export function fuzzTimeoutMs(config = fuzzConfig()): number {
  return Math.max(60_000, config.numRuns * 100);
}

export function fuzzConfig(): FuzzConfig {
  const runs = Number(process.env.FUZZ_RUNS ?? DEFAULT_RUNS);
  const seed = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`FUZZ_RUNS: expected a positive integer, got ${process.env.FUZZ_RUNS}`);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED: expected an integer, got ${process.env.FUZZ_SEED}`);
  return { numRuns: runs, seed };
}

/**
 * Runs a property with the configured count and seed; a failure names the seed and the shrunk input.
 * Every 100 inputs it yields to the event loop: a worker busy for minutes misses vitest's RPC
 * heartbeat ("Timeout calling onTaskUpdate") and the run ends in error though every test passed.
 */
export async function fuzz<T>(arb: fc.Arbitrary<T>, check: (input: T) => void, config = fuzzConfig()): Promise<void> {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (input) => {
      if (++n % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      check(input);
    }),
    { numRuns: config.numRuns, seed: config.seed, endOnFailure: false },
  );
}

/**
 * The property: `decode(input)` returns, or throws an OutpostError whose code is in `codes`, in at
 * most INPUT_TIME_LIMIT_S, leaving at most INPUT_ALLOCATION_LIMIT of new ArrayBuffer memory. Returns
 * the decoded value, or undefined when it was refused.
 */
export function decodesOrRefuses<R>(
  decode: () => R,
  codes: readonly OutpostErrorCode[],
  describe: () => string,
): R | undefined {
  const buffersBefore = process.memoryUsage().arrayBuffers;
  const start = performance.now();
  let result: R | undefined;
  try {
    result = decode();
  } catch (err) {
    if (!isOutpostError(err) || !codes.includes(err.code)) {
      const what = isOutpostError(err)
        ? `OutpostError ${err.code}`
        : `${(err as Error)?.constructor?.name ?? typeof err}`;
      throw new Error(
        `expected a decoded value or an OutpostError of ${codes.join('/')}, got ${what}: ` +
          `${(err as Error)?.message ?? String(err)}\n  input: ${describe()}`,
        { cause: err },
      );
    }
  }
  const seconds = (performance.now() - start) / 1000;
  if (seconds > INPUT_TIME_LIMIT_S)
    throw new Error(`input took ${seconds.toFixed(2)} s (limit ${INPUT_TIME_LIMIT_S} s)\n  input: ${describe()}`);
  const grown = process.memoryUsage().arrayBuffers - buffersBefore;
  if (grown > INPUT_ALLOCATION_LIMIT)
    throw new Error(`input left ${(grown / 2 ** 20).toFixed(0)} MiB of buffers allocated\n  input: ${describe()}`);
  return result;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** One edit of a byte string. Positions are fractions of the length so they fit any input. */
type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'u32'; at: number; value: number };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
/** Values that break length fields and counters: 0, 1, around 2^7/2^8/2^16/2^31/2^32. */
const INTERESTING_U32 = [
  0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({
    kind: fc.constant('set' as const),
    at: position,
    value: fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xfd, 0xfe, 0xff),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: position,
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('u32' as const), at: position, value: fc.constantFrom(...INTERESTING_U32) }),
);

function applyMutation(input: Uint8Array, m: Mutation): Uint8Array {
  const at = Math.floor(m.at * (input.length + (m.kind === 'insert' ? 1 : 0)));
  switch (m.kind) {
    case 'flip':
    case 'set': {
      if (input.length === 0) return input;
      const out = input.slice();
      out[at] = m.kind === 'flip' ? out[at]! ^ (1 << m.bit) : m.value;
      return out;
    }
    case 'insert': {
      const out = new Uint8Array(input.length + m.bytes.length);
      out.set(input.subarray(0, at));
      out.set(m.bytes, at);
      out.set(input.subarray(at), at + m.bytes.length);
      return out;
    }
    case 'delete': {
      const end = Math.min(input.length, at + m.count);
      const out = new Uint8Array(input.length - (end - at));
      out.set(input.subarray(0, at));
      out.set(input.subarray(end), at);
      return out;
    }
    case 'truncate':
      return input.slice(0, at);
    case 'u32': {
      if (input.length < 4) return input;
      const out = input.slice();
      new DataView(out.buffer).setUint32(Math.min(at, input.length - 4), m.value, at % 2 === 0);
      return out;
    }
  }
}

/** `valid` with 1 to 6 random edits (bit flips, byte sets, inserts, deletes, truncation, u32 overwrites). */
export function mutated(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 6 }))
    .map(([bytes, edits]) => edits.reduce(applyMutation, bytes));
}

/** Half mutated valid encodings, a third the valid ones, the rest random bytes (with the format's prefix sometimes). */
export function bytesFor(valid: fc.Arbitrary<Uint8Array>, prefix?: Uint8Array): fc.Arbitrary<Uint8Array> {
  const random = fc.uint8Array({ maxLength: 512 });
  const arbs: Array<fc.WeightedArbitrary<Uint8Array>> = [
    { arbitrary: mutated(valid), weight: 6 },
    { arbitrary: valid, weight: 3 },
    { arbitrary: random, weight: 1 },
  ];
  if (prefix !== undefined) {
    arbs.push({
      arbitrary: random.map((r) => {
        const out = new Uint8Array(prefix.length + r.length);
        out.set(prefix);
        out.set(r, prefix.length);
        return out;
      }),
      weight: 1,
    });
  }
  return fc.oneof(...arbs);
}

/** Text mutations: the same byte edits on the UTF-8 text (so invalid UTF-8 is covered too). */
export function textFor(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const utf8 = new TextEncoder();
  return fc.oneof(
    { arbitrary: mutated(valid.map((t) => utf8.encode(t))).map((b) => Buffer.from(b).toString('utf8')), weight: 6 },
    { arbitrary: valid, weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }), weight: 1 },
  );
}

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

/**
 * Inputs that once failed, kept as regression cases: test/fuzz/corpus/<name>.json, a list of
 * `{ input, why }` with `input` in hex (bytes) or as text.
 */
export function corpus(name: string): Array<{ input: string; why: string }> {
  return JSON.parse(readFileSync(join(CORPUS, `${name}.json`), 'utf8')) as Array<{ input: string; why: string }>;
}
