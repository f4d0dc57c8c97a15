import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { freshRunDir, runOutpost } from '../helpers/OutpostProcess.js';

// Each malformed launch file gets a clear error naming the file, the place and what was expected,
// exit code 2, and nothing starts. These run the real `outpost` binary.
const CASES: Array<{ file: string; code: string; where: string; says: RegExp }> = [
  {
    file: 'unknown-action',
    code: 'OUTPOST_ERR_LAUNCH_ACTION',
    where: ':3:5',
    says: /unknown action "nod"; expected one of .*node/,
  },
  { file: 'missing-field', code: 'OUTPOST_ERR_LAUNCH_ACTION', where: ':2:5', says: /missing required field "exec"/ },
  {
    file: 'unknown-kind',
    code: 'OUTPOST_ERR_UNKNOWN_NODE_KIND',
    where: ':4:13',
    says: /twist_publsher" is not a registered node kind; expected one of .*odometry_integrator.*twist_publisher/,
  },
  { file: 'unknown-parameter', code: 'OUTPOST_ERR_UNKNOWN_PARAMETER', where: ':6:', says: /linear_y.*linear_x/ },
  {
    file: 'wrong-parameter-type',
    code: 'OUTPOST_ERR_PARAMETER_TYPE',
    where: ':6:',
    says: /rate_hz.*expected a number \(double\), got "fast"/,
  },
  { file: 'bad-substitution', code: 'OUTPOST_ERR_LAUNCH_SUBSTITUTION', where: ':5:', says: /robot/ },
  {
    file: 'cycle-a',
    code: 'OUTPOST_ERR_LAUNCH_INCLUDE_CYCLE',
    where: 'cycle-',
    says: /cycle-a\.launch\.yaml.*cycle-b\.launch\.yaml.*cycle-a\.launch\.yaml/,
  },
  { file: 'yaml-syntax', code: 'OUTPOST_ERR_LAUNCH_FILE', where: 'yaml-syntax.launch.yaml:', says: /./ },
];

describe('outpost launch refuses malformed launch files with exit code 2', () => {
  it('has a case for every fixture', () => {
    const fixtures = readdirSync('test/fixtures/bad')
      .map((f) => f.replace('.launch.yaml', ''))
      .filter((f) => f !== 'cycle-b');
    expect(fixtures.sort()).toEqual(CASES.map((c) => c.file).sort());
  });

  for (const c of CASES) {
    it(c.file, async () => {
      const env = { OUTPOST_RUN_DIR: freshRunDir() };
      const r = await runOutpost(['launch', `test/fixtures/bad/${c.file}.launch.yaml`], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`[${c.code}]`);
      expect(r.stderr).toContain(`test/fixtures/bad/`);
      expect(r.stderr).toContain(c.where);
      expect(r.stderr).toMatch(c.says);
      expect(r.stdout).not.toContain('launched'); // nothing started
    });
  }
});

describe('outpost sim refuses a bad map before anything starts', () => {
  it('names the launch file, the parameter and the missing map, exit 2', async () => {
    const r = await runOutpost(['sim', 'launch/sim/explore.launch.yaml', 'map:=/no/such/map.yaml'], {
      OUTPOST_RUN_DIR: freshRunDir(),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /launch\/sim\/explore\.launch\.yaml:\d+:\d+: node \/sim\/simulator parameter "map": map \/no\/such\/map\.yaml: cannot read it/,
    );
  });
});
