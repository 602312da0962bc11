"""The BLSTM regression reference [24] of the paper's tables."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ..ensemble import MemberEnsemble, glorot_, orthogonal_


class _BLSTM(nn.Module):
    def __init__(self, in_dim: int, hidden: int, layers: int, dropout: float):
        super().__init__()
        self.lstm = nn.LSTM(in_dim, hidden, layers, batch_first=True, dropout=dropout,
                            bidirectional=True)
        self.out = nn.Linear(2 * hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.lstm(x.transpose(1, 2))[0]).squeeze(-1)


class BLSTMNet(MemberEnsemble):
    """BLSTM regression reference [24]: M separate bidirectional LSTMs + linear output."""

    def __init__(self, in_dim: int, hidden: int, layers: int, dropout: float,
                 seeds: Sequence[int]):
        super().__init__(seeds, lambda: _BLSTM(in_dim, hidden, layers, dropout))
        with torch.no_grad():  # Keras's initialisation, replacing PyTorch's
            for member, seed in zip(self.members, self.seeds):
                g = torch.Generator().manual_seed(seed)
                for name, p in member.named_parameters():
                    if name.startswith("lstm.weight_ih"):
                        glorot_(p, p.shape[1], p.shape[0], g)
                    elif name.startswith("lstm.weight_hh"):
                        orthogonal_(p, g)
                    elif name == "out.weight":
                        glorot_(p, p.shape[1], p.shape[0], g)
                    else:
                        p.zero_()
                        if name.startswith("lstm.bias_ih"):
                            p[hidden : 2 * hidden] = 1.0  # forget gate (gate order i, f, g, o)
