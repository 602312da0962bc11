"""The paper's networks (Sections 4, 5, 6.1) as vectorised ensembles, and the CCC loss.

Every model maps features (B, C_in, T) to predictions (B, M, T), one row per
ensemble member. Member m is initialised from its own generator seeded with
``seeds[m]``, independently of the other members, so a model built with seeds
[a, b] holds exactly the parameters of the models built with [a] and [b].
The convolutional nets run all members in one pass: every parameter stacks
the members along its first dimension, hidden layers are grouped convolutions
(groups=M), and the first layer is an ordinary convolution with M * width
output channels (the same as a grouped convolution over the input repeated M
times, without the copy). Gradients never mix across members, so minimising
the sum of per-member losses trains the members independently (with dropout
the masks come from the global RNG, so only the distributions agree).

Initialisation follows the Keras defaults the paper's models had: Glorot
uniform weights, zero biases; LSTMs use orthogonal recurrent weights and a
forget-gate bias of one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.weak import WeakIdKeyDictionary

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "elu": nn.ELU}


def make_activation(name: str) -> nn.Module:
    """Activation module by name: "tanh", "relu" or "elu"."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; valid: {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]()


def ccc_loss(pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Negative CCC of each member, shape (M,), from pred (B, M, T) and target (B, T).

    Population moments over all B * T frames of a member. Undefined (NaN)
    when prediction and target are both constant.
    """
    if pred.dim() != 3 or target.shape != (pred.shape[0], pred.shape[2]):
        raise ValueError(f"ccc_loss: pred {tuple(pred.shape)} needs (B, M, T), target (B, T); "
                         f"got target {tuple(target.shape)}")
    y = target.unsqueeze(1)
    mu_p = pred.mean(dim=(0, 2), keepdim=True)
    mu_y = y.mean()
    var_p = ((pred - mu_p) ** 2).mean(dim=(0, 2))
    var_y = ((y - mu_y) ** 2).mean()
    cov = ((pred - mu_p) * (y - mu_y)).mean(dim=(0, 2))
    return -2.0 * cov / (var_y + var_p + (mu_y - mu_p.view(-1)) ** 2)


def _glorot_(w: torch.Tensor, fan_in: int, fan_out: int, g: torch.Generator) -> None:
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    w.uniform_(-bound, bound, generator=g)


def _orthogonal_(w: torch.Tensor, g: torch.Generator) -> None:
    rows, cols = w.shape
    a = torch.randn(max(rows, cols), min(rows, cols), generator=g, dtype=w.dtype)
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r))
    w.copy_(q if rows >= cols else q.T)


class EnsembleModel(nn.Module):
    """Base class: M members stacked along the first dimension of every parameter."""

    def __init__(self, seeds: Sequence[int]):
        super().__init__()
        seeds = tuple(int(s) for s in seeds)
        if not seeds:
            raise ValueError("seeds: need at least one seed (one per ensemble member)")
        self.seeds = seeds

    @property
    def n_members(self) -> int:
        return len(self.seeds)

    def _member_view(self, p: torch.Tensor, m: int) -> torch.Tensor:
        return p.unflatten(0, (self.n_members, -1))[m]

    def member_state(self, m: int) -> dict[str, torch.Tensor]:
        """Copy of member m's parameters (e.g. to keep its best epoch)."""
        return {k: self._member_view(p.detach(), m).clone() for k, p in self.named_parameters()}

    @torch.no_grad()
    def load_member_state(self, m: int, state: dict[str, torch.Tensor]) -> None:
        """Overwrite member m's parameters with a `member_state` result."""
        for k, p in self.named_parameters():
            self._member_view(p, m).copy_(state[k])

    def n_parameters_per_member(self) -> int:
        return sum(p.numel() for p in self.parameters()) // self.n_members

    def param_groups(self, lr: float) -> list[dict]:
        """Optimiser parameter groups; one learning rate for everything by default."""
        return [{"params": list(self.parameters()), "lr": lr}]

    @torch.no_grad()
    def _init_conv_members(self) -> None:
        """Glorot-uniform weights and zero biases of every conv layer, member by member."""
        convs = [c for c in self.modules() if isinstance(c, (nn.Conv1d, nn.ConvTranspose1d))]
        for conv in convs:
            conv.bias.zero_()
        for m, seed in enumerate(self.seeds):
            g = torch.Generator().manual_seed(seed)
            for conv in convs:
                w = self._member_view(conv.weight, m)  # (out, in, k), transposed: (in, out, k)
                _glorot_(w, w.shape[1] * w.shape[2], w.shape[0] * w.shape[2], g)


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

    def __init__(self, in_dim: int, filter_length: int, seeds: Sequence[int], fft_size: int = 3072):
        super().__init__(seeds)
        if filter_length < 1:
            raise ValueError(f"filter_length must be >= 1, got {filter_length}")
        if fft_size < filter_length + 1:
            raise ValueError(f"fft_size ({fft_size}) must exceed filter_length ({filter_length})")
        M, L = self.n_members, filter_length
        self.filter_length = L
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
                _glorot_(self.weight[m], in_dim * L, L, g)
                _glorot_(self.out_weight[m : m + 1], 1, 1, g)

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
        """The filter's learning rate is lr / L, the other parameters' lr.

        Adam moves every weight by about lr per step, so a filter of C x L weights
        would move its output by about lr * C * L and saturate the tanh at long L;
        dividing by L keeps the step's effect on the output the same at every L.
        """
        rest = [self.bias, self.out_weight, self.out_bias]
        return [{"params": [self.weight], "lr": lr / self.filter_length}, {"params": rest, "lr": lr}]


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


class DownUpConvNet(EnsembleModel):
    """Section 5.2: conv + max-pool blocks, low-rate convs, transposed-conv upsampling, 1x1 conv.

    `width` is one int for every layer or a sequence of 2 * n_down +
    n_intermediate ints (down, intermediate, up layers in order). Pooling uses
    ceil_mode, each transposed conv multiplies the length by `factor` exactly,
    and the result is cropped at the end to T, so output i aligns with input i.
    """

    def __init__(self, in_dim: int, width: int | Sequence[int], n_down: int, factor: int,
                 kernel_size: int, n_intermediate: int, up_kernel: int, activation: str,
                 dropout: float, seeds: Sequence[int]):
        super().__init__(seeds)
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd for 'same' padding, got {kernel_size}")
        if n_down < 1 or factor < 2 or n_intermediate < 0:
            raise ValueError(f"need n_down >= 1, factor >= 2, n_intermediate >= 0; "
                             f"got {n_down}, {factor}, {n_intermediate}")
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


class _BLSTM(nn.Module):
    def __init__(self, in_dim: int, hidden: int, layers: int, dropout: float):
        super().__init__()
        self.lstm = nn.LSTM(in_dim, hidden, layers, batch_first=True, dropout=dropout,
                            bidirectional=True)
        self.out = nn.Linear(2 * hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.lstm(x.transpose(1, 2))[0]).squeeze(-1)


class BLSTMNet(EnsembleModel):
    """BLSTM regression reference [24]: M separate bidirectional LSTMs + linear output."""

    def __init__(self, in_dim: int, hidden: int, layers: int, dropout: float,
                 seeds: Sequence[int]):
        super().__init__(seeds)
        self.members = nn.ModuleList(_BLSTM(in_dim, hidden, layers, dropout) for _ in self.seeds)
        with torch.no_grad():
            for member, seed in zip(self.members, self.seeds):
                g = torch.Generator().manual_seed(seed)
                for name, p in member.named_parameters():
                    if name.startswith("lstm.weight_ih"):
                        _glorot_(p, p.shape[1], p.shape[0], g)
                    elif name.startswith("lstm.weight_hh"):
                        _orthogonal_(p, g)
                    elif name == "out.weight":
                        _glorot_(p, p.shape[1], p.shape[0], g)
                    else:
                        p.zero_()
                        if name.startswith("lstm.bias_ih"):
                            p[hidden : 2 * hidden] = 1.0  # forget gate (gate order i, f, g, o)

    def member_state(self, m: int) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.members[m].state_dict().items()}

    def load_member_state(self, m: int, state: dict[str, torch.Tensor]) -> None:
        self.members[m].load_state_dict(state)

    def n_parameters_per_member(self) -> int:
        return sum(p.numel() for p in self.members[0].parameters())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([member(x) for member in self.members], dim=1)


MODELS = {"single_filter": SingleFilterNet, "dilated": DilatedConvNet,
          "downup": DownUpConvNet, "blstm": BLSTMNet}


def build_model(name: str, in_dim: int, seeds: Sequence[int], **params) -> EnsembleModel:
    """Model by name ("single_filter", "dilated", "downup", "blstm") with its constructor params."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; valid: {sorted(MODELS)}")
    return MODELS[name](in_dim=in_dim, seeds=seeds, **params)
