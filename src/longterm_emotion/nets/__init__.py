"""The networks as vectorised ensembles, the CCC loss and the training loop.

Every model maps features (B, C_in, T) to predictions (B, M, T), one row per
ensemble member; see ``ensemble`` for how members stay independent. Networks are
looked up by name in ``registry``: each of the package's own is a folder that
declares its name and settings without torch (so the workflow starts without it)
and holds its class in ``model``, imported on first use; a plugin's network
registers its class with ``register``.
"""

from __future__ import annotations

import importlib

from . import blstm, dilated, downup, single_filter, transformer  # noqa: F401  (each declares its network)
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
