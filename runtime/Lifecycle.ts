import { OutpostError } from './OutpostError.js';

/**
 * The ROS 2 managed-node state machine (design.ros2.org/articles/node_lifecycle.html): primary
 * states unconfigured, inactive, active and finalized; transitions configure, activate,
 * deactivate, cleanup and shutdown. A transition callback returns success, failure (stay where you
 * were) or error (run onError: success → unconfigured, otherwise → finalized); a thrown exception
 * counts as error.
 */
export type LifecycleState = 'unconfigured' | 'inactive' | 'active' | 'finalized';
export type LifecycleTransition = 'configure' | 'activate' | 'deactivate' | 'cleanup' | 'shutdown';
export type CallbackReturn = 'success' | 'failure' | 'error';
/** What a transition callback may return: `void`/`true` mean success, `false` means failure. */
// biome-ignore lint/suspicious/noConfusingVoidType: a transition callback may return nothing (rclnodejs allows it)
export type TransitionResult = CallbackReturn | boolean | void;
export type TransitionCallback = (previous: LifecycleState) => TransitionResult | Promise<TransitionResult>;

const TRANSITIONS: Record<LifecycleTransition, { from: readonly LifecycleState[]; to: LifecycleState }> = {
  configure: { from: ['unconfigured'], to: 'inactive' },
  activate: { from: ['inactive'], to: 'active' },
  deactivate: { from: ['active'], to: 'inactive' },
  cleanup: { from: ['inactive'], to: 'unconfigured' },
  shutdown: { from: ['unconfigured', 'inactive', 'active'], to: 'finalized' },
};

export interface TransitionOutcome {
  transition: LifecycleTransition;
  from: LifecycleState;
  to: LifecycleState;
  result: CallbackReturn;
  error?: unknown;
}

export class Lifecycle {
  #state: LifecycleState = 'unconfigured';
  #callbacks = new Map<LifecycleTransition | 'error', TransitionCallback>();
  #busy = false;
  #listeners = new Set<(outcome: TransitionOutcome) => void>();

  constructor(private readonly nodeName: string) {}

  get state(): LifecycleState {
    return this.#state;
  }

  register(transition: LifecycleTransition | 'error', callback: TransitionCallback): void {
    this.#callbacks.set(transition, callback);
  }

  onTransition(listener: (outcome: TransitionOutcome) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  isValid(transition: LifecycleTransition): boolean {
    return TRANSITIONS[transition].from.includes(this.#state);
  }

  async trigger(transition: LifecycleTransition): Promise<TransitionOutcome> {
    const spec = TRANSITIONS[transition];
    if (this.#busy) {
      throw new OutpostError(
        'OUTPOST_ERR_LIFECYCLE_TRANSITION',
        `node ${this.nodeName}: cannot ${transition} while another transition is running`,
      );
    }
    if (!spec.from.includes(this.#state)) {
      throw new OutpostError(
        'OUTPOST_ERR_LIFECYCLE_TRANSITION',
        `node ${this.nodeName}: cannot ${transition} from state ${this.#state}; expected state ${spec.from.join(' or ')}`,
      );
    }
    this.#busy = true;
    const from = this.#state;
    let outcome: TransitionOutcome;
    try {
      const { result, error } = await this.#run(transition, from);
      if (result === 'success') this.#state = spec.to;
      else if (result === 'error') {
        const recovered = await this.#run('error', from);
        this.#state = recovered.result === 'success' ? 'unconfigured' : 'finalized';
      }
      outcome = { transition, from, to: this.#state, result, ...(error !== undefined ? { error } : {}) };
    } finally {
      this.#busy = false;
    }
    for (const l of this.#listeners) l(outcome);
    return outcome;
  }

  async #run(
    which: LifecycleTransition | 'error',
    from: LifecycleState,
  ): Promise<{ result: CallbackReturn; error?: unknown }> {
    const cb = this.#callbacks.get(which);
    if (cb === undefined) return { result: 'success' };
    try {
      return { result: normalize(await cb(from)) };
    } catch (error) {
      return { result: 'error', error };
    }
  }
}

function normalize(r: TransitionResult): CallbackReturn {
  if (r === undefined || r === true) return 'success';
  if (r === false) return 'failure';
  return r;
}
