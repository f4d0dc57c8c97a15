import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Context, ManualClock } from '../../runtime/index.js';
import { ExpertSupervision } from './ExpertSupervision.js';
import { createExplorerKind, explorerKind, type ExplorerNode } from './ExplorerNode.js';
import type { GroundTruthSource } from './GroundTruthSource.js';
import { NearestFrontierPolicy } from './NearestFrontierPolicy.js';

/** A ground truth of its own: a 40×20 free room at 0.1 m, and counting draws. */
const room: GroundTruthSource = {
  world: () => ({ width: 40, height: 20, resolution: 0.1, originX: 0, originY: 0, free: new Uint8Array(800).fill(1) }),
  draws: (seed) => {
    let k = seed;
    return { next: () => (k = (k * 48271) % 2147483647) / 2147483647 };
  },
};

function explorer(kind: typeof explorerKind, params: Record<string, unknown>): ExplorerNode {
  const clock = new ManualClock();
  const ctx = new Context({ logger: pino({ level: 'silent' }), clock });
  return kind.create(ctx, {
    name: 'explorer',
    namespace: '/r1',
    parameterOverrides: { robots: ['r1', 'r2'], ...params },
    remappings: [],
    clock,
  }) as ExplorerNode;
}

const codeOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (err) {
    return (err as { code?: unknown }).code;
  }
  return undefined;
};

describe('explorer policies', () => {
  it('refuses the expert, a record and DAgger mixing without a ground truth', () => {
    expect(codeOf(() => explorer(explorerKind, { policy: 'expert' }))).toBe('OUTPOST_ERR_INVALID_ARGUMENT');
    expect(codeOf(() => explorer(explorerKind, { expert_mix: 0.5 }))).toBe('OUTPOST_ERR_INVALID_ARGUMENT');
    expect(() => explorer(explorerKind, { policy: 'expert' })).toThrow(/expected ground_truth_map/);
  });

  it('needs the ground-truth source from the registry when ground_truth_map is set', () => {
    expect(() => explorer(explorerKind, { policy: 'expert', ground_truth_map: 'x.yaml' })).toThrow(
      /createExplorerKind\(\{ groundTruth \}\)/,
    );
  });

  it('builds the expert alone, or beside the named policy, from the ground truth handed in', () => {
    const kind = createExplorerKind({ groundTruth: room });
    const alone = explorer(kind, { policy: 'expert', ground_truth_map: 'room.yaml' }).policy;
    expect(alone).toBeInstanceOf(ExpertSupervision);
    expect([alone.name, alone.stepwise, (alone as ExpertSupervision).inner]).toEqual(['expert', true, undefined]);
    const beside = explorer(kind, { policy: 'nearest_frontier', ground_truth_map: 'room.yaml', expert_mix: 0.3 })
      .policy as ExpertSupervision;
    expect(beside.inner).toBeInstanceOf(NearestFrontierPolicy);
    expect([beside.name, beside.stepwise, beside.decidesPerStep]).toEqual(['nearest_frontier', false, false]);
    // Without ground_truth_map the kind builds the plain policy.
    expect(explorer(kind, { policy: 'nearest_frontier' }).policy).toBeInstanceOf(NearestFrontierPolicy);
  });
});
