"""Section 4: the single-filter network of the filter-length sweep (Figure 1)."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.weak import WeakIdKeyDictionary

from ..ensemble import EnsembleModel, glorot_


class _PaddedRfft(torch.autograd.Function):
    """rfft of w zero-padded to n (last dim) with an exact, cheap backward.

    PyTorch's generic rfft backward goes through a full complex FFT; the adjoint
    of a one-sided real FFT is n * irfft of the gradient with its interior bins
    halved, cropped to the input length.
    """

    @staticmethod
    def forward(ctx, w: torch.Tensor, n: int) -> torch.Tensor:
        ctx.n, ctx.length = n, w.shape[-1]
        return torch.fft.rfft(w, n)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        n = ctx.n
        half = grad.clone()
        half[..., 1 : (n + 1) // 2] *= 0.5
        return torch.fft.irfft(half, n)[..., : ctx.length] * n, None


class SingleFilterNet(EnsembleModel):
    """Section 4: one filter of length L over all channels, tanh, scalar linear regression.

    'same' alignment as PyTorch's ``padding="same"`` with zero padding: output
    t sees inputs t - (L-1)//2 ... t + L//2. The convolution is an overlap-add
    FFT convolution with one FFT size `fft_size` (>= L) for every L: blocks of
    fft_size - L + 1 frames, so the cost of a step hardly depends on L. Input
    spectra are cached per input tensor (features do not change in training).
    """

    def __init__(self, in_dim: int, filter_length: int, seeds: Sequence[int], fft_size: int = 3072,
                 lr_per_length: bool = True):
        super().__init__(seeds)
        if filter_length < 1:
            raise ValueError(f"filter_length must be >= 1, got {filter_length}")
        if fft_size < filter_length + 1:
            raise ValueError(f"fft_size ({fft_size}) must exceed filter_length ({filter_length})")
        M, L = self.n_members, filter_length
        self.filter_length = L
        self.lr_per_length = bool(lr_per_length)
        self.fft_size = fft_size
        self.block = fft_size - L + 1
        self.weight = nn.Parameter(torch.empty(M, in_dim, L))
        self.bias = nn.Parameter(torch.zeros(M))
        self.out_weight = nn.Parameter(torch.empty(M))
        self.out_bias = nn.Parameter(torch.zeros(M))
        self._spectra = WeakIdKeyDictionary()
        with torch.no_grad():
            for m, seed in enumerate(self.seeds):
                g = torch.Generator().manual_seed(seed)
                glorot_(self.weight[m], in_dim * L, L, g)
                glorot_(self.out_weight[m : m + 1], 1, 1, g)

    def _input_spectra(self, x: torch.Tensor) -> torch.Tensor:
        """Block spectra of x as one real matrix per bin, (F, 2 * B * nb, 2 * C): [[Re, -Im], [Im, Re]]."""
        cached = self._spectra.get(x)
        if cached is None:
            B, C, T = x.shape
            nb = -(-T // self.block)
            blocks = F.pad(x.detach(), (0, nb * self.block - T)).reshape(B, C, nb, self.block)
            X = torch.fft.rfft(blocks, self.fft_size).permute(3, 0, 2, 1).reshape(-1, B * nb, C)
            cached = torch.cat([torch.cat([X.real, -X.imag], 2), torch.cat([X.imag, X.real], 2)], 1).contiguous()
            self._spectra[x] = cached
        return cached

    def conv(self, x: torch.Tensor) -> torch.Tensor:
        """Filter outputs before tanh, (B, C, T) -> (B, M, T)."""
        B, C, T = x.shape
        M, L, N, step = self.n_members, self.filter_length, self.fft_size, self.block
        spectra = self._input_spectra(x)
        blocks = spectra.shape[1] // 2
        V = torch.view_as_real(_PaddedRfft.apply(self.weight.flip(-1), N))  # (M, C, F, 2)
        Y = torch.bmm(spectra, V.permute(2, 3, 1, 0).reshape(N // 2 + 1, 2 * C, M))  # (F, 2 * blocks, M)
        y = torch.fft.irfft(torch.complex(Y[:, :blocks], Y[:, blocks:]), N, dim=0)  # (N, B * nb, M)
        nb = blocks // B
        y = y.reshape(N, B, nb, M).permute(1, 2, 0, 3).reshape(B, nb * N, M)
        where = (torch.arange(nb, device=x.device)[:, None] * step + torch.arange(N, device=x.device)).reshape(-1)
        full = y.new_zeros(B, (nb - 1) * step + N, M).index_add(1, where, y)
        return full[:, L // 2 : L // 2 + T].transpose(1, 2) + self.bias[:, None]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out_weight[:, None] * torch.tanh(self.conv(x)) + self.out_bias[:, None]

    def param_groups(self, lr: float) -> list[dict]:
        """With lr_per_length, the filter's learning rate is lr / L, the other parameters' lr.

        Adam moves every weight by about lr per step, so a filter of C x L weights
        would move its output by about lr * C * L and saturate the tanh at long L;
        dividing by L keeps the step's effect on the output the same at every L.
        """
        if not self.lr_per_length:
            return super().param_groups(lr)
        rest = [self.bias, self.out_weight, self.out_bias]
        return [{"params": [self.weight], "lr": lr / self.filter_length}, {"params": rest, "lr": lr}]
