import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicyHost, type PolicyDecision } from './PolicyHost.js';
import { modelVariant, recordingLogger, testModel } from './policyTestKit.js';

const hosts: PolicyHost[] = [];
function host(options: Partial<ConstructorParameters<typeof PolicyHost>[0]> = {}) {
  const { logger, records } = recordingLogger();
  const h = new PolicyHost({ logger, intraOpThreads: 1, warmupRuns: 1, ...options });
  hosts.push(h);
  return { h, records };
}
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

const affineX = (values = [1, 2, 3, 4]) => ({ x: { data: Float32Array.from(values), dims: [1, 4] } });
const modelY = (d: PolicyDecision): number[] => {
  if (d.source !== 'model')
    throw new Error(`expected a model decision, got fallback (${d.reason}: ${d.error?.message})`);
  return Array.from(d.outputs.y!.data as Float32Array);
};

describe('PolicyHost: load and contract', () => {
  it('loads a model whose card matches and answers with its outputs', async () => {
    const { h } = host();
    const r = await h.load(testModel('affine-v1'));
    expect(r.ok).toBe(true);
    // x·W + b with W = [[1,2],[3,4],[5,6],[7,8]], b = [0.5,−0.5]
    expect(modelY(await h.decide(affineX()))).toEqual([50.5, 59.5]);
    expect(h.stats()).toMatchObject({
      decisions: 1,
      modelDecisions: 1,
      model: { name: 'affine-v1', version: '1.0.0' },
    });
  });

  const contractCases: Array<[string, (c: Record<string, unknown>) => void, RegExp]> = [
    [
      'wrong dtype',
      (c) => {
        (c.inputs as Array<Record<string, unknown>>)[0]!.dtype = 'float64';
      },
      /policy "affine-v1" input "x": expected float64 \[1,4\], got float32 \[1,4\] \(.*affine-v1\.onnx\)/,
    ],
    [
      'wrong rank',
      (c) => {
        (c.inputs as Array<Record<string, unknown>>)[0]!.shape = [1, 1, 4];
      },
      /input "x": expected float32 \[1,1,4\], got float32 \[1,4\]/,
    ],
    [
      'symbol where the model is fixed',
      (c) => {
        (c.inputs as Array<Record<string, unknown>>)[0]!.shape = [1, 'N'];
      },
      /input "x": expected float32 \[1,N\], got float32 \[1,4\]/,
    ],
    [
      'missing input',
      (c) => {
        (c.inputs as unknown[]).push({ name: 'mask', dtype: 'int64', shape: [1, 4] });
      },
      /input "mask": expected int64 \[1,4\], the model has no such input \(it has "x"\)/,
    ],
    [
      'input the card lacks',
      (c) => {
        (c.inputs as Array<Record<string, unknown>>)[0]!.name = 'obs';
      },
      /input "obs": expected float32 \[1,4\], the model has no such input/,
    ],
    [
      'extra output',
      (c) => {
        c.outputs = [{ name: 'z', dtype: 'float32', shape: [1, 2] }];
      },
      /output "z": expected float32 \[1,2\], the model has no such output \(it has "y"\)/,
    ],
    [
      'wrong output shape',
      (c) => {
        (c.outputs as Array<Record<string, unknown>>)[0]!.shape = [1, 3];
      },
      /output "y": expected float32 \[1,3\], got float32 \[1,2\]/,
    ],
  ];
  for (const [what, edit, message] of contractCases) {
    it(`refuses a model whose card differs: ${what}`, async () => {
      const { h, records } = host();
      const r = await h.load(modelVariant('affine-v1', edit));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('OUTPOST_ERR_MODEL_CONTRACT');
      expect(r.error.message).toMatch(message);
      expect(
        records.some(
          (l) => l.level === 50 && l.code === 'OUTPOST_ERR_MODEL_CONTRACT' && /no model is running/.test(l.msg),
        ),
      ).toBe(true);
      expect((await h.decide(affineX())).source).toBe('fallback');
    });
  }

  it('an output the model has but the card does not list is a contract error', async () => {
    const { h } = host();
    const r = await h.load(
      modelVariant('two-outputs', (c) => {
        (c.outputs as unknown[]).pop();
      }),
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error.message).toMatch(
        /policy "two-outputs" output "z": the model has this output \(float32 \[1,4\]\), the card does not list it/,
      );
  });

  it('a missing model means fallback with an error in the log, not a crash', async () => {
    const { h, records } = host();
    const r = await h.load('/nonexistent/ir2.onnx');
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.error).toMatchObject({
        code: 'OUTPOST_ERR_MODEL_LOAD',
        message: expect.stringMatching(/\/nonexistent\/ir2\.onnx: no such file/),
      });
    expect(records.some((l) => l.level === 50 && /no such file/.test(l.msg))).toBe(true);
    const d = await h.decide(affineX());
    expect(d).toMatchObject({ source: 'fallback', reason: 'no_model' });
    expect(h.stats().fallbacks.no_model).toBe(1);
  });

  it("a corrupt model (garbage bytes) means fallback with the engine's reason in the log", async () => {
    const { h, records } = host();
    const r = await h.load(
      modelVariant('affine-v1', undefined, Buffer.from('this is not an ONNX protobuf, just text')),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/policy "affine-v1" model .*affine-v1\.onnx: cannot load it \(.+\)/);
    expect(records.some((l) => l.level === 50 && l.code === 'OUTPOST_ERR_MODEL_LOAD')).toBe(true);
  });

  it("a model that differs from the card's checksum is refused", async () => {
    const { h } = host();
    const ir2Bytes = readFileSync(testModel('ir2-random'));
    const truncated = ir2Bytes.subarray(0, ir2Bytes.length - 1000);
    const r = await h.load(modelVariant('ir2-random', undefined, truncated));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/expected SHA-256 [0-9a-f]{12}…, got [0-9a-f]{12}… \(file corrupt/);
  });
});

