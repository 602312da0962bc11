"""Shared steps of the experiments: loading a dimension's recordings, fitting an ensemble."""

from __future__ import annotations

from pathlib import Path

from ..constants import PARTITIONS
from ..data import features
from ..nets import training

OPTIMISER_KEYS = ("lr", "l2")


def split_settings(settings: dict) -> tuple[dict, dict]:
    """(model constructor params, optimiser settings) from one models.<model>.<dimension> entry."""
    model = {k: v for k, v in settings.items() if k not in OPTIMISER_KEYS}
    return model, {k: settings[k] for k in OPTIMISER_KEYS}


def load_sets(features_root, dimension: str, device, partitions=PARTITIONS) -> dict[str, list[training.Recording]]:
    """Recordings of each partition as tensors for one dimension."""
    return {
        p: training.to_recordings(features.load_partition(Path(features_root) / p, [dimension]), dimension, device)
        for p in partitions
    }


def fit(model_name: str, settings: dict, seeds, sets, train_cfg: dict, checkpoint=None) -> training.TrainResult:
    model_params, optimiser = split_settings(settings)
    protocol = {**optimiser, "max_epochs": train_cfg["max_epochs"], "patience": train_cfg["patience"],
                "shuffle_seed": train_cfg["shuffle_seed"]}
    return training.train(model_name, model_params, list(seeds), sets["train"], sets["dev"], protocol, checkpoint)
