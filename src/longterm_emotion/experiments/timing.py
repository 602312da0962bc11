"""Seconds per training epoch of each network (the paper's training-time comparison)."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import torch

from ..nets import build_model, ccc_loss
from .common import load_sets, split_settings


def time_epochs(model_name: str, settings: dict, sets, epochs: int, seed: int = 0) -> dict:
    """Seconds per training epoch of one model (one seed) on the whole training partition."""
    model_params, optimiser = split_settings(settings)
    device = sets["train"][0].x.device
    model = build_model(model_name, sets["train"][0].x.shape[1], [seed], **model_params).to(device)
    optimiser_ = torch.optim.Adam(model.param_groups(optimiser["lr"]))
    seconds = []
    for _ in range(epochs):
        started = time.perf_counter()
        for rec in sets["train"]:
            optimiser_.zero_grad(set_to_none=True)
            ccc_loss(model(rec.x), rec.y).sum().backward()
            optimiser_.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - started)
    return {"model": model_name, "parameters": model.n_parameters_per_member(), "device": str(device),
            "epochs_timed": epochs, "seconds_per_epoch": float(np.median(seconds)),
            "train_recordings": len(sets["train"]), "train_frames": int(sum(r.x.shape[-1] for r in sets["train"]))}


def run_timing(features_root, model_name, settings, epochs, device, out_csv) -> None:
    """Rule training_time: seconds per epoch of one model (arousal settings) on the training partition."""
    sets = load_sets(features_root, "arousal", device, ("train",))
    pd.DataFrame([time_epochs(model_name, settings, sets, epochs)]).to_csv(out_csv, index=False)
