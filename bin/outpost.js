#!/usr/bin/env node
// The `outpost` command. The TypeScript sources are compiled to dist/ by `npm ci` / `npm run build`.
import { main } from '../dist/launch/cli.js';

const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // First Ctrl-C: orderly shutdown through the lifecycle. Second: give up at once.
    if (++interrupts > 1) process.exit(130);
    controller.abort();
  });
}
const code = await main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  signal: controller.signal,
});
process.exitCode = code;
// Sockets and timers are closed by now; exit explicitly so a stray handle cannot hang the shell.
setImmediate(() => process.exit(code));
