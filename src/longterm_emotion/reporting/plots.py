"""Figures of the pipeline (matplotlib, Agg backend, nothing shown on screen).

Every figure names its corpus (``corpus_name``), labels every axis with units,
puts its legend below the axes, never on the data (``_legend_below``), and is
written by ``_finish`` (png or pdf by suffix, 150 dpi, figure closed).
Public plot functions return the closed Figure so callers and tests can
inspect its axes.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from ..analysis.spectrum import share_below
from ..methods import color as method_color
from ..methods import label as method_label
from ..constants import PAPER_MAX_CCC_LOSS, PAPER_POWER_SHARE
from ..settings import Figure5

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend is chosen before pyplot loads)

DPI = 150
DIMENSION_COLORS = {"arousal": "tab:red", "valence": "tab:blue"}


def _color(dimension: str, i: int) -> str:
    """Fixed colour for arousal/valence, the default colour cycle otherwise."""
    return DIMENSION_COLORS.get(dimension, f"C{i % 10}")


def _new_axes(figsize=(6.4, 4.8)):
    """A figure with one axes and a light grid, the common style of the pipeline (constrained layout,
    which makes room for a legend outside the axes)."""
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.grid(True, which="major", alpha=0.3)
    return fig, ax


def _legend_below(fig, ax, ncol: int = 2):
    """One legend for the figure, centred below the axes (outside every axes, so it hides no data),
    with the entries of ``ax``; returns it."""
    handles, labels = ax.get_legend_handles_labels()
    return fig.legend(handles, labels, loc="outside lower center", ncol=ncol, fontsize="small", frameon=False,
                      columnspacing=1.2, handlelength=1.8)


def _finish(fig, path) -> Path:
    """Lay out, save as png or pdf (by suffix) at 150 dpi, close ``fig``; return the path."""
    path = Path(path)
    if path.suffix.lower() not in {".png", ".pdf"}:
        raise ValueError(f"figure path must end in .png or .pdf, got {path}")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def plot_downsampling(table: pd.DataFrame, path, corpus_name: str):
    """Figure 4: CCC(original, rebuilt labels) vs downsampling factor, one line per dimension.

    ``table`` is the summary from ``labels.downsampling_table``. Lines show the
    mean CCC over recordings, the band their min-max range; the dashed line at
    0.95 is the paper's "<5% loss" threshold. Returns the closed Figure.
    """
    fig, ax = _new_axes()
    for i, (dimension, rows) in enumerate(table.groupby("dimension", sort=False)):
        rows = rows.sort_values("factor")
        color = _color(dimension, i)
        ax.plot(rows["factor"], rows["ccc_mean"], "o-", color=color,
                label=f"{dimension}: mean of {rows['n_recordings'].iloc[0]} recordings")
        ax.fill_between(rows["factor"], rows["ccc_min"], rows["ccc_max"], color=color,
                        alpha=0.2, label=f"{dimension}: min-max")
    ax.axhline(1 - PAPER_MAX_CCC_LOSS, color="k", linestyle="--", linewidth=1,
               label=f"CCC {1 - PAPER_MAX_CCC_LOSS:g} (paper's\n{PAPER_MAX_CCC_LOSS:.0%} loss threshold)")
    factors = np.sort(table["factor"].unique())
    ax.set_xscale("log", base=2)
    ax.set_xticks(factors, [str(f) for f in factors])
    ax.minorticks_off()
    ax.set_xlabel("downsampling factor (kept samples 1 in f, dimensionless; log2 scale)")
    ax.set_ylabel("CCC original vs rebuilt (dimensionless)")
    splines = ", ".join(table["spline"].unique())
    ax.set_title(f"Label downsampling/upsampling ({splines} spline)\n{corpus_name}")
    _legend_below(fig, ax, ncol=table["dimension"].nunique() + 1)  # a column per dimension, one for the threshold
    _finish(fig, path)
    return fig


def plot_spectrum(freqs_by_dimension: dict, cumshare_by_dimension: dict, path,
                  corpus_name: str, cutoff_hz: float = 1.0):
    """Cumulative share of label fluctuation power vs frequency, one line per dimension.

    Both dicts map dimension -> 1-D array, as returned per dimension by
    ``labels.pooled_cumulative_power`` (or ``cumulative_power`` for one
    recording): positive frequencies in Hz and the share of power at or below
    each. The cutoff is drawn as a vertical line and the share strictly below
    it is written in the legend. Returns the closed Figure.
    """
    fig, ax = _new_axes()
    for i, (dimension, freqs) in enumerate(freqs_by_dimension.items()):
        cumshare = cumshare_by_dimension[dimension]
        below = share_below(freqs, cumshare, cutoff_hz)
        ax.step(freqs, cumshare, where="post", color=_color(dimension, i),
                label=f"{dimension}: {below:.1%} of power below {cutoff_hz:g} Hz")
    ax.axvline(cutoff_hz, color="k", linestyle=":", linewidth=1, label=f"cutoff {cutoff_hz:g} Hz")
    ax.axhline(PAPER_POWER_SHARE, color="gray", linestyle="--", linewidth=1, label=f"{PAPER_POWER_SHARE:.0%} of power")
    ax.set_xscale("log")
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel("frequency (Hz, log scale)")
    ax.set_ylabel("cumulative share of fluctuation power (fraction)")
    ax.set_title(f"Power spectrum of gold-standard labels (mean removed)\n{corpus_name}")
    _legend_below(fig, ax)
    _finish(fig, path)
    return fig


def plot_sweep(summary: pd.DataFrame, path, corpus_name: str, confidence: float = 0.95):
    """Figure 1: mean dev CCC against filter length L (log2 axis), band: the interval of the mean over runs.

    ``summary`` is ``sweep.summarise``'s table; the band is its dev_ccc_low/high (a t-interval over
    runs, seed variation only), or one std when the table has no interval. The top axis gives L in seconds.
    Returns the closed Figure.
    """
    fig, ax = _new_axes()
    for i, (dimension, rows) in enumerate(summary.groupby("dimension", sort=False)):
        rows = rows.sort_values("filter_length")
        color = _color(dimension, i)
        mean, std = rows["dev_ccc_mean"].to_numpy(), rows["dev_ccc_std"].to_numpy()
        ax.plot(rows["filter_length"], mean, "o-", color=color,
                label=f"{dimension}: mean of {rows['runs'].iloc[0]} runs")
        if "dev_ccc_low" in rows and rows["dev_ccc_low"].notna().all():
            low, high, band = rows["dev_ccc_low"], rows["dev_ccc_high"], f"{confidence:.0%} t-interval of the mean (seeds)"
        else:
            low, high, band = mean - std, mean + std, "\u00b11 std"
        ax.fill_between(rows["filter_length"], low, high, color=color, alpha=0.2, label=f"{dimension}: {band}")
    lengths = np.sort(summary["filter_length"].unique())
    seconds_per_frame = float((summary["context_s"] / summary["filter_length"]).iloc[0])
    ax.set_xscale("log", base=2)
    ax.set_xticks(lengths, [str(n) for n in lengths])
    ax.minorticks_off()
    ax.set_xlabel("filter length L (frames of 40 ms; log2 scale)")
    ax.set_ylabel("dev CCC (dimensionless)")
    top = ax.secondary_xaxis("top", functions=(lambda n: n * seconds_per_frame, lambda s: s / seconds_per_frame))
    top.set_xticks(lengths * seconds_per_frame, [f"{n * seconds_per_frame:g}" for n in lengths], fontsize="x-small")
    top.set_xlabel("filter length (s)")
    fig.suptitle(f"Single-filter network: context length vs dev CCC\n{corpus_name}", fontsize="medium")
    _legend_below(fig, ax)
    _finish(fig, path)
    return fig


def plot_predictions(frames: dict, recording: str | None, start_s: float, duration_s: float, path,
                     corpus_name: str):
    """Figure 5: a segment of dev predictions of several models against the gold standard.

    ``frames`` maps dimension -> {model label: predictions table} (the train
    rule's predictions.csv: partition, recording, frameTime, gold, ensemble).
    One panel per dimension; the first dev recording when ``recording`` is None.
    """
    fig, axes = plt.subplots(len(frames), 1, figsize=(7.5, 0.6 + 2.6 * len(frames)), sharex=True, squeeze=False,
                             layout="constrained")
    for ax, (dimension, by_model) in zip(axes[:, 0], frames.items(), strict=True):
        first = next(iter(by_model.values()))
        dev = first[first["partition"] == "dev"]
        name = recording or dev["recording"].iloc[0]
        window = (dev["recording"] == name) & dev["frameTime"].between(start_s, start_s + duration_s)
        if not window.any():
            raise ValueError(f"figure5: recording {name!r} has no dev frames between {start_s} and {start_s + duration_s} s")
        ax.plot(dev.loc[window, "frameTime"], dev.loc[window, "gold"], color="k", linewidth=2, label="gold standard")
        for i, (label, table) in enumerate(by_model.items()):
            rows = table[(table["partition"] == "dev") & (table["recording"] == name)
                         & table["frameTime"].between(start_s, start_s + duration_s)]
            ax.plot(rows["frameTime"], rows["ensemble"], color=f"C{i}", linewidth=1, label=label)
        ax.grid(True, alpha=0.3)
        ax.set_ylabel(f"{dimension}\n(rating, -1 to 1)")
        ax.set_title(f"{dimension}, {name}", fontsize="small")
    axes[-1, 0].set_xlabel("time in recording (s)")
    fig.suptitle(f"Dev predictions (ensemble of runs) vs gold standard, {duration_s:g} s segment\n{corpus_name}",
                 fontsize="medium")
    _legend_below(fig, axes[0, 0], ncol=len(by_model) + 1)  # the same lines in every panel: one legend
    _finish(fig, path)
    return fig


def write_figure5(*, prediction_files: dict, cfg: dict | Figure5, path, corpus_name: str) -> None:
    """Figure 5 from {dimension: {model: predictions.csv}} of the dilated and down/up networks."""
    frames = {d: {method_label(m): pd.read_csv(p) for m, p in by_model.items()} for d, by_model in prediction_files.items()}
    cfg = Figure5.of(cfg)
    plot_predictions(frames, cfg.recording, cfg.start_s, cfg.duration_s, path, corpus_name)


def plot_emotion_curves(table: pd.DataFrame, dimensions, path, title: str):
    """`longterm-emotion predict`: ensemble mean of each dimension over time, ± one std over members as a band.

    ``table`` has columns time, <dimension> and <dimension>_std (serving.predict).
    """
    fig, ax = _new_axes(figsize=(8.0, 3.8))
    time = table["time"].to_numpy()
    minutes = time[-1] > 600 if len(time) else False
    x = time / 60.0 if minutes else time
    for i, dimension in enumerate(dimensions):
        mean, std = table[dimension].to_numpy(), table[f"{dimension}_std"].to_numpy()
        color = _color(dimension, i)
        ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.25, linewidth=0,
                        label=f"{dimension} ± 1 std over ensemble members")
        ax.plot(x, mean, color=color, linewidth=1.2, label=f"{dimension} (ensemble mean)")
    ax.axhline(0.0, color="k", linewidth=0.5, alpha=0.5)
    ax.set_xlabel("time (min)" if minutes else "time (s)")
    ax.set_ylabel("predicted rating (scale -1 to 1)")
    if len(x) > 1:
        ax.set_xlim(x[0], x[-1])
    _legend_below(fig, ax)
    ax.set_title(title, fontsize="small")
    _finish(fig, path)
    return fig


PARTITION_STYLE = {"dev": {"marker": "o", "color": "tab:green", "offset": 0.15},
                   "test": {"marker": "^", "color": "tab:purple", "offset": -0.15}}


def plot_per_recording(table: pd.DataFrame, path, corpus_name: str):
    """CCC of every method's ensemble on each recording: one panel per dimension, one row per method,
    a point per recording (dev and test apart), so a reader sees whether one recording carries a difference.

    ``table`` is ``evidence.per_recording_table``'s (dimension, method, partition, recording, ccc).
    Returns the closed Figure.
    """
    dimensions = list(pd.unique(table["dimension"]))
    methods = list(pd.unique(table["method"]))
    fig, axes = plt.subplots(1, len(dimensions), figsize=(4.2 * len(dimensions), 0.6 * len(methods) + 2.0),
                             sharey=True, layout="constrained", squeeze=False)
    for ax, dimension in zip(axes[0], dimensions):
        rows = table[table["dimension"] == dimension]
        ax.grid(True, axis="x", alpha=0.3)
        for partition, style in PARTITION_STYLE.items():
            part = rows[rows["partition"] == partition]
            if not len(part):
                continue
            y = np.array([len(methods) - 1 - methods.index(m) for m in part["method"]]) + style["offset"]
            ax.scatter(part["ccc"], y, marker=style["marker"], color=style["color"], alpha=0.7, s=22,
                       label=f"{partition}: one point per recording ({part['recording'].nunique()} in all)")
        ax.set_yticks(range(len(methods)), [method_label(m) for m in reversed(methods)])
        ax.set_ylim(-0.6, len(methods) - 0.4)
        ax.set_xlabel("ensemble CCC on one recording\n(dimensionless)")
        ax.set_title(f"{dimension}")
    fig.suptitle(f"CCC per recording and method\n{corpus_name}", fontsize="medium")
    _legend_below(fig, axes[0][0])
    _finish(fig, path)
    return fig


def plot_sweep_corpora(summaries: dict, path, confidence: float = 0.95):
    """Figure 1 on several corpora side by side: one panel per dimension, a line (mean dev CCC over
    runs) and band (t-interval of the mean, or one std) per corpus, the best L of each marked.

    ``summaries`` maps a corpus name to ``sweep.summarise``'s table. Returns the closed Figure.
    """
    dimensions = list(dict.fromkeys(d for s in summaries.values() for d in s["dimension"]))
    fig, axes = plt.subplots(1, len(dimensions), figsize=(5.2 * len(dimensions), 4.8), sharey=True,
                             layout="constrained", squeeze=False)
    for ax, dimension in zip(axes[0], dimensions):
        ax.grid(True, which="major", alpha=0.3)
        for i, (name, summary) in enumerate(summaries.items()):
            rows = summary[summary["dimension"] == dimension].sort_values("filter_length")
            mean = rows["dev_ccc_mean"].to_numpy()
            if "dev_ccc_low" in rows and rows["dev_ccc_low"].notna().all():
                low, high = rows["dev_ccc_low"], rows["dev_ccc_high"]
                band = f"{confidence:.0%} t-interval (seeds)"
            else:
                low, high, band = mean - rows["dev_ccc_std"], mean + rows["dev_ccc_std"], "\u00b11 std"
            best = rows.loc[rows["dev_ccc_mean"].idxmax()]
            ax.plot(rows["filter_length"], mean, "o-", color=f"C{i}",
                    label=f"{name}: mean of {rows['runs'].iloc[0]} runs, {band}")
            ax.fill_between(rows["filter_length"], low, high, color=f"C{i}", alpha=0.2)
            ax.plot([best["filter_length"]], [best["dev_ccc_mean"]], "*", color=f"C{i}", markersize=14,
                    markeredgecolor="k", label=f"{name}: best L" if dimension == dimensions[0] else None)
        lengths = np.sort(pd.concat([s["filter_length"] for s in summaries.values()]).unique())
        ax.set_xscale("log", base=2)
        ax.set_xticks(lengths, [str(n) for n in lengths], fontsize="small")
        ax.minorticks_off()
        ax.set_xlabel("filter length L (frames of 40 ms; log2 scale)")
        ax.set_title(dimension)
    axes[0][0].set_ylabel("dev CCC (dimensionless)")
    fig.suptitle(f"Single-filter network: context length vs dev CCC on {len(summaries)} corpora", fontsize="medium")
    _legend_below(fig, axes[0][0], ncol=2)
    _finish(fig, path)
    return fig


def _network_color(network: str, i: int) -> str:
    return method_color(network, i)


def plot_robustness_snr(table: pd.DataFrame, path, corpus_name: str, partition: str, confidence: float = 0.95):
    """Ensemble CCC against SNR: one panel per dimension (rows) and noise kind (columns), a line per network
    with its interval over recordings as a band, the network's clean CCC as a dotted line.

    ``table`` is ``robustness.report.ccc_table``'s. Returns the closed Figure.
    """
    noisy = table[table["kind"] == "noise"]
    dimensions = list(pd.unique(table["dimension"]))
    kinds = list(pd.unique(noisy["noise"])) or ["(no noise condition)"]
    fig, axes = plt.subplots(len(dimensions), len(kinds), figsize=(3.6 * len(kinds) + 0.8, 3.0 * len(dimensions) + 1.2),
                             sharex=True, sharey=True, layout="constrained", squeeze=False)
    for r, dimension in enumerate(dimensions):
        for k, kind in enumerate(kinds):
            ax = axes[r][k]
            ax.grid(True, which="major", alpha=0.3)
            for i, network in enumerate(pd.unique(table["network_id"])):
                rows = table[(table["dimension"] == dimension) & (table["network_id"] == network)]
                label = rows["network"].iloc[0]
                color = _network_color(network, i)
                line = rows[(rows["kind"] == "noise") & (rows["noise"] == kind)].sort_values("snr_db")
                if len(line):
                    ax.plot(line["snr_db"], line["ccc"], "o-", color=color, label=f"{label}: noisy")
                    ax.fill_between(line["snr_db"], line["low"], line["high"], color=color, alpha=0.15)
                clean = rows[rows["kind"] == "clean"]
                if len(clean):
                    ax.axhline(clean["ccc"].iloc[0], color=color, linestyle=":", linewidth=1.2,
                               label=f"{label}: clean")
            ax.set_title(f"{dimension}, {kind} noise", fontsize="medium")
            if r == len(dimensions) - 1:
                ax.set_xlabel("SNR (dB, whole recording)")
            if k == 0:
                ax.set_ylabel("ensemble CCC (dimensionless)")
    fig.suptitle(f"CCC against SNR on the {partition} recordings (bands: {confidence:.0%} interval over recordings)"
                 f"\n{corpus_name}", fontsize="medium")
    _legend_below(fig, axes[0][0], ncol=3)
    _finish(fig, path)
    return fig


def plot_robustness_conditions(table: pd.DataFrame, path, corpus_name: str, partition: str,
                               confidence: float = 0.95):
    """Ensemble CCC per condition other than additive noise (clean first): one panel per dimension, a point per
    network and condition with its interval over recordings as an error bar. Returns the closed Figure."""
    rows_all = table[table["kind"] != "noise"]
    dimensions = list(pd.unique(table["dimension"]))
    conditions = list(pd.unique(rows_all["condition"]))
    networks = list(pd.unique(table["network_id"]))
    fig, axes = plt.subplots(len(dimensions), 1, figsize=(max(6.4, 0.9 * len(conditions) + 2.0), 3.2 * len(dimensions) + 1.4),
                             sharex=True, layout="constrained", squeeze=False)
    width = 0.8 / max(1, len(networks))
    for ax, dimension in zip(axes[:, 0], dimensions):
        ax.grid(True, axis="y", alpha=0.3)
        for i, network in enumerate(networks):
            rows = rows_all[(rows_all["dimension"] == dimension) & (rows_all["network_id"] == network)]
            x = np.array([conditions.index(c) for c in rows["condition"]]) + (i - (len(networks) - 1) / 2) * width
            err = np.vstack([rows["ccc"] - rows["low"], rows["high"] - rows["ccc"]])
            ax.errorbar(x, rows["ccc"], yerr=np.where(np.isfinite(err), err, 0.0), fmt="o",
                        color=_network_color(network, i), capsize=3, label=rows["network"].iloc[0] if len(rows) else network)
        ax.set_ylabel(f"{dimension}: ensemble CCC\n(dimensionless)")
        ax.set_xticks(range(len(conditions)), conditions, rotation=30, ha="right", fontsize="small")
    axes[-1][0].set_xlabel("condition")
    fig.suptitle(f"CCC per condition on the {partition} recordings (bars: {confidence:.0%} interval over "
                 f"recordings)\n{corpus_name}", fontsize="medium")
    _legend_below(fig, axes[0][0], ncol=len(networks))
    _finish(fig, path)
    return fig
