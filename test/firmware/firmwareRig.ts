import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Context } from '../../runtime/index.js';
import { SerialLink } from '../../firmware-bridge/link/SerialLink.js';
import { SocatPair } from '../../firmware-bridge/link/SocatPair.js';

/** A socat pty pair, the firmware's end opened as a SerialLink, and cleanup. */
export async function ptyRig(name: string, logLines?: string[]) {
  const dir = mkdtempSync(join(tmpdir(), `outpost-${name}-`));
  const pair = await SocatPair.start({ a: join(dir, 'bridge'), b: join(dir, 'firmware') });
  const firmwareLink = new SerialLink({ path: pair.b, baudRate: 921600, initialDelay: 0.02, maxDelay: 0.1 });
  firmwareLink.open();
  await firmwareLink.whenOpen(AbortSignal.timeout(3000));
  const logger =
    logLines === undefined
      ? pino({ level: 'silent' })
      : pino(
          { level: 'warn' },
          {
            write: (line: string) => {
              logLines.push(line);
            },
          },
        );
  const ctx = new Context({ logger });
  return {
    dir,
    pair,
    firmwareLink,
    ctx,
    bridgeUrl: `serial://${pair.a}:921600`,
    async close() {
      await firmwareLink.close();
      await pair.stop();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
