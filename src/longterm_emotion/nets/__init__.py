"""The networks as vectorised ensembles, the CCC loss and the training loop.

Every model maps features (B, C_in, T) to predictions (B, M, T), one row per
ensemble member; see ``ensemble`` for how members stay independent. Networks are
looked up by name in ``registry``: each network's module registers its class.
"""

from __future__ import annotations

from . import blstm, dilated, downup, single_filter, transformer  # noqa: F401  (each registers its network)
from .ensemble import ACTIVATIONS, EnsembleModel, MemberEnsemble, make_activation
from .loss import ccc_loss
from .registry import NETWORKS, NetworkEntry, entry, register, setting
from .registry import build as build_model

__all__ = [
    "ACTIVATIONS", "EnsembleModel", "MemberEnsemble", "NETWORKS", "NetworkEntry", "build_model", "ccc_loss", "entry", "make_activation",
    "register", "setting",
]
