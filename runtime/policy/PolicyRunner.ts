import type { Dim } from './ModelCard.js';

/**
 * The small interface between the policy host and an inference engine, so that the host (and the
 * runtime core) never imports onnxruntime-node; OnnxPolicyRunner.ts is the implementation.
 */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** A tensor as both sides see it; onnxruntime's `Tensor` has this shape. */
export interface PolicyTensor {
  readonly type: string;
  readonly data: TensorData;
  readonly dims: readonly number[];
}

/** What a model file declares for one input or output (a symbolic dim is its name). */
export interface TensorMeta {
  name: string;
  dtype: string;
  shape: Dim[];
}

export interface PolicySession {
  readonly inputs: TensorMeta[];
  readonly outputs: TensorMeta[];
  /** Wraps data as the engine's tensor, once, so a pre-allocated buffer costs nothing per call. */
  tensor(dtype: string, data: TensorData, dims: readonly number[]): PolicyTensor;
  run(feeds: Record<string, PolicyTensor>): Promise<Record<string, PolicyTensor>>;
  release(): Promise<void>;
}

export interface PolicySessionOptions {
  /** Threads one operator may use (onnxruntime intraOpNumThreads). */
  intraOpThreads: number;
}

export interface PolicyRunner {
  /** Opens a model file; rejects when it is missing or not a model the engine can run. */
  load(path: string, options: PolicySessionOptions): Promise<PolicySession>;
}
