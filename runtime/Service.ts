import type { Executor } from './Executor.js';
import type { RequestOf, ResponseOf } from './msg/MessageTypes.js';
import { OutpostError } from './OutpostError.js';
import type { ServiceHandle } from './transport/Transport.js';

export type ServiceCallback<T extends string> = (request: RequestOf<T>) => ResponseOf<T> | Promise<ResponseOf<T>>;

/** Answers requests of one service; the callback runs on the executor and returns the response. */
export class Service<T extends string = string> {
  readonly serviceName: string;
  readonly typeName: T;
  #handle: ServiceHandle | undefined;

  /** @internal created by `Node.createService`. */
  constructor(serviceName: string, typeName: T) {
    this.serviceName = serviceName;
    this.typeName = typeName;
  }

  /** @internal wraps the user callback so it runs in executor order and reports failures to the caller. */
  static makeHandler<T extends string>(executor: Executor, callback: ServiceCallback<T>, origin: string) {
    return (request: unknown): Promise<unknown> =>
      new Promise((resolve, reject) => {
        executor.enqueue(async () => {
          try {
            resolve(await callback(request as RequestOf<T>));
          } catch (err) {
            reject(
              new OutpostError(
                'OUTPOST_ERR_SERVICE_FAILED',
                `${origin}: handler threw: ${(err as Error).message ?? String(err)}`,
                { cause: err },
              ),
            );
            throw err;
          }
        }, origin);
      });
  }

  /** @internal */
  attach(handle: ServiceHandle): void {
    this.#handle = handle;
  }

  /** @internal */
  destroy(): void {
    this.#handle?.close();
  }
}
