"""The label study of Section 5.2: spectrum of the gold standard and downsampling + spline rebuild."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis import downsampling, spectrum
from ..reporting import plots
from ..reporting.tables import write_table
from ..settings import LabelStudy


def load_trajectories(label_csvs, dimensions) -> dict[str, dict[str, "pd.Series"]]:
    """Gold-standard trajectories {dimension: {recording: values}} of every labelled recording."""
    frame = pd.concat([pd.read_csv(path) for path in label_csvs], ignore_index=True)
    trajectories = {}
    for dimension in dimensions:
        labelled = frame.dropna(subset=[dimension])
        trajectories[dimension] = {rec: rows[dimension].to_numpy() for rec, rows in labelled.groupby("recording", sort=False)}
        if not trajectories[dimension]:
            raise ValueError(f"no labelled recordings for dimension {dimension!r} in {list(map(str, label_csvs))}")
    return trajectories


def run(*, label_csvs, dimensions, cfg: dict | LabelStudy, label_rate: float, out_dir, figures_dir,
        corpus_name: str) -> None:
    """Tables (spectrum, downsampling) under out_dir, Figure 4 and the spectrum figure under figures_dir.
    `cfg`: the label_study section (or its LabelStudy)."""
    cfg = LabelStudy.of(cfg)
    out_dir, figures_dir = Path(out_dir), Path(figures_dir)
    trajectories = load_trajectories(label_csvs, dimensions)
    cutoff = cfg.cutoff_hz
    shares = spectrum.spectrum_table(trajectories, label_rate, cutoff)
    write_table(
        shares, out_dir / "spectrum", f"Share of gold-standard power below {cutoff:g} Hz", corpus_name,
        notes=[f"Periodogram of each mean-removed trajectory at {label_rate:g} Hz; 'ALL' pools the energy of all "
               "recordings. The paper reports more than 95 % below 1 Hz on RECOLA."],
    )
    summary, per_recording = downsampling.downsampling_table(trajectories, list(cfg.factors), cfg.spline)
    write_table(
        summary, out_dir / "downsampling", "CCC between gold standard and its downsampled, spline-rebuilt copy",
        corpus_name,
        notes=["ccc_mean/std/min/max over recordings; ccc_concat over all recordings concatenated; "
               "relative_loss = 1 - ccc_mean. The paper: < 5 % loss up to factor 64 on RECOLA."],
    )
    per_recording.assign(corpus=corpus_name).to_csv(out_dir / "downsampling_per_recording.csv", index=False)
    plots.plot_downsampling(summary, figures_dir / "figure4_downsampling.png", corpus_name)
    curves = {d: spectrum.pooled_cumulative_power(recs, label_rate) for d, recs in trajectories.items()}
    plots.plot_spectrum({d: c[0] for d, c in curves.items()}, {d: c[1] for d, c in curves.items()},
                        figures_dir / "label_spectrum.png", corpus_name, cutoff_hz=cutoff)
