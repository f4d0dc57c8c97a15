import { describe, expect, it } from 'vitest';
import { Executor } from './Executor.js';

describe('Executor', () => {
  it('runs tasks in order after the current call stack, and idle() waits for async ones', async () => {
    const errors: string[] = [];
    const ex = new Executor((err, origin) => errors.push(`${origin}: ${(err as Error).message}`));
    const log: string[] = [];
    ex.enqueue(() => log.push('a'), 'a');
    ex.enqueue(async () => {
      await new Promise((r) => setTimeout(r, 10));
      log.push('slow');
    }, 'slow');
    ex.enqueue(() => {
      throw new Error('boom');
    }, 'bad');
    ex.enqueue(() => log.push('b'), 'b');
    expect(log).toEqual([]);
    await ex.idle();
    expect(log).toEqual(['a', 'b', 'slow']);
    expect(errors).toEqual(['bad: boom']);
    expect(ex.errorCount).toBe(1);
  });

  it('yields to the event loop when callbacks keep feeding each other', async () => {
    const ex = new Executor();
    let n = 0;
    const ping = (): void => {
      if (++n < 50_000) ex.enqueue(ping, 'ping');
    };
    ex.enqueue(ping, 'ping');
    let timerRan = false;
    setTimeout(() => {
      timerRan = true;
    }, 0);
    await new Promise((r) => setTimeout(r, 0));
    // A 50 000-callback ping-pong did not starve a 0 ms timer.
    expect(timerRan).toBe(true);
    await ex.idle();
    expect(n).toBe(50_000);
  });
});
