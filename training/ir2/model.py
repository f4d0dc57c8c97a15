"""IR2's attention policy (and its twin Q-network) in PyTorch, written for ONNX export.

The architecture and every parameter name follow marmotlab/IR2-Multi-Robot-RL-Exploration
`model.py` (PolicyNet, QNet), so the `policy_model` state dict of an original `checkpoint.pth`
loads with `load_state_dict(strict=True)` and gives the same log-probabilities. The code is our
own: shapes are handled with broadcasting, `flatten` and `expand` instead of `view(-1, ...)` on
sizes read at run time, so a traced export keeps the node count N symbolic, and the "don't stay"
rule of the pointer is a tensor expression instead of Python control flow.

Inputs (IR2 `multi_robot_worker.get_observations`; B = 1 at run time, K = 30 in IR2):

    node_inputs        float32 [B, N, 6]  x, y, node utility, rendezvous utility, visits, occupied
    edge_inputs        int64   [B, 1, K]  indices of the current node's neighbours, 0-padded
    current_index      int64   [B, 1, 1]  index of the robot's node
    node_padding_mask  int64   [B, 1, N]  1 = padding node (ignored as a key), 0 = real node
    edge_padding_mask  int64   [B, 1, K]  1 = slot not selectable (IR2 sets it where the index is 0)
    edge_mask          float32 [B, N, N]  0 where j is a neighbour of i, 1 elsewhere

Output: `logp` float32 [B, K], log-probabilities over the K neighbour slots.

Differences from the original, none of which changes the numbers IR2 computes at batch 1:
- IR2 passes `node_padding_mask=None` at test time; an all-zero mask is equivalent, and the ONNX
  export always takes one (so the graph has one fixed signature).
- IR2 writes the "don't stay" rule into the caller's `edge_padding_mask` in place and tests
  "is there any selectable slot" over the whole batch; here the mask is not mutated and the test is
  per sample (the same thing when B = 1).
"""

import math

import torch
import torch.nn as nn

INPUT_DIM = 6
EMBEDDING_DIM = 128
N_HEADS = 8
ENCODER_LAYERS = 6
FEED_FORWARD_DIM = 512
TANH_CLIPPING = 10.0
MASKED_SCORE = -1e8

INPUT_NAMES = ["node_inputs", "edge_inputs", "current_index", "node_padding_mask", "edge_padding_mask", "edge_mask"]
OUTPUT_NAMES = ["logp"]


def _uniform_fan_in_(module: nn.Module) -> None:
    """IR2's initialisation of its raw weight tensors: U(-1/sqrt(d), 1/sqrt(d)), d = last dim."""
    for p in module.parameters(recurse=False):
        bound = 1.0 / math.sqrt(p.size(-1))
        nn.init.uniform_(p, -bound, bound)


class SingleHeadAttention(nn.Module):
    """Pointer: scores each key against the query, clips with tanh, masks, log-softmax."""

    def __init__(self, embedding_dim: int = EMBEDDING_DIM):
        super().__init__()
        self.norm_factor = 1.0 / math.sqrt(embedding_dim)
        self.w_query = nn.Parameter(torch.empty(embedding_dim, embedding_dim))
        self.w_key = nn.Parameter(torch.empty(embedding_dim, embedding_dim))
        _uniform_fan_in_(self)

    def forward(self, q: torch.Tensor, k: torch.Tensor, blocked: torch.Tensor) -> torch.Tensor:
        """q [B,Nq,D], k [B,Nk,D], blocked bool [B,Nq or 1,Nk] → log-probs [B,Nq,Nk]."""
        scores = self.norm_factor * torch.matmul(q @ self.w_query, (k @ self.w_key).transpose(1, 2))
        scores = TANH_CLIPPING * torch.tanh(scores)
        scores = scores.masked_fill(blocked, MASKED_SCORE)
        return torch.log_softmax(scores, dim=-1)


class MultiHeadAttention(nn.Module):
    """Multi-head attention with per-head weight tensors [H, D, D/H], as IR2 stores them."""

    def __init__(self, embedding_dim: int = EMBEDDING_DIM, n_heads: int = N_HEADS):
        super().__init__()
        head_dim = embedding_dim // n_heads
        self.norm_factor = 1.0 / math.sqrt(head_dim)
        self.w_query = nn.Parameter(torch.empty(n_heads, embedding_dim, head_dim))
        self.w_key = nn.Parameter(torch.empty(n_heads, embedding_dim, head_dim))
        self.w_value = nn.Parameter(torch.empty(n_heads, embedding_dim, head_dim))
        self.w_out = nn.Parameter(torch.empty(n_heads, head_dim, embedding_dim))
        _uniform_fan_in_(self)

    def forward(self, q: torch.Tensor, kv: torch.Tensor, blocked: "torch.Tensor | None") -> torch.Tensor:
        """q [B,Nq,D], kv [B,Nk,D], blocked bool broadcastable to [B,Nq,Nk] → [B,Nq,D]."""
        # [1,B,N,D] @ [H,1,D,d] → [H,B,N,d]: all heads in one broadcast MatMul.
        qh = torch.matmul(q.unsqueeze(0), self.w_query.unsqueeze(1))
        kh = torch.matmul(kv.unsqueeze(0), self.w_key.unsqueeze(1))
        vh = torch.matmul(kv.unsqueeze(0), self.w_value.unsqueeze(1))
        scores = self.norm_factor * torch.matmul(qh, kh.transpose(2, 3))  # [H,B,Nq,Nk]
        if blocked is not None:
            scores = scores.masked_fill(blocked.unsqueeze(0), MASKED_SCORE)
        heads = torch.matmul(torch.softmax(scores, dim=-1), vh)  # [H,B,Nq,d]
        # Concatenate heads in head order, then one projection: [B,Nq,H·d] @ [H·d,D].
        return torch.matmul(heads.permute(1, 2, 0, 3).flatten(2), self.w_out.flatten(0, 1))


