"""The AVEC 2016 audio baseline computed on the pipeline's corpus: eGeMAPS functionals + linear SVR.

Recipe (Valstar et al., AVEC 2016; the organisers' public scripts): for every label
row, the arithmetic mean and the coefficient of variation of each of the 25 eGeMAPS
descriptors over a centred window; a linear support vector regressor; compensation
of the raters' reaction delay by shifting the gold standard; post-processing of the
predictions. Per dimension, the window, the delay, the SVR complexity C and the
post-processing are chosen on dev CCC with the grid of the `avec_baseline` config
section. The test partition's labels are not read until its predictions are final.

Definitions (each tested against a direct computation):

- window: label rows t-k ... t+k with k = round(window_s * rate / 2), clipped at the
  recording's ends; its frames are the 10 ms descriptor frames of those rows by the
  stacking rule of data/features.py (row t holds frames stack*t ... stack*t+stack-1).
- coefficient of variation: population std / |mean|, and 0 where |mean| < cov_floor
  (several descriptors, e.g. MFCCs and slopes, cross zero, where the ratio has no meaning).
- functionals are z-normalised with the training partition's means and stds.
- delay of d rows (d = round(delay_s * rate)): the SVR learns y(t + d) from the
  functionals at t (features with the gold standard shifted back by d rows; the last d
  rows of each recording have no target and are left out); at prediction time the
  output is shifted forward by d rows, p_out(t) = p(t - d), and the first d rows repeat
  p(0).
- post-processing, computed without labels of the partition it is applied to:
  'none'; 'centre': p - mean(p) + mean(y_train); 'scale': (p - mean(p)) * std(y_train)
  / std(p) + mean(p); 'centre_scale': both. mean(p) and std(p) are the predictions'
  over the whole partition being predicted; y_train is the training gold standard.
  (The organisers' later scripts estimate a bias and a scale from dev labels instead;
  here dev labels only score the candidates, as for every other choice.)
"""

from __future__ import annotations

import itertools
import logging
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.svm import LinearSVR

from .. import layout
from ..constants import PARTITIONS
from ..frontends import pipeline
from ..metrics import ccc
from ..settings import AvecBaseline, Svr
from .outputs import frame_table, score_frames, write_outputs

POSTPROCESSING = ("none", "centre", "scale", "centre_scale")
STD_FLOOR = 1e-8

log = logging.getLogger(__name__)


def window_functionals(frames: np.ndarray, stack: int, half_rows: int, cov_floor: float) -> np.ndarray:
    """Mean and coefficient of variation of each descriptor over the centred window of every row.

    frames: (rows * stack, D), the frames of each label row in order. Returns
    (rows, 2 * D): D means, then D coefficients of variation (see the module docstring).
    """
    frames = np.asarray(frames, dtype=np.float64)
    rows = len(frames) // stack
    if rows * stack != len(frames) or rows == 0:
        raise ValueError(f"{len(frames)} frames are not a positive multiple of stack={stack}")
    # Sums over frames via cumulative sums of values centred on the recording's mean (keeps variances exact).
    offset = frames.mean(axis=0)
    centred = frames - offset
    zero = np.zeros((1, frames.shape[1]))
    s1 = np.concatenate([zero, np.cumsum(centred, axis=0)])
    s2 = np.concatenate([zero, np.cumsum(centred**2, axis=0)])
    t = np.arange(rows)
    lo = np.maximum(t - half_rows, 0) * stack
    hi = (np.minimum(t + half_rows, rows - 1) + 1) * stack
    n = (hi - lo)[:, None].astype(np.float64)
    mean_c = (s1[hi] - s1[lo]) / n
    var = np.maximum((s2[hi] - s2[lo]) / n - mean_c**2, 0.0)
    mean = mean_c + offset
    absmean = np.abs(mean)
    cov = np.where(absmean >= cov_floor, np.sqrt(var) / np.maximum(absmean, cov_floor), 0.0)
    return np.hstack([mean, cov])


