/**
 * Runs node callbacks (subscriptions, timers, services) one at a time, in the order their events
 * happened, like a ROS 2 single-threaded executor. Work is queued and drained on a microtask, so a
 * publish never re-enters the publisher's own call stack, and `idle()` lets a simulator or a test
 * wait until every callback for the current step (including async ones) has finished.
 */
export type ErrorReporter = (err: unknown, origin: string) => void;

interface Task {
  run: () => unknown;
  origin: string;
}

/** Callbacks run per microtask batch before the executor yields to the event loop. */
const DRAIN_BUDGET = 10_000;

export class Executor {
  #queue: Task[] = [];
  #head = 0;
  #scheduled = false;
  #pendingAsync = 0;
  #idleWaiters: Array<() => void> = [];
  #report: ErrorReporter;
  /** Callbacks that threw or rejected, counted for diagnostics. */
  errorCount = 0;

  constructor(report: ErrorReporter = defaultReport) {
    this.#report = report;
  }

  enqueue(run: () => unknown, origin: string): void {
    this.#queue.push({ run, origin });
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#drain);
    }
  }

  /** Resolves once the queue is empty and no async callback is still running. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  get queued(): number {
    return this.#queue.length - this.#head;
  }

  #isIdle(): boolean {
    return this.#head >= this.#queue.length && this.#pendingAsync === 0 && !this.#scheduled;
  }

  #drain = (): void => {
    this.#scheduled = false;
    let budget = DRAIN_BUDGET;
    while (this.#head < this.#queue.length) {
      if (budget-- === 0) {
        // Callbacks that keep publishing to each other must not starve sockets and wall timers:
        // finish this batch later, after the event loop has had its turn.
        this.#scheduled = true;
        setImmediate(this.#drain);
        return;
      }
      const task = this.#queue[this.#head++]!;
      try {
        const result = task.run();
        if (result !== undefined && typeof (result as Promise<unknown>).then === 'function') {
          this.#pendingAsync++;
          (result as Promise<unknown>).then(
            () => this.#asyncDone(),
            (err: unknown) => {
              this.errorCount++;
              this.#report(err, task.origin);
              this.#asyncDone();
            },
          );
        }
      } catch (err) {
        this.errorCount++;
        this.#report(err, task.origin);
      }
    }
    this.#queue = [];
    this.#head = 0;
    this.#notifyIfIdle();
  };

  #asyncDone(): void {
    this.#pendingAsync--;
    this.#notifyIfIdle();
  }

  #notifyIfIdle(): void {
    if (!this.#isIdle() || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}

function defaultReport(err: unknown, origin: string): void {
  process.emitWarning(`callback ${origin} failed: ${err instanceof Error ? err.stack : String(err)}`);
}
