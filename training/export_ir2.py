"""Exports an IR2 policy (an original `checkpoint.pth`, or random weights) to ONNX plus a model card.

    /usr/bin/python3 training/export_ir2.py CHECKPOINT.pth OUT.onnx [options]
    /usr/bin/python3 training/export_ir2.py --random-weights --seed 7 OUT.onnx [options]

Writes OUT.onnx and OUT.card.json (and OUT.testvectors.json with --test-vectors). The checkpoint is
IR2's `torch.save` dict, whose `policy_model` entry is loaded into training/ir2/model.py's PolicyNet
with strict=True (a bare state dict is accepted too). The node count N stays symbolic in the graph.

Before anything is written, the export is checked: onnx.checker, the graph's input and output
names, dtypes and shapes against the card, and the numbers: ONNX Runtime (through Node and the
repository's onnxruntime-node, as Python has no onnxruntime here) runs the file on random IR2
observations of several sizes and its log-probabilities are compared with PyTorch's (max |diff|
over selectable slots ≤ --tolerance, the same slots blocked). --skip-runtime-check skips that last
step where Node is not available.
"""

import argparse
import datetime
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from training.ir2.model import INPUT_NAMES, OUTPUT_NAMES, PolicyNet, parameter_count  # noqa: E402
from training.ir2.observations import K_SIZE, random_observation  # noqa: E402

DTYPES = {torch.float32: "float32", torch.int64: "int64"}
# Card shapes: "N" is the graph's node count (symbolic), K the neighbour slots (30 in IR2).
SHAPES = {
    "node_inputs": [1, "N", 6],
    "edge_inputs": [1, 1, K_SIZE],
    "current_index": [1, 1, 1],
    "node_padding_mask": [1, 1, "N"],
    "edge_padding_mask": [1, 1, K_SIZE],
    "edge_mask": [1, "N", "N"],
}
DESCRIPTIONS = {
    "node_inputs": "per node: x, y (map cells × coords scale), node utility × 1/50, rendezvous utility, visit count, occupied flag (−1 self, +1 teammate, 0)",
    "edge_inputs": "indices of the current node's neighbours (itself first), 0-padded to K",
    "current_index": "index of the node at the robot",
    "node_padding_mask": "1 for padding nodes (ignored as attention keys), 0 for real nodes; all 0 at run time",
    "edge_padding_mask": "1 where the slot is not selectable (IR2: where edge_inputs is 0)",
    "edge_mask": "0 where j is a neighbour of i, 1 elsewhere (attention mask of every encoder layer)",
    "logp": "log-probabilities over the K neighbour slots; argmax a, next node = edge_inputs[0,0,a]",
}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="+", metavar="PATH", help="CHECKPOINT.pth OUT.onnx, or OUT.onnx with --random-weights")
    p.add_argument("--random-weights", action="store_true", help="IR2's initialisation instead of a checkpoint (tests)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random weights and of the check observations")
    p.add_argument("--name", default="ir2-explore", help="card name")
    p.add_argument("--version", default="0.1.0", help="card version")
    p.add_argument("--opset", type=int, default=17, help="ONNX opset (≥ 14; 17 has a fused LayerNormalization)")
    p.add_argument("--control-rate-hz", type=float, default=1.0, help="decisions per second the card declares")
    p.add_argument("--latency-budget-ms", type=float, default=100.0, help="per-decision budget the card declares")
    p.add_argument("--fallback", default="nearest_frontier", help="the node's classical policy used on a miss")
    p.add_argument("--coords-scale", type=float, default=1 / 640, help="scale of x, y the model was trained with (IR2: 1/640, 1/1000 on large maps)")
    p.add_argument("--trained-on", default=None, help="provenance: how and on what the checkpoint was trained")
    p.add_argument("--scores", default=None, help="provenance: measured scores, a JSON object or a path to one")
    p.add_argument("--check-sizes", default="17,120,333", help="node counts of the runtime check")
    p.add_argument("--tolerance", type=float, default=1e-4, help="max |ONNX − PyTorch| over selectable slots")
    p.add_argument("--test-vectors", action="store_true", help="also write OUT.testvectors.json (inputs and PyTorch's logp)")
    p.add_argument("--skip-runtime-check", action="store_true", help="do not run the file in ONNX Runtime (no Node here)")
    a = p.parse_args(argv)
    if a.random_weights:
        if len(a.paths) != 1:
            p.error("with --random-weights give only OUT.onnx")
        a.checkpoint, a.out = None, Path(a.paths[0])
    else:
        if len(a.paths) != 2:
            p.error("expected CHECKPOINT.pth OUT.onnx")
        a.checkpoint, a.out = Path(a.paths[0]), Path(a.paths[1])
    if a.out.suffix != ".onnx":
        p.error(f"OUT must end in .onnx, got {a.out}")
    if a.opset < 14:
        p.error(f"--opset must be ≥ 14, got {a.opset}")
    return a


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_policy(args) -> PolicyNet:
    torch.manual_seed(args.seed)
    blob = torch.load(args.checkpoint, map_location="cpu") if args.checkpoint is not None else None
    # Outpost's own checkpoints (training/train_imitation.py) carry the architecture's sizes in
    # `config`; IR2's do not, and get IR2's sizes.
    config = blob.get("config") if isinstance(blob, dict) and isinstance(blob.get("config"), dict) else {}
    model = PolicyNet(**config)
    args.training_record = blob.get("training") if isinstance(blob, dict) else None
    if args.checkpoint is not None:
        state = blob.get("policy_model", blob) if isinstance(blob, dict) else None
        if not isinstance(state, dict):
            sys.exit(f"{args.checkpoint}: expected IR2's checkpoint dict with a 'policy_model' state dict, got {type(blob).__name__}")
        try:
            model.load_state_dict(state, strict=True)
        except RuntimeError as err:
            sys.exit(f"{args.checkpoint}: 'policy_model' does not match IR2's PolicyNet:\n{err}")
    return model.eval()


