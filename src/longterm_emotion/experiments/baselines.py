"""Reference baselines on the same features: ridge regression on stacked context frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..constants import PARTITIONS
from ..data import features
from ..metrics import ccc
from ..nets import training
from ..settings import LinearContext
from .outputs import frame_table, score_frames, write_outputs


def context_offsets(context_s: float, step_s: float, rate: float) -> np.ndarray:
    """Frame offsets -K*s ... +K*s (s = step in frames) covering about context_s seconds."""
    step = max(1, int(round(step_s * rate)))
    half = int(round(context_s * rate / 2 / step))
    return np.arange(-half, half + 1) * step


def stack_context(x: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Frames at the given offsets around each frame, edges clamped: (T, D) -> (T, len(offsets) * D)."""
    index = np.clip(np.arange(len(x))[:, None] + offsets[None, :], 0, len(x) - 1)
    return x[index].reshape(len(x), -1)


def _design(items, offsets) -> np.ndarray:
    stacked = np.concatenate([stack_context(item["features"], offsets) for item in items])
    return np.hstack([stacked, np.ones((len(stacked), 1), dtype=stacked.dtype)])


def fit_ridge(train_items, dev_items, dimensions, offsets, ridges) -> dict:
    """Ridge weights per dimension, the ridge strength chosen on dev CCC (bias not penalised)."""
    X = _design(train_items, offsets).astype(np.float64)
    gram = X.T @ X
    penalty = np.eye(len(gram))
    penalty[-1, -1] = 0.0
    X_dev = _design(dev_items, offsets).astype(np.float64)
    chosen = {}
    for dimension in dimensions:
        y = np.concatenate([item["labels"][dimension] for item in train_items]).astype(np.float64)
        y_dev = np.concatenate([item["labels"][dimension] for item in dev_items])
        rhs = X.T @ y
        candidates = []
        for ridge in ridges:
            weights = np.linalg.solve(gram + ridge * penalty, rhs)
            candidates.append((ccc(y_dev, X_dev @ weights), ridge, weights))
        score, ridge, weights = max(candidates, key=lambda c: c[0])
        chosen[dimension] = {"ridge": ridge, "dev_ccc": score, "weights": weights,
                             "grid": [(r, s) for s, r, _ in candidates]}
    return chosen


def predict_ridge(items, weights: np.ndarray, offsets) -> list[np.ndarray]:
    """Predictions per recording, each shaped (1, T) like an ensemble of one."""
    return [(_design([item], offsets) @ weights)[None, :] for item in items]


def run_linear_baseline(*, features_root, dimensions, cfg: dict | LinearContext, rate: float, out_root,
                        partitions=PARTITIONS) -> None:
    """Rule linear_baseline: ridge on stacked context frames, ridge chosen on dev, per dimension. `cfg`: the
    baselines.linear_context section (or its LinearContext)."""
    cfg = LinearContext.of(cfg)
    items = {p: features.load_partition(Path(features_root) / p, dimensions) for p in partitions}
    offsets = context_offsets(cfg.context_s, cfg.step_s, rate)
    fits = fit_ridge(items["train"], items["dev"], dimensions, offsets, list(cfg.ridge))
    for dimension in dimensions:
        sets = {p: training.to_recordings(items[p], dimension, "cpu") for p in partitions}
        predictions = {p: predict_ridge(items[p], fits[dimension]["weights"], offsets) for p in partitions}
        frames = frame_table(sets, predictions, [0], rate)
        history = pd.DataFrame([{"ridge": r, "dev_ccc": s} for r, s in fits[dimension]["grid"]])
        write_outputs(Path(out_root) / dimension, frames, score_frames(frames), history, dimension)
