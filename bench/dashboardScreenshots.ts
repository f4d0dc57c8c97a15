import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { packageRoot } from '../runtime/packageRoot.js';

/**
 * The README's dashboard pictures: runs `npm start`'s mission (4 robots, generated rooms) with
 * `--serve`, opens the dashboard in Debian's Chromium and saves docs/dashboard.png part-way
 * through, docs/dashboard-end.png once the mission has ended, and docs/mission-report.png (the
 * report's PNG).
 *
 *   npm run docs:screenshots [-- --rate 2 --at 45]      # --at: wall seconds before the first picture
 */
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const root = packageRoot();
const docs = join(root, 'docs');
const scratch = mkdtempSync(join(tmpdir(), 'outpost-shots-'));
const report = join(scratch, 'mission.json');
const sim = spawn(
  process.execPath,
  [
    join(root, 'bin/outpost.js'),
    'sim',
    join(root, 'launch/sim/explore.launch.yaml'),
    'map:=generate:rooms',
    '--rate',
    option('rate', '2'),
    '--serve',
    '--port',
    '0',
    '--report',
    report,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let out = '';
const url = await new Promise<string>((resolve, reject) => {
  sim.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    process.stdout.write(d);
    const m = /dashboard: (http:\/\/\S+)/.exec(out);
    if (m !== null) resolve(m[1]!);
  });
  sim.on('exit', (code) => reject(new Error(`outpost sim exited ${code} before printing the dashboard's URL`)));
});
const ended = new Promise<void>((resolve) => {
  const check = (): void => {
    if (out.includes('mission ended')) resolve();
  };
  sim.stdout.on('data', check);
  check();
});
const browser = await chromium.launch({
  executablePath: process.env.OUTPOST_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(url);
  await new Promise((r) => setTimeout(r, Number(option('at', '45')) * 1000));
  await page.screenshot({ path: join(docs, 'dashboard.png') });
  process.stdout.write('wrote docs/dashboard.png\n');
  await ended;
  await new Promise((r) => setTimeout(r, 1500));
  await page.screenshot({ path: join(docs, 'dashboard-end.png') });
  copyFileSync(report.replace(/\.json$/, '.png'), join(docs, 'mission-report.png'));
  process.stdout.write('wrote docs/dashboard-end.png and docs/mission-report.png\n');
} finally {
  await browser.close();
  sim.kill('SIGINT');
}
