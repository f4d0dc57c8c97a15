"""Random observations in IR2's exact tensor layout, for export tracing, checks and test vectors.

Follows IR2 `multi_robot_worker.get_observations`: a graph of N nodes with up to K nearest
neighbours each (the node itself first, as IR2's KD-tree query returns it), `edge_inputs` the
current node's list 0-padded to K, `edge_padding_mask` 1 where the index is 0, `edge_mask` 0 on
edges and 1 elsewhere; when `pad_to` is given, nodes are zero-padded to that count as in training
(`node_padding_mask` 1 on padding, `edge_mask` padded with 1).
"""

import torch

K_SIZE = 30


def random_observation(n: int, k: int = K_SIZE, pad_to: "int | None" = None, generator: "torch.Generator | None" = None,
                       edge_radius: float = 0.25) -> "dict[str, torch.Tensor]":
    g = generator if generator is not None else torch.Generator().manual_seed(0)
    xy = torch.rand(n, 2, generator=g)
    utility = torch.randint(0, 40, (n, 1), generator=g).float() / 50
    rendezvous = torch.where(torch.rand(n, 1, generator=g) < 0.2, torch.rand(n, 1, generator=g) * 0.5, torch.zeros(n, 1))
    visits = torch.randint(0, 4, (n, 1), generator=g).float()
    current = int(torch.randint(0, n, (1,), generator=g))
    occupied = torch.zeros(n, 1)
    occupied[current] = -1
    mate = int(torch.randint(0, n, (1,), generator=g))
    if mate != current:
        occupied[mate] = 1
    node_inputs = torch.cat((xy, utility, rendezvous, visits, occupied), dim=1)

    # k nearest within edge_radius, self first (distance 0).
    dist = torch.cdist(xy, xy)
    order = dist.argsort(dim=1)[:, :k]
    edges = [[int(j) for j in order[i] if dist[i, j] <= edge_radius] for i in range(n)]
    edge_mask = torch.ones(n, n)
    for i, js in enumerate(edges):
        edge_mask[i, js] = 0
    slots = edges[current] + [0] * (k - len(edges[current]))
    edge_inputs = torch.tensor(slots, dtype=torch.int64).view(1, 1, k)
    edge_padding_mask = (edge_inputs == 0).to(torch.int64)

    total = n if pad_to is None else pad_to
    padded_inputs = torch.zeros(1, total, 6)
    padded_inputs[0, :n] = node_inputs
    node_padding_mask = torch.zeros(1, 1, total, dtype=torch.int64)
    node_padding_mask[0, 0, n:] = 1
    padded_edge_mask = torch.ones(1, total, total)
    padded_edge_mask[0, :n, :n] = edge_mask
    return {
        "node_inputs": padded_inputs,
        "edge_inputs": edge_inputs,
        "current_index": torch.tensor([[[current]]], dtype=torch.int64),
        "node_padding_mask": node_padding_mask,
        "edge_padding_mask": edge_padding_mask,
        "edge_mask": padded_edge_mask,
    }
