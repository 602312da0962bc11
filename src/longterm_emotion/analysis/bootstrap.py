"""Uncertainty of partition CCCs: bootstrap over recordings, and paired differences of two methods.

A partition's score is the CCC of all its recordings concatenated (as AVEC scores). With a
handful of recordings, the recordings are the unit of sampling: a bootstrap resample draws as
many recordings as the partition has, with replacement, and recomputes the concatenated CCC.

Vectorised: each recording is reduced once to sufficient statistics (frame count, sums, sums of
squares and the cross product of gold and prediction), so a resample's CCC is a weighted sum of
per-recording statistics: all resamples are one matrix product, (B x R) counts times (R x k)
statistics, and 2,000 resamples of 9 recordings x 7,501 frames x 6 methods take milliseconds.

Intervals are percentile intervals. The paired difference of methods A and B uses the SAME
resampled recordings for both (the comparison is paired by recording).

No p-value comes from the bootstrap: a percentile interval inverted into a p-value is not drawn under
the null and rejected a true null 8-12 % of the time at 5 % (9 recordings); analysis/paired_tests.py
has the permutation tests, whose level bench/calibration.py measures, as it measures these intervals'
coverage.

With fewer than two recordings there is nothing to resample: intervals and p-values are NaN.
With R recordings there are only C(2R - 1, R) distinct resamples (24,310 for 9, 3 for 2), so
intervals of small partitions are coarse.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..metrics import ccc
from ..settings import Evidence


@dataclass(frozen=True)
class RecordingStats:
    """Per-recording sufficient statistics of the gold standard and k prediction columns.

    Values are shifted by one constant (the gold standard's overall mean) before summing, which
    leaves every CCC unchanged and keeps the sums of squares well conditioned.
    """

    recordings: tuple[str, ...]
    n: np.ndarray  # (R,) frames
    sy: np.ndarray  # (R,) sum of gold
    syy: np.ndarray  # (R,) sum of gold^2
    sp: np.ndarray  # (R, k) sum of predictions
    spp: np.ndarray  # (R, k) sum of predictions^2
    syp: np.ndarray  # (R, k) sum of gold * prediction


def recording_stats(gold, predictions, recordings) -> RecordingStats:
    """Statistics per recording (in order of first appearance) of gold (N,) and predictions (N, k) or (N,)."""
    y = np.asarray(gold, dtype=np.float64).ravel()
    p = np.asarray(predictions, dtype=np.float64)
    p = p.reshape(len(y), -1)
    recs = np.asarray(recordings)
    if len(recs) != len(y) or p.shape[0] != len(y):
        raise ValueError(f"recording_stats: {len(y)} gold values, {p.shape[0]} prediction rows, {len(recs)} recording names")
    names, first, inverse = np.unique(recs, return_index=True, return_inverse=True)
    order = np.argsort(first)  # recordings in order of first appearance
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    group = rank[inverse]
    shift = y.mean()
    y, p = y - shift, p - shift
    R = len(names)

    def per_rec(values):
        return np.stack([np.bincount(group, weights=v, minlength=R) for v in np.atleast_2d(values.T)], axis=1)

    return RecordingStats(
        recordings=tuple(str(names[i]) for i in order),
        n=np.bincount(group, minlength=R).astype(np.float64),
        sy=np.bincount(group, weights=y, minlength=R),
        syy=np.bincount(group, weights=y * y, minlength=R),
        sp=per_rec(p),
        spp=per_rec(p * p),
        syp=per_rec(y[:, None] * p),
    )


def ccc_from_sums(n, sy, syy, sp, spp, syp) -> np.ndarray:
    """CCC (population moments, as metrics.ccc) from totals; arrays broadcast. NaN where undefined."""
    n = np.asarray(n, dtype=np.float64)
    my, mp = sy / n, sp / n
    vy = syy / n - my * my
    vp = spp / n - mp * mp
    cov = syp / n - my * mp
    denom = vy + vp + (my - mp) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denom > 0, 2.0 * cov / denom, np.nan)


def resample_counts(n_recordings: int, resamples: int, seed: int) -> np.ndarray:
    """(resamples, n_recordings) times each recording is drawn in each resample (multinomial, with replacement)."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_recordings, np.full(n_recordings, 1.0 / n_recordings), size=resamples).astype(np.float64)


def resampled_ccc(stats: RecordingStats, counts: np.ndarray) -> np.ndarray:
    """(B, k) CCC of every prediction column in every resample given by `counts` (B, R)."""
    n = counts @ stats.n
    sy = counts @ stats.sy
    syy = counts @ stats.syy
    return ccc_from_sums(n[:, None], sy[:, None], syy[:, None], counts @ stats.sp, counts @ stats.spp, counts @ stats.syp)


def full_ccc(stats: RecordingStats) -> np.ndarray:
    """(k,) CCC of every prediction column on all recordings concatenated (the point estimate)."""
    return resampled_ccc(stats, np.ones((1, len(stats.n))))[0]


def percentile_interval(samples: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper percentile bounds along axis 0, NaN resamples ignored."""
    alpha = (1.0 - confidence) / 2.0
    return np.nanquantile(samples, alpha, axis=0), np.nanquantile(samples, 1.0 - alpha, axis=0)


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float


def ccc_intervals(gold, predictions: dict[str, np.ndarray], recordings, evidence: Evidence) -> dict[str, Interval]:
    """Concatenated CCC and its percentile bootstrap interval over recordings, per method (shared resamples)."""
    names = list(predictions)
    stats = recording_stats(gold, np.column_stack([predictions[m] for m in names]), recordings)
    counts = resample_counts(len(stats.n), evidence.resamples, evidence.seed)
    samples = resampled_ccc(stats, counts)
    low, high = percentile_interval(samples, evidence.confidence)
    if len(stats.n) < 2:  # one recording: every resample is the same, no interval
        low, high = np.full_like(low, np.nan), np.full_like(high, np.nan)
    point = full_ccc(stats)
    return {m: Interval(float(point[i]), float(low[i]), float(high[i])) for i, m in enumerate(names)}


@dataclass(frozen=True)
class Difference:
    """CCC(A) - CCC(B) on the same recordings: estimate and percentile interval."""

    ccc_a: float
    ccc_b: float
    estimate: float
    low: float
    high: float
    resamples: int


def paired_difference(gold, pred_a, pred_b, recordings, evidence: Evidence) -> Difference:
    """Paired bootstrap of CCC(A) - CCC(B): both methods scored on the same resampled recordings."""
    stats = recording_stats(gold, np.column_stack([pred_a, pred_b]), recordings)
    counts = resample_counts(len(stats.n), evidence.resamples, evidence.seed)
    samples = resampled_ccc(stats, counts)
    d = samples[:, 0] - samples[:, 1]
    low, high = percentile_interval(d, evidence.confidence)
    if len(stats.n) < 2:  # one recording: every resample is the same, no interval
        low = high = np.nan
    point = full_ccc(stats)
    return Difference(float(point[0]), float(point[1]), float(point[0] - point[1]), float(low), float(high),
                      int(evidence.resamples))


def per_recording_ccc(frames: pd.DataFrame, column: str = "ensemble") -> pd.DataFrame:
    """CCC of one prediction column per (partition, recording) of a predictions.csv table (labelled rows)."""
    rows = []
    for (partition, recording), part in frames.groupby(["partition", "recording"], sort=False):
        if part["gold"].isna().any():
            continue
        rows.append({"partition": partition, "recording": recording, "ccc": ccc(part["gold"], part[column])})
    return pd.DataFrame(rows, columns=["partition", "recording", "ccc"])
