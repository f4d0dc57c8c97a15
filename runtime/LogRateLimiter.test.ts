import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LogRateLimiter } from './LogRateLimiter.js';

function recorder() {
  const lines: Array<{ level: number; msg: string; kind?: string; suppressed?: number; topic?: string }> = [];
  const logger = pino(
    { level: 'debug' },
    {
      write: (l: string) => {
        lines.push(JSON.parse(l));
      },
    },
  );
  return { logger, lines };
}

describe('LogRateLimiter', () => {
  it('logs the first line of a kind, counts the rest of the interval, and reports the count with the next line', () => {
    const { logger, lines } = recorder();
    let t = 100;
    const limiter = new LogRateLimiter(logger, { intervalSec: 10, now: () => t });
    for (let i = 0; i < 5000; i++) {
      t = 100 + i / 100; // 100 per second for 50 s
      limiter.warn('malformed', { topic: `x/${i}` }, `bad envelope #${i}`);
    }
    // One line per 10 s window: at 100, 110, 120, 130, 140 s.
    expect(lines.map((l) => l.msg.split(' (')[0])).toEqual([
      'bad envelope #0',
      'bad envelope #1000',
      'bad envelope #2000',
      'bad envelope #3000',
      'bad envelope #4000',
    ]);
    expect(lines[0]).toMatchObject({ level: 40, topic: 'x/0' });
    expect(lines[1]).toMatchObject({ kind: 'malformed', suppressed: 999, topic: 'x/1000' });
    expect(lines[1]!.msg).toBe('bad envelope #1000 (and 999 more like it in the last 10 s, not logged)');
    limiter.flush();
    expect(lines.at(-1)).toMatchObject({
      level: 40,
      kind: 'malformed',
      suppressed: 999,
      msg: '999 more "malformed" line(s) were not logged (rate limit: one per 10 s)',
    });
    // Nothing is lost: every event is a line or counted in one.
    expect(
      lines.reduce((n, l) => n + (l.msg.startsWith('999 more') ? l.suppressed! : 1 + (l.suppressed ?? 0)), 0),
    ).toBe(5000);
    expect(limiter.suppressedTotal).toBe(4995);
    limiter.flush();
    expect(lines).toHaveLength(6);
  });

  it('keeps kinds apart, and a clock that jumps back opens a new window', () => {
    const { logger, lines } = recorder();
    let t = 50;
    const limiter = new LogRateLimiter(logger, { intervalSec: 5, now: () => t });
    limiter.warn('malformed', {}, 'm1');
    limiter.warn('spoofed', {}, 's1');
    limiter.warn('malformed', {}, 'm2');
    t = 1; // simulation restarted
    limiter.log('error', 'malformed', {}, 'm3');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'm1'],
      [40, 's1'],
      [50, 'm3 (and 1 more like it since the last line, not logged)'],
    ]);
  });
});