class Normalization(nn.Module):
    """LayerNorm over the feature dimension (IR2 wraps it; the wrapper keeps the parameter names)."""

    def __init__(self, embedding_dim: int = EMBEDDING_DIM):
        super().__init__()
        self.normalizer = nn.LayerNorm(embedding_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.normalizer(x)


def _feed_forward(embedding_dim: int, ffn_dim: int = FEED_FORWARD_DIM) -> nn.Sequential:
    # Indices 0 and 2 are the parameter names IR2's checkpoints use (feedForward.0/.2).
    return nn.Sequential(nn.Linear(embedding_dim, ffn_dim), nn.ReLU(), nn.Linear(ffn_dim, embedding_dim))


class EncoderLayer(nn.Module):
    """Pre-LN transformer layer: x + MHA(LN(x)), then x + FFN(LN(x))."""

    def __init__(self, embedding_dim: int = EMBEDDING_DIM, n_heads: int = N_HEADS, ffn_dim: int = FEED_FORWARD_DIM):
        super().__init__()
        self.multiHeadAttention = MultiHeadAttention(embedding_dim, n_heads)
        self.normalization1 = Normalization(embedding_dim)
        self.feedForward = _feed_forward(embedding_dim, ffn_dim)
        self.normalization2 = Normalization(embedding_dim)

    def forward(self, x: torch.Tensor, blocked: "torch.Tensor | None") -> torch.Tensor:
        h = self.normalization1(x)
        x = x + self.multiHeadAttention(h, h, blocked)
        return x + self.feedForward(self.normalization2(x))


class DecoderLayer(nn.Module):
    """Like EncoderLayer, but the target attends over a memory; IR2 normalises both with normalization1."""

    def __init__(self, embedding_dim: int = EMBEDDING_DIM, n_heads: int = N_HEADS, ffn_dim: int = FEED_FORWARD_DIM):
        super().__init__()
        self.multiHeadAttention = MultiHeadAttention(embedding_dim, n_heads)
        self.normalization1 = Normalization(embedding_dim)
        self.feedForward = _feed_forward(embedding_dim, ffn_dim)
        self.normalization2 = Normalization(embedding_dim)

    def forward(self, tgt: torch.Tensor, memory: torch.Tensor, blocked: "torch.Tensor | None") -> torch.Tensor:
        x = tgt + self.multiHeadAttention(self.normalization1(tgt), self.normalization1(memory), blocked)
        return x + self.feedForward(self.normalization2(x))


class Encoder(nn.Module):
    def __init__(self, embedding_dim: int = EMBEDDING_DIM, n_heads: int = N_HEADS, n_layers: int = ENCODER_LAYERS, ffn_dim: int = FEED_FORWARD_DIM):
        super().__init__()
        self.layers = nn.ModuleList(EncoderLayer(embedding_dim, n_heads, ffn_dim) for _ in range(n_layers))

    def forward(self, x: torch.Tensor, blocked: "torch.Tensor | None") -> torch.Tensor:
        for layer in self.layers:
            x = layer(x, blocked)
        return x


class Decoder(nn.Module):
    def __init__(self, embedding_dim: int = EMBEDDING_DIM, n_heads: int = N_HEADS, n_layers: int = 1, ffn_dim: int = FEED_FORWARD_DIM):
        super().__init__()
        self.layers = nn.ModuleList(DecoderLayer(embedding_dim, n_heads, ffn_dim) for _ in range(n_layers))

    def forward(self, tgt: torch.Tensor, memory: torch.Tensor, blocked: "torch.Tensor | None") -> torch.Tensor:
        for layer in self.layers:
            tgt = layer(tgt, memory, blocked)
        return tgt


def _encoder_blocked(edge_mask: "torch.Tensor | None", node_padding_mask: "torch.Tensor | None") -> "torch.Tensor | None":
    """IR2 masks a score where attn_mask + key_padding_mask > 0 (key padding repeated over queries)."""
    if edge_mask is None and node_padding_mask is None:
        return None
    if edge_mask is None:
        return node_padding_mask > 0
    if node_padding_mask is None:
        return edge_mask > 0
    return (edge_mask + node_padding_mask.to(edge_mask.dtype)) > 0


def _pointer_blocked(edge_padding_mask: torch.Tensor) -> torch.Tensor:
    """Slot 0 (the current node itself) is never chosen unless no other slot is selectable."""
    rest = edge_padding_mask[:, :, 1:]
    # IR2 blocks slot 0, then unblocks it if no 0 is left in the mask (`if not 0 in current_mask`).
    slot0 = (rest == 0).any(dim=-1, keepdim=True)  # [B,1,1]
    return torch.cat((slot0, rest == 1), dim=-1)


def _gather_nodes(features: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """features [B,N,D], index int64 [B,1,M] → features of those nodes, [B,M,D]."""
    return torch.gather(features, 1, index.transpose(1, 2).expand(-1, -1, features.size(2)))


class PolicyNet(nn.Module):
    """IR2's policy: graph encoder, current-node decoder, pointer over the K neighbour slots.

    `PolicyNet()` builds IR2's configuration (6 → 128, 6 encoder layers, 8 heads, ~1.45 M parameters).
    """

    def __init__(self, input_dim: int = INPUT_DIM, embedding_dim: int = EMBEDDING_DIM, n_heads: int = N_HEADS,
                 n_layers: int = ENCODER_LAYERS, ffn_dim: int = FEED_FORWARD_DIM):
        # The defaults are IR2's; smaller sizes (Outpost's CPU-trained model) keep every tensor name
        # and the input/output contract, so the same export, card and host serve both.
        super().__init__()
        self.config = dict(input_dim=input_dim, embedding_dim=embedding_dim, n_heads=n_heads, n_layers=n_layers, ffn_dim=ffn_dim)
        self.initial_embedding = nn.Linear(input_dim, embedding_dim)
        self.current_embedding = nn.Linear(embedding_dim * 2, embedding_dim)
        self.encoder = Encoder(embedding_dim, n_heads, n_layers, ffn_dim)
        self.decoder = Decoder(embedding_dim, n_heads, 1, ffn_dim)
        self.pointer = SingleHeadAttention(embedding_dim)

    def encode_graph(self, node_inputs, node_padding_mask, edge_mask):
        return self.encoder(self.initial_embedding(node_inputs), _encoder_blocked(edge_mask, node_padding_mask))

    def forward(self, node_inputs, edge_inputs, current_index, node_padding_mask=None, edge_padding_mask=None, edge_mask=None):
        """See the module docstring for shapes and dtypes; returns log-probs [B, K]."""
        nodes = self.encode_graph(node_inputs, node_padding_mask, edge_mask)
        neighbours = _gather_nodes(nodes, edge_inputs)  # [B,K,D]
        current = _gather_nodes(nodes, current_index)  # [B,1,D]
        padding = None if node_padding_mask is None else node_padding_mask > 0
        decoded = self.decoder(current, nodes, padding)
        query = self.current_embedding(torch.cat((decoded, current), dim=-1))
        if edge_padding_mask is None:
            edge_padding_mask = torch.zeros_like(edge_inputs)
        return self.pointer(query, neighbours, _pointer_blocked(edge_padding_mask)).squeeze(1)


class QNet(nn.Module):
    """IR2's critic (discrete SAC): one Q-value per neighbour slot, 0 where the slot is blocked.

    For training only (not exported); parameter names match `q_net1_model`/`q_net2_model`.
    Returns (q [B,K,1], attention weights of the decoder's last layer are not kept: None).
    """

    def __init__(self, input_dim: int = INPUT_DIM, embedding_dim: int = EMBEDDING_DIM):
        super().__init__()
        self.initial_embedding = nn.Linear(input_dim, embedding_dim)
        self.action_embedding = nn.Linear(embedding_dim * 3, embedding_dim)
        self.encoder = Encoder(embedding_dim, N_HEADS, ENCODER_LAYERS)
        self.decoder = Decoder(embedding_dim, N_HEADS, 1)
        self.q_values_layer = nn.Linear(embedding_dim, 1)

    def forward(self, node_inputs, edge_inputs, current_index, node_padding_mask=None, edge_padding_mask=None, edge_mask=None):
        nodes = self.encoder(self.initial_embedding(node_inputs), _encoder_blocked(edge_mask, node_padding_mask))
        k = edge_inputs.size(2)
        neighbours = _gather_nodes(nodes, edge_inputs)
        current = _gather_nodes(nodes, current_index)
        padding = None if node_padding_mask is None else node_padding_mask > 0
        decoded = self.decoder(current, nodes, padding)
        features = torch.cat((decoded.expand(-1, k, -1), current.expand(-1, k, -1), neighbours), dim=-1)
        q = self.q_values_layer(self.action_embedding(features))  # [B,K,1]
        if edge_padding_mask is None:
            edge_padding_mask = torch.zeros_like(edge_inputs)
        blocked = _pointer_blocked(edge_padding_mask).transpose(1, 2)  # [B,K,1]
        return torch.where(blocked, torch.zeros_like(q), q), None


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
