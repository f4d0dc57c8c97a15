import { readFileSync } from 'node:fs';
import { OutpostError, describeValue } from '../OutpostError.js';

/**
 * A model card (`*.card.json` beside the `.onnx` file): what the model takes and gives, how often
 * and how fast it must answer, what runs when it cannot, and where it came from. The policy host
 * checks the ONNX session against it at load (see TensorContract.ts). Format: runtime/policy/README.md.
 */
export interface ModelCard {
  /** Always "outpost-model-card/1". */
  format: typeof MODEL_CARD_FORMAT;
  name: string;
  version: string;
  description: string;
  /** SHA-256 (hex) of the .onnx file; when given, a file that differs is refused (corrupt or swapped). */
  modelSha256?: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Decisions per second the model is meant for. Unit: Hz. */
  controlRateHz: number;
  /** Time one decision may take, from the call to the answer. Unit: ms. */
  latencyBudgetMs: number;
  /** Name of the node's classical policy that decides when the model cannot (e.g. "nearest_frontier"). */
  fallback: string;
  /** How and on what it was trained, and how it was exported (free-form, kept as given). */
  provenance: Record<string, unknown>;
  /** Its measured scores (free-form, kept as given). */
  scores: Record<string, unknown>;
  /** Settings the observation builder must use (e.g. IR2's coords_scale), kept as given. */
  observation: Record<string, unknown>;
}

export const MODEL_CARD_FORMAT = 'outpost-model-card/1';

/** Element types a card may name; spelled as onnxruntime's `Tensor.type`. */
export const TENSOR_DTYPES = [
  'float32',
  'float64',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'bool',
] as const;
export type TensorDType = (typeof TENSOR_DTYPES)[number];

/** A dimension: a fixed size, or a symbol ("N") that takes the same value wherever it appears in one call. */
export type Dim = number | string;

export interface TensorSpec {
  name: string;
  dtype: TensorDType;
  shape: Dim[];
  description?: string;
}

/** `models/x.onnx` → `models/x.card.json`. */
export function modelCardPath(modelPath: string): string {
  return `${modelPath.replace(/\.onnx$/i, '')}.card.json`;
}

/** Reads and checks a card file; errors are OUTPOST_ERR_MODEL_CARD naming the file (and the field). */
export function loadModelCard(path: string): ModelCard {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OutpostError(
      'OUTPOST_ERR_MODEL_CARD',
      `model card ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); every .onnx needs a .card.json beside it`,
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OutpostError('OUTPOST_ERR_MODEL_CARD', `model card ${path}: not JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
  return parseModelCard(json, path);
}

/** Checks a parsed card; `file` names it in errors. */
export function parseModelCard(json: unknown, file: string): ModelCard {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new OutpostError(
      'OUTPOST_ERR_MODEL_CARD',
      `model card ${file}: "${field}": expected ${expected}, got ${describeValue(got)}`,
    );
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('(top level)', 'an object', json);
  const o = json as Record<string, unknown>;
  const str = (k: string, optional = false): string | undefined => {
    const v = o[k];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string' || v === '') return fail(k, 'a non-empty string', v);
    return v;
  };
  const pos = (k: string): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return fail(k, 'a positive number', v);
    return v;
  };
  const obj = (k: string): Record<string, unknown> => {
    const v = o[k];
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(k, 'an object', v);
    return v as Record<string, unknown>;
  };
  if (o.format !== MODEL_CARD_FORMAT) fail('format', JSON.stringify(MODEL_CARD_FORMAT), o.format);
  const sha = str('model_sha256', true);
  if (sha !== undefined && !/^[0-9a-f]{64}$/.test(sha)) fail('model_sha256', '64 lowercase hex digits', sha);
  const card: ModelCard = {
    format: MODEL_CARD_FORMAT,
    name: str('name')!,
    version: str('version')!,
    description: typeof o.description === 'string' ? o.description : '',
    inputs: tensors(o.inputs, 'inputs', fail),
    outputs: tensors(o.outputs, 'outputs', fail),
    controlRateHz: pos('control_rate_hz'),
    latencyBudgetMs: pos('latency_budget_ms'),
    fallback: str('fallback')!,
    provenance: obj('provenance'),
    scores: obj('scores'),
    observation: obj('observation'),
  };
  if (sha !== undefined) card.modelSha256 = sha;
  return card;
}

function tensors(
  v: unknown,
  field: string,
  fail: (field: string, expected: string, got: unknown) => never,
): TensorSpec[] {
  if (!Array.isArray(v) || v.length === 0) return fail(field, 'a non-empty array of tensors', v);
  const seen = new Set<string>();
  return v.map((t: unknown, i) => {
    const at = `${field}[${i}]`;
    if (typeof t !== 'object' || t === null) return fail(at, 'an object {name, dtype, shape}', t);
    const { name, dtype, shape, description } = t as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') return fail(`${at}.name`, 'a non-empty string', name);
    if (seen.has(name)) fail(`${at}.name`, 'a name not used twice', name);
    seen.add(name);
    if (typeof dtype !== 'string' || !(TENSOR_DTYPES as readonly string[]).includes(dtype)) {
      fail(`${at}.dtype`, `one of ${TENSOR_DTYPES.join(', ')}`, dtype);
    }
    if (!Array.isArray(shape)) return fail(`${at}.shape`, 'an array of sizes (integers ≥ 1) and symbols ("N")', shape);
    shape.forEach((d: unknown, j) => {
      const ok =
        (typeof d === 'number' && Number.isInteger(d) && d >= 1) ||
        (typeof d === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(d));
      if (!ok) fail(`${at}.shape[${j}]`, 'an integer ≥ 1 or a symbol such as "N"', d);
    });
    const spec: TensorSpec = { name, dtype: dtype as TensorDType, shape: shape as Dim[] };
    if (typeof description === 'string') spec.description = description;
    return spec;
  });
}

/** `float32 [1,N,6]`: how a tensor is quoted in messages. */
export function describeTensor(dtype: string, shape: readonly Dim[]): string {
  return `${dtype} [${shape.join(',')}]`;
}
