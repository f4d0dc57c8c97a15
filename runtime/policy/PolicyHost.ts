import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { OutpostError, isOutpostError } from '../OutpostError.js';
import { LatencyHistogram } from './LatencyHistogram.js';
import { loadModelCard, modelCardPath, type ModelCard } from './ModelCard.js';
import { OnnxPolicyRunner } from './OnnxPolicyRunner.js';
import type { PolicyRunner, PolicySession, PolicyTensor, TensorData } from './PolicyRunner.js';
import { TYPED_ARRAYS, checkFeeds, checkModelAgainstCard, type Feed } from './TensorContract.js';

/**
 * Two intra-op threads: on a 4-core Raspberry Pi that leaves two cores to the mapper, planner,
 * fleet link and the event loop; ORT's own default (all cores) makes them fight the policy.
 */
export const DEFAULT_INTRA_OP_THREADS = 2;

export interface PolicyHostOptions {
  logger: Logger;
  /** The inference engine; default onnxruntime-node. */
  runner?: PolicyRunner;
  /** Threads per operator (onnxruntime intraOpNumThreads). Default DEFAULT_INTRA_OP_THREADS. */
  intraOpThreads?: number;
  /** Per-decision budget; default the card's `latency_budget_ms`. Unit: ms. */
  latencyBudgetMs?: number;
  /** Runs on zero-filled inputs after load, before the model takes decisions. Default 3. */
  warmupRuns?: number;
  /** Size each symbolic dim takes in warm-up runs (e.g. { N: 200 }); default 16. */
  warmupSizes?: Record<string, number>;
  /** Least time between two log lines about fallbacks of one reason (the rest are counted). Unit: ms. Default 5000. */
  logIntervalMs?: number;
}

/** Why a decision came from the fallback policy instead of the model. */
export type FallbackReason = 'no_model' | 'deadline' | 'error' | 'invalid_input';
export const FALLBACK_REASONS: readonly FallbackReason[] = ['no_model', 'deadline', 'error', 'invalid_input'];

export type PolicyDecision =
  | {
      source: 'model';
      /** The model's outputs by name (onnxruntime tensors). */
      outputs: Record<string, PolicyTensor>;
      /** From the call to the answer, validation included. Unit: ms. */
      latencyMs: number;
      /** `name@version` of the model that answered. */
      model: string;
    }
  | {
      source: 'fallback';
      reason: FallbackReason;
      /** The card's fallback policy name ("" when no card was ever loaded): the node runs it. */
      fallback: string;
      latencyMs: number;
      /** What went wrong (absent for a plain deadline miss with no error). */
      error?: OutpostError;
    };

export type LoadResult = { ok: true; card: ModelCard } | { ok: false; error: OutpostError };

export interface PolicyHostStats {
  model?: { name: string; version: string; path: string };
  decisions: number;
  modelDecisions: number;
  fallbacks: Record<FallbackReason, number>;
  /** Latency of model calls since the current model was loaded (NaN before the first). Unit: ms. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  latencyBudgetMs: number;
  intraOpThreads: number;
  swaps: number;
  failedLoads: number;
  lastError?: string;
}

interface LoadedModel {
  path: string;
  card: ModelCard;
  session: PolicySession;
  /** Pre-allocated tensors for inputs whose shape the card fixes. */
  fixed: Map<string, PolicyTensor>;
  inflight: number;
  retired: boolean;
}

/**
 * Runs a policy model for a node: loads an ONNX file with its card and checks one against the
 * other, warms it up, and answers `decide(feeds)` with the model's outputs, or with "use your
 * fallback" (and why) when there is no model, the feeds are wrong, the model throws or the answer
 * came later than the budget. Never throws from `load` or `decide`: failures are returned,
 * counted and logged. `load` of a new file while one runs is a hot swap: the new model is
 * opened, checked and warmed beside the old one and replaces it in one assignment; a bad file
 * leaves the old one running.
 *
 * The budget is checked when the answer arrives: onnxruntime-node runs a session on the JS thread,
 * so a late answer cannot be pre-empted, only refused (the decision then is the fallback's).
 */
