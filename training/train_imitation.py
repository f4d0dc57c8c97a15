"""Trains an IR2-contract exploration policy by imitation of Outpost's privileged expert (DAgger).

    /usr/bin/python3 training/train_imitation.py DATA_DIR [DATA_DIR ...] --out models/ir2-explore.pth
        [--epochs 6] [--batch 32] [--lr 1e-3] [--dim 64] [--heads 4] [--layers 2] [--ffn 128] [--seed 1]
        [--init previous.pth] [--max-samples 40000]

DATA_DIR holds episodes written by `node dist/training/collect.js run` (one folder per episode,
rN.opd files of DecisionRecorder records: IR2's observation at every decision plus the slot the
expert would have taken). Every record is turned into IR2's six input tensors exactly as the
robot's policy node builds them (nodes/exploration/Ir2Tensors.ts), padded to the batch's largest
graph with `node_padding_mask` as IR2 pads in training, and the policy is trained to put its
probability on the expert's slot (cross-entropy on the log-probabilities). Episodes are split 90/10
by folder for validation (agreement with the expert on unseen episodes).

The output is a checkpoint in IR2's layout (`policy_model` state dict) plus `config` (the
architecture's sizes), which training/export_ir2.py turns into ONNX + model card.
"""
import argparse
import json
import random
import struct
import sys
import time
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from training.ir2.model import PolicyNet  # noqa: E402

MAGIC = 0x3144504F  # "OPD1"
K = 30


def read_records(path: Path):
    """Yields (node_inputs [N,6] float32, edges [N,30] int16, current, slot) from one .opd file."""
    data = path.read_bytes()
    off = 0
    while off + 24 <= len(data):
        magic, n, cur, slot, _t, _robot = struct.unpack_from("<IIIifI", data, off)
        if magic != MAGIC:
            raise ValueError(f"{path}: byte {off}: expected record magic OPD1, got 0x{magic:08x}")
        size = 24 + n * 24 + n * K * 2
        if off + size > len(data):
            break  # a record cut short by a killed run: everything before it is whole
        inputs = np.frombuffer(data, dtype="<f4", count=n * 6, offset=off + 24).reshape(n, 6)
        edges = np.frombuffer(data, dtype="<i2", count=n * K, offset=off + 24 + n * 24).reshape(n, K)
        off += size
        yield inputs, edges, cur, slot


def usable(edges: np.ndarray, cur: int, slot: int) -> bool:
    """IR2 blocks a slot whose index is 0 (its padding value), so a label pointing there cannot be learned."""
    return 0 < slot < K and edges[cur, slot] > 0


def load(dirs):
    episodes = {}
    skipped = 0
    skipped_episodes = set()
    for d in dirs:
        for f in sorted(Path(d).rglob("*.opd")):
            key = str(f.parent)
            report = f.parent / "report.json"
            # An episode where the team stalled (time ran out) repeats one stuck state for minutes:
            # it would teach little and weigh a lot. Only missions that reached their coverage goal count.
            if report.exists() and json.loads(report.read_text()).get("reason") != "coverage":
                skipped_episodes.add(key)
                continue
            for inputs, edges, cur, slot in read_records(f):
                if not usable(edges, cur, slot):
                    skipped += 1
                    continue
                episodes.setdefault(key, []).append((inputs.copy(), edges.copy(), cur, slot))
    if skipped_episodes:
        print(f"left out {len(skipped_episodes)} episode(s) that did not reach coverage: {', '.join(sorted(Path(k).name for k in skipped_episodes))}")
    return episodes, skipped


SOFT_TAU_CELLS = 5.0  # 0.5 m at 0.1 m cells
coords_scale_cells = 1 / 640  # set from --coords-scale: node_inputs x, y per map cell


def batch_tensors(samples):
    """IR2's tensors for a batch, padded to the largest N (node_padding_mask 1 on padding)."""
    b = len(samples)
    n_max = max(s[0].shape[0] for s in samples)
    node_inputs = torch.zeros(b, n_max, 6)
    node_padding_mask = torch.ones(b, 1, n_max, dtype=torch.int64)
    edge_mask = torch.ones(b, n_max, n_max)
    current_index = torch.zeros(b, 1, 1, dtype=torch.int64)
    edge_inputs = torch.zeros(b, 1, K, dtype=torch.int64)
    labels = torch.zeros(b, dtype=torch.int64)
    soft = torch.zeros(b, K)
    for i, (inputs, edges, cur, slot) in enumerate(samples):
        n = inputs.shape[0]
        node_inputs[i, :n] = torch.from_numpy(inputs)
        node_padding_mask[i, 0, :n] = 0
        e = torch.from_numpy(edges.astype(np.int64))
        rows = torch.arange(n).unsqueeze(1).expand(n, K)
        valid = e >= 0
        edge_mask[i, rows[valid], e[valid]] = 0
        current_index[i, 0, 0] = cur
        own = e[cur].clamp(min=0)
        edge_inputs[i, 0] = own
        labels[i] = slot
        # Soft target: neighbours lying close to the expert's choice share its credit
        # (exp(−distance/τ)), since the graph often has near-duplicate nodes a few cm apart and
        # stepping to any of them is as good.
        xy = node_inputs[i, own, :2]
        d = (xy - node_inputs[i, int(own[slot]), :2]).norm(dim=-1) / coords_scale_cells
        w = torch.exp(-d / SOFT_TAU_CELLS)
        w[own == 0] = 0
        w[0] = 0
        soft[i] = w / w.sum()
    edge_padding_mask = (edge_inputs == 0).to(torch.int64)
    return dict(node_inputs=node_inputs, edge_inputs=edge_inputs, current_index=current_index,
                node_padding_mask=node_padding_mask, edge_padding_mask=edge_padding_mask, edge_mask=edge_mask), labels, soft


