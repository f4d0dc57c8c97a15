/**
 * Runs node callbacks (subscriptions, timers, services) one at a time, in the order their events
 * happened, like a ROS 2 single-threaded executor. Work is queued and drained on a microtask, so a
 * publish never re-enters the publisher's own call stack, and `idle()` lets a simulator or a test
 * wait until every callback for the current step (including async ones) has finished.
 */
export type ErrorReporter = (err: unknown, origin: string) => void;

/** Callbacks run per microtask batch before the executor yields to the event loop. */
const DRAIN_BUDGET = 10_000;

/**
 * Something the executor can run with a per-event argument. Hot paths (a subscription's messages)
 * implement it on a long-lived object, so queueing an event allocates nothing and the drain loop
 * calls one method on a few shapes, which V8 can inline.
 */
export interface QueuedTask<A = unknown> {
  runQueued(arg: A, a2: unknown): unknown;
  /** Who the callback belongs to, for error reports: `subscription /scan @ /r1/mapper`. */
  readonly origin: string;
}

/** A plain callback queued with `enqueue`. */
class CallbackTask implements QueuedTask<undefined> {
  readonly #run: () => unknown;
  readonly origin: string;

  constructor(run: () => unknown, origin: string) {
    this.#run = run;
    this.origin = origin;
  }

  runQueued(): unknown {
    return this.#run();
  }
}

export class Executor {
  /** Pending work as flat triples `task, arg, a2`, in event order. */
  #queue: unknown[] = [];
  #head = 0;
  /** End of the used part of `#queue`; the array is reused between batches, not shrunk. */
  #tail = 0;
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
    this.enqueueTask(new CallbackTask(run, origin), undefined);
  }

  /** Queues `task.runQueued(arg, a2)` (a subscription passes its message and info along). */
  enqueueTask<A>(task: QueuedTask<A>, arg: A, a2?: unknown): void {
    const queue = this.#queue;
    const tail = this.#tail;
    queue[tail] = task;
    queue[tail + 1] = arg;
    queue[tail + 2] = a2;
    this.#tail = tail + 3;
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
    return (this.#tail - this.#head) / 3;
  }

  #isIdle(): boolean {
    return this.#head >= this.#tail && this.#pendingAsync === 0 && !this.#scheduled;
  }

  #drain = (): void => {
    this.#scheduled = false;
    const queue = this.#queue;
    let budget = DRAIN_BUDGET;
    let head = this.#head;
    let task: QueuedTask | undefined;
    // The try sits outside the loop: a throwing callback is reported and the loop goes on after it.
    for (;;) {
      try {
        while (head < this.#tail) {
          if (budget-- === 0) {
            // Callbacks that keep publishing to each other must not starve sockets and wall timers:
            // finish this batch later, after the event loop has had its turn.
            this.#head = head;
            this.#scheduled = true;
            setImmediate(this.#drain);
            return;
          }
          task = queue[head] as QueuedTask;
          const arg = queue[head + 1];
          const a2 = queue[head + 2];
          // Forget what ran (a closure may hold a service request) so the reused array keeps nothing alive.
          queue[head] = undefined;
          queue[head + 1] = undefined;
          queue[head + 2] = undefined;
          head += 3;
          const result = task.runQueued(arg, a2);
          if (result !== undefined && typeof (result as Promise<unknown>).then === 'function') {
            this.#trackAsync(result as Promise<unknown>, task.origin);
          }
        }
        break;
      } catch (err) {
        this.errorCount++;
        this.#report(err, task?.origin ?? 'unknown');
      }
    }
    this.#head = 0;
    this.#tail = 0;
    this.#notifyIfIdle();
  };

  #trackAsync(result: Promise<unknown>, origin: string): void {
    this.#pendingAsync++;
    result.then(
      () => this.#asyncDone(),
      (err: unknown) => {
        this.errorCount++;
        this.#report(err, origin);
        this.#asyncDone();
      },
    );
  }

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
