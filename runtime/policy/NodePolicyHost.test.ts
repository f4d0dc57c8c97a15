import { afterEach, describe, expect, it } from 'vitest';
import { Context } from '../Context.js';
import { ManualClock } from '../clock/ManualClock.js';
import { Node } from '../Node.js';
import type { MessageOf } from '../msg/MessageTypes.js';
import { NodePolicyHost, policyHostParameters } from './NodePolicyHost.js';
import { modelVariant, recordingLogger, testModel } from './policyTestKit.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

function policyNode(overrides: Record<string, unknown>) {
  const { logger, records } = recordingLogger();
  const clock = new ManualClock();
  const node = new Node('explorer', '/r1', new Context({ logger }), {
    clock,
    parameterOverrides: { warmup_runs: 1, intra_op_threads: 1, ...overrides },
  });
  for (const [name, spec] of Object.entries(policyHostParameters)) node.declareParameter(name, spec);
  const policy = new NodePolicyHost(node);
  const diagnostics: Array<MessageOf<'diagnostic_msgs/msg/DiagnosticArray'>> = [];
  node.createSubscription('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics', {}, (m) => {
    diagnostics.push(m);
  });
  cleanups.push(() => policy.close());
  const tick = async () => {
    clock.advance(1_000_000_000n);
    await node.context.spinUntilIdle();
    const status = diagnostics.at(-1)!.status[0]!;
    return { ...status, v: Object.fromEntries(status.values.map((kv) => [kv.key, kv.value])) };
  };
  return { node, policy, records, tick };
}
const x = { x: { data: Float32Array.from([1, 2, 3, 4]), dims: [1, 4] } };
const y = async (policy: NodePolicyHost) => {
  const d = await policy.decide(x);
  return d.source === 'model' ? Array.from(d.outputs.y!.data as Float32Array) : d.reason;
};

describe('NodePolicyHost', () => {
  it('loads model_path on activate and publishes diagnostics with p50/p99, decisions and fallbacks', async () => {
    const { policy, tick } = policyNode({ model_path: testModel('affine-v1') });
    expect((await policy.activate())?.ok).toBe(true);
    for (let i = 0; i < 5; i++) await policy.decide(x);
    await policy.decide({});
    const s = await tick();
    expect(s.name).toBe('/r1/explorer: policy');
    expect(s.level).toBe(1); // one decision fell back since the last report
    expect(s.v).toMatchObject({
      model: 'affine-v1',
      version: '1.0.0',
      decisions: '6',
      model_decisions: '5',
      fallbacks: '1',
      fallback_invalid_input: '1',
      budget_ms: '50',
      intra_op_threads: '1',
    });
    expect(Number(s.v.p50_ms)).toBeGreaterThan(0);
    expect(Number(s.v.p99_ms)).toBeGreaterThanOrEqual(Number(s.v.p50_ms));
    await policy.decide(x);
    expect((await tick()).level).toBe(0);
  });

  it('a missing model at start-up: fallback decisions, an error in the log and ERROR diagnostics, no crash', async () => {
    const { policy, records, tick } = policyNode({ model_path: '/nope/policy.onnx' });
    expect((await policy.activate())?.ok).toBe(false);
    expect(await y(policy)).toBe('no_model');
    expect(records.some((r) => r.level === 50 && /\/nope\/policy\.onnx: no such file/.test(r.msg))).toBe(true);
    const s = await tick();
    expect(s.level).toBe(2);
    expect(s.v.last_error).toMatch(/no policy model is loaded/);
  });

  it('a corrupt model at start-up: fallback with the error logged', async () => {
    const { policy, records } = policyNode({
      model_path: modelVariant('affine-v1', undefined, Buffer.from('garbage')),
    });
    expect((await policy.activate())?.ok).toBe(false);
    expect(await y(policy)).toBe('no_model');
    expect(records.some((r) => r.level === 50 && r.code === 'OUTPOST_ERR_MODEL_LOAD')).toBe(true);
  });

  it('setting model_path hot-swaps; a bad model is refused and model_path goes back to the running one', async () => {
    const { node, policy } = policyNode({ model_path: testModel('affine-v1') });
    await policy.activate();
    expect(await y(policy)).toEqual([50.5, 59.5]);
    expect(node.setParameters([{ name: 'model_path', value: testModel('affine-v2') }])[0]!.successful).toBe(true);
    await policy.settled();
    expect(await y(policy)).toEqual([101, 119]);
    // Refused at once: no such file, or a card that does not parse.
    const missing = node.setParameters([{ name: 'model_path', value: '/nope.onnx' }])[0]!;
    expect(missing).toEqual({ successful: false, reason: 'model_path: /nope.onnx: no such file' });
    // Accepted, then refused by the load (contract): the old model runs on and the parameter says so.
    const bad = modelVariant('affine-v1', (c) => {
      (c.inputs as Array<Record<string, unknown>>)[0]!.shape = [1, 5];
    });
    expect(node.setParameters([{ name: 'model_path', value: bad }])[0]!.successful).toBe(true);
    const r = await policy.settled();
    expect(r?.ok).toBe(false);
    expect(node.getParameter('model_path').value).toBe(testModel('affine-v2'));
    expect(await y(policy)).toEqual([101, 119]);
  });

  it('latency_budget_ms and intra_op_threads apply while running', async () => {
    const { node, policy } = policyNode({ model_path: testModel('slow') });
    await policy.activate();
    const slow = { x: { data: new Float32Array(512), dims: [1, 512] } };
    expect((await policy.decide(slow)).source).toBe('model'); // card budget 1000 ms
    node.setParameters([{ name: 'latency_budget_ms', value: 1 }]);
    expect(await policy.decide(slow)).toMatchObject({ source: 'fallback', reason: 'deadline' });
    node.setParameters([{ name: 'latency_budget_ms', value: 0 }]);
    node.setParameters([{ name: 'intra_op_threads', value: 2 }]);
    await policy.settled();
    expect(policy.host.intraOpThreads).toBe(2);
    expect((await policy.decide(slow)).source).toBe('model');
  });
});