describe('PolicyHost: per-call feeds', () => {
  it('a wrong feed makes that decision fall back, naming the input', async () => {
    const { h } = host();
    await h.load(testModel('affine-v1'));
    const cases: Array<[Record<string, { data: Float32Array | Float64Array; dims: number[] }>, RegExp]> = [
      [{}, /input "x": expected float32 \[1,4\], got nothing/],
      [
        { x: { data: new Float64Array(4), dims: [1, 4] } },
        /input "x": expected float32 data in a Float32Array, got a Float64Array/,
      ],
      [{ x: { data: new Float32Array(4), dims: [4] } }, /input "x": expected float32 \[1,4\], got float32 \[4\]/],
      [{ x: { data: new Float32Array(3), dims: [1, 4] } }, /dims \[1,4\] hold 4 values, the data has 3/],
      [{ ...affineX(), extra: { data: new Float32Array(1), dims: [1] } }, /input "extra": the model has no such input/],
    ];
    for (const [feeds, message] of cases) {
      const d = await h.decide(feeds as never);
      expect(d).toMatchObject({ source: 'fallback', reason: 'invalid_input', fallback: 'hold' });
      if (d.source === 'fallback') expect(d.error?.message).toMatch(message);
    }
    expect(h.stats().fallbacks.invalid_input).toBe(cases.length);
  });

  it('offers pre-allocated buffers for fixed-shape inputs and uses them without copying', async () => {
    const { h } = host();
    await h.load(testModel('affine-v1'));
    const x = h.buffer('x') as Float32Array;
    expect(x).toBeInstanceOf(Float32Array);
    x.set([1, 0, 0, 0]);
    expect(modelY(await h.decide({ x: { data: x, dims: [1, 4] } }))).toEqual([1.5, 1.5]);
    x.set([0, 1, 0, 0]);
    expect(modelY(await h.decide({ x: { data: x, dims: [1, 4] } }))).toEqual([3.5, 3.5]);
  });
});

