import { OutpostError } from '../OutpostError.js';
import { describeTensor, type Dim, type ModelCard, type TensorDType, type TensorSpec } from './ModelCard.js';
import type { PolicyTensor, TensorMeta, TensorData } from './PolicyRunner.js';

/**
 * Checks what an ONNX session declares against its card, input by input and output by output.
 * Rules: the same input names (none missing, none extra); every card output present and no extra
 * ones; the same dtype and rank; a fixed size in the model must be the same fixed size in the
 * card (a symbol there would promise sizes the model cannot take); a symbol in the model may be a
 * symbol or a fixed size in the card (the card may narrow it). Throws OUTPOST_ERR_MODEL_CONTRACT
 * naming the policy, the tensor, what the card expects, what the file has, and the file.
 */
export function checkModelAgainstCard(
  card: ModelCard,
  model: { inputs: TensorMeta[]; outputs: TensorMeta[] },
  modelPath: string,
): void {
  const fail = (what: string): never => {
    throw new OutpostError('OUTPOST_ERR_MODEL_CONTRACT', `policy "${card.name}" ${what} (${modelPath})`);
  };
  for (const [kind, specs, metas] of [
    ['input', card.inputs, model.inputs],
    ['output', card.outputs, model.outputs],
  ] as const) {
    const byName = new Map(metas.map((m) => [m.name, m]));
    for (const spec of specs) {
      const meta = byName.get(spec.name);
      if (meta === undefined) {
        fail(
          `${kind} "${spec.name}": expected ${describeTensor(spec.dtype, spec.shape)}, the model has no such ${kind} (it has ${metas.map((m) => `"${m.name}"`).join(', ') || 'none'})`,
        );
        continue;
      }
      const mismatch =
        meta.dtype !== spec.dtype ||
        meta.shape.length !== spec.shape.length ||
        meta.shape.some((d, i) => typeof d === 'number' && d !== spec.shape[i]);
      if (mismatch)
        fail(
          `${kind} "${spec.name}": expected ${describeTensor(spec.dtype, spec.shape)}, got ${describeTensor(meta.dtype, meta.shape)}`,
        );
    }
    const extra = metas.filter((m) => !specs.some((s) => s.name === m.name));
    if (extra.length > 0) {
      fail(
        `${kind} "${extra[0]!.name}": the model has this ${kind} (${describeTensor(extra[0]!.dtype, extra[0]!.shape)}), the card does not list it`,
      );
    }
  }
}

/** The typed array each dtype travels in (onnxruntime-node's mapping). */
export const TYPED_ARRAYS: Readonly<Record<TensorDType, { name: string; make: (n: number) => TensorData }>> = {
  float32: { name: 'Float32Array', make: (n) => new Float32Array(n) },
  float64: { name: 'Float64Array', make: (n) => new Float64Array(n) },
  int8: { name: 'Int8Array', make: (n) => new Int8Array(n) },
  uint8: { name: 'Uint8Array', make: (n) => new Uint8Array(n) },
  int16: { name: 'Int16Array', make: (n) => new Int16Array(n) },
  uint16: { name: 'Uint16Array', make: (n) => new Uint16Array(n) },
  int32: { name: 'Int32Array', make: (n) => new Int32Array(n) },
  uint32: { name: 'Uint32Array', make: (n) => new Uint32Array(n) },
  int64: { name: 'BigInt64Array', make: (n) => new BigInt64Array(n) },
  uint64: { name: 'BigUint64Array', make: (n) => new BigUint64Array(n) },
  bool: { name: 'Uint8Array', make: (n) => new Uint8Array(n) },
};

/** A feed as a caller gives it: the data and its dims (the dtype is the card's). */
export interface Feed {
  data: TensorData;
  dims: readonly number[];
}

/**
 * Checks one call's feeds against the card: every input present and no other, the card's typed
 * array, the card's rank, fixed sizes equal, each symbol the same size everywhere, and as many
 * values as the dims say. Returns the symbols' sizes (e.g. { N: 200 }). Throws
 * OUTPOST_ERR_POLICY_INPUT naming the input, what was expected and what came.
 */
export function checkFeeds(
  card: ModelCard,
  feeds: Readonly<Record<string, Feed | PolicyTensor>>,
): Record<string, number> {
  const fail = (name: string, what: string): never => {
    throw new OutpostError('OUTPOST_ERR_POLICY_INPUT', `policy "${card.name}" input "${name}": ${what}`);
  };
  const bound: Record<string, number> = {};
  for (const spec of card.inputs) {
    const feed = feeds[spec.name];
    if (feed === undefined) fail(spec.name, `expected ${describeTensor(spec.dtype, spec.shape)}, got nothing`);
    checkFeed(spec, feed!, bound, fail);
  }
  for (const name of Object.keys(feeds)) {
    if (!card.inputs.some((s) => s.name === name))
      fail(name, `the model has no such input (it takes ${card.inputs.map((s) => `"${s.name}"`).join(', ')})`);
  }
  return bound;
}

function checkFeed(
  spec: TensorSpec,
  feed: Feed,
  bound: Record<string, number>,
  fail: (name: string, what: string) => never,
): void {
  const want = TYPED_ARRAYS[spec.dtype].name;
  const got = feed.data?.constructor?.name ?? typeof feed.data;
  if (got !== want) fail(spec.name, `expected ${spec.dtype} data in a ${want}, got a ${got}`);
  const dims = feed.dims;
  const shapeOk =
    dims.length === spec.shape.length &&
    spec.shape.every((d: Dim, i) => {
      const v = dims[i]!;
      if (!Number.isInteger(v) || v < 0) return false;
      if (typeof d === 'number') return v === d;
      if (bound[d] === undefined) bound[d] = v;
      return bound[d] === v;
    });
  if (!shapeOk) {
    const symbols = Object.entries(bound)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    fail(
      spec.name,
      `expected ${describeTensor(spec.dtype, spec.shape)}${symbols === '' ? '' : ` with ${symbols}`}, got ${describeTensor(spec.dtype, dims)}`,
    );
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (feed.data.length !== count)
    fail(spec.name, `dims [${dims.join(',')}] hold ${count} values, the data has ${feed.data.length}`);
}
