#!/usr/bin/env bash
# Reproduces models/ir2-explore.onnx (+ .card.json) from scratch: DAgger on Outpost's simulator.
#   npm run train:ir2            (or: bash training/reproduce.sh [WORK_DIR])
# Needs Debian's python3-torch and python3-onnx (apt-get install -y python3-torch python3-onnx);
# everything runs on the CPU. Episodes and intermediate checkpoints go to WORK_DIR
# (default training/data/run), the final model to models/.
set -euo pipefail
cd "$(dirname "$0")/.."
WORK="${1:-training/data/run}"
PY=/usr/bin/python3
SEEDS0="${SEEDS0:-1-2}"      # expert episodes per training map (iteration 0)
SEEDS1="${SEEDS1:-3}"        # DAgger episodes per map (iteration 1)
EPOCHS="${EPOCHS:-3}"
mkdir -p "$WORK"
npm run build --silent
node dist/training/collect.js maps --out training/data/maps
echo "== iteration 0: the expert drives, every decision is labelled"
node dist/training/collect.js run --out "$WORK/iter0" --policy expert --maps train --seeds "$SEEDS0"
$PY training/train_imitation.py "$WORK/iter0" --out "$WORK/iter0.pth" --epochs "$EPOCHS" --lr 2e-3
$PY training/export_ir2.py "$WORK/iter0.pth" "$WORK/iter0.onnx" --name ir2-explore --version 0.1.0-iter0 --coords-scale 0.015625
echo "== iteration 1 (DAgger): the learned policy drives half the decisions, the expert labels all"
node dist/training/collect.js run --out "$WORK/iter1" --policy ir2 --model "$WORK/iter0.onnx" --mix 0.5 --maps train --seeds "$SEEDS1"
$PY training/train_imitation.py "$WORK/iter0" "$WORK/iter1" --init "$WORK/iter0.pth" --out "$WORK/iter1.pth" --epochs "$EPOCHS" --lr 5e-4
$PY training/export_ir2.py "$WORK/iter1.pth" models/ir2-explore.onnx --name ir2-explore --version 1.0.0 --coords-scale 0.015625
echo "wrote models/ir2-explore.onnx; evaluate with: npm run bench:exploration -- --maps heldout --policies ir2,nearest_frontier,utility_greedy,preplanned_rendezvous"
