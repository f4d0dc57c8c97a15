import type { Clock } from '../../runtime/clock/Clock.js';
import { OutpostError } from '../../runtime/OutpostError.js';
import { secondsToNs } from '../../runtime/Time.js';
import { MAV_CMD, MAV_RESULT } from './MavlinkEnums.js';

export interface CommandOptions {
  /** Wait this long for COMMAND_ACK before resending. Unit: s. */
  timeout: number;
  /** Resends after the first try. */
  retries: number;
}

const COMMAND_NAMES: Record<number, string> = Object.fromEntries(Object.entries(MAV_CMD).map(([k, v]) => [v, k]));
export const commandName = (c: number): string => `${c} (${COMMAND_NAMES[c] ?? 'command'})`;
export const resultName = (r: number): string => `${MAV_RESULT[r] ?? 'UNKNOWN'} (${r})`;

interface Pending {
  resolve: () => void;
  reject: (err: Error) => void;
  cancelTimer: () => void;
  /** IN_PROGRESS: stop resending, wait once more for the final ACK. */
  extend: () => void;
}

/**
 * The MAVLink command protocol (https://mavlink.io/en/services/command.html) on the node's clock:
 * send COMMAND_LONG, wait for the COMMAND_ACK of that command, resend with `confirmation` counting
 * up when none comes, give up after `retries`. IN_PROGRESS extends the wait; any result other
 * than ACCEPTED fails with the result's name. One command of each id in flight at a time.
 */
export class MavlinkCommandClient {
  #send: (command: number, params: readonly number[], confirmation: number) => void;
  #clock: Clock;
  #pending = new Map<number, Pending>();

  constructor(send: (command: number, params: readonly number[], confirmation: number) => void, clock: Clock) {
    this.#send = send;
    this.#clock = clock;
  }

  send(command: number, params: readonly number[], o: CommandOptions, signal?: AbortSignal): Promise<void> {
    if (this.#pending.has(command)) {
      return Promise.reject(
        new OutpostError(
          'OUTPOST_ERR_FIRMWARE_COMMAND',
          `COMMAND_LONG ${commandName(command)}: one is already waiting for its COMMAND_ACK`,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      let attempt = 0;
      const finish = (err?: Error) => {
        const p = this.#pending.get(command);
        p?.cancelTimer();
        this.#pending.delete(command);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const onAbort = () =>
        finish(new OutpostError('OUTPOST_ERR_ABORTED', `COMMAND_LONG ${commandName(command)}: aborted`));
      const arm = (): (() => void) =>
        this.#clock.schedule(this.#clock.now().nanoseconds + secondsToNs(o.timeout), () => {
          if (attempt > o.retries) {
            finish(
              new OutpostError(
                'OUTPOST_ERR_FIRMWARE_COMMAND',
                `COMMAND_LONG ${commandName(command)}: expected a COMMAND_ACK, got none after ${attempt} attempts ${o.timeout} s apart`,
              ),
            );
            return;
          }
          tryOnce();
        });
      const tryOnce = () => {
        this.#send(command, params, attempt);
        attempt++;
        const p = this.#pending.get(command);
        if (p) p.cancelTimer = arm();
      };
      const extend = () => {
        const p = this.#pending.get(command);
        if (p === undefined) return;
        p.cancelTimer();
        attempt = o.retries + 1; // no more resends: the autopilot is working on it
        p.cancelTimer = arm();
      };
      this.#pending.set(command, {
        resolve: () => finish(),
        reject: (e) => finish(e),
        cancelTimer: () => undefined,
        extend,
      });
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      tryOnce();
    });
  }

  /** Feed every COMMAND_ACK addressed to us here. */
  onAck(command: number, result: number): void {
    const p = this.#pending.get(command);
    if (p === undefined) return;
    if (result === 0) p.resolve();
    else if (result === 5) p.extend();
    else
      p.reject(
        new OutpostError(
          'OUTPOST_ERR_FIRMWARE_COMMAND',
          `COMMAND_LONG ${commandName(command)}: expected ACCEPTED, the autopilot answered ${resultName(result)}`,
        ),
      );
  }

  /** Fails everything in flight (the link went away). */
  failAll(why: string): void {
    for (const [command, p] of [...this.#pending])
      p.reject(new OutpostError('OUTPOST_ERR_FIRMWARE_COMMAND', `COMMAND_LONG ${commandName(command)}: ${why}`));
  }
}
