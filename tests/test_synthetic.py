"""Tests of the built-in synthetic corpus (longterm_emotion.synthetic).

The corpus stands in for RECOLA, so beyond determinism and layout it must have
RECOLA's relevant properties: slow labels (power below 1 Hz), raters that differ
and lag the signal, speech-like audio, and above all labels that single 40 ms
frames predict poorly and tens of seconds of context predict well (the paper's
premise). The last one is checked on a reduced corpus with closed-form ridge
regression.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.io import wavfile
from scipy.ndimage import uniform_filter1d

from longterm_emotion import constants
from longterm_emotion.data import corpus
from longterm_emotion.data import features
from longterm_emotion.analysis import spectrum
from longterm_emotion.data import synthetic
from longterm_emotion.metrics import ccc
from shipped import DYNAMICS

ROOT = Path(__file__).resolve().parents[1]
DIMENSIONS = list(constants.DIMENSIONS)

CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())
LABEL_RATE = 25.0

# Reduced corpus for the context property: the config's seed and rate, 4 train and
# 3 dev recordings of 150 s (the default has 9 + 9 of 300 s).
REDUCED = {**CONFIG["synthetic"], "duration_s": 150.0, "recordings": {"train": 4, "dev": 3, "test": 0}}


@pytest.fixture(scope="module")
def reduced(tmp_path_factory, features_cfg):
    root = tmp_path_factory.mktemp("reduced")
    synthetic.write_corpus(root / "corpus", REDUCED, workers=2)
    for partition in ("train", "dev"):
        features.extract_corpus_partition(root / "corpus", partition, DIMENSIONS, features_cfg, root / "features" / partition)
    items = {p: features.load_partition(root / "features" / p, DIMENSIONS) for p in ("train", "dev")}
    return {"corpus": root / "corpus", "items": items}


def all_recordings(root):
    return [s.name for p in ("train", "dev") for s in corpus.index_partition(root, p, DIMENSIONS)]


# --- (a) determinism -------------------------------------------------------------------------


def test_generate_recording_is_deterministic_in_seed():
    args = ("dev", "dev_2", 16000, 6.0, LABEL_RATE, DYNAMICS)
    first, second = synthetic.generate_recording(5, *args), synthetic.generate_recording(5, *args)
    np.testing.assert_array_equal(first["audio"], second["audio"])
    np.testing.assert_array_equal(first["times"], second["times"])
    for d in DIMENSIONS:
        np.testing.assert_array_equal(first["latent"][d], second["latent"][d])
        np.testing.assert_array_equal(first["ratings"][d], second["ratings"][d])

    other = synthetic.generate_recording(6, *args)
    assert other["audio"].shape == first["audio"].shape
    assert not np.allclose(other["audio"], first["audio"])
    for d in DIMENSIONS:
        assert not np.allclose(other["latent"][d], first["latent"][d])
        assert not np.allclose(other["ratings"][d], first["ratings"][d])
    # Another recording of the same corpus (same seed) is another speaker and trajectory too.
    neighbour = synthetic.generate_recording(5, "dev", "dev_3", 16000, 6.0, LABEL_RATE, DYNAMICS)
    assert not np.allclose(neighbour["audio"], first["audio"])
    assert not np.allclose(neighbour["latent"]["arousal"], first["latent"]["arousal"])


# --- (b) gold standard: slow and in RECOLA's range ----------------------------------------------


def test_gold_standard_is_mean_of_centred_ratings_slow_and_plausible(reduced):
    root = reduced["corpus"]
    for recording in all_recordings(root):
        for d in DIMENSIONS:
            raw = pd.read_csv(corpus.ratings_path(root, d, recording), sep=";")[list(corpus.RATERS)].to_numpy()
            centred = pd.read_csv(corpus.ratings_path(root, d, recording, centred=True), sep=";")[list(corpus.RATERS)]
            np.testing.assert_allclose(centred.to_numpy(), synthetic.centre_ratings(raw), atol=2e-6)
            times, gold = corpus.read_gold_standard(corpus.gold_standard_path(root, d, recording))
            np.testing.assert_allclose(gold, synthetic.centre_ratings(raw).mean(axis=1), atol=2e-6)
            where = f"{recording} {d}"
            share = spectrum.power_share_below(gold, LABEL_RATE, 1.0)
            assert share >= 0.95, f"{where}: only {share:.1%} of the power below 1 Hz"
            assert -1.0 <= gold.min() and gold.max() <= 1.0, where
            assert 0.05 <= gold.std() <= 0.35, f"{where}: std {gold.std():.3f}"


# --- (c) centring --------------------------------------------------------------------------


def test_centre_ratings_removes_rater_means_and_keeps_their_mean():
    rng = np.random.default_rng(0)
    offsets = np.array([-0.3, -0.1, 0.0, 0.05, 0.2, 0.4])
    ratings = rng.normal(0, 0.1, (500, 6)) + offsets
    centred = synthetic.centre_ratings(ratings)
    overall = ratings.mean()
    # every rater now has the same mean: the mean over raters of their original means
    np.testing.assert_allclose(centred.mean(axis=0), np.full(6, overall), atol=1e-12)
    assert centred.mean() == pytest.approx(overall, abs=1e-12)
    # only a constant per rater is removed: the shape of each rating is kept
    shift = centred - ratings
    np.testing.assert_allclose(shift, np.broadcast_to(shift[0], shift.shape), atol=1e-12)
    np.testing.assert_allclose(np.diff(centred, axis=0), np.diff(ratings, axis=0), atol=1e-12)


# --- (d) raters differ and lag the latent ---------------------------------------------------


def peak_lag_s(rating, latent, max_lag=250):
    """Lag (s) maximising corr(rating[t], latent[t - lag]); positive: the rating follows the latent."""
    n = len(rating)
    lags = np.arange(-max_lag, max_lag + 1)
    corr = [np.corrcoef(rating[L:], latent[: n - L])[0, 1] if L >= 0 else np.corrcoef(rating[:L], latent[-L:])[0, 1]
            for L in lags]
    return lags[int(np.argmax(corr))] / LABEL_RATE


@pytest.mark.parametrize("seed", [0, 1])
def test_raters_lag_the_latent_by_different_amounts(seed):
    rng = np.random.default_rng(seed)
    n_out, pre = int(600 * LABEL_RATE) + 1, int(synthetic.PRE_ROLL_S * LABEL_RATE)
    latent = synthetic.latent_trajectories(rng, pre + n_out, LABEL_RATE, DYNAMICS)
    for d in DIMENSIONS:
        ratings = synthetic.rate_trajectory(rng, latent[d], LABEL_RATE, n_out, d, DYNAMICS)
        assert ratings.shape == (n_out, len(corpus.RATERS))
        lags = np.array([peak_lag_s(ratings[:, k], latent[d][pre:]) for k in range(ratings.shape[1])])
        # Reaction lag 1.5-4.5 s plus the delay of each rater's smoothing (time constant
        # 0.5-2 s): the measured peaks lie at about 2-6.5 s.
        assert np.all((lags >= 1.0) & (lags <= 7.0)), f"{d}: peak lags {lags}"
        assert len(np.unique(lags)) >= 4 and np.ptp(lags) >= 1.0, f"{d}: raters lag alike: {lags}"
        # different scale/offset/noise per rater, but they all follow the latent
        r = [np.corrcoef(ratings[:, k], latent[d][pre:])[0, 1] for k in range(ratings.shape[1])]
        assert min(r) > 0.5, r
        assert np.ptp(ratings.mean(axis=0)) > 0.02


# --- (e) the key property: long context predicts, single frames do not ------------------------


def ridge_ccc(items, dimension, window, ridge=100.0):
    """Dev CCC of closed-form ridge regression on features averaged over `window` frames."""

    def design(part):
        x = [uniform_filter1d(i["features"].astype(np.float64), window, axis=0, mode="nearest") for i in items[part]]
        x = np.concatenate(x)
        return np.hstack([x, np.ones((len(x), 1))])

    X, X_dev = design("train"), design("dev")
    y = np.concatenate([i["labels"][dimension] for i in items["train"]]).astype(np.float64)
    y_dev = np.concatenate([i["labels"][dimension] for i in items["dev"]])
    penalty = ridge * np.eye(X.shape[1])
    penalty[-1, -1] = 0.0  # bias not penalised
    weights = np.linalg.solve(X.T @ X + penalty, X.T @ y)
    return ccc(y_dev, X_dev @ weights)


def test_long_context_predicts_labels_much_better_than_single_frames(reduced):
    items = reduced["items"]
    frame = {d: ridge_ccc(items, d, 1) for d in DIMENSIONS}  # one 40 ms stacked frame
    long = {d: ridge_ccc(items, d, 250) for d in DIMENSIONS}  # 250 frames = 10 s
    # Measured on this reduced corpus (seed 2017, 4 train + 3 dev x 150 s), ridge 100:
    #   arousal: frame 0.324, 10 s 0.693, 20 s 0.706;  valence: frame 0.075, 10 s 0.549, 20 s 0.570.
    # (Full default corpus: arousal 0.27 / 0.64, valence 0.08 / 0.44.)
    for d in DIMENSIONS:
        assert long[d] >= frame[d] + 0.15, f"{d}: frame CCC {frame[d]:.3f}, 10 s context {long[d]:.3f}"
    assert long["arousal"] > long["valence"], long
    assert frame["arousal"] > frame["valence"], frame
    assert long["arousal"] > 0.5, long


# --- (f) speech-like audio -------------------------------------------------------------------


def test_audio_is_speech_like_16_bit_and_unclipped(reduced):
    root = reduced["corpus"]
    for recording in all_recordings(root):
        rate, x = wavfile.read(corpus.audio_path(root, recording))
        assert rate == REDUCED["sample_rate"]
        assert x.dtype == np.int16 and x.ndim == 1
        assert len(x) == round(REDUCED["duration_s"] * rate)
        peak = np.abs(x.astype(np.int32)).max()
        assert 0.01 * 32767 < peak < 0.9 * 32767, f"{recording}: peak {peak}"  # audible, not clipped
        hop = int(0.1 * rate)
        n = len(x) // hop
        energy_db = 10 * np.log10(np.mean(x[: n * hop].astype(np.float64).reshape(n, hop) ** 2, axis=1) + 1e-10)
        quiet = energy_db < np.percentile(energy_db, 95) - 20
        assert 0.10 <= quiet.mean() <= 0.60, f"{recording}: {quiet.mean():.1%} pause frames"
        # pauses come as many separate gaps (talk spurts), not as one silent stretch
        edges = np.diff(np.concatenate([[0], quiet.astype(int), [0]]))
        gaps = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
        per_minute = (gaps >= 2).sum() / (len(x) / rate / 60)
        assert 5 <= per_minute <= 80, f"{recording}: {per_minute:.1f} pauses >= 200 ms per minute"


# --- (g) layout ----------------------------------------------------------------------------


@pytest.mark.parametrize("test_labels", [False, True])
def test_written_corpus_has_avec_2016_layout(tmp_path, test_labels):
    cfg = {"seed": 3, "sample_rate": 8000, "duration_s": 4.37, "recordings": {"train": 1, "dev": 1, "test": 2},
           "test_labels": test_labels, "label_rate": LABEL_RATE, "dynamics": CONFIG["synthetic"]["dynamics"]}
    written = synthetic.write_corpus(tmp_path, cfg, workers=1)
    recordings = ["train_1", "dev_1", "test_1", "test_2"]
    labelled = recordings if test_labels else ["train_1", "dev_1"]
    assert sorted(written) == sorted(recordings)
    rows = int(np.floor(4.37 * LABEL_RATE)) + 1  # 110; 7501 for 300 s
    assert rows == features.num_label_frames(round(4.37 * 8000), 8000, LABEL_RATE)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [corpus.AUDIO_DIR, corpus.GOLD_DIR, corpus.RATINGS_DIR, corpus.CENTRED_DIR])
    assert sorted(p.name for p in (tmp_path / "recordings_audio").iterdir()) == sorted(f"{r}.wav" for r in recordings)
    for r in recordings:
        rate, x = wavfile.read(tmp_path / "recordings_audio" / f"{r}.wav")
        assert rate == 8000 and x.dtype == np.int16 and len(x) == round(4.37 * 8000)
    for d in DIMENSIONS:
        gold_dir = tmp_path / "ratings_gold_standard" / d
        assert sorted(p.name for p in gold_dir.iterdir()) == sorted(f"{r}.arff" for r in labelled)
        for r in labelled:
            times, values = corpus.read_gold_standard(gold_dir / f"{r}.arff")
            assert len(values) == rows
            np.testing.assert_allclose(times, np.arange(rows) / LABEL_RATE, atol=1e-9)
        for folder in ("ratings_individual", "ratings_individual_centred"):
            files = sorted((tmp_path / folder / d).iterdir())
            assert [p.name for p in files] == sorted(f"{r}.csv" for r in labelled)  # test ratings only with labels
            for path in files:
                lines = path.read_text().splitlines()
                assert lines[0] == "time;FM1;FM2;FM3;FF1;FF2;FF3"
                assert len(lines) == rows + 1
                assert lines[-1].startswith(f"{(rows - 1) / LABEL_RATE:.2f};")
    # the partitions are readable by the corpus reader (test unlabelled unless asked)
    sources = corpus.index_partition(tmp_path, "test", DIMENSIONS)
    assert [s.name for s in sources] == ["test_1", "test_2"]
    assert (sources[0].labels is None) == (not test_labels)


def test_300_s_recording_has_7501_label_rows():
    # the default duration; a low audio rate keeps this fast (the label count does not depend on it)
    rec = synthetic.generate_recording(CONFIG["synthetic"]["seed"], "train", "train_1", 4000, 300.0, LABEL_RATE, DYNAMICS)
    assert len(rec["times"]) == 7501 and rec["times"][-1] == pytest.approx(300.0)
    assert len(rec["audio"]) == 300 * 4000
    for d in DIMENSIONS:
        assert rec["ratings"][d].shape == (7501, len(corpus.RATERS))
        assert rec["latent"][d].shape == (7501,)
    cfg = CONFIG["synthetic"]
    assert len(synthetic.recording_ids(cfg["recordings"])) == sum(cfg["recordings"].values())
