"""The BLSTM regression reference [24] of the paper's tables.

An LSTM's recurrence cannot be vectorised across members the way the conv nets' layers are: on a CPU at batch
one each time step is a small matrix-vector product, and one LSTM with block-diagonal recurrent weights does
M times the work of the members (measured: no faster than the loop). So on a CPU with several torch threads the
members run side by side, one thread each, forward and backward (`_MembersInParallel`); every member computes
exactly what it computes alone on one thread, so results do not depend on the thread schedule.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import torch
from torch import nn

from .ensemble import MemberEnsemble, glorot_, orthogonal_
from .registry import register, setting


@dataclass(frozen=True)
class BLSTMSettings:
    hidden: int = setting(int, default=32, minimum=1)
    layers: int = setting(int, default=1, minimum=1)
    dropout: float = setting(float, default=0.0, minimum=0, maximum=1)


class _BLSTM(nn.Module):
    def __init__(self, in_dim: int, hidden: int, layers: int, dropout: float):
        super().__init__()
        self.lstm = nn.LSTM(in_dim, hidden, layers, batch_first=True, dropout=dropout,
                            bidirectional=True)
        self.out = nn.Linear(2 * hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.out(self.lstm(x.transpose(1, 2))[0]).squeeze(-1)


@contextlib.contextmanager
def _one_thread_per_op():
    """Each op on one thread while members run side by side (shared intra-op threads oversubscribe: 5-20x slower)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


class _MembersInParallel(torch.autograd.Function):
    """Members' forward and backward passes on a thread pool: (B, C_in, T) -> (B, M, T). The autograd engine
    runs a backward pass on one CPU thread, so the members' backward passes are run here, each on its own graph."""

    @staticmethod
    def forward(ctx, net, x, *params):
        inputs = [x.detach().requires_grad_(x.requires_grad) for _ in net.members]
        with torch.enable_grad(), _one_thread_per_op():
            outputs = list(net.pool().map(lambda m: net.members[m](inputs[m]), range(net.n_members)))
        ctx.net, ctx.inputs, ctx.outputs = net, inputs, outputs
        return torch.stack([out.detach() for out in outputs], dim=1)

    @staticmethod
    def backward(ctx, grad):
        net, inputs, outputs = ctx.net, ctx.inputs, ctx.outputs

        def member_grads(m):
            wrt = list(net.members[m].parameters()) + ([inputs[m]] if inputs[m].requires_grad else [])
            return torch.autograd.grad(outputs[m], wrt, grad[:, m], allow_unused=True)

        with _one_thread_per_op():
            grads = list(net.pool().map(member_grads, range(net.n_members)))
        per_member = len(list(net.members[0].parameters()))
        x_grad = sum(g[per_member] for g in grads) if inputs[0].requires_grad else None
        return (None, x_grad, *(g for member in grads for g in member[:per_member]))


@register("blstm", label="BLSTM", settings=BLSTMSettings, color="tab:green")
class BLSTMNet(MemberEnsemble):
    """BLSTM regression reference [24]: M separate bidirectional LSTMs + linear output."""

    def __init__(self, in_dim: int, hidden: int, layers: int, dropout: float,
                 seeds: Sequence[int]):
        super().__init__(seeds, lambda: _BLSTM(in_dim, hidden, layers, dropout))
        self._random_between_layers = dropout > 0 and layers > 1  # nn.LSTM's dropout draws from the global RNG
        self._pool: ThreadPoolExecutor | None = None
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

    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(min(self.n_members, torch.get_num_threads()), "blstm-member")
        return self._pool

    def in_parallel(self, x: torch.Tensor) -> bool:
        """Members side by side: on the CPU, with several members and torch threads, and no random draws (the
        order of draws from the global generator would follow the thread schedule)."""
        return (x.device.type == "cpu" and self.n_members > 1 and torch.get_num_threads() > 1
                and not (self.training and self._random_between_layers))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.in_parallel(x):
            return super().forward(x)
        if not torch.is_grad_enabled():
            with _one_thread_per_op():
                return torch.stack(list(self.pool().map(lambda member: member(x), self.members)), dim=1)
        return _MembersInParallel.apply(self, x, *(p for member in self.members for p in member.parameters()))

    def __getstate__(self):  # a thread pool cannot be pickled or deep-copied
        return {**self.__dict__, "_pool": None}
