"""results/summary.md: the headline numbers of one run in one place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..constants import PAPER_MAX_CCC_LOSS
from .results_tables import format_mean_std
from .tables import format_interval


def write_summary(*, path, corpus_name: str, sweep_csv, spectrum_csv, downsampling_csv, table_csvs: dict,
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
        ok = rows[rows["relative_loss"] < PAPER_MAX_CCC_LOSS]["factor"]
        lines.append(f"- {dimension}: relative CCC loss below 5 % up to downsampling factor "
                     f"{int(ok.max()) if len(ok) else 'none'} (paper, RECOLA: up to 64)")
    lines += ["", "## Tables 1 and 2: dev and test CCC (mean over runs / ensemble [bootstrap interval over recordings, evidence.confidence])", "",
              "| dimension | method | dev CCC | dev CCC ens. | test CCC | test CCC ens. |", "|---|---|---|---|---|---|"]
    notes = []
    for dimension, table_csv in table_csvs.items():
        for _, row in pd.read_csv(table_csv).iterrows():
            cells = [format_mean_std(row["dev_ccc"], np.nan),
                     format_interval(row["dev_ccc_ensemble"], row.get("dev_ccc_ensemble_low", np.nan),
                                     row.get("dev_ccc_ensemble_high", np.nan)),
                     format_mean_std(row["test_ccc"], np.nan),
                     format_interval(row["test_ccc_ensemble"], row.get("test_ccc_ensemble_low", np.nan),
                                     row.get("test_ccc_ensemble_high", np.nan))]
            lines.append(f"| {dimension} | {row['method']} | " + " | ".join(cells) + " |")
            if isinstance(row.get("note"), str) and row["note"]:
                notes.append(f"- {dimension}, {row['method']}: {row['note']}")
    lines += ["", *notes] if notes else []
    lines += ["", "## Training time per epoch", "", "| model | parameters | device | seconds per epoch |", "|---|---|---|---|"]
    for _, row in timing.iterrows():
        lines.append(f"| {row['model']} | {row['parameters']} | {row['device']} | {row['seconds_per_epoch']:.2f} |")
    text = "\n".join(lines) + "\n"
    Path(path).write_text(text, encoding="utf-8")
    return text
