import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Context } from '../runtime/Context.js';
import { loadLaunchFile } from './LaunchPlan.js';
import { testRegistry } from './test-fixtures/TestNodeKinds.js';

describe('loadLaunchFile', () => {
  it('produces a plan whose nodes a launcher can create as they are', () => {
    const registry = testRegistry();
    const plan = loadLaunchFile('launch/test-fixtures/params.launch.yaml', { registry });
    expect(plan.file).toMatch(/\/launch\/test-fixtures\/params\.launch\.yaml$/);
    const ctx = new Context({ logger: pino({ level: 'silent' }) });
    const nodes = plan.nodes.map((spec) =>
      registry
        .get(spec.kind)!
        .create(ctx, {
          name: spec.name,
          namespace: spec.namespace,
          parameterOverrides: spec.parameters,
          remappings: spec.remappings,
        }),
    );
    expect(nodes.map((n) => n.getFullyQualifiedName())).toEqual(['/r1/mover', '/r2/mover', '/r2/sensor']);
    expect(nodes[0]!.getParameter('use_sim_time').value).toBe(true);
    for (const n of nodes) n.destroy();
  });

  it('reads the same file the same way each time (no state kept between loads)', () => {
    const registry = testRegistry();
    const a = loadLaunchFile('launch/test-fixtures/scoping.launch.yaml', { registry });
    const b = loadLaunchFile('launch/test-fixtures/scoping.launch.yaml', { registry });
    expect(b).toEqual(a);
  });
});
