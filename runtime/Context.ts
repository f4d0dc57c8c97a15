import { pino, type Logger } from 'pino';
import { Executor } from './Executor.js';
import { WallClock } from './clock/WallClock.js';
import type { Clock } from './clock/Clock.js';
import { defaultRegistry } from './msg/defaultRegistry.js';
import type { MessageRegistry } from './msg/MessageRegistry.js';
import { parseRosoutLevel, type RosoutLevel } from './RosoutLog.js';
import { LocalTransport } from './transport/LocalTransport.js';
import type { Transport } from './transport/Transport.js';

export interface ContextOptions {
  /** The transport nodes of this context use; default: a new in-process `local` transport. */
  transport?: Transport;
  /** Root logger; nodes get pino child loggers `{ node: '/ns/name' }`. Default: pino at `info`. */
  logger?: Logger;
  registry?: MessageRegistry;
  /** The clock nodes use unless `use_sim_time` or an explicit clock says otherwise. */
  clock?: Clock;
  /**
   * Lowest level a node's log records reach `/rosout` at (records must also pass the logger's own
   * level, as in ROS 2); 'off' publishes none. Default: `OUTPOST_ROSOUT_LEVEL`, else 'info'.
   */
  rosoutLevel?: RosoutLevel;
}

/**
 * What the nodes of one process share, like rclnodejs's `Context`: the transport, one executor (so
 * callbacks of all nodes run one at a time, in order), the message registry and the root logger.
 */
export class Context {
  readonly transport: Transport;
  readonly executor: Executor;
  readonly logger: Logger;
  readonly registry: MessageRegistry;
  readonly wallClock: Clock;
  readonly rosoutLevel: RosoutLevel;
  #closed = false;

  constructor(options: ContextOptions = {}) {
    this.logger = options.logger ?? pino({ level: process.env.OUTPOST_LOG_LEVEL ?? 'info' });
    this.registry = options.registry ?? defaultRegistry();
    this.transport =
      options.transport ??
      new LocalTransport({
        qosWarning: (topic, pub, sub, reason) =>
          this.logger.warn({ topic, publisher: pub, subscriber: sub }, `incompatible QoS on ${topic}: ${reason}`),
      });
    this.wallClock = options.clock ?? new WallClock();
    this.rosoutLevel = options.rosoutLevel ?? parseRosoutLevel(process.env.OUTPOST_ROSOUT_LEVEL ?? 'info');
    this.executor = new Executor((err, origin) => {
      this.logger.error({ err, origin }, `callback failed in ${origin}`);
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Waits until every queued callback (including async ones) has run. */
  spinUntilIdle(): Promise<void> {
    return this.executor.idle();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.transport.close();
  }
}
