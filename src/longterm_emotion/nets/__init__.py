"""The networks as vectorised ensembles, the CCC loss and the training loop.

Every model maps features (B, C_in, T) to predictions (B, M, T), one row per
ensemble member; see ``ensemble`` for how members stay independent. Networks are
looked up by name in ``registry``: the package's own are declared in ``catalog``
(importable without torch, so the workflow starts without it) and their classes
imported on first use; a plugin's network registers its class with ``register``.
"""

from __future__ import annotations

import importlib

from . import catalog  # noqa: F401  (declares the package's networks)
from .registry import NETWORKS, NetworkEntry, entry, register, setting
from .registry import build as build_model

# What needs torch is imported when first asked for (`from longterm_emotion.nets import ccc_loss`).
_WITH_TORCH = {"ACTIVATIONS": "ensemble", "EnsembleModel": "ensemble", "MemberEnsemble": "ensemble",
               "make_activation": "ensemble", "ccc_loss": "loss"}


def __getattr__(name: str):
    if name in _WITH_TORCH:
        return getattr(importlib.import_module(f".{_WITH_TORCH[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ACTIVATIONS", "EnsembleModel", "MemberEnsemble", "NETWORKS", "NetworkEntry", "build_model", "ccc_loss", "entry", "make_activation",
    "register", "setting",
]
