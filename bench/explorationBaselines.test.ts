import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../runtime/packageRoot.js';
import type { MissionSummary } from '../sim/MissionReport.js';
import { baselineTable, resolveMap, type MissionRecord } from './explorationBaselines.js';

describe('exploration baselines bench', () => {
  it('takes shipped world names and paths to any map_server YAML', () => {
    expect(resolveMap('cave')).toEqual({ label: 'cave', path: join(packageRoot(), 'sim/worlds/cave.yaml') });
    expect(resolveMap('sim/worlds/rooms.yaml', packageRoot())).toEqual({
      label: 'rooms',
      path: join(packageRoot(), 'sim/worlds/rooms.yaml'),
    });
    expect(() => resolveMap('no_such_world')).toThrow(/neither a shipped world/);
    expect(() => resolveMap('maps/none.yaml', packageRoot())).toThrow(/no_such|none\.yaml/);
  });

  it('tables medians over the runs that reached 99%, and the coverage of those that did not', () => {
    const run = (policy: string, seed: number, reason: string, coverage: number, path: number): MissionRecord => ({
      map: 'cave',
      map_path: '/x/cave.yaml',
      policy,
      seed,
      robots: 4,
      until_s: 1800,
      args: {},
      summary: {
        reason,
        coverage,
        max_path_length_m: path,
        time_to_coverage_s: reason === 'coverage' ? 100 * seed : null,
        sim_time_s: 200,
        wall_time_s: 20,
      } as MissionSummary,
    });
    const table = baselineTable([
      run('a', 1, 'coverage', 0.991, 10),
      run('a', 2, 'coverage', 0.992, 30),
      run('a', 3, 'time', 0.85, 99),
      run('b', 1, 'time', 0.833, 150),
    ]).split('\n');
    expect(table[2]).toBe('| cave | a | 2/3 | 20.00 | 150.0 | 85.0–99.2% | 10.0× |');
    expect(table[3]).toBe('| cave | b | 0/1 | – | – | 83.3–83.3% | 10.0× |');
  });
});
