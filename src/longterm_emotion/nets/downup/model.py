"""Section 5.2: the downsampling/upsampling convolutional network."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ..ensemble import EnsembleModel, make_activation


class DownUpConvNet(EnsembleModel):
    """Section 5.2: conv + max-pool blocks, low-rate convs, transposed-conv upsampling, 1x1 conv.

    `width` is one int for every layer or a sequence of 2 * n_down +
    n_intermediate ints (down, intermediate, up layers in order). Pooling uses
    ceil_mode, each transposed conv multiplies the length by `factor` exactly,
    and the result is cropped at the end to T, so output i aligns with input i.
    `up_kernel` None: factor + 2 (each output sees its two nearest low-rate steps).
    """

    def __init__(self, in_dim: int, width: int | Sequence[int], n_down: int, factor: int,
                 kernel_size: int, n_intermediate: int, up_kernel: int | None, activation: str,
                 dropout: float, seeds: Sequence[int]):
        super().__init__(seeds)
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd for 'same' padding, got {kernel_size}")
        if n_down < 1 or factor < 2 or n_intermediate < 0:
            raise ValueError(f"need n_down >= 1, factor >= 2, n_intermediate >= 0; "
                             f"got {n_down}, {factor}, {n_intermediate}")
        up_kernel = factor + 2 if up_kernel is None else up_kernel
        if up_kernel < factor or (up_kernel - factor) % 2:
            raise ValueError(f"up_kernel must be >= factor ({factor}) and differ from it by an "
                             f"even number, got up_kernel={up_kernel}")
        n_layers = 2 * n_down + n_intermediate
        widths = [width] * n_layers if isinstance(width, int) else list(width)
        if len(widths) != n_layers:
            raise ValueError(f"width: need one int or {n_layers} ints, got {len(widths)}")
        M = self.n_members

        def block(layer: nn.Module, *extra: nn.Module) -> list[nn.Module]:
            return [layer, make_activation(activation), *extra, nn.Dropout(dropout)]

        layers, c_in = [], None
        for i, w in enumerate(widths):
            if i < n_down + n_intermediate:
                conv = nn.Conv1d(in_dim if c_in is None else M * c_in, M * w, kernel_size,
                                 padding=kernel_size // 2, groups=1 if c_in is None else M)
                pool = [nn.MaxPool1d(factor, ceil_mode=True)] if i < n_down else []
                layers += block(conv, *pool)
            else:
                layers += block(nn.ConvTranspose1d(M * c_in, M * w, up_kernel, stride=factor,
                                                   padding=(up_kernel - factor) // 2, groups=M))
            c_in = w
        layers.append(nn.Conv1d(M * c_in, M, 1, groups=M))
        self.net = nn.Sequential(*layers)
        self._init_conv_members()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)[..., : x.shape[-1]]
