"""Checks training/ir2/model.py against IR2's own model.py (not shipped here; pass its path).

    /usr/bin/python3 training/ir2/check_upstream.py /path/to/IR2-Multi-Robot-RL-Exploration/model.py

Builds IR2's PolicyNet and QNet with their own random initialisation, loads their state dicts into
ours with strict=True (so every parameter name and shape must match), and compares outputs on
random IR2-shaped observations with and without node padding. Exits 1 on any mismatch.
"""

import argparse
import importlib.util
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from training.ir2.model import PolicyNet, QNet, parameter_count  # noqa: E402
from training.ir2.observations import random_observation  # noqa: E402


def load_upstream(path: str):
    spec = importlib.util.spec_from_file_location("ir2_upstream_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("upstream_model_py")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    upstream = load_upstream(args.upstream_model_py)
    worst = 0.0
    for name, theirs_cls, ours_cls in (("PolicyNet", upstream.PolicyNet, PolicyNet), ("QNet", upstream.QNet, QNet)):
        theirs = theirs_cls(6, 128).eval()
        ours = ours_cls().eval()
        ours.load_state_dict(theirs.state_dict(), strict=True)
        print(f"{name}: state dict loads strictly, {parameter_count(ours)} parameters")
        for n, padded_to in ((17, None), (120, None), (90, 360)):
            obs = random_observation(n, pad_to=padded_to, generator=torch.Generator().manual_seed(n))
            with torch.no_grad():
                # IR2 mutates edge_padding_mask in place: give it a copy.
                a = theirs(obs["node_inputs"], obs["edge_inputs"], obs["current_index"], obs["node_padding_mask"],
                           obs["edge_padding_mask"].clone(), obs["edge_mask"])
                b = ours(**obs)
                a = a[0] if isinstance(a, tuple) else a
                b = b[0] if isinstance(b, tuple) else b
            # Blocked slots are -1e8-ish in both; compare the selectable ones exactly, the rest by sign.
            open_ = a > -1e6
            diff = (a[open_] - b[open_]).abs().max().item() if open_.any() else 0.0
            same_blocked = bool(torch.equal(open_, b > -1e6))
            worst = max(worst, diff)
            print(f"  N={n} padded_to={padded_to}: max |diff| {diff:.3g}, same blocked slots {same_blocked}")
            if not same_blocked:
                return 1
    print(f"worst max |diff| {worst:.3g}")
    return 0 if worst < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
