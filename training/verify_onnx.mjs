// Runs an ONNX file in onnxruntime-node on test vectors (inputs plus PyTorch's outputs, written by
// training/export_ir2.py) and prints, per case, the max |ONNX − PyTorch| over the slots PyTorch left
// selectable and whether both blocked the same slots. Used by the export script, since Python has
// no onnxruntime here.   node training/verify_onnx.mjs MODEL.onnx VECTORS.json
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const BLOCKED = -1e6; // masked slots score about −1e8 before log-softmax
const [modelPath, vectorsPath] = process.argv.slice(2);
if (modelPath === undefined || vectorsPath === undefined) {
  console.error('usage: node training/verify_onnx.mjs MODEL.onnx VECTORS.json');
  process.exit(2);
}
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1 });
const { cases } = JSON.parse(readFileSync(vectorsPath, 'utf8'));
const report = [];
for (const c of cases) {
  const feeds = {};
  for (const [name, t] of Object.entries(c.inputs)) {
    const data = t.dtype === 'int64' ? BigInt64Array.from(t.data, (v) => BigInt(v)) : Float32Array.from(t.data);
    feeds[name] = new ort.Tensor(t.dtype, data, t.dims);
  }
  const out = await session.run(feeds);
  let maxAbsDiff = 0;
  let sameBlocked = true;
  for (const [name, want] of Object.entries(c.outputs)) {
    const got = out[name].data;
    if (got.length !== want.data.length) throw new Error(`output ${name}: ${got.length} values, expected ${want.data.length}`);
    want.data.forEach((w, i) => {
      const g = got[i];
      if ((w > BLOCKED) !== (g > BLOCKED)) sameBlocked = false;
      else if (w > BLOCKED) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(w - g));
    });
  }
  report.push({ n: c.inputs.node_inputs.dims[1], maxAbsDiff, sameBlocked });
}
await session.release();
console.log(JSON.stringify({ cases: report }));
