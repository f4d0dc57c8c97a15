import { format } from 'node:util';
import type { Logger } from 'pino';
import { OutpostError, describeValue } from './OutpostError.js';
import type { Publisher } from './Publisher.js';
import type { QoSProfile } from './QoS.js';
import type { Time } from './Time.js';

/** Levels a node's records reach `/rosout` from, ROS 2's names (`--log-level`), plus 'off'. */
export type RosoutLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'off';

/** rcl_interfaces/msg/Log levels by pino method name (pino's trace has no ROS 2 level: DEBUG). */
const ROS_LEVEL: Readonly<Record<string, number>> = { trace: 10, debug: 10, info: 20, warn: 30, error: 40, fatal: 50 };
const THRESHOLD: Record<RosoutLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50, off: Infinity };

/** rcl's `rcl_qos_profile_rosout_default`: reliable, transient local, keep last 1000 (lifespan 10 s is not modelled). */
export const ROSOUT_QOS: QoSProfile = {
  reliability: 'reliable',
  durability: 'transient_local',
  history: 'keep_last',
  depth: 1000,
};

export function parseRosoutLevel(value: string): RosoutLevel {
  const v = value.toLowerCase();
  if (Object.hasOwn(THRESHOLD, v)) return v as RosoutLevel;
  throw new OutpostError(
    'OUTPOST_ERR_INVALID_ARGUMENT',
    `rosout level: expected one of ${Object.keys(THRESHOLD).join(', ')}, got ${describeValue(value)}`,
  );
}

/**
 * Publishes a node's log records on `/rosout` as rcl_interfaces/msg/Log, as every ROS 2 node does,
 * so `outpost topic echo /rosout`, MCAP recordings and the ground station see what nodes say.
 *
 * `wrap` returns the node's pino logger behind a proxy: each record at or above the threshold that
 * the logger itself emits (the logger's level gates first, as in ROS 2) is also published. Child
 * loggers are wrapped too. The record is published whether or not anybody subscribes, as ROS 2
 * does: the publisher is transient local, so a tool that connects later still gets the last
 * records; the cost is one small object per log line (log lines are rare and rate-limited where
 * they could repeat), and nothing is encoded unless a subscriber sits across a socket.
 * `file`, `function` and `line` stay empty: reading them from a stack trace per record would cost
 * more than the record.
 */
export class RosoutLog {
  readonly #name: string;
  readonly #threshold: number;
  readonly #now: () => Time;
  #publisher: Publisher<'rcl_interfaces/msg/Log'> | undefined;
  /** Set while publishing, so anything the publish path logs is not published again (no recursion). */
  #publishing = false;
  /** Records that could not be published (the node is torn down, say). */
  failed = 0;

  /** `fqn` is the node's fully qualified name; the record's `name` is ROS 2's logger name for it (`r1.mapper`). */
  constructor(fqn: string, level: RosoutLevel, now: () => Time) {
    this.#name = fqn.replace(/^\//, '').replaceAll('/', '.');
    this.#threshold = THRESHOLD[level];
    this.#now = now;
  }

  attach(publisher: Publisher<'rcl_interfaces/msg/Log'>): void {
    this.#publisher = publisher;
  }

  wrap(logger: Logger): Logger {
    const cache = new Map<string | symbol, { method: unknown; wrapped: unknown }>();
    return new Proxy(logger, {
      get: (target, prop, receiver) => {
        if (prop === 'child') {
          return (bindings: Record<string, unknown>, options?: Record<string, unknown>) =>
            this.wrap(target.child(bindings, options));
        }
        const level = typeof prop === 'string' ? ROS_LEVEL[prop] : undefined;
        const method: unknown = Reflect.get(target, prop, receiver);
        if (level === undefined || level < this.#threshold || typeof method !== 'function') return method;
        // pino swaps its level methods when the level changes; rebuild the wrapper when it did.
        const hit = cache.get(prop);
        if (hit !== undefined && hit.method === method) return hit.wrapped;
        const label = prop as string;
        const wrapped = (...args: unknown[]): void => {
          (method as (...a: unknown[]) => void).apply(target, args);
          if (target.isLevelEnabled(label)) this.#publish(level, args);
        };
        cache.set(prop, { method, wrapped });
        return wrapped;
      },
    });
  }

  #publish(level: number, args: unknown[]): void {
    const pub = this.#publisher;
    if (pub === undefined || this.#publishing) return;
    this.#publishing = true;
    try {
      pub.publish({
        stamp: this.#now().toMsg(),
        level,
        name: this.#name,
        msg: recordText(args),
        file: '',
        function: '',
        line: 0,
      });
    } catch {
      this.failed++;
    } finally {
      this.#publishing = false;
    }
  }
}

/** The text pino would put in `msg` for these arguments (`(obj, 'fmt %s', x)`, `('text')`, `(err)`). */
function recordText(args: unknown[]): string {
  const [first, ...rest] = args;
  if (typeof first === 'string') return format(first, ...rest);
  if (typeof rest[0] === 'string') return format(...(rest as [string, ...unknown[]]));
  if (first instanceof Error) return first.message;
  if (first !== null && typeof first === 'object' && (first as { err?: unknown }).err instanceof Error) {
    return (first as { err: Error }).err.message;
  }
  return '';
}
