import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLaunchFile } from '../../launch/LaunchPlan.js';
import { ParameterFile } from '../../launch/ParameterFile.js';
import { testRegistry } from '../../launch/test-fixtures/TestNodeKinds.js';
import { YamlSource } from '../../launch/YamlSource.js';
import type { OutpostErrorCode } from '../../runtime/OutpostError.js';
import { corpus, decodesOrRefuses, fuzz, fuzzTimeoutMs, textFor } from './FuzzKit.js';

// Launch YAML (launch/LaunchLoader.ts) and ROS 2 parameter files (launch/ParameterFile.ts) are
// written by users: every shipped fixture, mutated, loads or raises an OutpostError of the launch
// codes, and YAML anchors and aliases (self-references, exponential expansion) neither hang nor blow up.

const FIXTURES = 'launch/test-fixtures';
const work = mkdtempSync(join(tmpdir(), 'outpost-fuzz-launch-'));
cpSync(FIXTURES, work, { recursive: true });
afterAll(() => rmSync(work, { recursive: true, force: true }));

const LAUNCH_CODES: OutpostErrorCode[] = [
  'OUTPOST_ERR_LAUNCH_FILE',
  'OUTPOST_ERR_LAUNCH_ACTION',
  'OUTPOST_ERR_LAUNCH_SUBSTITUTION',
  'OUTPOST_ERR_LAUNCH_INCLUDE_CYCLE',
  'OUTPOST_ERR_LAUNCH_ARGUMENT',
  'OUTPOST_ERR_UNKNOWN_NODE_KIND',
  'OUTPOST_ERR_UNKNOWN_PARAMETER',
  'OUTPOST_ERR_PARAMETER_FILE',
  'OUTPOST_ERR_PARAMETER_TYPE',
  'OUTPOST_ERR_PARAMETER_RANGE',
  'OUTPOST_ERR_INVALID_NAME',
];

const launchTexts = [...readdirSync(FIXTURES), ...readdirSync(join(FIXTURES, 'bad')).map((f) => `bad/${f}`)]
  .filter((f) => f.endsWith('.launch.yaml'))
  .map((f) => readFileSync(join(FIXTURES, f), 'utf8'));
const paramTexts = readdirSync(join(FIXTURES, 'params')).map((f) => readFileSync(join(FIXTURES, 'params', f), 'utf8'));

/** YAML that leans on anchors and aliases: nested expansion (each level doubles) and self-reference. */
const aliasHeavy: fc.Arbitrary<string> = fc.integer({ min: 1, max: 40 }).chain((levels) =>
  fc.constantFrom(
    // Parameter-file shape: each level names the previous one twice.
    [
      'l0: &l0 {ros__parameters: {a: 1, b: [1, 2]}}',
      ...Array.from({ length: levels }, (_, i) => `l${i + 1}: &l${i + 1} {x: *l${i}, y: *l${i}}`),
    ].join('\n'),
    [
      'p0: &p0 {a: 1, b: 2}',
      ...Array.from({ length: levels }, (_, i) => `p${i + 1}: &p${i + 1} {x: *p${i}, y: *p${i}}`),
      `node: {ros__parameters: *p${levels}}`,
    ].join('\n'),
    'node: &n {ros__parameters: {self: *n}}',
    'a: &a {b: *a}',
    // Launch shape.
    ['launch:', '  - group: &g', '      children:', '        - group: *g'].join('\n'),
    ['launch:', '  - node: &n {exec: mover, name: a}', ...Array.from({ length: levels }, () => '  - node: *n')].join(
      '\n',
    ),
  ),
);

function loadLaunchText(text: string, n: number): unknown {
  const file = join(work, `fuzz-${n % 8}.launch.yaml`);
  writeFileSync(file, text);
  return loadLaunchFile(file, { registry: testRegistry(), env: {} });
}

describe('launch YAML and parameter files under generated and mutated text', { timeout: fuzzTimeoutMs() }, () => {
  it('loads or refuses with a launch error code every mutated launch file', async () => {
    let n = 0;
    await fuzz(
      fc.oneof(
        { arbitrary: textFor(fc.constantFrom(...launchTexts)), weight: 9 },
        { arbitrary: aliasHeavy, weight: 1 },
      ),
      (text) => {
        decodesOrRefuses(
          () => loadLaunchText(text, n++),
          LAUNCH_CODES,
          () => JSON.stringify(text),
        );
      },
    );
  });

  it('reads or refuses with OUTPOST_ERR_PARAMETER_FILE every mutated parameter file', async () => {
    await fuzz(
      fc.oneof({ arbitrary: textFor(fc.constantFrom(...paramTexts)), weight: 8 }, { arbitrary: aliasHeavy, weight: 2 }),
      (text) => {
        decodesOrRefuses(
          () => new ParameterFile(YamlSource.fromText('fuzz.params.yaml', text, 'OUTPOST_ERR_PARAMETER_FILE')),
          ['OUTPOST_ERR_PARAMETER_FILE'],
          () => JSON.stringify(text),
        );
      },
    );
  });

  it('replays every text that ever failed', async () => {
    let n = 0;
    for (const { input, why } of corpus('launch')) {
      decodesOrRefuses(
        () => loadLaunchText(input, n++),
        LAUNCH_CODES,
        () => why,
      );
      decodesOrRefuses(
        () => new ParameterFile(YamlSource.fromText('fuzz.params.yaml', input, 'OUTPOST_ERR_PARAMETER_FILE')),
        ['OUTPOST_ERR_PARAMETER_FILE'],
        () => why,
      );
    }
    expect(n).toBeGreaterThanOrEqual(0);
  });
});
