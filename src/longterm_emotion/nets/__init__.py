"""The paper's networks as vectorised ensembles, the CCC loss and the training loop.

Every model maps features (B, C_in, T) to predictions (B, M, T), one row per
ensemble member; see ``ensemble`` for how members stay independent.
"""

from __future__ import annotations

from collections.abc import Sequence

from .blstm import BLSTMNet
from .dilated import DilatedConvNet
from .downup import DownUpConvNet
from .ensemble import ACTIVATIONS, EnsembleModel, make_activation
from .loss import ccc_loss
from .single_filter import SingleFilterNet

MODELS = {"single_filter": SingleFilterNet, "dilated": DilatedConvNet,
          "downup": DownUpConvNet, "blstm": BLSTMNet}


def build_model(name: str, in_dim: int, seeds: Sequence[int], **params) -> EnsembleModel:
    """Model by name ("single_filter", "dilated", "downup", "blstm") with its constructor params."""
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; valid: {sorted(MODELS)}")
    return MODELS[name](in_dim=in_dim, seeds=seeds, **params)


__all__ = [
    "ACTIVATIONS", "BLSTMNet", "DilatedConvNet", "DownUpConvNet", "EnsembleModel", "MODELS", "SingleFilterNet",
    "build_model", "ccc_loss", "make_activation",
]
