"""What a trained method leaves behind: per-frame predictions, scores, history, submissions, model files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import layout
from ..constants import RUN_PREFIX
from ..data import corpus
from ..metrics import ccc, rmse

if TYPE_CHECKING:  # torch is imported only where a model is saved, so torch-free methods can use this module
    from ..nets import training


def _gold(y) -> np.ndarray:
    """First row of a (1, T) gold standard given as a torch tensor or a numpy array."""
    return y[0].cpu().numpy() if hasattr(y, "cpu") else np.asarray(y[0])


def frame_table(sets, predictions: dict[str, list[np.ndarray]], seeds, rate: float) -> pd.DataFrame:
    """Long table of per-frame predictions: partition, recording, frameTime, gold, one column per seed, ensemble."""
    parts = []
    for partition, recordings in sets.items():
        for rec, pred in zip(recordings, predictions[partition], strict=True):
            T = pred.shape[1]
            frame = pd.DataFrame({"partition": partition, "recording": rec.name, "frameTime": np.arange(T) / rate,
                                  "gold": _gold(rec.y) if rec.y is not None else np.nan})
            for m, seed in enumerate(seeds):
                frame[f"{RUN_PREFIX}{seed}"] = pred[m]
            frame["ensemble"] = pred.mean(axis=0)
            parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def score_frames(frames: pd.DataFrame) -> pd.DataFrame:
    """CCC and RMSE per partition for every run, their mean/std, and the ensemble (labelled partitions only)."""
    rows = []
    runs = [c for c in frames.columns if c.startswith(RUN_PREFIX)]
    for partition, part in frames.groupby("partition", sort=False):
        if part["gold"].isna().any():
            continue  # unlabelled (e.g. the real test partition): predicted, never scored
        gold = part["gold"].to_numpy()
        per_run = [(ccc(gold, part[c]), rmse(gold, part[c])) for c in runs]
        for column, (c, r) in zip(runs, per_run, strict=True):
            rows.append({"partition": partition, "run": column, "ccc": c, "rmse": r})
        cccs, rmses = np.array(per_run).T
        rows.append({"partition": partition, "run": "mean", "ccc": cccs.mean(), "rmse": rmses.mean(),
                     "ccc_std": cccs.std(), "rmse_std": rmses.std()})
        rows.append({"partition": partition, "run": "ensemble", "ccc": ccc(gold, part["ensemble"]),
                     "rmse": rmse(gold, part["ensemble"])})
    return pd.DataFrame(rows)


def write_submission(frames: pd.DataFrame, out_dir, dimension: str) -> None:
    """Ensemble predictions of every recording as ARFF in the gold standard's format (test: the submission)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for recording, rows in frames.groupby("recording", sort=False):
        corpus.write_gold_standard(out_dir / f"{recording}.arff", recording, dimension,
                                   rows["frameTime"].to_numpy(), rows["ensemble"].to_numpy())


def convergence_table(result: training.TrainResult) -> pd.DataFrame:
    """One row per run (member): its best dev epoch, the epochs trained, the protocol, whether it hit the cap."""
    return pd.DataFrame({"seed": list(result.model.seeds), "best_epoch": result.best_epoch,
                         "epochs": result.epochs_run, "max_epochs": result.max_epochs,
                         "patience": result.patience, "hit_cap": result.hit_cap})


def write_outputs(out_dir, frames, scores, history, dimension, convergence: pd.DataFrame | None = None) -> None:
    """predictions.csv, scores.csv, history.csv, per-recording ARFFs and, for trained runs, convergence.csv
    (the file names of layout.py)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames.to_csv(out_dir / layout.PREDICTIONS, index=False, float_format="%.6f")
    scores.to_csv(out_dir / layout.SCORES, index=False)
    history.to_csv(out_dir / layout.HISTORY, index=False)
    if convergence is not None:
        convergence.to_csv(out_dir / layout.CONVERGENCE, index=False)
    write_submission(frames, out_dir / layout.PER_RECORDING, dimension)


def save_model(result: training.TrainResult, model_name: str, settings: dict, path, in_dim: int) -> None:
    """Best-epoch parameters of every member with what is needed to rebuild the model (`in_dim`: feature columns)."""
    import torch

    torch.save({"model": model_name, "settings": settings, "in_dim": int(in_dim), "seeds": list(result.model.seeds),
                "state_dict": result.model.state_dict(), "best_epoch": result.best_epoch,
                "best_dev_ccc": result.best_dev_ccc}, path)
