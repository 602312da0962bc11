"""The paper's main experiment: grid search on dev, final runs, predictions and scores."""

from __future__ import annotations

import itertools
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import yaml

from . import corpus, features, training
from .metrics import ccc, rmse
from .models import build_model, ccc_loss

log = logging.getLogger(__name__)

OPTIMISER_KEYS = ("lr", "l2")
PARTITIONS = corpus.PARTITIONS
RUN_PREFIX = "seed_"  # prediction columns of the individual runs


def split_settings(settings: dict) -> tuple[dict, dict]:
    """(model constructor params, optimiser settings) from one models.<model>.<dimension> entry."""
    model = {k: v for k, v in settings.items() if k not in OPTIMISER_KEYS}
    return model, {k: settings[k] for k in OPTIMISER_KEYS}


def grid_points(base: dict, space: dict) -> list[dict]:
    """Every combination of the grid's values applied on top of the base settings."""
    unknown = sorted(set(space) - set(base))
    if unknown:
        raise ValueError(f"grid: settings {unknown} are not settings of this model ({sorted(base)})")
    keys = sorted(space)
    return [{**base, **dict(zip(keys, values))} for values in itertools.product(*(space[k] for k in keys))]


def load_sets(features_root, dimension: str, device, partitions=PARTITIONS) -> dict[str, list[training.Recording]]:
    """Recordings of each partition as tensors for one dimension."""
    return {
        p: training.to_recordings(features.load_partition(Path(features_root) / p, [dimension]), dimension, device)
        for p in partitions
    }


def _fit(model_name: str, settings: dict, seeds, sets, train_cfg: dict, checkpoint=None) -> training.TrainResult:
    model_params, optimiser = split_settings(settings)
    protocol = {**optimiser, "max_epochs": train_cfg["max_epochs"], "patience": train_cfg["patience"],
                "shuffle_seed": train_cfg["shuffle_seed"]}
    return training.train(model_name, model_params, list(seeds), sets["train"], sets["dev"], protocol, checkpoint)


def tune(model_name: str, base: dict, space: dict, runs: int, sets, train_cfg: dict) -> tuple[dict, pd.DataFrame]:
    """Train every grid point with `runs` seeds; return the point with the best mean dev CCC and the grid table."""
    rows = []
    seeds = [int(train_cfg["seeds"][0]) + 1000 + r for r in range(runs)]  # kept apart from the final runs' seeds
    for index, settings in enumerate(grid_points(base, space)):
        result = _fit(model_name, settings, seeds, sets, train_cfg)
        rows.append({"point": index, **{k: settings[k] for k in sorted(space)},
                     "dev_ccc_mean": float(np.mean(result.best_dev_ccc)), "dev_ccc_std": float(np.std(result.best_dev_ccc)),
                     "epochs": result.epochs_run, "settings": yaml.safe_dump(settings, default_flow_style=True).strip()})
        log.info("grid point %d %s: dev CCC %.3f", index, {k: settings[k] for k in space}, rows[-1]["dev_ccc_mean"])
    table = pd.DataFrame(rows)
    best = int(table["dev_ccc_mean"].idxmax())
    return grid_points(base, space)[best], table


def frame_table(sets, predictions: dict[str, list[np.ndarray]], seeds, rate: float) -> pd.DataFrame:
    """Long table of per-frame predictions: partition, recording, frameTime, gold, one column per seed, ensemble."""
    parts = []
    for partition, recordings in sets.items():
        for rec, pred in zip(recordings, predictions[partition], strict=True):
            T = pred.shape[1]
            frame = pd.DataFrame({"partition": partition, "recording": rec.name, "frameTime": np.arange(T) / rate,
                                  "gold": rec.y[0].cpu().numpy() if rec.y is not None else np.nan})
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


