"""The preliminary experiment of Section 4: one filter of length L, dev CCC against L (Figure 1).

Training (run_length) needs torch and the feature readers; collecting the
results (summarise, write_results) needs only pandas and matplotlib, so the
plotting environment can run it.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd


def run_length(*, features_root, dimension: str, filter_length: int, sweep: dict, device: str) -> pd.DataFrame:
    """Rule sweep_length: train the sweep's seeds of the single-filter network for one L (vectorised); a row per run."""
    from ..nets import training
    from ..settings import SweepSettings
    from .common import load_sets

    settings = SweepSettings.from_config(sweep)
    device = training.resolve_device(device)
    sets = load_sets(features_root, dimension, device, ("train", "dev"))
    seeds = list(settings.seeds)
    started = time.perf_counter()
    result = training.train(
        "single_filter", settings.net(filter_length),
        seeds, sets["train"], sets["dev"], settings.optim, settings.protocol,
    )
    seconds = time.perf_counter() - started
    # scored like dev: eval mode, the partition's recordings concatenated, each run's best dev epoch
    train_ccc = training.member_scores(training.predict(result.model, sets["train"]), sets["train"])
    return pd.DataFrame({
        "filter_length": int(filter_length),
        "dimension": dimension,
        "seed": seeds,
        "dev_ccc": result.best_dev_ccc,
        "train_ccc": train_ccc,
        "best_epoch": result.best_epoch,
        "epochs": result.epochs_run,
        "max_epochs": result.max_epochs,
        "hit_cap": result.hit_cap,
        "seconds_per_epoch": result.seconds_per_epoch,
        "seconds": seconds,
        "device": str(device),
    })


def mean_interval(scores, confidence: float) -> tuple[float, float]:
    """Student-t interval of the mean of `scores` (runs with different seeds): mean -+ t * s / sqrt(n).

    It covers the seed-to-seed variation of training only: every run is scored on the same dev
    recordings, so which recordings the partition holds is not part of it. NaN for fewer than 2 runs.
    """
    from scipy import stats

    scores = np.asarray(scores, dtype=np.float64)
    if len(scores) < 2:
        return np.nan, np.nan
    half = stats.t.ppf(0.5 + confidence / 2.0, len(scores) - 1) * scores.std(ddof=1) / np.sqrt(len(scores))
    return float(scores.mean() - half), float(scores.mean() + half)


def summarise(runs: pd.DataFrame, frame_rate: float, confidence: float = 0.95) -> pd.DataFrame:
    """Mean, std and the t-interval of the mean of dev CCC per (dimension, L), with the per-run values and the cost."""
    rows = []
    for (dimension, length), group in runs.groupby(["dimension", "filter_length"], sort=True):
        scores = group["dev_ccc"].to_numpy()
        low, high = mean_interval(scores, confidence)
        rows.append({
            "dimension": dimension,
            "filter_length": int(length),
            "context_s": length / frame_rate,
            "dev_ccc_mean": scores.mean(),
            "dev_ccc_std": scores.std(),
            "dev_ccc_low": low,
            "dev_ccc_high": high,
            "runs": len(scores),
            "dev_ccc_runs": " ".join(f"{s:.3f}" for s in scores),
            "epochs": int(group["epochs"].iloc[0]),
            "train_ccc_mean": float(group["train_ccc"].mean()),
            "median_best_epoch": float(group["best_epoch"].median()),
            "share_at_cap": float(group["hit_cap"].mean()),
            "seconds_per_epoch": float(group["seconds_per_epoch"].iloc[0]),
            "seconds": float(group["seconds"].iloc[0]),
        })
    return pd.DataFrame(rows)


def epoch_time_ratio(summary: pd.DataFrame) -> float:
    """Seconds per epoch at the longest L over those at the shortest (mean over dimensions)."""
    by_length = summary.groupby("filter_length")["seconds_per_epoch"].mean()
    return float(by_length.iloc[-1] / by_length.iloc[0])


def write_results(*, run_csvs, stem, frame_rate: float, corpus_name: str, figure_path,
                  confidence: float = 0.95) -> pd.DataFrame:
    """Collect the per-L runs into the sweep table (csv/md/tex), the runs table and Figure 1."""
    from ..reporting import plots
    from ..reporting.tables import write_table

    runs = pd.concat([pd.read_csv(path) for path in run_csvs], ignore_index=True)
    summary = summarise(runs, frame_rate, confidence)
    write_table(
        summary, stem, "Filter-length sweep: dev CCC of the single-filter network", corpus_name,
        notes=[f"{summary['runs'].iloc[0]} runs (seeds) per length; mean and population std of dev CCC over runs, "
               "each run at its best dev epoch.",
               f"dev_ccc_low/high: {confidence:.0%} Student-t interval of the mean over runs. It covers the "
               "seed-to-seed variation of training only, not the choice of dev recordings (the sweep keeps each "
               "run's dev CCC, not its predictions; every run is scored on the same recordings).",
               "train_ccc_mean: the runs' mean CCC on the training partition, scored as dev CCC is (eval mode, the "
               "recordings concatenated, each run at its best dev epoch): where it keeps rising with L while dev CCC "
               "falls, longer filters overfit.",
               "epochs: epochs trained (the runs of a length train together and stop when none has improved for "
               "`patience` epochs); median_best_epoch: median of the runs' best dev epochs; share_at_cap: share of "
               "runs that reached the epoch cap less than `patience` epochs after their best (not converged).",
               f"Epoch time ratio longest/shortest L: {epoch_time_ratio(summary):.2f}."],
    )
    runs.assign(corpus=corpus_name).to_csv(f"{stem}_runs.csv", index=False)
    plots.plot_sweep(summary, figure_path, corpus_name, confidence)
    return summary


def write_corpora_figure(*, sweep_csvs: dict, figure_path, confidence: float = 0.95, copy_to=None) -> None:
    """Figure 1 of several runs' sweep tables (corpus name from each table) in one figure; `copy_to`
    {name: path} keeps a copy of the other runs' tables next to this run's results."""
    import shutil

    from ..reporting import plots

    summaries = {}
    for key, path in sweep_csvs.items():
        table = pd.read_csv(path)
        name = str(table["corpus"].iloc[0])
        summaries[name if name not in summaries else f"{name} ({key})"] = table
    plots.plot_sweep_corpora(summaries, figure_path, confidence)
    for name, target in (copy_to or {}).items():
        shutil.copyfile(sweep_csvs[name], target)