def batches(samples, size, shuffle, rng):
    """Batches of similar graph size (less padding), in random order when training."""
    order = sorted(range(len(samples)), key=lambda i: samples[i][0].shape[0])
    groups = [order[i:i + size] for i in range(0, len(order), size)]
    if shuffle:
        rng.shuffle(groups)
    for g in groups:
        yield [samples[i] for i in g]


def soft_loss(logp, soft):
    # Blocked slots carry −1e8 log-probability and zero weight: keep 0 × (−1e8) out of the sum.
    return -(soft * logp.clamp(min=-100)).sum(dim=1).mean()


def evaluate(model, samples, size):
    model.eval()
    correct = 0
    loss = 0.0
    with torch.no_grad():
        for chunk in batches(samples, size, False, None):
            feeds, labels, soft = batch_tensors(chunk)
            logp = model(**feeds)
            loss += float(soft_loss(logp, soft) * len(chunk))
            # Agreement: the policy's step lands within 0.5 m of the expert's.
            pick = logp.argmax(dim=1)
            correct += int((soft.gather(1, pick.unsqueeze(1)).squeeze(1) >= soft.gather(1, labels.unsqueeze(1)).squeeze(1) * 0.36).sum())
    model.train()
    return correct / max(1, len(samples)), loss / max(1, len(samples))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", nargs="+")
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--dim", type=int, default=64)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--ffn", type=int, default=128)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--init", help="start from this checkpoint (DAgger iterations)")
    p.add_argument("--max-samples", type=int, default=40000)
    p.add_argument("--relative", action="store_true", default=True,
                   help="x, y relative to the robot's node (the card says observation.relative_coords: true); IR2 uses absolute")
    p.add_argument("--absolute", dest="relative", action="store_false")
    p.add_argument("--coords-scale", type=float, default=1 / 64,
                   help="scale of x, y (map cells) in node_inputs; records hold IR2's 1/640, rescaled here; the card must say the same")
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    episodes, skipped = load(args.data)
    # Records hold x, y × 1/640 (IR2's scale); at 0.1 m cells neighbours then differ by ~0.01, too
    # little for a small network to resolve quickly: rescale (the card tells the robot the scale).
    global coords_scale_cells
    coords_scale_cells = args.coords_scale
    factor = args.coords_scale * 640
    for eps in episodes.values():
        for s in eps:
            s[0][:, :2] *= factor
            if args.relative:
                s[0][:, :2] -= s[0][s[2], :2].copy()
    keys = sorted(episodes)
    rng.shuffle(keys)
    n_val = max(1, len(keys) // 10) if len(keys) > 1 else 0
    val = [s for k in keys[:n_val] for s in episodes[k]]
    train = [s for k in keys[n_val:] for s in episodes[k]]
    if len(train) > args.max_samples:
        train = rng.sample(train, args.max_samples)
    if not train:
        raise SystemExit(f"no usable decisions under {args.data}")
    print(f"{len(keys)} episodes: {len(train)} training decisions, {len(val)} validation ({skipped} unusable labels skipped); "
          f"graph sizes {min(s[0].shape[0] for s in train)}..{max(s[0].shape[0] for s in train)}", flush=True)

    config = dict(input_dim=6, embedding_dim=args.dim, n_heads=args.heads, n_layers=args.layers, ffn_dim=args.ffn)
    model = PolicyNet(**config)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location="cpu")["policy_model"])
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps = args.epochs * ((len(train) + args.batch - 1) // args.batch)
    # Constant rate, then a linear decay over the last epoch (the pointer's tanh clipping dies at high rates).
    last = (len(train) + args.batch - 1) // args.batch
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda k: 1.0 if k < steps - last else max(0.05, (steps - k) / last))
    history = []
    t0 = time.time()
    for epoch in range(1, args.epochs + 1):
        total, seen = 0.0, 0
        for chunk in batches(train, args.batch, True, rng):
            feeds, labels, soft = batch_tensors(chunk)
            loss = soft_loss(model(**feeds), soft)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += float(loss) * len(chunk)
            seen += len(chunk)
        acc, vloss = evaluate(model, val, 64) if val else (float("nan"), float("nan"))
        history.append(dict(epoch=epoch, train_loss=total / seen, val_loss=vloss, val_agreement=acc))
        print(f"epoch {epoch}/{args.epochs}: train loss {total / seen:.4f}, validation loss {vloss:.4f}, "
              f"agreement with the expert {acc:.3f} ({time.time() - t0:.0f} s)", flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"policy_model": model.state_dict(), "config": config,
                "training": dict(method="imitation of the privileged expert (DAgger)", data=[str(d) for d in args.data],
                                 decisions=len(train), validation_decisions=len(val), episodes=len(keys),
                                 epochs=args.epochs, batch=args.batch, lr=args.lr, seed=args.seed, coords_scale=args.coords_scale, relative_coords=args.relative,
                                 history=history)}, out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
