"""Paired tests of two methods scored on the same recordings, which hold their level, and Holm's adjustment.

The unit is the recording. Under the null hypothesis that methods A and B are exchangeable on each
recording, swapping A's and B's predictions within any subset of recordings leaves the joint
distribution unchanged. The permutation test (``permutation_test``) therefore scores CCC(A) - CCC(B)
on the partition's recordings concatenated (as AVEC scores) under all 2^R swap patterns (R <= 16;
beyond that a seeded random sample of patterns, the observed one included), and the p-value is the
share of patterns whose difference is at least as extreme as the observed one. The test is exact: its
rejection rate under the null is at most alpha (bench/calibration.py measures it).

With R recordings the smallest p is 1/2^R one-sided and 2/2^R two-sided (1/512 and 1/256 for 9):
with 9 recordings and Holm's adjustment over many claims, only effects that hold on (nearly) every
recording can reach significance. That is a property of 9 recordings, not of the test.

Claims with a margin ("A is not worse than B by more than m", "the extra step gains less than m")
cannot be tested by swapping (the null is not exchangeability); ``margin_test`` is a sign-flip test
of the frame-weighted mean per-recording CCC difference shifted by the margin: under H0 the shifted
per-recording differences are taken as symmetric about zero, so their signs are exchangeable.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from .bootstrap import RecordingStats, ccc_from_sums, recording_stats

MAX_EXACT_RECORDINGS = 16
ALTERNATIVES = ("greater", "less", "two-sided")


def swap_patterns(n_recordings: int, samples: int = 4096, seed: int = 0) -> tuple[np.ndarray, bool]:
    """(M, R) 0/1 patterns (1: swap A and B on that recording) and whether they are all 2^R of them.

    The first row is the observed assignment (no swap)."""
    if n_recordings <= MAX_EXACT_RECORDINGS:
        return np.array(list(itertools.product((0.0, 1.0), repeat=n_recordings))).reshape(-1, n_recordings), True
    rng = np.random.default_rng(seed)
    random = rng.integers(0, 2, size=(samples - 1, n_recordings)).astype(np.float64)
    return np.vstack([np.zeros((1, n_recordings)), random]), False


def swapped_differences(stats: RecordingStats, patterns: np.ndarray) -> np.ndarray:
    """(M,) CCC(A) - CCC(B) on the concatenated recordings under each swap pattern (stats has columns A, B)."""
    keep = 1.0 - patterns

    def totals(values):  # (R, 2) per-recording sums -> (M,) totals of A's and of B's column after swapping
        a, b = values[:, 0], values[:, 1]
        return keep @ a + patterns @ b, keep @ b + patterns @ a

    n, sy, syy = stats.n.sum(), stats.sy.sum(), stats.syy.sum()
    (sp_a, sp_b), (spp_a, spp_b), (syp_a, syp_b) = totals(stats.sp), totals(stats.spp), totals(stats.syp)
    return ccc_from_sums(n, sy, syy, sp_a, spp_a, syp_a) - ccc_from_sums(n, sy, syy, sp_b, spp_b, syp_b)


def tail_p_value(observed: float, null: np.ndarray, alternative: str) -> float:
    """Share of the null distribution (which includes the observed value) at least as extreme as `observed`."""
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, not {alternative!r}")
    tol = 1e-12 * max(1.0, abs(observed))  # equal up to rounding counts as equal
    if alternative == "greater":
        return float(np.mean(null >= observed - tol))
    if alternative == "less":
        return float(np.mean(null <= observed + tol))
    return float(np.mean(np.abs(null) >= abs(observed) - tol))


@dataclass(frozen=True)
class TestResult:
    estimate: float
    p_value: float
    patterns: int
    exact: bool


def permutation_test(gold, pred_a, pred_b, recordings, alternative: str = "two-sided", *, samples: int = 4096,
                     seed: int = 0) -> TestResult:
    """Recording-level swap test of CCC(A) - CCC(B) on the concatenated recordings (module docstring).

    NaN p with fewer than two recordings; identical predictions give p = 1."""
    stats = recording_stats(gold, np.column_stack([pred_a, pred_b]), recordings)
    patterns, exact = swap_patterns(len(stats.n), samples, seed)
    null = swapped_differences(stats, patterns)
    observed = float(null[0])
    p = tail_p_value(observed, null, alternative) if len(stats.n) >= 2 else np.nan
    return TestResult(observed, p, len(patterns), exact)


def sign_flip_test(differences, weights=None, alternative: str = "greater", shift: float = 0.0, *,
                   samples: int = 4096, seed: int = 0) -> TestResult:
    """Sign-flip test of the weighted mean of per-unit differences minus `shift` (H0: symmetric about 0)."""
    d = np.asarray(differences, dtype=np.float64) - shift
    w = np.ones_like(d) if weights is None else np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    patterns, exact = swap_patterns(len(d), samples, seed)
    null = (1.0 - 2.0 * patterns) @ (w * d)
    observed = float(null[0])
    p = tail_p_value(observed, null, alternative) if len(d) >= 2 else np.nan
    return TestResult(observed + shift, p, len(patterns), exact)


def per_recording_differences(gold, pred_a, pred_b, recordings) -> tuple[np.ndarray, np.ndarray]:
    """(CCC(A) - CCC(B) per recording, frame counts) in order of first appearance."""
    stats = recording_stats(gold, np.column_stack([pred_a, pred_b]), recordings)
    per = ccc_from_sums(stats.n[:, None], stats.sy[:, None], stats.syy[:, None], stats.sp, stats.spp, stats.syp)
    return per[:, 0] - per[:, 1], stats.n


def margin_test(gold, pred_a, pred_b, recordings, margin: float, alternative: str) -> TestResult:
    """Sign-flip test of the frame-weighted mean per-recording CCC(A) - CCC(B) against -margin or +margin.

    alternative "greater": H0 d <= -margin (A not worse than B by more than margin);
    "less": H0 d >= +margin (A gains less than margin over B)."""
    d, n = per_recording_differences(gold, pred_a, pred_b, recordings)
    shift = -margin if alternative == "greater" else margin
    return sign_flip_test(d, n, alternative, shift)


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN entries are left out of the family and stay NaN)."""
    p = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full_like(p, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    order = valid[np.argsort(p[valid], kind="stable")]
    m = len(order)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return adjusted


def sign_flip_power(differences, weights=None, effect: float = 0.03, alpha: float = 0.05,
                    alternative: str = "greater", replicates: int = 500, seed: int = 0) -> float:
    """Power of the one-sided sign-flip test at a true mean difference `effect`: the observed per-unit
    differences centred, resampled with replacement, shifted by `effect` and tested, `replicates` times."""
    d = np.asarray(differences, dtype=np.float64)
    if len(d) < 2:
        return float("nan")
    w = np.ones_like(d) if weights is None else np.asarray(weights, dtype=np.float64)
    centred = d - np.average(d, weights=w)
    rng = np.random.default_rng(seed)
    sign = 1.0 if alternative == "greater" else -1.0
    hits = 0
    for _ in range(replicates):
        pick = rng.integers(0, len(d), len(d))
        hits += sign_flip_test(centred[pick] + sign * effect, w[pick], alternative).p_value < alpha
    return hits / replicates
