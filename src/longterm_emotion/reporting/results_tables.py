"""Tables 1 and 2 (our rows, with the paper's RECOLA rows apart) and the training-time table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import layout
from ..analysis import bootstrap
from ..settings import Evidence
from ..analysis.convergence import convergence_summary
from ..analysis.smoothness import smoothness
from ..errors import InputDataError
from ..constants import PAPER_TABLE_NUMBER, RUN_PREFIX
from ..methods import label
from .paper import PAPER_RECOLA, paper_table
from .tables import format_interval, write_table

def _score(scores: pd.DataFrame, partition: str, run: str, column: str) -> float:
    row = scores[(scores["partition"] == partition) & (scores["run"] == run)]
    return float(row[column].iloc[0]) if len(row) and column in row else np.nan


def method_note(score_file) -> str:
    """A method's row note (e.g. the settings it chose on dev): note.txt beside its scores.csv, if it writes one."""
    path = Path(score_file).with_name(layout.NOTE)
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


def method_convergence(score_file) -> dict:
    """Median best epoch and share of runs at the epoch cap from convergence.csv beside scores.csv
    (methods trained by gradient descent); NaN for methods fitted in closed form or by a solver."""
    path = Path(score_file).with_name(layout.CONVERGENCE)
    if not path.is_file():
        return {"median_best_epoch": np.nan, "share_at_cap": np.nan}
    runs = pd.read_csv(path)
    return convergence_summary(runs["best_epoch"], runs["hit_cap"].astype(bool))


def results_table(score_files: dict[str, str]) -> pd.DataFrame:
    """One row per method: dev/test RMSE and CCC as mean and std over runs, and of the ensemble; its
    convergence (median best epoch, share of runs at the epoch cap); its note."""
    rows = []
    for method, path in score_files.items():
        scores = pd.read_csv(path)
        runs = int((scores["run"].str.startswith(RUN_PREFIX) & (scores["partition"] == "dev")).sum())
        row = {"method": label(method), "runs": runs, **method_convergence(path),
               "note": method_note(path)}
        for partition in ("dev", "test"):
            for metric in ("rmse", "ccc"):
                row[f"{partition}_{metric}"] = _score(scores, partition, "mean", metric)
                row[f"{partition}_{metric}_std"] = _score(scores, partition, "mean", f"{metric}_std")
                row[f"{partition}_{metric}_ensemble"] = _score(scores, partition, "ensemble", metric)
        rows.append(row)
    return pd.DataFrame(rows)


def smoothness_table(prediction_files: dict[str, str], rate: float, cutoff_hz: float) -> pd.DataFrame:
    """Smoothness of the dev predictions of each method: every single run (mean and std over runs) and the
    ensemble of the runs (averaging several runs smooths by itself), next to the gold standard's."""
    rows, gold_done = [], False
    for method, path in prediction_files.items():
        frames = pd.read_csv(path)
        dev = frames[frames["partition"] == "dev"]
        recs = dev["recording"].to_numpy()
        if not gold_done:
            step, above = smoothness(dev["gold"].to_numpy(), recs, rate, cutoff_hz)
            rows.append({"signal": "gold standard", "mean_abs_change": step, "power_above_cutoff": above})
            gold_done = True
        runs = np.array([smoothness(dev[c].to_numpy(), recs, rate, cutoff_hz)
                         for c in dev.columns if c.startswith(RUN_PREFIX)]).reshape(-1, 2)
        step, above = smoothness(dev["ensemble"].to_numpy(), recs, rate, cutoff_hz)
        rows.append({"signal": label(method), "mean_abs_change": step, "power_above_cutoff": above,
                     "mean_abs_change_runs": runs[:, 0].mean(), "mean_abs_change_runs_std": runs[:, 0].std(),
                     "power_above_cutoff_runs": runs[:, 1].mean(), "power_above_cutoff_runs_std": runs[:, 1].std()})
    return pd.DataFrame(rows)


