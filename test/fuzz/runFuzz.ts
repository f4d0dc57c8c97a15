import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * `npm run fuzz`: every fuzz suite in test/fuzz with FUZZ_RUNS inputs per property (default
 * 10,000) and one seed for all (FUZZ_SEED, default a fresh one), printed first so a failing run
 * can be replayed with `FUZZ_SEED=<seed> npm run fuzz`. Ends with inputs and time per suite.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 10_000);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(
  `fuzz: ${runs} inputs per property, seed ${seed} (replay: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npm run fuzz)`,
);

const out = mkdtempSync(join(tmpdir(), 'outpost-fuzz-'));
const report = join(out, 'report.json');
const started = Date.now();
const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    'test/fuzz/',
    '--testTimeout=3600000',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ],
  { stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) } },
);
const seconds = (Date.now() - started) / 1000;

interface Report {
  testResults: Array<{
    name: string;
    startTime: number;
    endTime: number;
    assertionResults: Array<{ title: string; status: string; duration?: number }>;
  }>;
}
try {
  const r = JSON.parse(readFileSync(report, 'utf8')) as Report;
  console.log(`\nfuzz summary (seed ${seed}, ${runs} inputs per property, ${seconds.toFixed(0)} s in all):`);
  console.log('| suite | properties | inputs | time (s) | result |\n| --- | --- | --- | --- | --- |');
  for (const file of r.testResults) {
    const properties = file.assertionResults.filter(
      (a) => !/^replays|^refuses/.test(a.title) && !/before allocat/.test(a.title),
    );
    const failed = file.assertionResults.filter((a) => a.status !== 'passed').length;
    const time = file.assertionResults.reduce((t, a) => t + (a.duration ?? 0), 0) / 1000;
    console.log(
      `| ${relative(process.cwd(), file.name)} | ${properties.length} | ${(properties.length * runs).toLocaleString('en')} | ${time.toFixed(1)} | ${failed === 0 ? 'pass' : `${failed} failed`} |`,
    );
  }
} catch (err) {
  console.log(`fuzz: no report (${(err as Error).message})`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(vitest.status ?? 1);