def train_final(model_name: str, settings: dict, sets, train_cfg: dict, rate: float, checkpoint=None):
    """Final runs (one per seed, vectorised), each at its best dev epoch; returns (result, frames, scores)."""
    seeds = [int(s) for s in train_cfg["seeds"]]
    result = _fit(model_name, settings, seeds, sets, train_cfg, checkpoint)
    predictions = {p: training.predict(result.model, recs) for p, recs in sets.items()}
    frames = frame_table(sets, predictions, seeds, rate)
    return result, frames, score_frames(frames)


def save_model(result: training.TrainResult, model_name: str, settings: dict, path) -> None:
    """Best-epoch parameters of every member with what is needed to rebuild the model."""
    torch.save({"model": model_name, "settings": settings, "seeds": list(result.model.seeds),
                "state_dict": result.model.state_dict(), "best_epoch": result.best_epoch,
                "best_dev_ccc": result.best_dev_ccc}, path)


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


# ---- entry points of the Snakemake rules -------------------------------------------------


def run_tune(features_root, model_name, dimension, base, space, runs, train_cfg, device, out_settings, out_table):
    """Rule tune: search the grid on dev, write the chosen settings (YAML) and the grid table."""
    sets = load_sets(features_root, dimension, device, ("train", "dev"))
    chosen, table = tune(model_name, base, space, runs, sets, train_cfg)
    table.to_csv(out_table, index=False)
    Path(out_settings).write_text(yaml.safe_dump({"model": model_name, "dimension": dimension, "settings": chosen}))


def run_final(features_root, model_name, dimension, settings_file, train_cfg, device, rate, out_dir):
    """Rule train: final runs with the chosen settings; model, history, predictions, scores, per-recording ARFFs."""
    out_dir = Path(out_dir)
    settings = yaml.safe_load(Path(settings_file).read_text())["settings"]
    sets = load_sets(features_root, dimension, device)
    result, frames, scores = train_final(model_name, settings, sets, train_cfg, rate,
                                         checkpoint=out_dir.parent / f".{out_dir.name}.checkpoint.pt")
    write_outputs(out_dir, frames, scores, pd.DataFrame(result.history), dimension)
    save_model(result, model_name, settings, out_dir / "model.pt")


def write_outputs(out_dir, frames, scores, history, dimension) -> None:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frames.to_csv(out_dir / "predictions.csv", index=False, float_format="%.6f")
    scores.to_csv(out_dir / "scores.csv", index=False)
    history.to_csv(out_dir / "history.csv", index=False)
    write_submission(frames, out_dir / "per_recording", dimension)


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


def run_linear_baseline(features_root, dimensions, cfg, rate, out_root) -> None:
    """Rule linear_baseline: ridge on stacked context frames, ridge chosen on dev, per dimension."""
    from . import baselines

    items = {p: features.load_partition(Path(features_root) / p, dimensions) for p in PARTITIONS}
    offsets = baselines.context_offsets(cfg["context_s"], cfg["step_s"], rate)
    fits = baselines.fit_ridge(items["train"], items["dev"], dimensions, offsets, cfg["ridge"])
    for dimension in dimensions:
        sets = {p: training.to_recordings(items[p], dimension, "cpu") for p in PARTITIONS}
        predictions = {p: baselines.predict_ridge(items[p], fits[dimension]["weights"], offsets) for p in PARTITIONS}
        frames = frame_table(sets, predictions, [0], rate)
        history = pd.DataFrame([{"ridge": r, "dev_ccc": s} for r, s in fits[dimension]["grid"]])
        write_outputs(Path(out_root) / dimension, frames, score_frames(frames), history, dimension)


def run_timing(features_root, model_name, settings, epochs, device, out_csv) -> None:
    """Rule training_time: seconds per epoch of one model (arousal settings) on the training partition."""
    sets = load_sets(features_root, "arousal", device, ("train",))
    pd.DataFrame([time_epochs(model_name, settings, sets, epochs)]).to_csv(out_csv, index=False)
