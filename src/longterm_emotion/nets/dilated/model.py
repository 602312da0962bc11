"""Section 5.1: the dilated convolutional network."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ..ensemble import EnsembleModel, make_activation


class DilatedConvNet(EnsembleModel):
    """Section 5.1: `depth` 'same' convolutions with dilation dilation_base**n, then a 1x1 conv."""

    def __init__(self, in_dim: int, width: int, depth: int, kernel_size: int, activation: str,
                 dropout: float, seeds: Sequence[int], dilation_base: int = 2):
        super().__init__(seeds)
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd for 'same' padding, got {kernel_size}")
        if depth < 1:
            raise ValueError(f"depth must be >= 1, got {depth}")
        if dilation_base < 1:
            raise ValueError(f"dilation_base must be >= 1, got {dilation_base}")
        M, k = self.n_members, kernel_size
        layers = []
        for n in range(depth):
            d = dilation_base**n
            layers += [
                nn.Conv1d(in_dim if n == 0 else M * width, M * width, k, dilation=d,
                          padding=d * (k - 1) // 2, groups=1 if n == 0 else M),
                make_activation(activation),
                nn.Dropout(dropout),
            ]
        layers.append(nn.Conv1d(M * width, M, 1, groups=M))
        self.net = nn.Sequential(*layers)
        self.receptive_field = 1 + (k - 1) * sum(dilation_base**n for n in range(depth))
        self._init_conv_members()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
