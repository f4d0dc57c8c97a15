import { existsSync } from 'node:fs';
import type { Node } from '../Node.js';
import type { ParameterSpec } from '../Parameter.js';
import type { Publisher } from '../Publisher.js';
import type { MessageOf } from '../msg/MessageTypes.js';
import { secondsToNs } from '../Time.js';
import type { Timer } from '../Timer.js';
import { loadModelCard, modelCardPath } from './ModelCard.js';
import {
  DEFAULT_INTRA_OP_THREADS,
  FALLBACK_REASONS,
  PolicyHost,
  type LoadResult,
  type PolicyDecision,
} from './PolicyHost.js';
import type { PolicyRunner } from './PolicyRunner.js';
import type { Feed } from './TensorContract.js';

/**
 * The parameters a node that hosts a policy declares: spread them into its node kind's table
 * (`parameters: { ...policyHostParameters, ... }`) and declare them like its own.
 */
export const policyHostParameters: Readonly<Record<string, ParameterSpec>> = {
  model_path: {
    type: 'string',
    default: '',
    description:
      "ONNX policy file (its card is the same path with .card.json). Setting it while running hot-swaps the model; a bad file is refused and the old model keeps running. Empty: no model, every decision is the fallback's.",
  },
  intra_op_threads: {
    type: 'integer',
    default: DEFAULT_INTRA_OP_THREADS,
    range: { from: 1, to: 64 },
    description:
      'Threads one operator of the model may use (onnxruntime intraOpNumThreads). 2 leaves half of a 4-core Raspberry Pi to the other nodes. Changing it reloads the model.',
  },
  latency_budget_ms: {
    type: 'double',
    default: 0,
    unit: 'ms',
    range: { from: 0, to: 600_000 },
    description:
      "Time one decision may take; an answer later than this is discarded and the fallback decides. 0: the model card's latency_budget_ms.",
  },
  warmup_runs: {
    type: 'integer',
    default: 3,
    range: { from: 0, to: 1000 },
    description:
      'Runs on zero inputs after a model is loaded and before it decides (first runs allocate and are slow).',
  },
  warmup_sizes: {
    type: 'string_array',
    default: [],
    description:
      'Sizes of the card\'s symbolic dims in warm-up runs, as "SYMBOL=size" (IR2: ["N=200"]); unnamed symbols take 16.',
    check: (v) =>
      (v as string[]).find((s) => !/^[A-Za-z_][A-Za-z0-9_]*=[1-9][0-9]*$/.test(s)) === undefined
        ? undefined
        : 'expected entries like "N=200"',
  },
  diagnostics_period: {
    type: 'double',
    default: 1,
    unit: 's',
    range: { from: 0.01, to: 3600 },
    description: "How often the policy's diagnostics (latency p50/p99, decisions, fallbacks) are published.",
  },
};

export interface NodePolicyHostOptions {
  /** Where diagnostics go; default `/diagnostics` (ROS 2's diagnostic aggregator reads it). */
  diagnosticsTopic?: string;
  /** The inference engine; default onnxruntime-node. */
  runner?: PolicyRunner;
}

/**
 * Hosts a PolicyHost in a node: reads its parameters, loads `model_path` on `activate()` (a
 * missing or bad file logs an error and leaves the node on its fallback), hot-swaps when
 * `model_path` is set, applies `intra_op_threads` and `latency_budget_ms` changes, and publishes
 * diagnostic_msgs/DiagnosticArray every `diagnostics_period`. The node calls `decide(feeds)`
 * and, on a fallback decision, runs its classical policy (`decision.fallback` names the card's).
 */
export class NodePolicyHost {
  readonly host: PolicyHost;
  #node: Node;
  #topic: string;
  #pub: Publisher<'diagnostic_msgs/msg/DiagnosticArray'> | undefined;
  #timer: Timer | undefined;
  #reverting = false;
  #loads: Promise<LoadResult | undefined> = Promise.resolve(undefined);
  #windowStart = { decisions: 0, fallbacks: 0 };