describe('PolicyHost: fallback', () => {
  it('a model that throws makes that decision fall back (counted, logged) and the next one can use the model again', async () => {
    const { h, records } = host();
    expect((await h.load(testModel('lookup'))).ok).toBe(true);
    const lookup = (i: bigint) => ({ index: { data: BigInt64Array.from([i]), dims: [1] } });
    const good = await h.decide(lookup(3n));
    expect(good.source === 'model' && Array.from(good.outputs.y!.data as Float32Array)).toEqual([30]);
    const bad = await h.decide(lookup(99n));
    expect(bad).toMatchObject({ source: 'fallback', reason: 'error', fallback: 'hold' });
    if (bad.source === 'fallback') {
      expect(bad.error?.code).toBe('OUTPOST_ERR_POLICY_RUN');
      expect(bad.error?.message).toMatch(/policy "lookup" 1\.0\.0: the model failed \(.*out of data bounds/);
    }
    expect((await h.decide(lookup(7n))).source).toBe('model');
    expect(h.stats()).toMatchObject({ decisions: 3, modelDecisions: 2, fallbacks: { error: 1 } });
    expect(records.some((l) => l.level === 40 && /fallback "hold" \(error\)/.test(l.msg))).toBe(true);
  });

  it('a genuinely slow model that misses its budget makes the decision fall back', async () => {
    const { h, records } = host({ latencyBudgetMs: 2, logIntervalMs: 60_000 });
    expect((await h.load(testModel('slow'))).ok).toBe(true);
    const x = { x: { data: new Float32Array(512).fill(0.1), dims: [1, 512] } };
    const decisions = [await h.decide(x), await h.decide(x), await h.decide(x)];
    for (const d of decisions) {
      expect(d).toMatchObject({ source: 'fallback', reason: 'deadline', fallback: 'hold' });
      expect(d.latencyMs).toBeGreaterThan(2);
      if (d.source === 'fallback')
        expect(d.error?.message).toMatch(/policy "slow" 1\.0\.0: answered in [\d.]+ ms, budget 2 ms/);
    }
    const s = h.stats();
    expect(s.fallbacks.deadline).toBe(3);
    expect(s.p50Ms).toBeGreaterThan(2);
    // One log line, the other two counted (logIntervalMs).
    expect(records.filter((l) => l.level === 40 && /\(deadline\)/.test(l.msg))).toHaveLength(1);
    // The card's own budget (1000 ms) is met.
    h.latencyBudgetMs = undefined;
    expect((await h.decide(x)).source).toBe('model');
  });
});

describe('PolicyHost: hot swap', () => {
  it('a good model replaces the running one; decisions then come from it', async () => {
    const { h } = host();
    await h.load(testModel('affine-v1'));
    expect(modelY(await h.decide(affineX()))).toEqual([50.5, 59.5]);
    const pending = h.decide(affineX()); // in flight across the swap: answered by v1
    const r = await h.load(testModel('affine-v2'));
    expect(r.ok).toBe(true);
    expect(modelY(await pending)).toEqual([50.5, 59.5]);
    expect(modelY(await h.decide(affineX()))).toEqual([101, 119]);
    expect(h.stats()).toMatchObject({ swaps: 1, model: { name: 'affine-v2' } });
  });

  it('a bad model (corrupt, or breaking its card) leaves the old one running', async () => {
    const { h, records } = host();
    await h.load(testModel('affine-v1'));
    const corrupt = await h.load(modelVariant('affine-v2', undefined, Buffer.from([0x08, 0xff, 0xff, 0x12])));
    expect(corrupt.ok).toBe(false);
    const contract = await h.load(
      modelVariant('affine-v2', (c) => {
        (c.inputs as Array<Record<string, unknown>>)[0]!.dtype = 'int32';
      }),
    );
    expect(contract.ok).toBe(false);
    expect(modelY(await h.decide(affineX()))).toEqual([50.5, 59.5]);
    expect((await h.load(testModel('lookup'))).ok).toBe(true); // a model with other inputs is fine too
    const back = await h.load(testModel('affine-v1'));
    expect(back.ok).toBe(true);
    expect(modelY(await h.decide(affineX()))).toEqual([50.5, 59.5]);
    expect(h.stats()).toMatchObject({ failedLoads: 2, swaps: 2 });
    expect(records.filter((l) => l.level === 50 && /still running affine-v1 1\.0\.0/.test(l.msg))).toHaveLength(2);
  });

  it('changing the thread count reloads the running model', async () => {
    const { h } = host();
    await h.load(testModel('affine-v1'));
    const r = await h.setIntraOpThreads(2);
    expect(r?.ok).toBe(true);
    expect(h.intraOpThreads).toBe(2);
    expect(modelY(await h.decide(affineX()))).toEqual([50.5, 59.5]);
  });
});
