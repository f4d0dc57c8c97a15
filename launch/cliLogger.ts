import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

/**
 * The CLI's logger: readable lines on a terminal, JSON lines (one object per line, for log
 * shippers and tests) when stdout is not a TTY or `OUTPOST_LOG_FORMAT=json`.
 * Level from `OUTPOST_LOG_LEVEL` (default info).
 */
export function cliLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const level = env.OUTPOST_LOG_LEVEL ?? 'info';
  const format = env.OUTPOST_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format === 'pretty') {
    return pino({ level }, pretty({ sync: true, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l' }));
  }
  return pino({ level }, pino.destination({ sync: true }));
}