  constructor(node: Node, options: NodePolicyHostOptions = {}) {
    this.#node = node;
    this.#topic = options.diagnosticsTopic ?? '/diagnostics';
    const budget = this.#p<number>('latency_budget_ms');
    this.host = new PolicyHost({
      logger: node.getLogger().child({ component: 'policy' }),
      intraOpThreads: this.#p('intra_op_threads'),
      ...(budget > 0 ? { latencyBudgetMs: budget } : {}),
      warmupRuns: this.#p('warmup_runs'),
      warmupSizes: Object.fromEntries(
        this.#p<string[]>('warmup_sizes')
          .map((s) => s.split('='))
          .map(([k, v]) => [k!, Number(v)]),
      ),
      ...(options.runner !== undefined ? { runner: options.runner } : {}),
    });
    // A path that does not exist or whose card does not parse is refused at once, synchronously;
    // the rest (engine load, contract, warm-up) after, and a failure there sets the path back.
    node.addOnSetParametersCallback((ps) => {
      for (const p of ps) {
        if (p.name !== 'model_path' || this.#reverting || p.value === '') continue;
        const path = p.value as string;
        if (!existsSync(path)) return { successful: false, reason: `model_path: ${path}: no such file` };
        try {
          loadModelCard(modelCardPath(path));
        } catch (err) {
          return { successful: false, reason: `model_path: ${(err as Error).message}` };
        }
      }
      return { successful: true, reason: '' };
    });
    node.addPostSetParametersCallback((ps) => {
      for (const p of ps) {
        if (p.name === 'model_path' && !this.#reverting) this.#swap(p.value as string);
        if (p.name === 'intra_op_threads')
          this.#loads = this.#loads.then(() => this.host.setIntraOpThreads(p.value as number));
        if (p.name === 'latency_budget_ms')
          this.host.latencyBudgetMs = (p.value as number) > 0 ? (p.value as number) : undefined;
        if (p.name === 'diagnostics_period' && this.#timer !== undefined) this.#startTimer();
      }
    });
  }

  #p<T = number>(name: string): T {
    return this.#node.getParameter(name).value as T;
  }

  /** Loads `model_path` (if set) and starts publishing diagnostics. Resolves when the load is done. */
  activate(): Promise<LoadResult | undefined> {
    this.#pub ??= this.#node.createPublisher('diagnostic_msgs/msg/DiagnosticArray', this.#topic, { qos: 10 });
    this.#startTimer();
    const path = this.#p<string>('model_path');
    if (path === '') {
      this.#node.getLogger().warn('model_path is empty: no policy model, every decision uses the fallback policy');
      return this.#loads;
    }
    if (this.host.modelPath === path) return this.#loads;
    this.#loads = this.#loads.then(() => this.host.load(path));
    return this.#loads;
  }

  /** Stops diagnostics (the model stays loaded for a later activate). */
  deactivate(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  /** Stops diagnostics and releases the model. */
  async close(): Promise<void> {
    this.deactivate();
    this.#pub?.destroy();
    this.#pub = undefined;
    await this.#loads;
    await this.host.close();
  }

  /** Resolves when every load and swap asked for so far has finished. */
  settled(): Promise<LoadResult | undefined> {
    return this.#loads;
  }

  decide(feeds: Readonly<Record<string, Feed>>): Promise<PolicyDecision> {
    return this.host.decide(feeds);
  }

  #swap(path: string): void {
    const previous = this.host.modelPath ?? '';
    this.#loads = this.#loads.then(async () => {
      if (path === '') {
        await this.host.close();
        return undefined;
      }
      const r = await this.host.load(path);
      if (!r.ok) {
        // model_path names the model that runs: set it back (the host already logged why).
        this.#reverting = true;
        try {
          this.#node.setParameters([{ name: 'model_path', value: previous }]);
        } finally {
          this.#reverting = false;
        }
      }
      return r;
    });
  }

  #startTimer(): void {
    this.#timer?.cancel();
    this.#timer = this.#node.createTimer(secondsToNs(this.#p<number>('diagnostics_period')), () =>
      this.publishDiagnostics(),
    );
  }

  publishDiagnostics(): void {
    this.#pub?.publish(this.diagnostics());
  }

  /**
   * One DiagnosticStatus named `<node>: policy`: ERROR with no model, WARN when decisions fell
   * back since the last report, else OK; values: model, version, path, p50_ms, p99_ms, max_ms,
   * budget_ms, decisions, model_decisions, fallbacks and one per reason, swaps, failed_loads,
   * intra_op_threads, last_error.
   */
  diagnostics(): MessageOf<'diagnostic_msgs/msg/DiagnosticArray'> {
    const s = this.host.stats();
    const fallbacks = FALLBACK_REASONS.reduce((a, r) => a + s.fallbacks[r], 0);
    const recent = {
      decisions: s.decisions - this.#windowStart.decisions,
      fallbacks: fallbacks - this.#windowStart.fallbacks,
    };
    this.#windowStart = { decisions: s.decisions, fallbacks };
    const ms = (v: number) => (Number.isNaN(v) ? '' : v.toFixed(3));
    const [level, message] =
      s.model === undefined
        ? [2, 'no policy model: every decision uses the fallback policy']
        : recent.fallbacks > 0
          ? [1, `${recent.fallbacks} of ${recent.decisions} decisions since the last report used the fallback`]
          : [0, `${s.model.name} ${s.model.version} deciding`];
    const values: Record<string, string> = {
      model: s.model?.name ?? '',
      version: s.model?.version ?? '',
      path: s.model?.path ?? '',
      p50_ms: ms(s.p50Ms),
      p99_ms: ms(s.p99Ms),
      max_ms: ms(s.maxMs),
      budget_ms: String(s.latencyBudgetMs),
      decisions: String(s.decisions),
      model_decisions: String(s.modelDecisions),
      fallbacks: String(fallbacks),
      ...Object.fromEntries(FALLBACK_REASONS.map((r) => [`fallback_${r}`, String(s.fallbacks[r])])),
      swaps: String(s.swaps),
      failed_loads: String(s.failedLoads),
      intra_op_threads: String(s.intraOpThreads),
      last_error: s.lastError ?? '',
    };
    return {
      header: { stamp: this.#node.now().toMsg(), frame_id: '' },
      status: [
        {
          level,
          name: `${this.#node.getFullyQualifiedName()}: policy`,
          message,
          hardware_id: '',
          values: Object.entries(values).map(([key, value]) => ({ key, value })),
        },
      ],
    };
  }
}
