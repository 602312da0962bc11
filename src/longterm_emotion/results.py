"""The paper's results: Tables 1 and 2, prediction smoothness, training time, summary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import labels
from .tables import write_table

# Our systems, in the order of the paper's tables (references first).
METHODS = {
    "linear_context": "Linear regression, stacked context frames",
    "best_filter": "Single best filter (sweep)",
    "blstm": "BLSTM",
    "dilated": "Dilated",
    "downup": "Down/Up",
}

# Audio-only RECOLA numbers as printed in the paper (Tables 1 and 2); None = not reported.
PAPER_RECOLA = {
    "arousal": [
        ("Valstar et al. [2]", None, 0.796, None, 0.648),
        ("Brady et al. [6]", 0.107, 0.846, None, None),
        ("Povolny et al. [7]", 0.114, 0.832, 0.141, 0.682),
        ("BLSTM [24]", 0.103, 0.853, 0.143, 0.664),
        ("Dilated", 0.102, 0.857, 0.137, 0.684),
        ("Down/Up", 0.100, 0.867, 0.137, 0.681),
    ],
    "valence": [
        ("Valstar et al. [2]", None, 0.455, None, 0.375),
        ("Brady et al. [6]", 0.132, 0.450, None, None),
        ("Povolny et al. [7]", 0.142, 0.489, 0.355, 0.349),
        ("BLSTM [24]", 0.113, 0.518, 0.116, 0.499),
        ("Dilated", 0.117, 0.538, 0.121, 0.486),
        ("Down/Up", 0.107, 0.592, 0.117, 0.502),
    ],
}
PAPER_COLUMNS = ["method", "dev_rmse", "dev_ccc", "test_rmse", "test_ccc"]


def paper_table(dimension: str) -> pd.DataFrame:
    return pd.DataFrame(PAPER_RECOLA[dimension], columns=PAPER_COLUMNS)


def _score(scores: pd.DataFrame, partition: str, run: str, column: str) -> float:
    row = scores[(scores["partition"] == partition) & (scores["run"] == run)]
    return float(row[column].iloc[0]) if len(row) and column in row else np.nan


def results_table(score_files: dict[str, str]) -> pd.DataFrame:
    """One row per method: dev/test RMSE and CCC as mean and std over runs, and of the ensemble."""
    rows = []
    for method, path in score_files.items():
        scores = pd.read_csv(path)
        runs = int((scores["run"].str.startswith("seed_") & (scores["partition"] == "dev")).sum())
        row = {"method": METHODS.get(method, method), "runs": runs}
        for partition in ("dev", "test"):
            for metric in ("rmse", "ccc"):
                row[f"{partition}_{metric}"] = _score(scores, partition, "mean", metric)
                row[f"{partition}_{metric}_std"] = _score(scores, partition, "mean", f"{metric}_std")
                row[f"{partition}_{metric}_ensemble"] = _score(scores, partition, "ensemble", metric)
        rows.append(row)
    return pd.DataFrame(rows)


def smoothness(values: np.ndarray, recordings: np.ndarray, rate: float) -> tuple[float, float]:
    """(mean absolute frame-to-frame change, share of fluctuation power above 1 Hz) pooled over recordings."""
    steps, curves = [], {}
    for rec in pd.unique(recordings):
        y = values[recordings == rec]
        steps.append(np.abs(np.diff(y)))
        curves[rec] = y
    freqs, cumshare = labels.pooled_cumulative_power(curves, rate)
    return float(np.concatenate(steps).mean()), 1.0 - labels.share_below(freqs, cumshare, 1.0)


def smoothness_table(prediction_files: dict[str, str], rate: float) -> pd.DataFrame:
    """Smoothness of dev ensemble predictions of each method next to the gold standard's."""
    rows, gold_done = [], False
    for method, path in prediction_files.items():
        frames = pd.read_csv(path)
        dev = frames[frames["partition"] == "dev"]
        recs = dev["recording"].to_numpy()
        if not gold_done:
            step, above = smoothness(dev["gold"].to_numpy(), recs, rate)
            rows.append({"signal": "gold standard", "mean_abs_change": step, "power_above_1hz": above})
            gold_done = True
        step, above = smoothness(dev["ensemble"].to_numpy(), recs, rate)
        rows.append({"signal": METHODS.get(method, method), "mean_abs_change": step, "power_above_1hz": above})
    return pd.DataFrame(rows)


def _format(mean: float, std: float) -> str:
    if np.isnan(mean):
        return "—"
    return f"{mean:.3f} ± {std:.3f}" if not np.isnan(std) else f"{mean:.3f}"


