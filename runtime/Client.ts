import type { RequestOf, ResponseOf } from './msg/MessageTypes.js';
import type { ClientHandle, Transport } from './transport/Transport.js';

export interface CallOptions {
  /** Milliseconds to wait for the response (default 10 000). */
  timeout?: number;
  signal?: AbortSignal;
}

/** Calls one service (rclnodejs 2.x `Client` shape: `sendRequestAsync`, `waitForService`). */
export class Client<T extends string = string> {
  readonly serviceName: string;
  readonly typeName: T;
  #handle: ClientHandle;
  #transport: Transport;

  /** @internal created by `Node.createClient`. */
  constructor(serviceName: string, typeName: T, handle: ClientHandle, transport: Transport) {
    this.serviceName = serviceName;
    this.typeName = typeName;
    this.#handle = handle;
    this.#transport = transport;
  }

  /** Sends `request` and resolves with the response; rejects with SERVICE_TIMEOUT, SERVICE_FAILED or ABORTED. */
  sendRequestAsync(request: RequestOf<T>, options: CallOptions = {}): Promise<ResponseOf<T>> {
    const timeoutMs = options.timeout ?? 10_000;
    return this.#handle.call(request, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) }) as Promise<
      ResponseOf<T>
    >;
  }

  isServiceServerAvailable(): boolean {
    return this.#handle.isServiceAvailable();
  }

  /** Resolves true once a server is available, false after `timeoutMs` (wall time). */
  waitForService(timeoutMs = 10_000): Promise<boolean> {
    if (this.isServiceServerAvailable()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const off = this.#transport.onGraphChange(() => {
        if (this.isServiceServerAvailable()) {
          off();
          clearTimeout(timer);
          resolve(true);
        }
      });
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
    });
  }

  /** @internal */
  destroy(): void {
    this.#handle.close();
  }
}
