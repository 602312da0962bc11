"""Tables 1 and 2 (our rows, with the paper's RECOLA rows apart) and the training-time table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis.smoothness import smoothness
from ..constants import METHOD_LABELS, PAPER_TABLE_NUMBER, RUN_PREFIX
from .paper import PAPER_RECOLA, paper_table
from .tables import write_table

NOTE_FILE = "note.txt"


def _score(scores: pd.DataFrame, partition: str, run: str, column: str) -> float:
    row = scores[(scores["partition"] == partition) & (scores["run"] == run)]
    return float(row[column].iloc[0]) if len(row) and column in row else np.nan


def method_note(score_file) -> str:
    """A method's row note (e.g. the settings it chose on dev): note.txt beside its scores.csv, if it writes one."""
    path = Path(score_file).with_name(NOTE_FILE)
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


def results_table(score_files: dict[str, str]) -> pd.DataFrame:
    """One row per method: dev/test RMSE and CCC as mean and std over runs, and of the ensemble; its note."""
    rows = []
    for method, path in score_files.items():
        scores = pd.read_csv(path)
        runs = int((scores["run"].str.startswith(RUN_PREFIX) & (scores["partition"] == "dev")).sum())
        row = {"method": METHOD_LABELS.get(method, method), "runs": runs, "note": method_note(path)}
        for partition in ("dev", "test"):
            for metric in ("rmse", "ccc"):
                row[f"{partition}_{metric}"] = _score(scores, partition, "mean", metric)
                row[f"{partition}_{metric}_std"] = _score(scores, partition, "mean", f"{metric}_std")
                row[f"{partition}_{metric}_ensemble"] = _score(scores, partition, "ensemble", metric)
        rows.append(row)
    return pd.DataFrame(rows)


def smoothness_table(prediction_files: dict[str, str], rate: float, cutoff_hz: float) -> pd.DataFrame:
    """Smoothness of dev ensemble predictions of each method next to the gold standard's."""
    rows, gold_done = [], False
    for method, path in prediction_files.items():
        frames = pd.read_csv(path)
        dev = frames[frames["partition"] == "dev"]
        recs = dev["recording"].to_numpy()
        if not gold_done:
            step, above = smoothness(dev["gold"].to_numpy(), recs, rate, cutoff_hz)
            rows.append({"signal": "gold standard", "mean_abs_change": step, "power_above_cutoff": above})
            gold_done = True
        step, above = smoothness(dev["ensemble"].to_numpy(), recs, rate, cutoff_hz)
        rows.append({"signal": METHOD_LABELS.get(method, method), "mean_abs_change": step, "power_above_cutoff": above})
    return pd.DataFrame(rows)


def format_mean_std(mean: float, std: float) -> str:
    if np.isnan(mean):
        return "—"
    return f"{mean:.3f} ± {std:.3f}" if not np.isnan(std) else f"{mean:.3f}"


def markdown_table(ours: pd.DataFrame, smooth: pd.DataFrame, dimension: str, corpus_name: str,
                   cutoff_hz: float) -> str:
    """The paper-shaped table: our rows (corpus named) and, apart, the paper's RECOLA rows."""
    lines = [
        f"### Table {PAPER_TABLE_NUMBER.get(dimension, '')}: {dimension} results",
        "",
        f"**Our runs on: {corpus_name}.** Mean ± std over runs (each at its best dev epoch); "
        "'ens.' = the runs' predictions averaged, as the paper's test submissions.",
        "",
        "| Method | Dev RMSE | Dev CCC | Dev CCC ens. | Test RMSE | Test CCC | Test CCC ens. | mean abs. change "
        f"| power > {cutoff_hz:g} Hz |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    gold = smooth[smooth["signal"] == "gold standard"].iloc[0]
    for _, row in ours.iterrows():
        sm = smooth[smooth["signal"] == row["method"]]
        change = f"{sm['mean_abs_change'].iloc[0]:.4f}" if len(sm) else "—"
        above = f"{sm['power_above_cutoff'].iloc[0]:.2%}" if len(sm) else "—"
        lines.append(
            f"| {row['method']} | {format_mean_std(row['dev_rmse'], row['dev_rmse_std'])} | {format_mean_std(row['dev_ccc'], row['dev_ccc_std'])} "
            f"| {format_mean_std(row['dev_ccc_ensemble'], np.nan)} | {format_mean_std(row['test_rmse'], row['test_rmse_std'])} "
            f"| {format_mean_std(row['test_ccc'], row['test_ccc_std'])} | {format_mean_std(row['test_ccc_ensemble'], np.nan)} "
            f"| {change} | {above} |"
        )
    lines.append(f"| gold standard (dev) | | | | | | | {gold['mean_abs_change']:.4f} | {gold['power_above_cutoff']:.2%} |")
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
                       cutoff_hz: float, corpus_name: str, stem) -> pd.DataFrame:
    """Table 1 or 2: stem.csv/.md/.tex for our rows, stem_recola_paper.csv for the paper's, stem.md combined."""
    stem = Path(stem)
    ours = results_table(score_files)
    smooth = smoothness_table(prediction_files, rate, cutoff_hz)
    merged = ours.merge(smooth.rename(columns={"signal": "method"}), on="method", how="left")
    write_table(merged, stem, f"{dimension} results", corpus_name)
    paper_table(dimension).assign(corpus="RECOLA (numbers printed in the paper)").to_csv(
        f"{stem}_recola_paper.csv", index=False)
    stem.with_suffix(".md").write_text(markdown_table(ours, smooth, dimension, corpus_name, cutoff_hz), encoding="utf-8")
    return merged


def write_timing_table(*, timing_files, stem, corpus_name: str) -> pd.DataFrame:
    """Seconds per training epoch and parameters per model, next to the paper's report."""
    table = pd.concat([pd.read_csv(path) for path in timing_files], ignore_index=True)
    table["model"] = table["model"].map(lambda m: METHOD_LABELS.get(m, m))
    write_table(
        table, stem, "Training time per epoch (one model, one seed, whole training partition)", corpus_name,
        notes=["Paper (RECOLA, GPU, Keras/Theano): about 13 s per epoch for a convolutional network and about "
               "10 min for a BLSTM with a similar number of parameters."],
        floatfmt=".2f",
    )
    return table
