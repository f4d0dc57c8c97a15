#!/usr/bin/env bash
# Reproduces models/ir2-explore.onnx (+ .card.json) from scratch: DAgger on Outpost's simulator.
#   npm run train:ir2            (or: bash training/reproduce.sh [WORK_DIR])
# Needs Debian's python3-torch and python3-onnx (apt-get install -y python3-torch python3-onnx);
# everything runs on the CPU (iterations 0-2: 97 min measured on 2 busy cores; iteration 3: ~20 min). Episodes and intermediate
# checkpoints go to WORK_DIR (default training/data/run), the final model to models/.
# This is exactly the recipe the shipped model was made with (see its card's provenance).
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-training/data/run}"
PY=/usr/bin/python3
TRAIN="$PY training/train_imitation.py --batch 16 --lr 1e-3 --epochs 2 --threads 2"
EXPORT="$PY training/export_ir2.py --name ir2-explore --coords-scale 0.015625"
mkdir -p "$WORK"
npm run build --silent
node dist/training/collect.js maps --out training/data/maps
echo "== iteration 0: the privileged expert drives, every decision is labelled"
node dist/training/collect.js run --out "$WORK/iter0" --policy expert --maps train --seeds 1-2
$TRAIN "$WORK/iter0" --out "$WORK/iter0.pth"
$TRAIN "$WORK/iter0" --init "$WORK/iter0.pth" --out "$WORK/iter0b.pth"
$EXPORT "$WORK/iter0b.pth" "$WORK/iter0b.onnx" --version 0.4.0-iter0
echo "== iteration 1 (DAgger): the learned policy drives half the decisions, the expert labels all"
node dist/training/collect.js run --out "$WORK/iter1" --policy ir2 --model "$WORK/iter0b.onnx" --mix 0.5 --maps train --seeds 3
$TRAIN "$WORK/iter0" "$WORK/iter1" --init "$WORK/iter0b.pth" --out "$WORK/iter1.pth"
$EXPORT "$WORK/iter1.pth" "$WORK/iter1.onnx" --version 0.4.0-iter1
echo "== iteration 2 (DAgger): the same with the iteration-1 policy"
node dist/training/collect.js run --out "$WORK/iter2" --policy ir2 --model "$WORK/iter1.onnx" --mix 0.5 --maps train --seeds 4
$TRAIN "$WORK/iter0" "$WORK/iter1" "$WORK/iter2" --init "$WORK/iter1.pth" --out "$WORK/iter2.pth"
$EXPORT "$WORK/iter2.pth" "$WORK/iter2.onnx" --version 0.4.0
echo "== iteration 3 (DAgger): the same with the iteration-2 policy"
node dist/training/collect.js run --out "$WORK/iter3" --policy ir2 --model "$WORK/iter2.onnx" --mix 0.5 --maps train --seeds 5
$TRAIN "$WORK/iter0" "$WORK/iter1" "$WORK/iter2" "$WORK/iter3" --init "$WORK/iter2.pth" --out "$WORK/iter3.pth"
$EXPORT "$WORK/iter3.pth" models/ir2-explore.onnx --version 0.5.0
# The shipped card's `trained` and `scores` were then added by exporting the same checkpoint again
# with --trained-on and --scores (the ONNX bytes, model_sha256, are the same).
echo "wrote models/ir2-explore.onnx; compare on the held-out maps with:"
echo "  node dist/bench/explorationBaselines.js --maps sim/worlds/heldout/heldout-rooms-9001.yaml,sim/worlds/heldout/heldout-cave-9002.yaml,sim/worlds/heldout/heldout-warehouse-9003.yaml --seeds 5 --until 600 --policies ir2 --arg model:=models/ir2-explore.onnx --out runs.jsonl"
