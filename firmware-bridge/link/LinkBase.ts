import { OutpostError } from '../../runtime/OutpostError.js';
import type { BackoffOptions, ByteLink, ByteLinkStats, LinkState } from './ByteLink.js';

/**
 * State, listeners, stats and the reconnect loop common to every link; subclasses implement one
 * attempt to open (`attempt`) and report loss through `lost()`. Reconnect delays are wall time
 * (setTimeout): the device lives in wall time whatever clock the node runs on.
 */
export abstract class LinkBase implements ByteLink {
  readonly url: string;
  readonly stats: ByteLinkStats = { bytesIn: 0, bytesOut: 0, writesDropped: 0, reconnects: 0, lastError: '' };
  #state: LinkState = 'closed';
  #data = new Set<(b: Uint8Array) => void>();
  #stateListeners = new Set<(s: LinkState) => void>();
  #retry: NodeJS.Timeout | undefined;
  #delay: number;
  #initialDelay: number;
  #maxDelay: number;
  #wasOpen = false;
  #wanted = false;

  constructor(url: string, backoff: BackoffOptions = {}) {
    this.url = url;
    this.#initialDelay = backoff.initialDelay ?? 0.05;
    this.#maxDelay = backoff.maxDelay ?? 2;
    this.#delay = this.#initialDelay;
  }

  get state(): LinkState {
    return this.#state;
  }

  /** One try at opening the device; resolve when open, reject with the reason otherwise. */
  protected abstract attempt(): Promise<void>;
  /** Releases the device (called on close, and after a loss before the next attempt). */
  protected abstract release(): Promise<void>;
  /** Writes to the open device; false if it could not (counted as a dropped write). */
  protected abstract send(bytes: Uint8Array): boolean;

  open(): void {
    if (this.#wanted) return;
    this.#wanted = true;
    this.#setState('connecting');
    void this.#try();
  }

  whenOpen(signal?: AbortSignal): Promise<void> {
    if (this.#state === 'open') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const off = this.onState((s) => {
        if (s === 'open') {
          off();
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
      });
      const onAbort = () => {
        off();
        reject(
          new OutpostError(
            'OUTPOST_ERR_ABORTED',
            `waiting for ${this.url} to open: aborted (state ${this.#state}; last error: ${this.stats.lastError || 'none'})`,
          ),
        );
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  write(bytes: Uint8Array): boolean {
    if (this.#state !== 'open') {
      this.stats.writesDropped++;
      return false;
    }
    if (!this.send(bytes)) {
      this.stats.writesDropped++;
      return false;
    }
    this.stats.bytesOut += bytes.length;
    return true;
  }

  async close(): Promise<void> {
    this.#wanted = false;
    clearTimeout(this.#retry);
    this.#retry = undefined;
    await this.release();
    this.#setState('closed');
  }

  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.#data.add(listener);
    return () => this.#data.delete(listener);
  }

  onState(listener: (state: LinkState) => void): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** Subclasses call this with every chunk read. */
  protected received(bytes: Uint8Array): void {
    this.stats.bytesIn += bytes.length;
    for (const l of this.#data) l(bytes);
  }

  /** Subclasses call this when the open device went away. */
  protected lost(reason: string): void {
    if (!this.#wanted || this.#state !== 'open') return;
    this.stats.lastError = reason;
    this.#setState('reconnecting');
    void this.release().finally(() => this.#schedule());
  }

  async #try(): Promise<void> {
    if (!this.#wanted) return;
    try {
      await this.attempt();
    } catch (err) {
      this.stats.lastError = (err as Error).message;
      await this.release().catch(() => undefined);
      this.#schedule();
      return;
    }
    if (!this.#wanted) {
      await this.release();
      return;
    }
    this.#delay = this.#initialDelay;
    if (this.#wasOpen) this.stats.reconnects++;
    this.#wasOpen = true;
    this.#setState('open');
  }

  #schedule(): void {
    if (!this.#wanted) return;
    const delay = this.#delay;
    this.#delay = Math.min(this.#maxDelay, this.#delay * 2);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#try();
    }, delay * 1000);
    this.#retry.unref?.();
  }

  #setState(s: LinkState): void {
    if (s === this.#state) return;
    this.#state = s;
    for (const l of [...this.#stateListeners]) l(s);
  }
}
