"""Bootstrap intervals over recordings and paired differences (analysis/bootstrap.py)."""

import numpy as np
import pytest

from longterm_emotion.analysis import bootstrap
from longterm_emotion.settings import Evidence
from longterm_emotion.metrics import ccc

EVIDENCE = Evidence(resamples=2000, seed=0, confidence=0.95)


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
    other_seed = bootstrap.ccc_intervals(gold, {"m": pred}, names, Evidence(2000, 1, 0.95))["m"]
    assert other_seed.low != first.low


def test_identical_predictions_give_a_zero_width_interval():
    gold, names = corpus()
    pred = gold * 0.8 + 0.01
    diff = bootstrap.paired_difference(gold, pred, pred.copy(), names, EVIDENCE)
    assert (diff.estimate, diff.low, diff.high) == (0.0, 0.0, 0.0)


def test_a_large_difference_has_an_interval_away_from_zero():
    gold, names = corpus()
    rng = np.random.default_rng(4)
    good = gold + rng.normal(scale=0.005, size=gold.size)
    bad = gold + rng.normal(scale=0.2, size=gold.size)
    diff = bootstrap.paired_difference(gold, good, bad, names, EVIDENCE)
    assert diff.estimate == pytest.approx(ccc(gold, good) - ccc(gold, bad))
    assert 0 < diff.low <= diff.estimate <= diff.high
    swapped = bootstrap.paired_difference(gold, bad, good, names, EVIDENCE)
    assert swapped.high < 0 and swapped.low == pytest.approx(-diff.high)


def test_one_recording_gives_no_interval():
    gold, names = corpus(recordings=1)
    rng = np.random.default_rng(5)
    good, bad = gold + rng.normal(scale=0.01, size=gold.size), gold + rng.normal(scale=0.3, size=gold.size)
    diff = bootstrap.paired_difference(gold, good, bad, names, EVIDENCE)
    assert diff.estimate > 0 and np.isnan([diff.low, diff.high]).all()
    interval = bootstrap.ccc_intervals(gold, {"m": good}, names, EVIDENCE)["m"]
    assert interval.estimate == pytest.approx(ccc(gold, good)) and np.isnan(interval.low)


# --- the comparisons table and the per-recording CCCs (reporting/evidence.py) -------------------


def write_predictions(path, gold, names, noise, seed, partition="dev"):
    """predictions.csv of a fake method: two runs (gold + noise) and their ensemble."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"partition": partition, "recording": names, "frameTime": 0.0, "gold": gold})
    for s in (0, 1):
        frame[f"seed_{s}"] = gold + rng.normal(scale=noise, size=gold.size)
    frame["ensemble"] = frame[["seed_0", "seed_1"]].mean(axis=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def test_comparisons_table_pairs_methods_on_the_same_recordings(tmp_path):
    import pandas as pd

    from longterm_emotion.errors import InputDataError
    from longterm_emotion.reporting import evidence

    gold, names = corpus(recordings=5, frames=300)
    files = {"arousal": {"good": write_predictions(tmp_path / "good.csv", gold, names, 0.005, 0),
                         "bad": write_predictions(tmp_path / "bad.csv", gold, names, 0.2, 1),
                         "copy": tmp_path / "copy.csv"}}
    (tmp_path / "copy.csv").write_bytes((tmp_path / "good.csv").read_bytes())
    table = evidence.write_comparisons(prediction_files=files, comparisons=[("good", "bad"), ("good", "copy")],
                                       evidence={"resamples": 1000, "seed": 0, "confidence": 0.95},
                                       stem=tmp_path / "tables" / "comparisons", corpus_name="corpus X")
    good_bad, good_copy = table.iloc[0], table.iloc[1]
    # 5 recordings: the smallest two-sided permutation p is 2 / 2^5; Holm over the two rows doubles it
    assert good_bad["low"] > 0 and good_bad["p_value"] == pytest.approx(2 / 32)
    assert good_bad["p_holm"] == pytest.approx(4 / 32)
    assert (good_copy["difference"], good_copy["low"], good_copy["high"], good_copy["p_value"]) == (0, 0, 0, 1)
    assert good_copy["p_holm"] == 1 and good_copy["selection"].startswith("dev chose")
    assert pd.read_csv(tmp_path / "tables" / "comparisons.csv")["corpus"].eq("corpus X").all()
    assert "p = 1" in (tmp_path / "tables" / "comparisons.md").read_text()

    per_rec = evidence.per_recording_table(files)
    assert len(per_rec) == 3 * 5 and set(per_rec["recording"]) == set(np.unique(names))
    good_rows = per_rec[per_rec["method"] == "good"]
    first = names == "dev_1"
    frame = pd.read_csv(files["arousal"]["good"])
    assert good_rows.iloc[0]["ccc"] == pytest.approx(ccc(gold[first], frame["ensemble"][first]))

    write_predictions(tmp_path / "other.csv", gold[::-1].copy(), names, 0.01, 2)
    files["arousal"]["other"] = tmp_path / "other.csv"
    with pytest.raises(InputDataError, match="other.csv: dev recordings or gold standard differ"):
        evidence.comparison_table(files, [("good", "other")], Evidence(200, 0, 0.95))


def test_sweep_interval_is_the_t_interval_of_the_mean_over_runs():
    from longterm_emotion.experiments.sweep import mean_interval

    low, high = mean_interval([1.0, 2.0, 3.0], 0.95)  # mean 2, s = 1, t(0.975, 2 dof) = 4.3027
    assert (low, high) == pytest.approx((2 - 4.302653 / np.sqrt(3), 2 + 4.302653 / np.sqrt(3)), abs=1e-5)
    assert mean_interval([0.5, 0.5, 0.5], 0.95) == (0.5, 0.5)
    assert np.isnan(mean_interval([0.5], 0.95)).all()
