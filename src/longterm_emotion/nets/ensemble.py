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
from torch import nn

from .registry import ACTIVATION_NAMES

ACTIVATIONS = dict(zip(ACTIVATION_NAMES, (nn.Tanh, nn.ReLU, nn.ELU), strict=True))


def make_activation(name: str) -> nn.Module:
    """Activation module by name: "tanh", "relu" or "elu"."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; valid: {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]()


def glorot_(w: torch.Tensor, fan_in: int, fan_out: int, g: torch.Generator) -> None:
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    w.uniform_(-bound, bound, generator=g)


def orthogonal_(w: torch.Tensor, g: torch.Generator) -> None:
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
                glorot_(w, w.shape[1] * w.shape[2], w.shape[0] * w.shape[2], g)


class MemberEnsemble(EnsembleModel):
    """An ensemble of separate member modules, the easy way to add a network: `member()` builds one member, a
    module mapping (B, C_in, T) to (B, T). Member m is built with torch's global generator seeded by seeds[m]
    (inside torch.random.fork_rng, so the caller's random state is untouched): PyTorch's default
    initialisation, independent and reproducible per member. A subclass may re-initialise afterwards."""

    def __init__(self, seeds: Sequence[int], member):
        super().__init__(seeds)
        built = []
        for seed in self.seeds:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                built.append(member())
        self.members = nn.ModuleList(built)

    def member_state(self, m: int) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.members[m].state_dict().items()}

    def load_member_state(self, m: int, state: dict[str, torch.Tensor]) -> None:
        self.members[m].load_state_dict(state)

    def n_parameters_per_member(self) -> int:
        return sum(p.numel() for p in self.members[0].parameters())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([member(x) for member in self.members], dim=1)


def effective_context(model: EnsembleModel, in_dim: int, rows: int = 4097, share: float = 0.9,
                      seed: int = 0) -> int:
    """Rows of input an output frame depends on: the narrowest span centred on the middle output frame of a
    probe of `rows` standard-normal rows (the scale of the normalised features) that holds `share` of the
    gradient mass |d out / d in| of that frame, summed over members. `rows` when it needs the whole probe."""
    was_training = model.training
    model.eval()
    x = torch.randn(1, in_dim, rows, generator=torch.Generator().manual_seed(seed)).requires_grad_(True)
    centre = rows // 2
    model(x)[0, :, centre].sum().backward()
    mass = x.grad[0].abs().sum(dim=0).double()
    model.train(was_training)
    total = float(mass.sum())
    if total == 0.0:
        return 1
    cumulative = torch.cumsum(mass, 0)
    for half in range(centre + 1):
        low, high = centre - half, min(rows - 1, centre + half)
        inside = float(cumulative[high] - (cumulative[low - 1] if low > 0 else 0.0))
        if inside >= share * total:
            return 2 * half + 1
    return rows