def interval_table(prediction_files: dict[str, str], evidence: Evidence) -> pd.DataFrame:
    """Per method and labelled partition: the ensemble's concatenated CCC and its bootstrap interval over
    recordings (every method scored on the same resampled recordings)."""
    frames = {method: pd.read_csv(path) for method, path in prediction_files.items()}
    rows = []
    for partition in ("dev", "test"):
        parts = {m: f[f["partition"] == partition] for m, f in frames.items()}
        labelled = {m: p for m, p in parts.items() if len(p) and not p["gold"].isna().any()}
        if not labelled:
            continue
        first_method, first = next(iter(labelled.items()))
        for method, part in labelled.items():
            same = (len(part) == len(first) and np.array_equal(part["recording"].to_numpy(), first["recording"].to_numpy())
                    and np.allclose(part["gold"].to_numpy(), first["gold"].to_numpy()))
            if not same:
                raise InputDataError(prediction_files[method], f"{partition} recordings or gold standard differ from "
                                     f"those of {prediction_files[first_method]}; methods must be scored on the same data")
        intervals = bootstrap.ccc_intervals(first["gold"].to_numpy(),
                                            {m: p["ensemble"].to_numpy() for m, p in labelled.items()},
                                            first["recording"].to_numpy(), evidence)
        for method, interval in intervals.items():
            rows.append({"method": label(method), "partition": partition,
                         "ccc": interval.estimate, "low": interval.low, "high": interval.high,
                         "recordings": first["recording"].nunique()})
    return pd.DataFrame(rows, columns=["method", "partition", "ccc", "low", "high", "recordings"])


def format_mean_std(mean: float, std: float, digits: int = 3) -> str:
    if np.isnan(mean):
        return "—"
    return f"{mean:.{digits}f} ± {std:.{digits}f}" if not np.isnan(std) else f"{mean:.{digits}f}"


def format_convergence(row) -> str:
    """'median best epoch | runs at cap' cells of a table row ('— | —' for methods without epochs)."""
    if np.isnan(row["median_best_epoch"]):
        return "— | —"
    return f"{row['median_best_epoch']:g} | {row['share_at_cap']:.0%}"


def _with_intervals(ours: pd.DataFrame, intervals: pd.DataFrame) -> pd.DataFrame:
    """`ours` with columns <partition>_ccc_ensemble_low/high (NaN where no interval)."""
    out = ours.copy()
    for partition in ("dev", "test"):
        part = intervals[intervals["partition"] == partition].set_index("method")
        for bound in ("low", "high"):
            out[f"{partition}_ccc_ensemble_{bound}"] = out["method"].map(part[bound]).astype(float)
    return out