def export(model: PolicyNet, path: Path, opset: int) -> None:
    example = random_observation(50, generator=torch.Generator().manual_seed(1))
    torch.onnx.export(
        model, tuple(example[n] for n in INPUT_NAMES), str(path),
        input_names=INPUT_NAMES, output_names=OUTPUT_NAMES, opset_version=opset, do_constant_folding=True,
        dynamic_axes={"node_inputs": {1: "N"}, "node_padding_mask": {2: "N"}, "edge_mask": {1: "N", 2: "N"}},
    )


def check_graph(path: Path, card: dict) -> None:
    import onnx
    from onnx import TensorProto

    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    names = {TensorProto.FLOAT: "float32", TensorProto.INT64: "int64"}
    for kind, values in (("input", model.graph.input), ("output", model.graph.output)):
        specs = card[kind + "s"]
        got = [v.name for v in values]
        if got != [s["name"] for s in specs]:
            sys.exit(f"export: graph {kind}s are {got}, the card says {[s['name'] for s in specs]}")
        for v, spec in zip(values, specs):
            t = v.type.tensor_type
            dims = [d.dim_param if d.HasField("dim_param") else d.dim_value for d in t.shape.dim]
            dtype = names.get(t.elem_type, str(t.elem_type))
            if kind == "output":
                # The tracer leaves the output's batch dim symbolic (named by itself); the card fixes it
                # to 1, which the host accepts (a card may narrow a symbolic dim, see ModelCard.ts).
                dims = [s if isinstance(d, str) and isinstance(s, int) else d for d, s in zip(dims, spec["shape"])]
            if dtype != spec["dtype"] or dims != spec["shape"]:
                sys.exit(f"export: {kind} {v.name!r} is {dtype} {dims}, the card says {spec['dtype']} {spec['shape']}")


def observations(args):
    sizes = [int(s) for s in args.check_sizes.split(",") if s.strip()]
    return [random_observation(n, generator=torch.Generator().manual_seed(args.seed * 1000 + n)) for n in sizes]


def vectors(model: PolicyNet, obs_list) -> dict:
    cases = []
    with torch.no_grad():
        for obs in obs_list:
            logp = model(**obs)
            cases.append({
                "inputs": {n: {"dtype": DTYPES[t.dtype], "dims": list(t.shape), "data": t.flatten().tolist()} for n, t in obs.items()},
                "outputs": {"logp": {"dtype": "float32", "dims": list(logp.shape), "data": logp.flatten().tolist()}},
            })
    return {"format": "outpost-test-vectors/1", "cases": cases}


