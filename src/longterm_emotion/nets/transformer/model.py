"""A local-attention transformer encoder as an ensemble of separate member networks.

Each member: a linear projection of the input features to `width`, `layers` pre-norm
encoder layers (self-attention, then a feed-forward block of ff_mult * width GELU units,
each with a residual connection), a final layer norm and a linear output to one value per
frame. Members are separate modules (a MemberEnsemble, as BLSTMNet), each initialised from its own
generator seeded with its seed, so a model built with seeds [a, b] holds exactly the
parameters of the models built with [a] and [b].

Attention is local: frame t attends to the frames t - window ... t + window (clipped at
the ends of the recording), so an output frame depends on at most layers * window frames
either side. It is computed blockwise: the frames are cut into blocks of `window` frames
and every block's queries attend to the keys of its own block and of its two neighbours
(3 * window keys), masked to the exact band. Scores and masks therefore take
O(T * window) memory, not O(T^2), and a 300 s recording (7,501 frames at 25 Hz) trains
with batch 1 on a CPU. The attention itself is torch's F.scaled_dot_product_attention;
nn.TransformerEncoderLayer / nn.MultiheadAttention are not used because they build a
(T, T) score matrix whatever the mask.

Positions (`positions`):
  "relative"   (default) a learned bias per head and relative offset -window ... window,
               added to the attention scores (T5 / Music-Transformer style, without
               buckets); the model is translation equivariant away from the edges, which
               suits recordings of any length.
  "sinusoidal" the fixed sinusoidal encoding of the absolute frame index (Vaswani et al.)
               added to the projected input.

Initialisation: Glorot-uniform weights of every linear layer, zero biases, unit layer-norm
gains, zero relative-position biases (the project's Keras-like defaults).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..ensemble import MemberEnsemble, glorot_
from . import POSITIONS


def sinusoidal_positions(length: int, width: int, device=None, dtype=torch.float32) -> torch.Tensor:
    """(length, width) sinusoidal encoding of the positions 0 ... length - 1 (sin on even, cos on odd channels)."""
    position = torch.arange(length, device=device, dtype=torch.float64)[:, None]
    rate = torch.exp(torch.arange(0, width, 2, device=device, dtype=torch.float64) * (-math.log(10000.0) / width))
    table = torch.zeros(length, width, device=device, dtype=torch.float64)
    table[:, 0::2] = torch.sin(position * rate)
    table[:, 1::2] = torch.cos(position * rate[: width // 2])
    return table.to(dtype)


def local_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, window: int,
                    bias: torch.Tensor | None = None, dropout_p: float = 0.0) -> torch.Tensor:
    """Banded self-attention, |query - key| <= window, computed block by block.

    q, k, v: (B, H, T, d). bias: None or (H, 2 * window + 1) added to the score of the relative
    offset key - query (index offset + window). Returns (B, H, T, d). Memory O(T * window).
    """
    B, H, T, d = q.shape
    W = window
    n_blocks = -(-T // W)
    pad = n_blocks * W - T
    # queries in blocks of W; keys and values padded by W on both sides, then windows of 3W with stride W
    qb = F.pad(q, (0, 0, 0, pad)).unflatten(2, (n_blocks, W))  # (B, H, nb, W, d)
    kp = F.pad(k, (0, 0, W, W + pad))
    vp = F.pad(v, (0, 0, W, W + pad))
    kb = kp.unfold(2, 3 * W, W).transpose(-1, -2)  # (B, H, nb, 3W, d)
    vb = vp.unfold(2, 3 * W, W).transpose(-1, -2)
    # offset of key c (absolute (b - 1) W + c) from query a (absolute b W + a): c - W - a
    offset = torch.arange(3 * W, device=q.device)[None, :] - W - torch.arange(W, device=q.device)[:, None]
    in_band = offset.abs() <= W  # (W, 3W)
    key_pos = torch.arange(n_blocks, device=q.device)[:, None] * W - W + torch.arange(3 * W, device=q.device)[None, :]
    key_valid = (key_pos >= 0) & (key_pos < T)  # (nb, 3W)
    allowed = in_band[None] & key_valid[:, None, :]  # (nb, W, 3W)
    if bias is None:
        mask = allowed  # boolean: True = attend
    else:
        scores_bias = bias[:, (offset.clamp(-W, W) + W)]  # (H, W, 3W)
        mask = scores_bias[:, None].masked_fill(~allowed[None], float("-inf")).to(q.dtype)  # (H, nb, W, 3W)
    out = F.scaled_dot_product_attention(qb, kb, vb, attn_mask=mask, dropout_p=dropout_p)
    return out.flatten(2, 3)[:, :, :T]


class _LocalSelfAttention(nn.Module):
    def __init__(self, width: int, heads: int, window: int, dropout: float, relative: bool):
        super().__init__()
        self.heads, self.window, self.dropout = heads, window, dropout
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.relative_bias = nn.Parameter(torch.zeros(heads, 2 * window + 1)) if relative else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, T, width)
        q, k, v = self.qkv(x).unflatten(-1, (3, self.heads, -1)).permute(2, 0, 3, 1, 4)  # 3 x (B, H, T, d)
        y = local_attention(q, k, v, self.window, self.relative_bias,
                            self.dropout if self.training else 0.0)
        return self.out(y.transpose(1, 2).flatten(2))


class _EncoderLayer(nn.Module):
    def __init__(self, width: int, heads: int, ff_width: int, window: int, dropout: float, relative: bool):
        super().__init__()
        self.norm1 = nn.LayerNorm(width)
        self.attention = _LocalSelfAttention(width, heads, window, dropout, relative)
        self.norm2 = nn.LayerNorm(width)
        self.ff = nn.Sequential(nn.Linear(width, ff_width), nn.GELU(), nn.Dropout(dropout), nn.Linear(ff_width, width))
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop(self.attention(self.norm1(x)))
        return x + self.drop(self.ff(self.norm2(x)))


class _Member(nn.Module):
    def __init__(self, in_dim: int, width: int, layers: int, heads: int, ff_width: int, window: int,
                 dropout: float, positions: str):
        super().__init__()
        self.positions = positions
        self.inp = nn.Linear(in_dim, width)
        self.drop = nn.Dropout(dropout)
        self.layers = nn.ModuleList(_EncoderLayer(width, heads, ff_width, window, dropout, positions == "relative")
                                    for _ in range(layers))
        self.norm = nn.LayerNorm(width)
        self.out = nn.Linear(width, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C_in, T) -> (B, T)
        h = self.inp(x.transpose(1, 2))
        if self.positions == "sinusoidal":
            h = h + sinusoidal_positions(h.shape[1], h.shape[2], device=h.device, dtype=h.dtype)
        h = self.drop(h)
        for layer in self.layers:
            h = layer(h)
        return self.out(self.norm(h)).squeeze(-1)


class TransformerNet(MemberEnsemble):
    """Local-attention transformer encoder: M separate members, (B, C_in, T) -> (B, M, T); see the module doc."""

    def __init__(self, in_dim: int, seeds: Sequence[int], width: int = 64, layers: int = 2, heads: int = 4,
                 ff_mult: int = 4, window: int = 128, dropout: float = 0.0, positions: str = "relative"):
        if width < 1 or heads < 1 or width % heads:
            raise ValueError(f"width must be a positive multiple of heads, got width={width}, heads={heads}")
        if positions == "sinusoidal" and width % 2:
            raise ValueError(f"sinusoidal positions need an even width, got {width}")
        if layers < 1:
            raise ValueError(f"layers must be >= 1, got {layers}")
        if ff_mult < 1:
            raise ValueError(f"ff_mult must be >= 1, got {ff_mult}")
        if window < 1:
            raise ValueError(f"window must be >= 1 frame, got {window}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        if positions not in POSITIONS:
            raise ValueError(f"unknown positions {positions!r}; valid: {list(POSITIONS)}")
        super().__init__(seeds, lambda: _Member(in_dim, width, layers, heads, ff_mult * width, window, dropout,
                                                positions))
        self.window, self.n_layers = int(window), int(layers)
        self.receptive_field = 1 + 2 * self.n_layers * self.window  # frames an output can depend on
        with torch.no_grad():  # Keras-like re-initialisation of every parameter, member by member
            for member, seed in zip(self.members, self.seeds):
                g = torch.Generator().manual_seed(seed)
                for module in member.modules():
                    if isinstance(module, nn.Linear):
                        glorot_(module.weight, module.weight.shape[1], module.weight.shape[0], g)
                        module.bias.zero_()
                    elif isinstance(module, nn.LayerNorm):
                        module.weight.fill_(1.0)
                        module.bias.zero_()
                    elif isinstance(module, _LocalSelfAttention) and module.relative_bias is not None:
                        module.relative_bias.zero_()
