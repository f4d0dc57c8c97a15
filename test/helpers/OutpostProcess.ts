import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { packageRoot } from '../../runtime/packageRoot.js';

export const OUTPOST_BIN = join(packageRoot(), 'bin', 'outpost.js');

/** A real `outpost` process (the built CLI), with its output collected line by line. */
export class OutpostProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [OUTPOST_BIN, ...args], {
      cwd: packageRoot(),
      env: { ...process.env, OUTPOST_LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.stdout += d.toString();
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** JSON log lines printed so far. */
  logs(): Array<Record<string, unknown>> {
    return this.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** Polls `pred`; on a timeout the failure carries the process's output, which the poll's own message cannot. */
  async waitFor(pred: (p: OutpostProcess) => boolean, ms = 10_000, what = 'condition'): Promise<void> {
    try {
      await expect.poll(() => pred(this), { timeout: ms, interval: 25, message: what }).toBe(true);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`, { cause: err });
    }
  }
}

/** Runs `outpost ARGS` to completion. */
export async function runOutpost(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 15_000) {
  const p = new OutpostProcess(args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const { code } = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout, stderr: p.stderr };
}

/** A fresh run directory, so tests never see each other's launches. */
export function freshRunDir(): string {
  return mkdtempSync(join(tmpdir(), 'outpost-run-'));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
