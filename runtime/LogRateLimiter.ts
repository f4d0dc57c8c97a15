import type { Logger } from 'pino';

export interface LogRateLimiterOptions {
  /** At most one line per kind in this long; the rest are counted. Default 10. Unit: s. */
  intervalSec?: number;
  /**
   * The time, in seconds (any epoch, must not run backwards within a window). Inside a node pass
   * the node's clock, `() => node.now().seconds`, so simulated time governs it; default: the
   * process's monotonic clock.
   */
  now?: () => number;
}

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Keeps a repeated log line from filling a robot's small disk (5,000 bad envelopes
 * from one teammate made 3,580 WARN lines). One limiter per logger, keyed by a message kind
 * ('malformed', 'bad_frame'): the first line of a kind is logged; later ones within `intervalSec`
 * are only counted; the first one after the interval is logged with `suppressed: N` and says how
 * many were left out, so there is at most one line per kind per interval and no count is lost.
 * `flush()` reports counts still pending (call it when the owner closes).
 */
export class LogRateLimiter {
  readonly #logger: Logger | undefined;
  readonly #intervalSec: number;
  readonly #now: () => number;
  readonly #kinds = new Map<string, { since: number; suppressed: number }>();
  /** Lines left out so far, over all kinds (for diagnostics and tests). */
  suppressedTotal = 0;

  constructor(logger: Logger | undefined, options: LogRateLimiterOptions = {}) {
    this.#logger = logger;
    this.#intervalSec = options.intervalSec ?? 10;
    this.#now = options.now ?? (() => performance.now() / 1000);
  }

  warn(kind: string, fields: Record<string, unknown>, msg: string): void {
    this.log('warn', kind, fields, msg);
  }

  log(level: Level, kind: string, fields: Record<string, unknown>, msg: string): void {
    const t = this.#now();
    const s = this.#kinds.get(kind);
    // A clock that jumped back (a simulation restarted) opens a new window, as an elapsed one does.
    if (s !== undefined && t >= s.since && t - s.since < this.#intervalSec) {
      s.suppressed++;
      this.suppressedTotal++;
      return;
    }
    if (s !== undefined && s.suppressed > 0) {
      this.#logger?.[level](
        { ...fields, kind, suppressed: s.suppressed },
        `${msg} (and ${s.suppressed} more like it ${t >= s.since ? `in the last ${formatSeconds(t - s.since)}` : 'since the last line'}, not logged)`,
      );
    } else {
      this.#logger?.[level](fields, msg);
    }
    this.#kinds.set(kind, { since: t, suppressed: 0 });
  }

  /** Logs one line per kind whose suppressed lines were not reported yet. */
  flush(level: Level = 'warn'): void {
    for (const [kind, s] of this.#kinds) {
      if (s.suppressed === 0) continue;
      this.#logger?.[level](
        { kind, suppressed: s.suppressed },
        `${s.suppressed} more "${kind}" line(s) were not logged (rate limit: one per ${this.#intervalSec} s)`,
      );
      s.suppressed = 0;
    }
  }
}

function formatSeconds(s: number): string {
  return `${s < 10 ? s.toFixed(1) : s.toFixed(0)} s`;
}
