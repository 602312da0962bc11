"""Tests of the evaluation metrics (CCC with population moments, RMSE, partition scoring)."""

import numpy as np
import pandas as pd
import pytest

from longterm_emotion.constants import RUN_PREFIX
from longterm_emotion.experiments.outputs import score_frames
from longterm_emotion.metrics import ccc, rmse


def lin_ccc(y, p):
    """Lin (1989) written as 1 - MSE / (var_y + var_p + (mu_y - mu_p)^2), population moments."""
    y, p = np.asarray(y, float), np.asarray(p, float)
    return 1.0 - np.mean((y - p) ** 2) / (np.var(y) + np.var(p) + (y.mean() - p.mean()) ** 2)


def cov_ccc(y, p):
    """Same quantity from np.cov with bias=True (divide by N)."""
    c = np.cov(y, p, bias=True)
    return 2 * c[0, 1] / (c[0, 0] + c[1, 1] + (np.mean(y) - np.mean(p)) ** 2)


@pytest.fixture
def y():
    rng = np.random.default_rng(1)
    return np.cumsum(rng.standard_normal(500)) * 0.1 + 0.3


def test_perfect_agreement_is_one(y):
    assert ccc(y, y) == pytest.approx(1.0, abs=1e-12)


def test_constant_prediction_is_zero(y):
    assert ccc(y, np.full_like(y, y.mean())) == 0.0
    assert ccc(y, np.full_like(y, 5.0)) == 0.0


def test_constant_sequences():
    assert ccc([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]) == 1.0
    assert ccc([2.0, 2.0, 2.0], [3.0, 3.0, 3.0]) == 0.0


@pytest.mark.parametrize("c", [0.1, 0.5, -2.0])
def test_shifted_copy(y, c):
    var = np.var(y)
    assert ccc(y, y + c) == pytest.approx(2 * var / (2 * var + c**2), rel=1e-10)


@pytest.mark.parametrize("a", [0.5, 2.0, -1.0])
def test_scaled_copy_zero_mean(y, a):
    y0 = y - y.mean()
    var = np.var(y0)
    assert ccc(y0, a * y0) == pytest.approx(2 * a * var / (var + a**2 * var), rel=1e-10)


@pytest.mark.parametrize("a", [0.5, 2.0])
def test_scaled_copy_with_mean(y, a):
    # Scaling also moves the mean: the (mu_y - mu_p)^2 = ((1 - a) mu)^2 term enters the denominator.
    var, mu = np.var(y), y.mean()
    expected = 2 * a * var / (var + a**2 * var + ((1 - a) * mu) ** 2)
    assert ccc(y, a * y) == pytest.approx(expected, rel=1e-10)


def test_population_not_sample_moments():
    y = np.array([0.0, 1.0, 2.0, 4.0])
    p = np.array([1.5, 1.5, 3.5, 4.0])  # offset mean: sample moments give 0.755, population 0.721
    sample = 2 * np.cov(y, p, ddof=1)[0, 1] / (np.var(y, ddof=1) + np.var(p, ddof=1) + (y.mean() - p.mean()) ** 2)
    assert ccc(y, p) == pytest.approx(cov_ccc(y, p), rel=1e-12)
    assert abs(ccc(y, p) - sample) > 0.02


@pytest.mark.parametrize("seed", range(5))
def test_matches_independent_implementations(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 2000))
    y = rng.normal(rng.normal(), rng.uniform(0.1, 3), n)
    p = rng.uniform(-1, 1) * y + rng.normal(rng.normal(), rng.uniform(0.1, 3), n)
    value = ccc(y, p)
    assert value == pytest.approx(lin_ccc(y, p), rel=1e-9, abs=1e-12)
    assert value == pytest.approx(cov_ccc(y, p), rel=1e-9, abs=1e-12)
    assert value == pytest.approx(ccc(p, y), rel=1e-12)  # symmetric
    assert -1.0 <= value <= 1.0


def test_ccc_input_errors():
    with pytest.raises(ValueError, match="lengths differ"):
        ccc([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="empty"):
        ccc([], [])


def test_rmse_values():
    assert rmse([0.0, 0.0], [3.0, 4.0]) == pytest.approx(np.sqrt(12.5))
    assert rmse([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) == 0.0
    assert rmse([1.0, -1.0], [0.0, 0.0]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="lengths differ"):
        rmse([1.0, 2.0], [1.0])


def frames_of(y_true, y_pred, partition="dev"):
    """A one-run predictions table (experiments/outputs.frame_table's columns) of one partition's recordings."""
    parts = [pd.DataFrame({"partition": partition, "recording": f"{partition}_{n}", "gold": y, f"{RUN_PREFIX}1": p,
                           "ensemble": p})
             for n, (y, p) in enumerate(zip(y_true, y_pred, strict=True), start=1)]
    return pd.concat(parts, ignore_index=True)


def _ensemble(scores, partition="dev"):
    return scores[(scores["partition"] == partition) & (scores["run"] == "ensemble")].iloc[0]


def test_partition_scores_concatenate_the_recordings():
    # Each recording alone: CCC +1 and -1 (mean 0). Concatenated, the large
    # between-recording level difference dominates and CCC is close to 1.
    y_true = [np.array([0.0, 1.0]), np.array([10.0, 11.0])]
    y_pred = [np.array([0.0, 1.0]), np.array([11.0, 10.0])]
    per_recording = [ccc(y, p) for y, p in zip(y_true, y_pred, strict=True)]
    assert per_recording == pytest.approx([1.0, -1.0])
    scores = score_frames(frames_of(y_true, y_pred))
    y_all, p_all = np.concatenate(y_true), np.concatenate(y_pred)
    row = _ensemble(scores)
    assert row["ccc"] == pytest.approx(lin_ccc(y_all, p_all), rel=1e-12)
    assert row["ccc"] > 0.9
    assert abs(row["ccc"] - np.mean(per_recording)) > 0.5
    assert row["rmse"] == pytest.approx(np.sqrt(np.mean((y_all - p_all) ** 2)))
    run = scores[scores["run"] == f"{RUN_PREFIX}1"].iloc[0]
    assert (run["ccc"], run["rmse"]) == pytest.approx((row["ccc"], row["rmse"]))


def test_partition_scores_weight_recordings_by_length():
    # Concatenated totals weight recordings by length: the long recording dominates.
    y_true = [np.arange(100.0), np.array([0.0, 1.0])]
    y_pred = [np.arange(100.0), np.array([1.0, 0.0])]
    assert _ensemble(score_frames(frames_of(y_true, y_pred)))["ccc"] == pytest.approx(
        lin_ccc(np.concatenate(y_true), np.concatenate(y_pred)), rel=1e-12
    )


def test_unlabelled_partition_is_not_scored():
    frames = pd.concat([frames_of([np.arange(3.0)], [np.arange(3.0)]),
                        frames_of([np.full(3, np.nan)], [np.arange(3.0)], partition="test")])
    assert set(score_frames(frames)["partition"]) == {"dev"}