def runtime_check(onnx_path: Path, vectors_path: Path, tolerance: float) -> float:
    cmd = ["node", str(REPO / "training" / "verify_onnx.mjs"), str(onnx_path), str(vectors_path)]
    try:
        out = subprocess.run(cmd, cwd=REPO, check=True, capture_output=True, text=True)
    except FileNotFoundError:
        sys.exit("runtime check: `node` not found; install Node 20 and run `npm ci`, or pass --skip-runtime-check")
    except subprocess.CalledProcessError as err:
        sys.exit(f"runtime check failed ({' '.join(cmd)}):\n{err.stdout}{err.stderr}")
    report = json.loads(out.stdout)
    for case in report["cases"]:
        print(f"  ONNX Runtime vs PyTorch, N={case['n']}: max |diff| {case['maxAbsDiff']:.3g}, same blocked slots {case['sameBlocked']}")
        if not case["sameBlocked"] or case["maxAbsDiff"] > tolerance:
            sys.exit(f"runtime check: N={case['n']} differs (max |diff| {case['maxAbsDiff']}, tolerance {tolerance})")
    return max(c["maxAbsDiff"] for c in report["cases"])


def make_card(args, model: PolicyNet, onnx_path: Path, max_diff) -> dict:
    if args.checkpoint is None:
        trained = f"untrained: IR2's random initialisation, seed {args.seed}; for tests only"
        source = {"weights": "random", "seed": args.seed}
    else:
        trained = args.trained_on or "IR2 PolicyNet checkpoint; how it was trained is not recorded here (pass --trained-on)"
        source = {"checkpoint": args.checkpoint.name, "checkpoint_sha256": sha256(args.checkpoint)}
        if getattr(args, "training_record", None):
            source["training"] = args.training_record
    scores = {}
    if args.scores:
        text = Path(args.scores).read_text() if os.path.exists(args.scores) else args.scores
        scores = json.loads(text)
    return {
        "format": "outpost-model-card/1",
        "name": args.name,
        "version": args.version,
        "description": "IR2 (marmotlab/IR2-Multi-Robot-RL-Exploration) attention policy: picks the next node among the current node's K=30 neighbours.",
        "model_sha256": sha256(onnx_path),
        "inputs": [{"name": n, "dtype": "float32" if n in ("node_inputs", "edge_mask") else "int64", "shape": SHAPES[n], "description": DESCRIPTIONS[n]} for n in INPUT_NAMES],
        "outputs": [{"name": "logp", "dtype": "float32", "shape": [1, K_SIZE], "description": DESCRIPTIONS["logp"]}],
        "control_rate_hz": args.control_rate_hz,
        "latency_budget_ms": args.latency_budget_ms,
        "fallback": args.fallback,
        "observation": {"coords_scale": args.coords_scale, "utility_scale": 1 / 50, "k": K_SIZE,
                        "relative_coords": bool((getattr(args, "training_record", None) or {}).get("relative_coords", False))},
        "provenance": {
            "architecture": f"IR2 PolicyNet (training/ir2/model.py), {parameter_count(model)} parameters",
            "architecture_config": model.config,
            "trained": trained,
            **source,
            "exported_by": "training/export_ir2.py",
            "exported_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "torch": torch.__version__,
            "opset": args.opset,
            "runtime_check_max_abs_diff": max_diff,
        },
        "scores": scores,
    }


def main(argv=None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    model = load_policy(args)
    print(f"PolicyNet: {parameter_count(model)} parameters ({'random, seed %d' % args.seed if args.checkpoint is None else args.checkpoint})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.out.parent) as tmp:
        tmp_onnx = Path(tmp) / args.out.name
        export(model, tmp_onnx, args.opset)
        card = make_card(args, model, tmp_onnx, None)
        check_graph(tmp_onnx, card)
        tmp_vectors = Path(tmp) / "vectors.json"
        tmp_vectors.write_text(json.dumps(vectors(model, observations(args))))
        max_diff = None
        if not args.skip_runtime_check:
            max_diff = runtime_check(tmp_onnx, tmp_vectors, args.tolerance)
        card["provenance"]["runtime_check_max_abs_diff"] = max_diff
        stem = args.out.with_suffix("")
        os.replace(tmp_onnx, args.out)
        Path(f"{stem}.card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
        if args.test_vectors:
            os.replace(tmp_vectors, f"{stem}.testvectors.json")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.2f} MB) and {stem}.card.json" + (f" and {stem}.testvectors.json" if args.test_vectors else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
