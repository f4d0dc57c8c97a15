/**
 * One decision at a time: a second one (a timer tick while the model runs, a status) waits for the
 * first, so decisions apply in the order they were asked for whatever the model's timing. A
 * synchronous decision with none in flight runs at once and returns nothing; otherwise the caller
 * gets the promise of its own decision (a timer callback returns it, so a lock-stepped simulator
 * waits for the decision).
 */
export class DecisionQueue {
  /** The decision in flight (a learned policy's answer is asynchronous). */
  #inFlight: Promise<void> | undefined;

  run(decide: () => void | Promise<void>): void | Promise<void> {
    if (this.#inFlight !== undefined) {
      const next = this.#inFlight.then(() => decide());
      this.#inFlight = next;
      return next.finally(() => {
        if (this.#inFlight === next) this.#inFlight = undefined;
      });
    }
    const result = decide();
    if (result === undefined) return;
    this.#inFlight = result;
    return result.finally(() => {
      if (this.#inFlight === result) this.#inFlight = undefined;
    });
  }
}
