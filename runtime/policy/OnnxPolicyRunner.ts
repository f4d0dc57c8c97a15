import ort from 'onnxruntime-node';
import type {
  PolicyRunner,
  PolicySession,
  PolicySessionOptions,
  PolicyTensor,
  TensorData,
  TensorMeta,
} from './PolicyRunner.js';

/**
 * PolicyRunner on onnxruntime-node (CPU). Sessions run one operator at a time (`executionMode:
 * sequential`, inter-op 1: IR2-sized graphs gain nothing from parallel branches) with
 * `intraOpThreads` threads inside each operator, all graph optimisations on, and onnxruntime's own
 * logging at fatal only: the host logs failures itself, with the policy's name.
 */
export class OnnxPolicyRunner implements PolicyRunner {
  async load(path: string, options: PolicySessionOptions): Promise<PolicySession> {
    const session = await ort.InferenceSession.create(path, {
      intraOpNumThreads: options.intraOpThreads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 4,
    });
    return new OnnxPolicySession(session);
  }
}

class OnnxPolicySession implements PolicySession {
  readonly inputs: TensorMeta[];
  readonly outputs: TensorMeta[];
  #session: ort.InferenceSession;

  constructor(session: ort.InferenceSession) {
    this.#session = session;
    this.inputs = session.inputMetadata.map(meta);
    this.outputs = session.outputMetadata.map(meta);
  }

  tensor(dtype: string, data: TensorData, dims: readonly number[]): PolicyTensor {
    return new ort.Tensor(dtype as 'float32', data as Float32Array, dims);
  }

  async run(feeds: Record<string, PolicyTensor>): Promise<Record<string, PolicyTensor>> {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      tensors[name] = t instanceof ort.Tensor ? t : new ort.Tensor(t.type as 'float32', t.data as Float32Array, t.dims);
    }
    return this.#session.run(tensors) as Promise<Record<string, PolicyTensor>>;
  }

  async release(): Promise<void> {
    await this.#session.release();
  }
}

function meta(m: ort.InferenceSession.ValueMetadata): TensorMeta {
  if (!m.isTensor) return { name: m.name, dtype: 'non-tensor', shape: [] };
  return { name: m.name, dtype: m.type, shape: [...m.shape] };
}