def markdown_table(ours: pd.DataFrame, smooth: pd.DataFrame, dimension: str, corpus_name: str,
                   cutoff_hz: float, intervals: pd.DataFrame, evidence: Evidence) -> str:
    """The paper-shaped table: our rows (corpus named) and, apart, the paper's RECOLA rows."""
    ours = _with_intervals(ours, intervals)
    level = f"{evidence.confidence:.0%}"
    lines = [
        f"### Table {PAPER_TABLE_NUMBER.get(dimension, '')}: {dimension} results",
        "",
        f"**Our runs on: {corpus_name}.** Mean ± std over runs (each at its best dev epoch); "
        "'ens.' = the runs' predictions averaged, as the paper's test submissions, with its "
        f"{level} bootstrap interval over recordings in brackets. Smoothness of the dev predictions: "
        "single runs (mean ± std over runs) and the ensemble. Convergence: the runs' median best dev epoch and "
        "the share of runs that reached the epoch cap less than `patience` epochs after their best (— for "
        "methods not trained by epochs).",
        "",
        "| Method | Dev RMSE | Dev CCC | Dev CCC ens. | Test RMSE | Test CCC | Test CCC ens. "
        f"| mean abs. change, runs | mean abs. change, ens. | power > {cutoff_hz:g} Hz, runs "
        f"| power > {cutoff_hz:g} Hz, ens. | median best epoch | runs at cap |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    gold = smooth[smooth["signal"] == "gold standard"].iloc[0]
    for _, row in ours.iterrows():
        sm = smooth[smooth["signal"] == row["method"]]
        if len(sm):
            sm = sm.iloc[0]
            cells = [format_mean_std(sm["mean_abs_change_runs"], sm["mean_abs_change_runs_std"], 4),
                     f"{sm['mean_abs_change']:.4f}",
                     f"{sm['power_above_cutoff_runs']:.2%} ± {sm['power_above_cutoff_runs_std']:.2%}",
                     f"{sm['power_above_cutoff']:.2%}"]
        else:
            cells = ["—"] * 4
        lines.append(
            f"| {row['method']} | {format_mean_std(row['dev_rmse'], row['dev_rmse_std'])} "
            f"| {format_mean_std(row['dev_ccc'], row['dev_ccc_std'])} "
            f"| {format_interval(row['dev_ccc_ensemble'], row['dev_ccc_ensemble_low'], row['dev_ccc_ensemble_high'])} "
            f"| {format_mean_std(row['test_rmse'], row['test_rmse_std'])} "
            f"| {format_mean_std(row['test_ccc'], row['test_ccc_std'])} "
            f"| {format_interval(row['test_ccc_ensemble'], row['test_ccc_ensemble_low'], row['test_ccc_ensemble_high'])} "
            f"| {' | '.join(cells)} | {format_convergence(row)} |"
        )
    lines.append(f"| gold standard (dev) | | | | | | | | {gold['mean_abs_change']:.4f} | "
                 f"| {gold['power_above_cutoff']:.2%} | | |")
    notes = [f"- {row['method']}: {row['note']}" for _, row in ours.iterrows() if row["note"]]
    if notes:
        lines += ["", "Notes:", "", *notes]
    lines += [
        "",
        "**RECOLA, numbers printed in the paper** (audio only; not computed here; — = not reported):",
        "",
        "| Method | Dev RMSE | Dev CCC | Test RMSE | Test CCC |",
        "|---|---|---|---|---|",
    ]
    for method, *values in PAPER_RECOLA[dimension]:
        lines.append("| " + " | ".join([method] + ["—" if v is None else f"{v:.3f}" for v in values]) + " |")
    return "\n".join(lines) + "\n"


def write_paper_tables(*, score_files: dict, prediction_files: dict, dimension: str, rate: float,
                       cutoff_hz: float, corpus_name: str, stem, evidence: dict | Evidence) -> pd.DataFrame:
    """Table 1 or 2: stem.csv/.md/.tex for our rows, stem_recola_paper.csv for the paper's, stem.md combined.

    `evidence` (the config section or an Evidence) sets the bootstrap of the ensemble CCC's interval over
    recordings."""
    evidence = Evidence.of(evidence)
    stem = Path(stem)
    ours = results_table(score_files)
    smooth = smoothness_table(prediction_files, rate, cutoff_hz)
    intervals = interval_table(prediction_files, evidence)
    merged = _with_intervals(ours, intervals).merge(smooth.rename(columns={"signal": "method"}), on="method",
                                                    how="left")
    write_table(merged, stem, f"{dimension} results", corpus_name,
                notes=[f"<partition>_ccc_ensemble_low/high: {evidence.confidence:.0%} percentile bootstrap interval of "
                       f"the ensemble's CCC, {evidence.resamples} resamples of the recordings (seed {evidence.seed}).",
                       "mean_abs_change / power_above_cutoff: the dev ensemble; *_runs: mean (and std) over single runs.",
                       "median_best_epoch: median of the runs' best dev epochs; share_at_cap: share of runs that "
                       "reached the epoch cap less than `patience` epochs after their best (empty: not trained by "
                       "epochs)."])
    paper_table(dimension).assign(corpus="RECOLA (numbers printed in the paper)").to_csv(
        f"{stem}_recola_paper.csv", index=False)
    stem.with_suffix(".md").write_text(
        markdown_table(ours, smooth, dimension, corpus_name, cutoff_hz, intervals, evidence), encoding="utf-8")
    return merged


def write_timing_table(*, timing_files, stem, corpus_name: str) -> pd.DataFrame:
    """Seconds per training epoch and parameters per model, next to the paper's report."""
    table = pd.concat([pd.read_csv(path) for path in timing_files], ignore_index=True)
    table["model"] = table["model"].map(lambda m: label(m))
    write_table(
        table, stem, "Training time per epoch (one model, one seed, whole training partition)", corpus_name,
        notes=["Paper (RECOLA, GPU, Keras/Theano): about 13 s per epoch for a convolutional network and about "
               "10 min for a BLSTM with a similar number of parameters."],
        floatfmt=".2f",
    )
    return table


def on_edge(chosen: dict, space: dict) -> str:
    """The chosen settings that lie at the smallest or largest of their searched values ("net.hidden=64
    (largest of 32, 64)"), comma separated; an optimum there may lie outside the grid."""
    found = []
    for group, values in space.items():
        for name, grid in values.items():
            key = f"{group}.{name}"
            numeric = [v for v in grid if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if key not in chosen or len(numeric) < 2 or len(numeric) != len(grid):
                continue
            value = float(chosen[key])
            edge = "smallest" if value == min(numeric) else "largest" if value == max(numeric) else None
            if edge:
                found.append(f"{name}={chosen[key]:g} ({edge} of {', '.join(f'{v:g}' for v in sorted(numeric))})")
    return ", ".join(found)


def search_table(grid_files: dict[str, str], space: dict | None = None) -> pd.DataFrame:
    """One row per network and dimension from its grid table: the budget (points x seeds), the chosen
    point, the spread of dev CCC over points, convergence and the search's training time; with the
    searched `space` (config grid.space), which chosen values lie on the edge of their range."""
    rows = []
    for key, path in grid_files.items():
        table = pd.read_csv(path)
        chosen = table[table["chosen"]].iloc[0]
        searched = [c for c in table.columns if c.startswith(("net.", "optim."))]
        rows.append({
            "network": label(str(chosen["network"])),
            "dimension": chosen["dimension"],
            "points": len(table),
            "runs_per_point": int(table["runs"].iloc[0]),
            "chosen": ", ".join(f"{c.split('.', 1)[1]}={chosen[c]:g}" if isinstance(chosen[c], float)
                                else f"{c.split('.', 1)[1]}={chosen[c]}" for c in searched),
            "dev_ccc": chosen["dev_ccc_mean"],
            "dev_ccc_std": chosen["dev_ccc_std"],
            "dev_ccc_worst_point": table["dev_ccc_mean"].min(),
            "median_best_epoch": float(table["median_best_epoch"].median()),
            "share_at_cap": float(table["share_at_cap"].mean()),
            "train_seconds": float(table["seconds"].sum()),
            "on_edge": on_edge(chosen.to_dict(), (space or {}).get(str(chosen["network"]), {})),
        })
    return pd.DataFrame(rows)


def write_search_table(*, grid_files: dict, stem, corpus_name: str, space: dict | None = None) -> pd.DataFrame:
    """tables/search.{csv,md,tex}: the model search of every network and dimension, side by side."""
    table = search_table(grid_files, space)
    write_table(
        table, stem, "Model search on dev: every network with the same budget", corpus_name,
        notes=["points x runs_per_point: grid points, each trained with that many seeds on train and scored on dev "
               "(test labels are never read); chosen: the searched settings of the point with the best mean dev CCC "
               "(dev_ccc ± dev_ccc_std over its seeds); dev_ccc_worst_point: the lowest point's mean.",
               "median_best_epoch: median over points of their runs' median best dev epoch; share_at_cap: share of "
               "the search's runs that reached the epoch cap less than `patience` epochs after their best; "
               "train_seconds: training time of all points summed (one job per point).",
               "on_edge: chosen values at the smallest or largest of their searched values: the best of the grid, "
               "whose optimum may lie outside it (not an optimised value). With two values per setting every "
               "choice is on an edge."],
    )
    return table