def delay_pairs(x: np.ndarray, y: np.ndarray, delay_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Training pairs of one recording with the gold standard shifted back: (x[t], y[t + d]) for t < T - d."""
    d = int(delay_rows)
    if d < 0:
        raise ValueError("delay must be >= 0")
    return x[: max(len(x) - d, 0)], y[d:]


def shift_forward(p: np.ndarray, delay_rows: int) -> np.ndarray:
    """Predictions of y(t + d) made at t moved to t + d: out(t) = p(t - d); the first d rows repeat p(0)."""
    d = min(int(delay_rows), len(p))
    return np.concatenate([np.full(d, p[0]), p[: len(p) - d]])


def postprocess(predictions: list[np.ndarray], mode: str, train_mean: float, train_std: float) -> list[np.ndarray]:
    """Centring and/or scaling of one partition's predictions on the training gold standard's statistics."""
    if mode not in POSTPROCESSING:
        raise ValueError(f"unknown post-processing {mode!r}; valid: {', '.join(POSTPROCESSING)}")
    if mode == "none":
        return predictions
    allp = np.concatenate(predictions)
    mean, std = allp.mean(), max(allp.std(), STD_FLOOR)
    scale = train_std / std if mode in ("scale", "centre_scale") else 1.0
    target = train_mean if mode in ("centre", "centre_scale") else mean
    return [(p - mean) * scale + target for p in predictions]


@dataclass
class Standardiser:
    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, blocks: list[np.ndarray]) -> Standardiser:
        x = np.concatenate(blocks)
        return cls(x.mean(axis=0), np.maximum(x.std(axis=0), STD_FLOOR))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.std


def make_svr(C: float, svr: Svr) -> LinearSVR:
    """sklearn's liblinear SVR from the `avec_baseline.svr` settings (primal for the L2 loss, dual for the L1 loss)."""
    return LinearSVR(C=float(C), epsilon=svr.epsilon, loss=svr.loss, dual=svr.loss == "epsilon_insensitive",
                     max_iter=svr.max_iter, tol=svr.tol, random_state=0)


def _functionals(items, window_s: float, rate: float, stack: int, cov_floor: float) -> list[np.ndarray]:
    half = int(round(window_s * rate / 2))
    return [window_functionals(item["frames"], stack, half, cov_floor) for item in items]


def fit_svr(x_blocks, y_blocks, delay_rows: int, C: float, svr: Svr) -> LinearSVR:
    """One SVR on the recordings' (functionals, gold standard shifted back by delay_rows) pairs."""
    pairs = [delay_pairs(x, y, delay_rows) for x, y in zip(x_blocks, y_blocks, strict=True)]
    X = np.concatenate([p[0] for p in pairs])
    Y = np.concatenate([p[1] for p in pairs])
    if len(X) == 0:
        raise ValueError(f"a delay of {delay_rows} rows leaves no training pairs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # counted in the history instead
        return make_svr(C, svr).fit(X, Y)


def predict(model, x_blocks, delay_rows: int) -> list[np.ndarray]:
    """Raw SVR outputs of each recording, moved forward by the delay."""
    return [shift_forward(model.predict(x), delay_rows) for x in x_blocks]


def select(train_items, dev_items, dimension: str, cfg: AvecBaseline, rate: float, stack: int) -> tuple[dict, pd.DataFrame]:
    """Grid search on dev CCC; returns (chosen settings with their dev CCC, the whole grid as a table).

    Only the training and development partitions are passed in: the choice cannot see test.
    """
    y_train = [item["labels"][dimension] for item in train_items]
    y_dev = np.concatenate([item["labels"][dimension] for item in dev_items])
    train_mean, train_std = float(np.concatenate(y_train).mean()), float(np.concatenate(y_train).std())
    rows = []
    for window_s in cfg.window_s:
        x_train = _functionals(train_items, window_s, rate, stack, cfg.cov_floor)
        x_dev = _functionals(dev_items, window_s, rate, stack, cfg.cov_floor)
        scaler = Standardiser.fit(x_train)
        x_train, x_dev = [scaler(x) for x in x_train], [scaler(x) for x in x_dev]
        for delay_s, C in itertools.product(cfg.delay_s, cfg.C):
            delay = int(round(delay_s * rate))
            start = time.perf_counter()
            model = fit_svr(x_train, y_train, delay, C, cfg.svr)
            seconds = time.perf_counter() - start
            raw = predict(model, x_dev, delay)
            for mode in cfg.postprocess:
                score = ccc(y_dev, np.concatenate(postprocess(raw, mode, train_mean, train_std)))
                rows.append({"window_s": window_s, "delay_s": delay_s, "delay_rows": delay, "C": C,
                             "postprocess": mode, "dev_ccc": score, "fit_seconds": seconds,
                             "iterations": int(np.max(model.n_iter_))})
            log.info("%s window %.1f s delay %.2f s C %g: dev CCC %s (fit %.2f s)", dimension, window_s, delay_s, C,
                     " / ".join(f"{r['dev_ccc']:.3f}" for r in rows[-len(cfg.postprocess):]), seconds)
    grid = pd.DataFrame(rows)
    best = int(grid["dev_ccc"].to_numpy().argmax())  # the first of equal scores, in grid order
    grid["chosen"] = np.arange(len(grid)) == best
    chosen = grid.iloc[best][["window_s", "delay_s", "delay_rows", "C", "postprocess", "dev_ccc"]].to_dict()
    chosen.update(train_mean=train_mean, train_std=train_std)
    return chosen, grid


def fit_and_predict(chosen: dict, train_items, dimension: str, partitions: dict, cfg: AvecBaseline, rate: float,
                    stack: int) -> dict[str, list[np.ndarray]]:
    """Refit the chosen setting on train and predict every partition given (features only are used)."""
    x_train = _functionals(train_items, chosen["window_s"], rate, stack, cfg.cov_floor)
    scaler = Standardiser.fit(x_train)
    y_train = [item["labels"][dimension] for item in train_items]
    model = fit_svr([scaler(x) for x in x_train], y_train, int(chosen["delay_rows"]), chosen["C"], cfg.svr)
    out = {}
    for partition, items in partitions.items():
        x = [scaler(f) for f in _functionals(items, chosen["window_s"], rate, stack, cfg.cov_floor)]
        raw = predict(model, x, int(chosen["delay_rows"]))
        out[partition] = postprocess(raw, chosen["postprocess"], chosen["train_mean"], chosen["train_std"])
    return out


@dataclass
class Gold:
    """What frame_table needs of a recording: its name and gold standard, shape (1, T), or None."""

    name: str
    y: np.ndarray | None


def read_gold(labels_csv, dimension: str) -> list[Gold]:
    """Gold standard of each recording of a labels.csv (None where a recording has no labels)."""
    labels = pd.read_csv(labels_csv, usecols=["recording", dimension])
    return [Gold(recording, None if rows[dimension].isna().any() else rows[dimension].to_numpy(dtype=np.float64)[None, :])
            for recording, rows in labels.groupby("recording", sort=False)]


def note(chosen: dict) -> str:
    """The row note of Tables 1 and 2: the settings chosen on dev."""
    return (f"window {chosen['window_s']:g} s, delay {chosen['delay_s']:g} s, C {chosen['C']:g}, "
            f"post-processing {chosen['postprocess']} (all chosen on dev)")


def run_avec_baseline(features_root, dimension: str, cfg: dict | AvecBaseline, rate: float, stack: int, out_dir,
                      partitions=PARTITIONS) -> dict:
    """Rule avec_baseline: choose on dev, refit on train, predict dev and test, write the method's outputs.
    `cfg`: the avec_baseline section (or its AvecBaseline)."""
    cfg = AvecBaseline.of(cfg)
    root = Path(features_root)
    train = pipeline.load_frames(root / "train", [dimension], stack)
    dev = pipeline.load_frames(root / "dev", [dimension], stack)
    for partition, items in (("train", train), ("dev", dev)):
        if any(item["labels"] is None for item in items):
            raise ValueError(f"{root / partition / layout.LABELS}: the {partition} partition needs {dimension} labels")
    chosen, grid = select(train, dev, dimension, cfg, rate, stack)
    log.info("%s: chose %s", dimension, note(chosen))
    sets = {"train": train, "dev": dev}
    if "test" in partitions:
        sets["test"] = pipeline.load_frames(root / "test", [dimension], stack, label_partition=False)
    predictions = fit_and_predict(chosen, train, dimension, sets, cfg, rate, stack)
    # Only now, with every prediction final, are the test labels read (for scoring, when they exist).
    gold = {p: [Gold(i["recording"], i["labels"][dimension][None, :]) for i in items]
            for p, items in (("train", train), ("dev", dev))}
    if "test" in sets:
        gold["test"] = read_gold(root / "test" / layout.LABELS, dimension)
    frames = frame_table(gold, {p: [q[None, :] for q in predictions[p]] for p in gold},
                         [0], rate)
    out_dir = Path(out_dir)
    write_outputs(out_dir, frames, score_frames(frames), grid, dimension)
    (out_dir / layout.NOTE).write_text(note(chosen) + "\n", encoding="utf-8")
    return chosen
