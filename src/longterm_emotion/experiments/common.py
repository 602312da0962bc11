"""Shared steps of the experiments: loading a dimension's recordings, fitting an ensemble."""

from __future__ import annotations

from pathlib import Path

from ..constants import PARTITIONS
from ..data import features
from ..nets import training
from ..settings import NetworkSettings, Protocol


def load_sets(features_root, dimension: str, device, partitions=PARTITIONS) -> dict[str, list[training.Recording]]:
    """Recordings of each partition as tensors for one dimension."""
    return {
        p: training.to_recordings(features.load_partition(Path(features_root) / p, [dimension]), dimension, device)
        for p in partitions
    }


def fit(network: str, settings: NetworkSettings, seeds, sets, protocol: Protocol,
        checkpoint=None) -> training.TrainResult:
    """Train one ensemble (a member per seed) on sets['train'], selecting each member's epoch on sets['dev']."""
    return training.train(network, settings.net, list(seeds), sets["train"], sets["dev"], settings.optim, protocol,
                          checkpoint)
