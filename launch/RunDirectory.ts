import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where running launches leave their bus socket and a small JSON card, so `outpost topic ...` in
 * a second shell can find them: `$OUTPOST_RUN_DIR`, else `<tmp>/outpost-<uid>`.
 */
export interface RunningLaunch {
  pid: number;
  file: string;
  socket: string;
  startedAt: string;
}

export function runDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.OUTPOST_RUN_DIR ?? join(tmpdir(), `outpost-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

export function socketPathFor(dir: string, pid: number): string {
  return join(dir, `launch-${pid}.sock`);
}

export function writeLaunchCard(dir: string, card: RunningLaunch): () => void {
  const path = join(dir, `launch-${card.pid}.json`);
  writeFileSync(path, JSON.stringify(card, null, 2));
  return () => rmSync(path, { force: true });
}

/** Launches whose process is still alive; cards of dead ones are removed on the way. */
export function runningLaunches(dir: string): RunningLaunch[] {
  const out: RunningLaunch[] = [];
  for (const f of readdirSync(dir)) {
    if (!/^launch-\d+\.json$/.test(f)) continue;
    let card: RunningLaunch;
    try {
      card = JSON.parse(readFileSync(join(dir, f), 'utf8')) as RunningLaunch;
    } catch {
      continue;
    }
    if (isAlive(card.pid)) out.push(card);
    else {
      rmSync(join(dir, f), { force: true });
      rmSync(card.socket, { force: true });
    }
  }
  return out.sort((a, b) => a.pid - b.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
