import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinNodeKinds } from '../../launch/builtinNodeKinds.js';
import type { ExplorerNode } from '../../nodes/exploration/ExplorerNode.js';
import type { Ir2Policy } from '../../nodes/exploration/Ir2Policy.js';
import { DECISION_MAGIC } from '../../nodes/exploration/DecisionRecorder.js';
import { loadLaunchFile } from '../../launch/LaunchPlan.js';
import { runSimMission, stopSimMission } from '../helpers/simMission.js';

afterEach(stopSimMission);

/** Runs launch/sim/explore.launch.yaml in this process; returns the report and the explorers' policy counts. */
async function mission(args: Record<string, string>) {
  const { report, collected } = await runSimMission(args, {
    runDirPrefix: 'outpost-learned-',
    collect: (launcher) => {
      const explorers = launcher.nodes.filter((n) => n.name() === 'explorer') as ExplorerNode[];
      return {
        policies: explorers.map((e) => ({ ...(e.policy as Ir2Policy).stats })),
        recorded: explorers.map((e) => e.recordedDecisions),
      };
    },
  });
  return { report, ...collected! };
}

const RANDOM_IR2 = join(process.cwd(), 'models/testing/ir2-random.onnx');

describe('learned exploration policy in the simulated mission', () => {
  it('drives every robot through the policy host (IR2 architecture, ONNX), deterministically for a seed', async () => {
    const args = { robots: '2', policy: 'ir2', model: RANDOM_IR2, seed: '4', until_time: '40' };
    const a = await mission(args);
    expect(a.policies.length).toBe(2);
    for (const p of a.policies) {
      expect(p.model).toBeGreaterThan(1); // every robot decided through the model (a random one: steps can be long)
      expect(p.fallback).toBe(0);
    }
    expect(a.report.max_path_length_m).toBeGreaterThan(0.5); // the model's steps moved the robots
    const b = await mission(args);
    expect({ ...b.report, wall_time_s: 0, startup_s: 0, fleet_stalls: [] }).toEqual({
      ...a.report,
      wall_time_s: 0,
      startup_s: 0,
      fleet_stalls: [],
    });
    expect(b.policies).toEqual(a.policies);
  }, 120_000);

  it('falls back to the classical policy, without stopping, when the model file is missing', async () => {
    const r = await mission({
      robots: '2',
      policy: 'ir2',
      model: '/nonexistent/ir2.onnx',
      seed: '1',
      until_time: '10',
    });
    for (const p of r.policies) {
      expect(p.model).toBe(0);
      expect(p.fallback).toBeGreaterThan(3);
    }
    expect(r.report.coverage).toBeGreaterThan(0.3);
  }, 120_000);

  it('records the expert-labelled decisions that training/ learns from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-records-'));
    const map = join(process.cwd(), 'sim/worlds/small_rooms.yaml');
    const r = await mission({
      robots: '2',
      policy: 'expert',
      ground_truth: map,
      record_dir: dir,
      seed: '1',
      until_time: '10',
    });
    expect(readdirSync(dir).sort()).toEqual(['r1.opd', 'r2.opd']);
    for (const [i, f] of ['r1.opd', 'r2.opd'].entries()) {
      expect(r.recorded[i]).toBeGreaterThan(3);
      const b = readFileSync(join(dir, f));
      expect(b.readUInt32LE(0)).toBe(DECISION_MAGIC);
      expect(statSync(join(dir, f)).size).toBeGreaterThan(r.recorded[i]! * 24);
    }
    expect(r.report.max_path_length_m).toBeGreaterThan(0.5);
  }, 120_000);
});

describe('launch/robot.launch.yaml (a real robot)', () => {
  it('runs the learned policy from models/ by default, with the classical ones selectable', () => {
    const plan = loadLaunchFile('launch/robot.launch.yaml', {
      arguments: { robot: 'r2', credentials: 'launch/sim/sim-credentials.yaml' },
      registry: builtinNodeKinds(),
    });
    const explorer = plan.nodes.find((n) => n.name === 'explorer')!;
    expect(explorer.namespace).toBe('/r2');
    const params = explorer.parameters;
    expect(params.policy).toBe('ir2');
    expect(String(params.model_path)).toMatch(/models\/ir2-explore\.onnx$/);
    expect(plan.nodes.map((n) => n.name).sort()).toEqual([
      'controller',
      'explorer',
      'fleet_link',
      'mapper',
      'planner',
      'telemetry',
    ]);
    // No ground station unless one is given; its telemetry route is there for when it is.
    const link = plan.nodes.find((n) => n.name === 'fleet_link')!.parameters;
    expect(link.ground_station).toBe('');
    expect(String(link.ground_station_routes)).toMatch(
      /^telemetry outpost_msgs\/msg\/RobotTelemetry reliability=latest-only/,
    );
  });
});
