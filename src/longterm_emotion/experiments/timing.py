"""Seconds per training epoch of each network (the paper's training-time comparison)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import torch

from ..nets import build_model, ccc_loss
from ..nets.training import resolve_device
from ..settings import NetworkSettings
from .common import load_sets


def time_epochs(network: str, settings: NetworkSettings, sets, epochs: int, warmup: int = 1, seed: int = 0) -> dict:
    """Seconds per training epoch of one network (one seed) on the whole training partition: the median of
    `epochs` epochs after `warmup` untimed ones (first-call allocations and kernel selection)."""
    device = sets["train"][0].x.device
    model = build_model(network, sets["train"][0].x.shape[1], [seed], **settings.net).to(device)
    optimiser = torch.optim.Adam(model.param_groups(settings.optim.lr))
    seconds = []
    for _ in range(warmup + epochs):
        started = time.perf_counter()
        for rec in sets["train"]:
            optimiser.zero_grad(set_to_none=True)
            ccc_loss(model(rec.x), rec.y).sum().backward()
            optimiser.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - started)
    seconds = seconds[warmup:]
    return {"model": network, "parameters": model.n_parameters_per_member(), "device": str(device),
            "threads": torch.get_num_threads(), "epochs_timed": epochs, "warmup_epochs": warmup,
            "seconds_per_epoch": float(np.median(seconds)),
            "train_recordings": len(sets["train"]), "train_frames": int(sum(r.x.shape[-1] for r in sets["train"]))}


def run_timing(*, features_root, network: str, dimension: str, settings: dict, epochs: int, warmup: int,
               device: str, out_csv) -> None:
    """Rule training_time: seconds per epoch of one network with its settings for `dimension`."""
    sets = load_sets(features_root, dimension, resolve_device(device), ("train",))
    row = time_epochs(network, NetworkSettings.from_config(settings), sets, epochs, warmup)
    pd.DataFrame([row]).to_csv(out_csv, index=False)
