"""Equivalence of two methods within a margin: two one-sided tests (TOST) built from the calibrated
sign-flip machinery of ``paired_tests``.

The unit is the recording and the statistic is the frame-weighted mean per-recording CCC difference
d = CCC(A) - CCC(B), as in ``paired_tests.margin_test``. With margin m:

- lower test: H0 d <= -m against H1 d > -m (``margin_test(..., "greater")``);
- upper test: H0 d >= +m against H1 d < +m (``margin_test(..., "less")``);
- p_TOST = max(p_lower, p_upper): equivalence (|d| < m) is shown at level alpha when both reject.

Each one-sided test holds its level (a sign-flip test of the shifted differences), so the TOST does
too (intersection-union). Two more one-sided tests say which way a failed equivalence went:
``p_exceeds`` (H0 d <= +m against H1 d > +m: A gains more than the margin) and ``p_below``
(H0 d >= -m against H1 d < -m: A loses more than the margin).

With R recordings the smallest one-sided p is 1/2^R (1/512 for 9), and it needs every shifted
per-recording difference on the same side: identical predictions give p_TOST = 1/2^R.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .paired_tests import per_recording_differences, sign_flip_test


@dataclass(frozen=True)
class TostResult:
    estimate: float  # frame-weighted mean per-recording CCC(A) - CCC(B)
    p_lower: float  # H1: d > -margin
    p_upper: float  # H1: d < +margin
    p_value: float  # max of the two: H1 |d| < margin
    p_exceeds: float  # H1: d > +margin
    p_below: float  # H1: d < -margin
    recordings: int


def tost_differences(d, n, margin: float) -> TostResult:
    """TOST of per-recording differences `d` with frame counts `n` (weights) at `margin`."""
    if margin <= 0:
        raise ValueError(f"equivalence margin must be positive, not {margin}")
    d, n = np.asarray(d, dtype=np.float64), np.asarray(n, dtype=np.float64)
    lower = sign_flip_test(d, n, "greater", -margin)
    upper = sign_flip_test(d, n, "less", margin)
    exceeds = sign_flip_test(d, n, "greater", margin)
    below = sign_flip_test(d, n, "less", -margin)
    p = max(lower.p_value, upper.p_value) if len(d) >= 2 else np.nan
    return TostResult(lower.estimate, lower.p_value, upper.p_value, p, exceeds.p_value, below.p_value, len(d))


def tost(gold, pred_a, pred_b, recordings, margin: float) -> TostResult:
    """TOST of the frame-weighted mean per-recording CCC(A) - CCC(B) (module docstring)."""
    d, n = per_recording_differences(gold, pred_a, pred_b, recordings)
    return tost_differences(d, n, margin)


def tost_power(d, n, margin: float, alpha: float = 0.05, replicates: int = 500, seed: int = 0) -> float:
    """Power of the TOST at a true difference of 0: the observed per-recording differences centred, resampled
    with replacement and tested, `replicates` times; the share with p_TOST < alpha (before any adjustment)."""
    d, n = np.asarray(d, dtype=np.float64), np.asarray(n, dtype=np.float64)
    if len(d) < 2:
        return float("nan")
    centred = d - np.average(d, weights=n)
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(replicates):
        pick = rng.integers(0, len(d), len(d))
        hits += tost_differences(centred[pick], n[pick], margin).p_value < alpha
    return hits / replicates
