"""Figures keep their legends off the data: one legend per figure, below every axes and inside the figure."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from longterm_emotion.reporting import plots

DIMENSIONS = ("arousal", "valence")


def downsampling_summary():
    factors = [2, 4, 8, 16, 32, 64, 128]
    return pd.DataFrame([{"dimension": d, "factor": f, "spline": "cubic", "n_recordings": 18,
                          "ccc_mean": 1 - 0.0004 * f, "ccc_min": 1 - 0.0007 * f, "ccc_max": 1 - 0.0001 * f}
                         for d in DIMENSIONS for f in factors])


def sweep_summary():
    lengths = [2, 8, 32, 128, 512, 2048]
    return pd.DataFrame([{"dimension": d, "filter_length": n, "context_s": 0.04 * n, "runs": 10,
                          "dev_ccc_mean": 0.4 + 0.05 * np.log2(n), "dev_ccc_std": 0.01} for d in DIMENSIONS for n in lengths])


def predictions(seed):
    t = np.arange(0, 60, 0.04)
    rng = np.random.default_rng(seed)
    gold = 0.4 * np.sin(t / 5)  # the gold standard fills the upper right corner, where a legend used to sit
    return pd.DataFrame({"partition": "dev", "recording": "dev_1", "frameTime": t, "gold": gold,
                         "ensemble": gold + rng.normal(0, 0.05, t.size)})


def spectrum_curves():
    freqs = np.geomspace(0.003, 12.5, 200)
    return {d: freqs for d in DIMENSIONS}, {d: 1 - np.exp(-freqs * (20 + 10 * i)) for i, d in enumerate(DIMENSIONS)}


def per_recording():
    return pd.DataFrame([{"dimension": d, "method": m, "partition": p, "recording": f"{p}_{r}", "ccc": 0.1 * k + 0.02 * r}
                         for d in DIMENSIONS for k, m in enumerate(["blstm", "dilated", "downup"])
                         for p in ("dev", "test") for r in range(1, 4)])


FIGURES = {
    "figure1": lambda path: plots.plot_sweep(sweep_summary(), path, "corpus X"),
    "per_recording": lambda path: plots.plot_per_recording(per_recording(), path, "corpus X"),
    "figure1_corpora": lambda path: plots.plot_sweep_corpora(
        {"corpus X": sweep_summary(), "control Y": sweep_summary().assign(dev_ccc_mean=lambda t: 0.9 - 0.05 * np.log2(t["filter_length"]))},
        path),
    "figure4": lambda path: plots.plot_downsampling(downsampling_summary(), path, "corpus X"),
    "spectrum": lambda path: plots.plot_spectrum(*spectrum_curves(), path, "corpus X"),
    "figure5": lambda path: plots.plot_predictions(
        {d: {"Dilated": predictions(1), "Down/Up": predictions(2)} for d in DIMENSIONS}, None, 20, 40, path, "corpus X"),
}


@pytest.mark.parametrize("name", FIGURES)
def test_legend_is_outside_every_axes_and_inside_the_figure(name, tmp_path):
    fig = FIGURES[name](tmp_path / f"{name}.png")
    canvas = FigureCanvasAgg(fig)  # the closed figure gets a canvas again; drawing lays it out as saving did
    canvas.draw()
    renderer = canvas.get_renderer()
    assert len(fig.legends) == 1 and not [ax for ax in fig.axes if ax.get_legend()], "one legend per figure"
    legend = fig.legends[0].get_window_extent(renderer)
    for ax in fig.axes:
        assert not legend.overlaps(ax.get_window_extent(renderer)), f"{name}: the legend covers an axes"
    figure = fig.bbox
    assert figure.x0 <= legend.x0 and legend.x1 <= figure.x1 and figure.y0 <= legend.y0, f"{name}: legend cut off"
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts and all(texts)


def test_figure5_legend_names_the_gold_standard_and_every_model(tmp_path):
    fig = FIGURES["figure5"](tmp_path / "f5.png")
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["gold standard", "Dilated", "Down/Up"]


def test_per_recording_figure_has_a_row_per_method_and_a_point_per_recording(tmp_path):
    table = per_recording()
    fig = plots.plot_per_recording(table, tmp_path / "per_recording.png", "corpus X")
    assert len(fig.axes) == len(DIMENSIONS)
    FigureCanvasAgg(fig).draw()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Down/Up", "Dilated", "BLSTM"]
    for ax in fig.axes:
        assert sum(len(c.get_offsets()) for c in ax.collections) == 3 * 2 * 3  # methods x partitions x recordings
        assert "CCC" in ax.get_xlabel()


def test_figure1_of_two_corpora_marks_each_corpus_best_length(tmp_path):
    control = sweep_summary().assign(dev_ccc_mean=lambda t: 0.9 - 0.05 * np.log2(t["filter_length"]))
    fig = plots.plot_sweep_corpora({"corpus X": sweep_summary(), "control Y": control}, tmp_path / "f.png")
    assert len(fig.axes) == len(DIMENSIONS)
    stars = [line for line in fig.axes[0].lines if line.get_marker() == "*"]
    assert [float(line.get_xdata()[0]) for line in stars] == [2048.0, 2.0]  # default: longest L best, control: shortest
    assert "dev CCC" in fig.axes[0].get_ylabel() and "filter length" in fig.axes[0].get_xlabel()
