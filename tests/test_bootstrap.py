"""Bootstrap intervals over recordings and paired differences (analysis/bootstrap.py)."""

import numpy as np
import pytest

from longterm_emotion.analysis import bootstrap
from longterm_emotion.metrics import ccc

EVIDENCE = bootstrap.Evidence(resamples=2000, seed=0, confidence=0.95)


def corpus(recordings=9, frames=500, seed=0):
    """Gold trajectories (smooth random walks) of several recordings, and their names per frame."""
    rng = np.random.default_rng(seed)
    gold = np.cumsum(rng.normal(size=(recordings, frames)), axis=1) * 0.01
    gold += rng.normal(scale=0.05, size=(recordings, 1))  # recording offsets
    names = np.repeat([f"dev_{i + 1}" for i in range(recordings)], frames)
    return gold.ravel(), names


def test_sufficient_statistics_give_the_concatenated_ccc_of_every_resample():
    gold, names = corpus()
    rng = np.random.default_rng(1)
    pred = np.column_stack([gold + rng.normal(scale=s, size=gold.size) for s in (0.01, 0.05)])
    stats = bootstrap.recording_stats(gold, pred, names)
    assert stats.recordings[:2] == ("dev_1", "dev_2")
    assert np.allclose(bootstrap.full_ccc(stats), [ccc(gold, pred[:, 0]), ccc(gold, pred[:, 1])], atol=1e-12)
    counts = bootstrap.resample_counts(9, 5, seed=3)
    assert counts.shape == (5, 9) and np.all(counts.sum(axis=1) == 9)
    fast = bootstrap.resampled_ccc(stats, counts)
    for b, row in enumerate(counts):  # the slow way: concatenate the drawn recordings
        drawn = np.repeat(np.arange(9), row.astype(int))
        keep = np.concatenate([np.flatnonzero(names == f"dev_{r + 1}") for r in drawn])
        for k in range(2):
            assert fast[b, k] == pytest.approx(ccc(gold[keep], pred[keep, k]), abs=1e-10)


def test_interval_contains_the_estimate_and_is_reproducible():
    gold, names = corpus()
    pred = gold + np.random.default_rng(2).normal(scale=0.03, size=gold.size)
    first = bootstrap.ccc_intervals(gold, {"m": pred}, names, EVIDENCE)["m"]
    again = bootstrap.ccc_intervals(gold, {"m": pred}, names, EVIDENCE)["m"]
    assert first == again
    assert first.low < first.estimate < first.high <= 1.0
    other_seed = bootstrap.ccc_intervals(gold, {"m": pred}, names, bootstrap.Evidence(2000, 1, 0.95))["m"]
    assert other_seed.low != first.low


def test_identical_predictions_give_a_zero_width_interval_and_p_one():
    gold, names = corpus()
    pred = gold * 0.8 + 0.01
    diff = bootstrap.paired_difference(gold, pred, pred.copy(), names, EVIDENCE)
    assert (diff.estimate, diff.low, diff.high, diff.p_value) == (0.0, 0.0, 0.0, 1.0)


def test_a_large_difference_is_detected_with_the_smallest_p_value():
    gold, names = corpus()
    rng = np.random.default_rng(4)
    good = gold + rng.normal(scale=0.005, size=gold.size)
    bad = gold + rng.normal(scale=0.2, size=gold.size)
    diff = bootstrap.paired_difference(gold, good, bad, names, EVIDENCE)
    assert diff.estimate == pytest.approx(ccc(gold, good) - ccc(gold, bad))
    assert 0 < diff.low <= diff.estimate <= diff.high
    assert diff.p_value == pytest.approx(2 / (EVIDENCE.resamples + 1))
    swapped = bootstrap.paired_difference(gold, bad, good, names, EVIDENCE)
    assert swapped.high < 0 and swapped.p_value == diff.p_value


def test_p_value_definition_on_known_samples():
    # 3 of 9 differences <= 0, 6 >= 0: p = 2 * (3 + 1) / 10
    d = np.array([-2, -1, -0.5, 1, 2, 3, 4, 5, 6.0])
    assert bootstrap.bootstrap_p_value(d) == pytest.approx(0.8)
    assert bootstrap.bootstrap_p_value(np.zeros(9)) == 1.0
