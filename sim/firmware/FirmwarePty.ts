import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SerialLink } from '../../firmware-bridge/link/SerialLink.js';
import { SocatPair } from '../../firmware-bridge/link/SocatPair.js';

/**
 * The simulator's end of a socat pty pair for one robot's firmware (`firmware:=serial|mavlink`):
 * `<dir>/<robot>-<kind>` is the end the robot's bridge opens, the other end is opened here.
 */
export interface FirmwarePty {
  pair: SocatPair;
  link: SerialLink;
  /** The path the bridge must open. */
  bridgePath: string;
  close(): Promise<void>;
}

export function firmwarePtyPath(dir: string, robot: string, kind: string): string {
  return join(dir, `${robot}-${kind}`);
}

export async function openFirmwarePty(
  dir: string,
  robot: string,
  kind: string,
  baudRate: number,
): Promise<FirmwarePty> {
  mkdirSync(dir, { recursive: true });
  const pair = await SocatPair.start({
    a: firmwarePtyPath(dir, robot, kind),
    b: join(dir, `${robot}-${kind}-firmware`),
  });
  const link = new SerialLink({ path: pair.b, baudRate });
  link.open();
  try {
    await link.whenOpen(AbortSignal.timeout(5000));
  } catch (err) {
    await link.close();
    await pair.stop();
    throw err;
  }
  return {
    pair,
    link,
    bridgePath: pair.a,
    async close() {
      await link.close();
      await pair.stop();
    },
  };
}

/** Waits (wall time, polling) until `done()`, or throws `message` after `timeoutMs`. */
export async function waitFor(done: () => boolean, timeoutMs: number, fail: () => Error): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw fail();
    await new Promise((r) => setTimeout(r, 5));
  }
}