export class PolicyHost {
  #log: Logger;
  #runner: PolicyRunner;
  #threads: number;
  #budget: number | undefined;
  #warmupRuns: number;
  #warmupSizes: Record<string, number>;
  #logInterval: number;
  #active: LoadedModel | undefined;
  #lastCard: ModelCard | undefined;
  #hist = new LatencyHistogram();
  #decisions = 0;
  #modelDecisions = 0;
  #fallbacks: Record<FallbackReason, number> = { no_model: 0, deadline: 0, error: 0, invalid_input: 0 };
  #swaps = 0;
  #failedLoads = 0;
  #lastError: string | undefined;
  #lastLog = new Map<FallbackReason, { at: number; suppressed: number }>();
  #loading: Promise<unknown> = Promise.resolve();

  constructor(options: PolicyHostOptions) {
    this.#log = options.logger;
    this.#runner = options.runner ?? new OnnxPolicyRunner();
    this.#threads = options.intraOpThreads ?? DEFAULT_INTRA_OP_THREADS;
    this.#budget = options.latencyBudgetMs;
    this.#warmupRuns = options.warmupRuns ?? 3;
    this.#warmupSizes = options.warmupSizes ?? {};
    this.#logInterval = options.logIntervalMs ?? 5000;
  }

  /** The running model's card (undefined while there is none). */
  get card(): ModelCard | undefined {
    return this.#active?.card;
  }

  get modelPath(): string | undefined {
    return this.#active?.path;
  }

  /** The budget in force: the option or setter if given, else the card's. Unit: ms. */
  get latencyBudgetMs(): number {
    return this.#budget ?? this.#active?.card.latencyBudgetMs ?? Number.POSITIVE_INFINITY;
  }

  /** Overrides the card's budget; undefined goes back to it. Unit: ms. */
  set latencyBudgetMs(ms: number | undefined) {
    this.#budget = ms;
  }

  get intraOpThreads(): number {
    return this.#threads;
  }

  /** Changes the thread count by reloading the running model with it (a swap to the same file). */
  async setIntraOpThreads(threads: number): Promise<LoadResult | undefined> {
    this.#threads = threads;
    return this.#active === undefined ? undefined : this.load(this.#active.path);
  }

  /**
   * Loads `path` (and `path` minus .onnx plus .card.json), checks it, warms it up and makes it the
   * running model. Loads run one after another. On failure the running model (if any) stays, the
   * error is logged and returned: OUTPOST_ERR_MODEL_LOAD (missing, corrupt, checksum, warm-up
   * failed), OUTPOST_ERR_MODEL_CARD or OUTPOST_ERR_MODEL_CONTRACT.
   */
  load(path: string): Promise<LoadResult> {
    const next = this.#loading.then(() => this.#load(path));
    this.#loading = next;
    return next;
  }

