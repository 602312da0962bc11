"""The paired tests hold their level, give exact values on small cases, and Holm adjusts as defined."""

import numpy as np
import pytest

from longterm_emotion.analysis import paired_tests
from longterm_emotion.metrics import ccc


def _corpus(rng, recordings=9, frames=400, effect=0.0):
    """Gold trajectories and two methods' predictions whose error scale varies by recording."""
    gold, a, b, names = [], [], [], []
    for r in range(recordings):
        y = np.cumsum(rng.normal(size=frames)) * 0.05
        scale = rng.uniform(0.2, 1.5)
        gold.append(y)
        a.append(y + scale * (1 - effect) * rng.normal(size=frames))
        b.append(y + scale * rng.normal(size=frames))
        names += [f"rec{r}"] * frames
    return np.concatenate(gold), np.concatenate(a), np.concatenate(b), np.array(names)


def test_identical_predictions_give_p_one():
    gold, a, _, recs = _corpus(np.random.default_rng(0))
    for alternative in paired_tests.ALTERNATIVES:
        result = paired_tests.permutation_test(gold, a, a, recs, alternative)
        assert result.estimate == 0.0 and result.p_value == 1.0
    assert paired_tests.permutation_test(gold, a, a, recs).patterns == 512


def test_two_recordings_by_hand():
    """Four swap patterns; the p-value is the share whose difference is at least the observed one."""
    gold, a, b, recs = _corpus(np.random.default_rng(1), recordings=2, frames=300)
    cut = recs == "rec0"
    diffs = []
    for swap0 in (False, True):
        for swap1 in (False, True):
            pa, pb = a.copy(), b.copy()
            for mask, swap in ((cut, swap0), (~cut, swap1)):
                if swap:
                    pa[mask], pb[mask] = b[mask], a[mask]
            diffs.append(ccc(gold, pa) - ccc(gold, pb))
    observed = diffs[0]
    result = paired_tests.permutation_test(gold, a, b, recs, "greater")
    assert result.estimate == pytest.approx(observed, abs=1e-12)
    assert result.p_value == pytest.approx(np.mean(np.array(diffs) >= observed - 1e-12))
    two = paired_tests.permutation_test(gold, a, b, recs, "two-sided").p_value
    assert two == pytest.approx(np.mean(np.abs(diffs) >= abs(observed) - 1e-12))


def test_one_recording_has_no_test():
    gold, a, b, recs = _corpus(np.random.default_rng(2), recordings=1)
    assert np.isnan(paired_tests.permutation_test(gold, a, b, recs).p_value)


def test_holm_by_hand_and_nan_left_out():
    adjusted = paired_tests.holm([0.01, 0.04, np.nan, 0.03])
    # sorted 0.01, 0.03, 0.04 with multipliers 3, 2, 1: 0.03, 0.06, max(0.06, 0.04)
    np.testing.assert_allclose(adjusted, [0.03, 0.06, np.nan, 0.06])


def test_sign_flip_and_margin_tests():
    # all nine differences positive: the smallest one-sided p of 9 units, 1/512
    assert paired_tests.sign_flip_test(np.full(9, 0.1)).p_value == pytest.approx(1 / 512)
    # a difference of -0.01 everywhere is within a margin of 0.02 below zero ...
    within = paired_tests.sign_flip_test(np.full(9, -0.01), alternative="greater", shift=-0.02)
    assert within.p_value == pytest.approx(1 / 512) and within.estimate == pytest.approx(-0.01)
    # ... and not within a margin of 0.005
    assert paired_tests.sign_flip_test(np.full(9, -0.01), alternative="greater", shift=-0.005).p_value == 1.0


def test_level_holds_on_small_simulated_nulls():
    """The calibration of bench/calibration.py at small size: rejection at 5 % over 300 nulls."""
    rng = np.random.default_rng(3)
    rejected = [paired_tests.permutation_test(*_corpus(rng, frames=200)).p_value < 0.05 for _ in range(300)]
    assert 0.01 <= np.mean(rejected) <= 0.09


def test_power_grows_with_the_effect():
    rng = np.random.default_rng(4)
    d = rng.normal(0.0, 0.02, size=9)
    low = paired_tests.sign_flip_power(d, effect=0.0, replicates=200)
    high = paired_tests.sign_flip_power(d, effect=0.05, replicates=200)
    assert low < 0.15 and high > 0.8


def test_readme_quotes_the_committed_calibration_output():
    """The README's calibration figures are bench/calibration.py's committed output, not typed by hand."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    output = (root / "bench" / "results" / "calibration.txt").read_text().strip()
    block = re.search(r"<!-- calibration -->\n```text\n(.*?)\n```\n<!-- /calibration -->",
                      (root / "README.md").read_text(), re.S)
    assert block and block.group(1).strip() == output
    rate = float(output.splitlines()[-1].rsplit("=", 1)[1])
    assert 0.035 <= rate <= 0.065
