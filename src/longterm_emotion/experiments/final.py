"""Final runs of the paper's networks and of the single best filter: predictions and scores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from ..nets import training
from .common import fit, load_sets
from .outputs import frame_table, save_model, score_frames, write_outputs


def train_final(model_name: str, settings: dict, sets, train_cfg: dict, rate: float, checkpoint=None):
    """Final runs (one per seed, vectorised), each at its best dev epoch; returns (result, frames, scores)."""
    seeds = [int(s) for s in train_cfg["seeds"]]
    result = fit(model_name, settings, seeds, sets, train_cfg, checkpoint)
    predictions = {p: training.predict(result.model, recs) for p, recs in sets.items()}
    frames = frame_table(sets, predictions, seeds, rate)
    return result, frames, score_frames(frames)


def run_final(features_root, model_name, dimension, settings_file, train_cfg, device, rate, out_dir):
    """Rule train: final runs with the chosen settings; model, history, predictions, scores, per-recording ARFFs."""
    out_dir = Path(out_dir)
    settings = yaml.safe_load(Path(settings_file).read_text())["settings"]
    sets = load_sets(features_root, dimension, device)
    result, frames, scores = train_final(model_name, settings, sets, train_cfg, rate,
                                         checkpoint=out_dir.parent / f".{out_dir.name}.checkpoint.pt")
    write_outputs(out_dir, frames, scores, pd.DataFrame(result.history), dimension)
    save_model(result, model_name, settings, out_dir / "model.pt")


def run_best_filter(features_root, dimension, sweep_table, sweep_cfg, train_cfg, device, rate, out_dir):
    """Rule best_filter: the sweep's best length for this dimension, trained with the final runs' seeds."""
    table = pd.read_csv(sweep_table)
    rows = table[table["dimension"] == dimension]
    length = int(rows.loc[rows["dev_ccc_mean"].idxmax(), "filter_length"])
    settings = {"filter_length": length, "fft_size": int(sweep_cfg["fft_size"]), "lr": sweep_cfg["lr"], "l2": sweep_cfg["l2"]}
    protocol = {**train_cfg, "max_epochs": sweep_cfg["max_epochs"], "patience": sweep_cfg["patience"],
                "shuffle_seed": sweep_cfg["shuffle_seed"]}
    sets = load_sets(features_root, dimension, device)
    result, frames, scores = train_final("single_filter", settings, sets, protocol, rate)
    write_outputs(out_dir, frames, scores, pd.DataFrame(result.history), dimension)
    save_model(result, "single_filter", settings, Path(out_dir) / "model.pt")