  async #load(path: string): Promise<LoadResult> {
    let model: LoadedModel | undefined;
    try {
      model = await this.#open(path);
      this.#lastCard = model.card;
      const old = this.#active;
      this.#active = model; // the swap: decisions from here on use the new model
      this.#hist.reset();
      if (old !== undefined) {
        this.#swaps++;
        old.retired = true;
        if (old.inflight === 0) await old.session.release();
      }
      this.#log.info(
        { model: path, card: model.card.name, version: model.card.version, threads: this.#threads },
        `policy "${model.card.name}" ${model.card.version} loaded from ${path}${old === undefined ? '' : ` (replaces ${old.card.name} ${old.card.version})`}`,
      );
      return { ok: true, card: model.card };
    } catch (err) {
      const error = isOutpostError(err)
        ? err
        : new OutpostError('OUTPOST_ERR_MODEL_LOAD', `policy model ${path}: ${(err as Error).message}`, { cause: err });
      this.#failedLoads++;
      this.#lastError = error.message;
      const running =
        this.#active === undefined
          ? 'no model is running: decisions use the fallback policy'
          : `still running ${this.#active.card.name} ${this.#active.card.version} from ${this.#active.path}`;
      this.#log.error({ err: error, code: error.code, model: path }, `${error.message}; ${running}`);
      return { ok: false, error };
    }
  }

  async #open(path: string): Promise<LoadedModel> {
    if (!existsSync(path)) throw new OutpostError('OUTPOST_ERR_MODEL_LOAD', `policy model ${path}: no such file`);
    const card = loadModelCard(modelCardPath(path));
    if (card.modelSha256 !== undefined) {
      const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
      if (sha !== card.modelSha256) {
        throw new OutpostError(
          'OUTPOST_ERR_MODEL_LOAD',
          `policy "${card.name}" model ${path}: expected SHA-256 ${card.modelSha256.slice(0, 12)}…, got ${sha.slice(0, 12)}… (file corrupt, or not the model the card describes)`,
        );
      }
    }
    let session: PolicySession;
    try {
      session = await this.#runner.load(path, { intraOpThreads: this.#threads });
    } catch (err) {
      throw new OutpostError(
        'OUTPOST_ERR_MODEL_LOAD',
        `policy "${card.name}" model ${path}: cannot load it (${(err as Error).message.split('\n')[0]})`,
        { cause: err },
      );
    }
    try {
      checkModelAgainstCard(card, session, path);
      const fixed = new Map<string, PolicyTensor>();
      for (const spec of card.inputs) {
        if (spec.shape.every((d) => typeof d === 'number')) {
          const dims = spec.shape as number[];
          fixed.set(
            spec.name,
            session.tensor(spec.dtype, TYPED_ARRAYS[spec.dtype].make(dims.reduce((a, b) => a * b, 1)), dims),
          );
        }
      }
      const model: LoadedModel = { path, card, session, fixed, inflight: 0, retired: false };
      await this.#warmUp(model);
      return model;
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  async #warmUp(model: LoadedModel): Promise<void> {
    const feeds: Record<string, PolicyTensor> = {};
    for (const spec of model.card.inputs) {
      const dims = spec.shape.map((d) => (typeof d === 'number' ? d : (this.#warmupSizes[d] ?? 16)));
      feeds[spec.name] =
        model.fixed.get(spec.name) ??
        model.session.tensor(spec.dtype, TYPED_ARRAYS[spec.dtype].make(dims.reduce((a, b) => a * b, 1)), dims);
    }
    for (let i = 0; i < this.#warmupRuns; i++) {
      try {
        await model.session.run(feeds);
      } catch (err) {
        throw new OutpostError(
          'OUTPOST_ERR_MODEL_LOAD',
          `policy "${model.card.name}" model ${model.path}: warm-up run on zero inputs failed (${(err as Error).message.split('\n')[0]})`,
          { cause: err },
        );
      }
    }
  }

  /**
   * A pre-allocated buffer for an input whose shape the running model's card fixes (IR2:
   * edge_inputs, current_index, edge_padding_mask): fill it and pass it back in `decide`'s feeds,
   * and that input costs no allocation. Undefined for symbolic shapes or without a model. Ask
   * again after a swap (the new model has its own).
   */
  buffer(name: string): TensorData | undefined {
    return this.#active?.fixed.get(name)?.data;
  }

  /**
   * One decision. Feeds are typed arrays of the card's dtypes with their dims (IR2: Float32Array
   * and BigInt64Array). Resolves to the model's outputs, or to the fallback with the reason.
   */
  async decide(feeds: Readonly<Record<string, Feed>>): Promise<PolicyDecision> {
    const start = performance.now();
    this.#decisions++;
    const model = this.#active;
    if (model === undefined) return this.#fallback('no_model', start, undefined);
    model.inflight++;
    try {
      let tensors: Record<string, PolicyTensor>;
      try {
        checkFeeds(model.card, feeds);
        tensors = {};
        for (const spec of model.card.inputs) {
          const feed = feeds[spec.name]!;
          const pre = model.fixed.get(spec.name);
          tensors[spec.name] =
            pre !== undefined && pre.data === feed.data ? pre : model.session.tensor(spec.dtype, feed.data, feed.dims);
        }
      } catch (err) {
        return this.#fallback('invalid_input', start, err as OutpostError);
      }
      let outputs: Record<string, PolicyTensor>;
      try {
        outputs = await model.session.run(tensors);
      } catch (err) {
        const error = new OutpostError(
          'OUTPOST_ERR_POLICY_RUN',
          `policy "${model.card.name}" ${model.card.version}: the model failed (${(err as Error).message.split('\n')[0]})`,
          { cause: err },
        );
        return this.#fallback('error', start, error);
      }
      const latencyMs = performance.now() - start;
      this.#hist.record(latencyMs);
      const budget = this.#budget ?? model.card.latencyBudgetMs;
      if (latencyMs > budget) {
        const error = new OutpostError(
          'OUTPOST_ERR_POLICY_DEADLINE',
          `policy "${model.card.name}" ${model.card.version}: answered in ${latencyMs.toFixed(2)} ms, budget ${budget} ms`,
        );
        return this.#fallback('deadline', start, error, model.card.fallback);
      }
      this.#modelDecisions++;
      return { source: 'model', outputs, latencyMs, model: `${model.card.name}@${model.card.version}` };
    } finally {
      model.inflight--;
      if (model.retired && model.inflight === 0) void model.session.release();
    }
  }

  #fallback(reason: FallbackReason, start: number, error: OutpostError | undefined, fallback?: string): PolicyDecision {
    this.#fallbacks[reason]++;
    const name = fallback ?? this.#active?.card.fallback ?? this.#lastCard?.fallback ?? '';
    const message = error?.message ?? 'no policy model is loaded';
    this.#lastError = message;
    const now = performance.now();
    const last = this.#lastLog.get(reason);
    if (last === undefined || now - last.at >= this.#logInterval) {
      const more = last !== undefined && last.suppressed > 0 ? ` (${last.suppressed} more since the last report)` : '';
      this.#log.warn(
        { reason, code: error?.code, fallback: name },
        `policy decision from fallback "${name}" (${reason}): ${message}${more}`,
      );
      this.#lastLog.set(reason, { at: now, suppressed: 0 });
    } else last.suppressed++;
    const decision: PolicyDecision = {
      source: 'fallback',
      reason,
      fallback: name,
      latencyMs: performance.now() - start,
    };
    if (error !== undefined) decision.error = error;
    return decision;
  }

  stats(): PolicyHostStats {
    const a = this.#active;
    const s: PolicyHostStats = {
      decisions: this.#decisions,
      modelDecisions: this.#modelDecisions,
      fallbacks: { ...this.#fallbacks },
      p50Ms: this.#hist.quantile(0.5),
      p99Ms: this.#hist.quantile(0.99),
      maxMs: this.#hist.count === 0 ? Number.NaN : this.#hist.maxMs,
      latencyBudgetMs: this.latencyBudgetMs,
      intraOpThreads: this.#threads,
      swaps: this.#swaps,
      failedLoads: this.#failedLoads,
    };
    if (a !== undefined) s.model = { name: a.card.name, version: a.card.version, path: a.path };
    if (this.#lastError !== undefined) s.lastError = this.#lastError;
    return s;
  }

  /** Releases the running model once its calls are done; later decisions use the fallback. */
  async close(): Promise<void> {
    await this.#loading;
    const a = this.#active;
    this.#active = undefined;
    if (a === undefined) return;
    a.retired = true;
    if (a.inflight === 0) await a.session.release();
  }
}
