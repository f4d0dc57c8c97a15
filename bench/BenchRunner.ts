import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** How a benchmark run is sized: `smoke` is a few hundred milliseconds for CI, numbers not meaningful. */
export interface BenchOptions {
  smoke?: boolean;
}

/** The machine a result was measured on, as BENCHMARKS.md reports it. */
export interface Machine {
  cpuModel: string;
  nproc: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) cpuModel = line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: keep os.cpus()'s answer
  }
  return { cpuModel, nproc: cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` };
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Seconds since `start` (a process.hrtime.bigint() reading). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Lets timers and I/O run between measured runs (and gives the GC a quiet moment). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Right-aligned plain-text table (first column left-aligned). */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** `1234567.8` → `1,234,568`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * The command-line entry of a bench script: runs `run` when `moduleUrl` is the script node was
 * started with; `--smoke` shortens the run, `--json` prints the result as JSON instead of a table.
 */
export async function benchMain<R extends object>(
  moduleUrl: string,
  run: (options: BenchOptions) => Promise<R>,
  format: (result: R) => string,
): Promise<void> {
  if (process.argv[1] === undefined || fileURLToPath(moduleUrl) !== process.argv[1]) return;
  const args = new Set(process.argv.slice(2));
  const result = await run({ smoke: args.has('--smoke') });
  if (args.has('--json')) console.log(JSON.stringify({ machine: machine(), ...result }, null, 2));
  else {
    const m = machine();
    console.log(
      `${m.cpuModel}, ${m.nproc} CPU(s), Node ${m.node} (${m.platform})${args.has('--smoke') ? ' (smoke run: numbers not meaningful)' : ''}\n`,
    );
    console.log(format(result));
  }
}
