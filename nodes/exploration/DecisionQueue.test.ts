import { describe, expect, it } from 'vitest';
import { DecisionQueue } from './DecisionQueue.js';

/** A decision that ends when `finish` is called. */
function pending(log: string[], name: string): { decide: () => Promise<void>; finish: () => void } {
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    decide: () => {
      log.push(`start ${name}`);
      return done.then(() => {
        log.push(`end ${name}`);
      });
    },
    finish: () => finish(),
  };
}

describe('DecisionQueue', () => {
  it('runs a synchronous decision at once when none is in flight', () => {
    const q = new DecisionQueue();
    const log: string[] = [];
    expect(q.run(() => void log.push('a'))).toBeUndefined();
    expect(q.run(() => void log.push('b'))).toBeUndefined();
    expect(log).toEqual(['a', 'b']);
  });

  it('holds later decisions until the one in flight has ended, in the order they were asked for', async () => {
    const q = new DecisionQueue();
    const log: string[] = [];
    const slow = pending(log, 'slow');
    const first = q.run(slow.decide);
    const second = q.run(() => void log.push('tick'));
    const third = q.run(() => void log.push('status'));
    expect(first).toBeInstanceOf(Promise);
    expect(second).toBeInstanceOf(Promise);
    expect(third).toBeInstanceOf(Promise);
    await Promise.resolve();
    expect(log).toEqual(['start slow']);
    slow.finish();
    await third;
    expect(log).toEqual(['start slow', 'end slow', 'tick', 'status']);
    await Promise.all([first, second]);
    // Nothing in flight any more: a synchronous decision runs at once again.
    expect(q.run(() => void log.push('now'))).toBeUndefined();
    expect(log.at(-1)).toBe('now');
  });

  it('waits for an asynchronous decision queued behind another', async () => {
    const q = new DecisionQueue();
    const log: string[] = [];
    const a = pending(log, 'a');
    const b = pending(log, 'b');
    q.run(a.decide);
    const second = q.run(b.decide);
    const third = q.run(() => void log.push('c'));
    a.finish();
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['start a', 'end a', 'start b']);
    b.finish();
    await Promise.all([second, third]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'c']);
  });
});