def markdown_table(ours: pd.DataFrame, smooth: pd.DataFrame, dimension: str, corpus_name: str) -> str:
    """The paper-shaped table: our rows (corpus named) and, apart, the paper's RECOLA rows."""
    lines = [
        f"### Table {'1' if dimension == 'arousal' else '2'}: {dimension} results",
        "",
        f"**Our runs on: {corpus_name}.** Mean ± std over runs (each at its best dev epoch); "
        "'ens.' = the runs' predictions averaged, as the paper's test submissions.",
        "",
        "| Method | Dev RMSE | Dev CCC | Dev CCC ens. | Test RMSE | Test CCC | Test CCC ens. | mean abs. change | power > 1 Hz |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    gold = smooth[smooth["signal"] == "gold standard"].iloc[0]
    for _, row in ours.iterrows():
        sm = smooth[smooth["signal"] == row["method"]]
        change = f"{sm['mean_abs_change'].iloc[0]:.4f}" if len(sm) else "—"
        above = f"{sm['power_above_1hz'].iloc[0]:.2%}" if len(sm) else "—"
        lines.append(
            f"| {row['method']} | {_format(row['dev_rmse'], row['dev_rmse_std'])} | {_format(row['dev_ccc'], row['dev_ccc_std'])} "
            f"| {_format(row['dev_ccc_ensemble'], np.nan)} | {_format(row['test_rmse'], row['test_rmse_std'])} "
            f"| {_format(row['test_ccc'], row['test_ccc_std'])} | {_format(row['test_ccc_ensemble'], np.nan)} "
            f"| {change} | {above} |"
        )
    lines.append(f"| gold standard (dev) | | | | | | | {gold['mean_abs_change']:.4f} | {gold['power_above_1hz']:.2%} |")
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


def write_paper_tables(score_files: dict, prediction_files: dict, dimension: str, rate: float,
                       corpus_name: str, stem) -> pd.DataFrame:
    """Table 1 or 2: stem.csv/.md/.tex for our rows, stem_recola_paper.csv for the paper's, stem.md combined."""
    stem = Path(stem)
    ours = results_table(score_files)
    smooth = smoothness_table(prediction_files, rate)
    merged = ours.merge(smooth.rename(columns={"signal": "method"}), on="method", how="left")
    write_table(merged, stem, f"{dimension} results", corpus_name)
    paper_table(dimension).assign(corpus="RECOLA (numbers printed in the paper)").to_csv(
        f"{stem}_recola_paper.csv", index=False)
    stem.with_suffix(".md").write_text(markdown_table(ours, smooth, dimension, corpus_name), encoding="utf-8")
    return merged


def write_timing_table(timing_files, stem, corpus_name: str) -> pd.DataFrame:
    """Seconds per training epoch and parameters per model, next to the paper's report."""
    table = pd.concat([pd.read_csv(path) for path in timing_files], ignore_index=True)
    table["model"] = table["model"].map(lambda m: METHODS.get(m, m))
    write_table(
        table, stem, "Training time per epoch (one model, one seed, whole training partition)", corpus_name,
        notes=["Paper (RECOLA, GPU, Keras/Theano): about 13 s per epoch for a convolutional network and about "
               "10 min for a BLSTM with a similar number of parameters."],
        floatfmt=".2f",
    )
    return table


def write_figure5(prediction_files: dict, cfg: dict, path, corpus_name: str) -> None:
    """Figure 5 from {dimension: {model: predictions.csv}} of the dilated and down/up networks."""
    from . import plots

    frames = {d: {METHODS[m]: pd.read_csv(p) for m, p in by_model.items()} for d, by_model in prediction_files.items()}
    plots.plot_predictions(frames, cfg["recording"], cfg["start_s"], cfg["duration_s"], path, corpus_name)


def write_summary(path, corpus_name: str, sweep_csv, spectrum_csv, downsampling_csv, table_csvs: dict,
                  timing_csv) -> str:
    """results/summary.md: the headline numbers of one run in one place."""
    sweep = pd.read_csv(sweep_csv)
    spectrum = pd.read_csv(spectrum_csv)
    down = pd.read_csv(downsampling_csv)
    timing = pd.read_csv(timing_csv)
    lines = [f"# Summary of this run — corpus: {corpus_name}", "",
             "All numbers below were computed by this pipeline on the corpus named above; "
             "the paper's RECOLA numbers are in results/tables/*.md, in their own block.", ""]
    lines += ["## Filter-length sweep (Figure 1): mean dev CCC over runs", "",
              "| dimension | " + " | ".join(f"L={n}" for n in sorted(sweep["filter_length"].unique())) + " |",
              "|---|" + "---|" * sweep["filter_length"].nunique()]
    for dimension, rows in sweep.groupby("dimension", sort=False):
        rows = rows.sort_values("filter_length")
        lines.append(f"| {dimension} | " + " | ".join(f"{v:.3f}" for v in rows["dev_ccc_mean"]) + " |")
    lines += ["", "## Label study (Section 5.2, Figure 4)", ""]
    for _, row in spectrum[spectrum["recording"] == "ALL"].iterrows():
        lines.append(f"- {row['dimension']}: {row['share_below']:.1%} of the gold standard's power below "
                     f"{row['cutoff_hz']:g} Hz (paper, RECOLA: more than 95 %)")
    for dimension, rows in down.groupby("dimension", sort=False):
        ok = rows[rows["relative_loss"] < 0.05]["factor"]
        lines.append(f"- {dimension}: relative CCC loss below 5 % up to downsampling factor "
                     f"{int(ok.max()) if len(ok) else 'none'} (paper, RECOLA: up to 64)")
    lines += ["", "## Tables 1 and 2: dev and test CCC (mean over runs / ensemble)", "",
              "| dimension | method | dev CCC | dev CCC ens. | test CCC | test CCC ens. |", "|---|---|---|---|---|---|"]
    for dimension, table_csv in table_csvs.items():
        for _, row in pd.read_csv(table_csv).iterrows():
            cells = [row["dev_ccc"], row["dev_ccc_ensemble"], row["test_ccc"], row["test_ccc_ensemble"]]
            lines.append(f"| {dimension} | {row['method']} | " + " | ".join(_format(v, np.nan) for v in cells) + " |")
    lines += ["", "## Training time per epoch", "", "| model | parameters | device | seconds per epoch |", "|---|---|---|---|"]
    for _, row in timing.iterrows():
        lines.append(f"| {row['model']} | {row['parameters']} | {row['device']} | {row['seconds_per_epoch']:.2f} |")
    text = "\n".join(lines) + "\n"
    Path(path).write_text(text, encoding="utf-8")
    return text
