"""Tests of fbank extraction (against lhotse), frame/label alignment, normalisation, CMVN stats,
partition extraction, and determinism of the synthetic corpus."""

import filecmp
import warnings

import kaldiio
import numpy as np
import pandas as pd
import pytest
import torch

from longterm_emotion import constants
from longterm_emotion.data import corpus
from longterm_emotion.data import features
from longterm_emotion.data import synthetic
from longterm_emotion.errors import InputDataError
from longterm_emotion.settings import FeatureOptions
from shipped import CONFIG, DYNAMICS

CFG = {  # config.yaml's features section
    "sample_rate": 16000,
    "num_mel_bins": 40,
    "frame_length_ms": 25.0,
    "frame_shift_ms": 10.0,
    "dither": 0.0,
    "preemph_coeff": 0.97,
    "remove_dc_offset": True,
    "window_type": "povey",
    "snip_edges": True,
    "low_freq": 20.0,
    "high_freq": 0.0,
    "stack": 4,
    "std_floor": 1.0e-6,
}
SR = CFG["sample_rate"]


def speech_like(seconds=10.0, seed=3):
    """Synthetic speech on the 16-bit integer scale, as written to and read back from the corpus WAVs."""
    rec = synthetic.generate_recording(seed, "train", "train_1", SR, seconds, 25.0, DYNAMICS)
    return np.round(rec["audio"] * 32767)


# --- (a) kaldi-native-fbank against lhotse's Kaldi-compatible implementation ----------------


def lhotse_fbank(samples, **overrides):
    from lhotse.features.kaldi.layers import Wav2LogFilterBank

    options = dict(
        sampling_rate=SR,
        frame_length=CFG["frame_length_ms"] / 1000,
        frame_shift=CFG["frame_shift_ms"] / 1000,
        round_to_power_of_two=True,
        remove_dc_offset=True,
        preemph_coeff=0.97,
        window_type="povey",
        dither=0.0,
        snip_edges=True,
        use_energy=False,
        use_fft_mag=False,  # power spectrum, as Kaldi
        low_freq=20.0,
        high_freq=0.0,  # Kaldi's 0 = Nyquist; lhotse's own default is -400 (Nyquist - 400 Hz)
        num_filters=40,
    )
    options.update(overrides)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # lhotse warns that snip_edges=True is unusual for it
        warnings.simplefilter("ignore", DeprecationWarning)  # lhotse's mel scale uses an old numpy API
        layer = Wav2LogFilterBank(**options).double()  # float64 reference
    # lhotse takes the waveform at whatever scale it is given: pass the same 16-bit-scale samples as knf.
    with torch.no_grad():
        return layer(torch.from_numpy(np.asarray(samples, np.float64))[None])[0].numpy()


@pytest.fixture(scope="module")
def speech():
    return speech_like()


@pytest.fixture(scope="module")
def knf_speech(speech):
    return features.compute_fbank(speech, CFG)


def test_fbank_matches_lhotse(speech, knf_speech):
    ours = knf_speech.astype(np.float64)
    reference = lhotse_fbank(speech)
    assert ours.shape == reference.shape == (1 + (len(speech) - 400) // 160, 40)
    # Measured on this input (10 s, seed 3): max |diff| 5.2e-4 overall, 1.7e-5 within 10 nats of each
    # frame's strongest band, 3.9e-6 as power relative to that band. The overall maximum sits in bands
    # 15-25 nats (e^-15 ~ 3e-7) below the frame's peak, which is float32 FFT rounding in knf, not a
    # difference of method: any option mismatch below moves values by > 1 nat.
    diff = np.abs(ours - reference)
    below_peak = ours.max(axis=1, keepdims=True) - ours
    assert diff.max() < 2e-3
    assert diff[below_peak < 10].max() < 5e-5
    power_error = np.abs(np.exp(ours) - np.exp(reference)) / np.exp(ours.max(axis=1, keepdims=True))
    assert power_error.max() < 2e-5
    assert np.median(diff) < 1e-5


@pytest.mark.parametrize(
    "mismatch",
    [dict(high_freq=-400.0), dict(window_type="hamming"), dict(preemph_coeff=0.0), dict(remove_dc_offset=False)],
)
def test_fbank_comparison_is_sensitive(speech, knf_speech, mismatch):
    """The comparison above would catch a wrong option: each mismatch moves the bands by far more."""
    reference = lhotse_fbank(speech, **mismatch)
    assert np.abs(knf_speech - reference).max() > 0.5


def test_fbank_scale_is_16bit(speech, knf_speech):
    # Samples in [-1, 1] instead of the 16-bit scale shift every log band by log(32768^2) ~ 20.8.
    scaled = features.compute_fbank(speech / 32768.0, CFG)
    above_floor = scaled > np.log(np.finfo(np.float32).eps) + 5  # silent bands hit the log floor instead
    assert above_floor.mean() > 0.5  # 78 % here; quiet low bands sit near the floor at the [-1, 1] scale
    np.testing.assert_allclose((knf_speech - scaled)[above_floor], 2 * np.log(32768.0), atol=1e-3)


def test_fbank_options_follow_config():
    opts = features.fbank_options(CFG)
    assert opts.mel_opts.num_bins == 40
    assert opts.frame_opts.dither == 0.0
    assert opts.frame_opts.snip_edges
    assert opts.frame_opts.window_type == "povey"
    assert opts.frame_opts.samp_freq == 16000
    assert opts.mel_opts.low_freq == 20.0
    assert opts.mel_opts.high_freq == 0.0
    assert not opts.use_energy


# --- (b) alignment rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "num_samples, frames",
    [(399, 0), (400, 1), (559, 1), (560, 2), (16000, 98), (16001, 98), (160319, 1000), (4_800_000, 29998)],
)
def test_fbank_frame_count_snip_edges(num_samples, frames):
    rng = np.random.default_rng(num_samples)
    out = features.compute_fbank(rng.normal(0, 1000, num_samples), CFG)
    assert out.shape == (frames, 40)
    assert frames == max(0, 1 + (num_samples - 400) // 160)


@pytest.mark.parametrize(
    "seconds, rows", [(300.0, 7501), (299.99, 7500), (10.02, 251), (12.0, 301), (1.0, 26), (0.04, 2), (0.039, 1)]
)
def test_num_label_frames(seconds, rows):
    assert FeatureOptions.of(CFG).label_rate == 25.0
    assert features.num_label_frames(int(round(seconds * SR)), SR, 25.0) == rows


@pytest.mark.parametrize("num_samples", [4_800_000, 4_799_840, 160_320, 16_000, 16_001, 160_319, 12_345])
def test_stacked_rows_follow_the_rule(num_samples):
    rows = features.num_label_frames(num_samples, SR, FeatureOptions.of(CFG).label_rate)
    n_frames = 1 + (num_samples - 400) // 160
    # Distinct frame contents: each frame's values identify it.
    frames = np.arange(n_frames, dtype=np.float32)[:, None] + np.arange(40, dtype=np.float32)[None, :] / 100
    stacked = features.stack_frames(frames, 4, rows)
    assert stacked.shape == (rows, 160)
    for t in {0, 1, rows // 2, rows - 3, rows - 2, rows - 1}:
        expected = np.concatenate([frames[min(4 * t + k, n_frames - 1)] for k in range(4)])
        np.testing.assert_array_equal(stacked[t], expected)
    # Only the last rows reach past the audio: the labels never run ahead of the features.
    clamped = [t for t in range(rows) if 4 * t + 3 > n_frames - 1]
    assert len(clamped) <= 2
    assert clamped == list(range(rows - len(clamped), rows))


def test_stack_frames_300s_tail():
    frames = np.arange(29998, dtype=np.float32)[:, None]
    stacked = features.stack_frames(frames, 4, 7501)
    np.testing.assert_array_equal(stacked[7498], [29992, 29993, 29994, 29995])
    np.testing.assert_array_equal(stacked[7499], [29996, 29997, 29997, 29997])
    np.testing.assert_array_equal(stacked[7500], [29997, 29997, 29997, 29997])


def test_stack_frames_empty():
    with pytest.raises(ValueError):
        features.stack_frames(np.zeros((0, 40), np.float32), 4, 3)


# --- (c) normalisation ----------------------------------------------------------------------


def test_normalise():
    rng = np.random.default_rng(0)
    frames = rng.normal(5.0, 3.0, (500, 6)).astype(np.float32)
    frames[:, 2] = 7.25  # constant column
    out, mean, std = features.normalise(frames, 1e-6)
    assert out.dtype == np.float32
    varying = [0, 1, 3, 4, 5]
    np.testing.assert_allclose(out[:, varying].mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(out[:, varying].std(axis=0), 1.0, atol=1e-5)
    np.testing.assert_allclose(mean, frames.astype(np.float64).mean(axis=0), rtol=1e-12)
    assert std[2] == 1e-6  # floored, not zero
    assert np.all(np.isfinite(out)) and np.all(out[:, 2] == 0.0)
    np.testing.assert_allclose(out * std + mean, frames, atol=1e-4)


def test_normalise_floor_applies_to_tiny_std():
    frames = np.array([[1.0], [1.0 + 1e-9], [1.0]], np.float64)
    out, _, std = features.normalise(frames, 1e-6)
    assert std[0] == 1e-6
    assert np.abs(out).max() < 1e-2


# --- (d) CMVN statistics --------------------------------------------------------------------


def test_cmvn_stats_layout_and_kaldiio(tmp_path):
    rng = np.random.default_rng(1)
    frames = rng.normal(3.0, 2.0, (321, 40)).astype(np.float32)
    stats = features.cmvn_stats(frames)
    assert stats.shape == (2, 41)
    np.testing.assert_allclose(stats[0, :40], frames.sum(axis=0, dtype=np.float64), rtol=1e-12)
    assert stats[0, 40] == 321
    np.testing.assert_allclose(stats[1, :40], (frames.astype(np.float64) ** 2).sum(axis=0), rtol=1e-12)
    assert stats[1, 40] == 0.0
    # Kaldi's apply-cmvn --norm-vars: mean = s0/n, var = s1/n - mean^2; same as normalise().
    _, mean, std = features.normalise(frames, 1e-6)
    np.testing.assert_allclose(stats[0, :40] / 321, mean, rtol=1e-10)
    np.testing.assert_allclose(np.sqrt(stats[1, :40] / 321 - (stats[0, :40] / 321) ** 2), std, rtol=1e-6)
    ark, scp = tmp_path / "cmvn.ark", tmp_path / "cmvn.scp"
    with kaldiio.WriteHelper(f"ark,scp:{ark},{scp}") as writer:
        writer("train_1", stats)
    back = kaldiio.load_scp(str(scp))["train_1"]
    assert back.dtype == np.float64
    np.testing.assert_array_equal(back, stats)


# --- (e) extract_partition on a tiny synthetic corpus ---------------------------------------

SYN = {
    "seed": 7,
    "sample_rate": 16000,
    "duration_s": 12.0,
    "recordings": {"train": 2, "dev": 1, "test": 1},
    "test_labels": False,
    "label_rate": 25.0,
    "dynamics": CONFIG["synthetic"]["dynamics"],
}
DIMS = ["arousal", "valence"]


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    synthetic.write_corpus(root, SYN)
    return root


@pytest.fixture(scope="module")
def extracted(tiny_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("features")
    for partition in constants.PARTITIONS:
        features.extract_corpus_partition(tiny_corpus, partition, DIMS, CFG, out / partition)
    return out


def recording_names(corpus_dir, partition):
    """The recording ids the pipeline's index gives a partition, in numeric order."""
    return [source.name for source in corpus.index_partition(corpus_dir, partition, DIMS)]


def test_synthetic_corpus_layout(tiny_corpus):
    assert recording_names(tiny_corpus, "train") == ["train_1", "train_2"]
    assert not corpus.gold_standard_path(tiny_corpus, "arousal", "test_1").exists()
    assert not corpus.ratings_path(tiny_corpus, "valence", "test_1").exists()  # unreleased, like RECOLA's
    times, values = corpus.read_gold_standard(corpus.gold_standard_path(tiny_corpus, "valence", "dev_1"))
    assert len(times) == 301 and times[-1] == pytest.approx(12.0)


@pytest.mark.parametrize("partition", constants.PARTITIONS)
def test_extract_partition_outputs(tiny_corpus, extracted, partition):
    out = extracted / partition
    recordings = recording_names(tiny_corpus, partition)
    fbank = kaldiio.load_scp(str(out / "fbank.scp"))
    cmvn = kaldiio.load_scp(str(out / "cmvn.scp"))
    stacked = kaldiio.load_scp(str(out / "stacked.scp"))
    assert sorted(fbank) == sorted(cmvn) == sorted(stacked) == recordings
    # The ark files alone are readable too (scp is an index into them).
    assert [key for key, _ in kaldiio.load_ark(str(out / "stacked.ark"))] == recordings
    table = pd.read_csv(out / "labels.csv")
    assert list(table.columns) == ["recording", "frame", "frameTime", *DIMS]
    assert list(table["recording"].unique()) == recordings
    for recording in recordings:
        samples = kaldiio.load_scp(str(out / "fbank.scp"))[recording]
        n_samples = int(SYN["duration_s"] * SR)
        assert samples.shape == (1 + (n_samples - 400) // 160, 40)
        rows = table[table["recording"] == recording]
        assert len(rows) == features.num_label_frames(n_samples, SR, 25.0) == 301
        x = stacked[recording]
        assert x.shape == (301, 160) and x.dtype == np.float32
        normalised, _, _ = features.normalise(samples, CFG["std_floor"])
        np.testing.assert_array_equal(x, features.stack_frames(normalised, 4, 301))
        np.testing.assert_allclose(cmvn[recording], features.cmvn_stats(samples))
        np.testing.assert_allclose(rows["frameTime"], np.arange(301) / 25.0, atol=1e-6)
        np.testing.assert_array_equal(rows["frame"], np.arange(301))
        if partition == "test":
            assert rows[DIMS].isna().all().all()
            lines = [ln for ln in (out / "labels.csv").read_text().splitlines() if ln.startswith(f"{recording},")]
            assert len(lines) == 301 and all(ln.endswith(",,") for ln in lines)  # empty cells, not "nan"
        else:
            assert not rows[DIMS].isna().any().any()
            for d in DIMS:
                _, gold = corpus.read_gold_standard(corpus.gold_standard_path(tiny_corpus, d, recording))
                np.testing.assert_allclose(rows[d], gold, atol=1e-9)


@pytest.mark.parametrize("partition", constants.PARTITIONS)
def test_load_partition(tiny_corpus, extracted, partition):
    items = features.load_partition(extracted / partition, DIMS)
    assert [item["recording"] for item in items] == recording_names(tiny_corpus, partition)
    for item in items:
        assert item["features"].shape == (301, 160)
        if partition == "test":
            assert item["labels"] is None
        else:
            assert set(item["labels"]) == set(DIMS)
            assert all(item["labels"][d].shape == (301,) for d in DIMS)
            assert all(item["labels"][d].dtype == np.float32 for d in DIMS)


def copy_corpus(src, dst):
    import shutil

    shutil.copytree(src, dst)
    return dst


def rewrite_arff(root, recording, rows, dims=DIMS):
    """Rewrite a recording's gold standards with `rows` rows (fewer, or extra rows past the end)."""
    for d in dims:
        path = corpus.gold_standard_path(root, d, recording)
        _, values = corpus.read_gold_standard(path)
        values = np.concatenate([values, np.full(max(0, rows - len(values)), values[-1])])[:rows]
        corpus.write_gold_standard(path, recording, d, np.arange(rows) / 25.0, values)
        yield path


def test_labels_much_shorter_than_audio_rejected(tiny_corpus, tmp_path):
    root = copy_corpus(tiny_corpus, tmp_path / "c")
    paths = list(rewrite_arff(root, "train_2", 301 - 5))
    with pytest.raises(InputDataError) as info:
        features.extract_corpus_partition(root, "train", DIMS, CFG, tmp_path / "out")
    assert info.value.path == str(paths[0])
    assert "train_2.arff" in str(info.value)
    assert "more than one frame" in info.value.problem
    assert "296" in info.value.problem and "301" in info.value.problem


def test_labels_much_longer_than_audio_rejected(tiny_corpus, tmp_path):
    root = copy_corpus(tiny_corpus, tmp_path / "c")
    list(rewrite_arff(root, "dev_1", 301 + 2))
    with pytest.raises(InputDataError, match="more than one frame"):
        features.extract_corpus_partition(root, "dev", DIMS, CFG, tmp_path / "out")


@pytest.mark.parametrize("rows", [300, 302])
def test_labels_one_row_off_use_label_count(tiny_corpus, tmp_path, rows):
    root = copy_corpus(tiny_corpus, tmp_path / "c")
    list(rewrite_arff(root, "dev_1", rows))
    features.extract_corpus_partition(root, "dev", DIMS, CFG, tmp_path / "out")
    (item,) = features.load_partition(tmp_path / "out", DIMS)
    assert item["features"].shape == (rows, 160)
    assert all(len(item["labels"][d]) == rows for d in DIMS)


def test_dimensions_of_different_length_rejected(tiny_corpus, tmp_path):
    root = copy_corpus(tiny_corpus, tmp_path / "c")
    list(rewrite_arff(root, "dev_1", 300, dims=["valence"]))
    with pytest.raises(InputDataError, match="differ in length"):
        features.extract_corpus_partition(root, "dev", DIMS, CFG, tmp_path / "out")


def test_audio_shorter_than_one_window(tiny_corpus, tmp_path):
    from scipy.io import wavfile

    root = copy_corpus(tiny_corpus, tmp_path / "c")
    wav = corpus.audio_path(root, "test_1")
    wavfile.write(wav, SR, np.zeros(399, np.int16))
    with pytest.raises(InputDataError, match="shorter than one analysis window") as info:
        features.extract_corpus_partition(root, "test", DIMS, CFG, tmp_path / "out")
    assert info.value.path == str(wav)


def test_audio_at_another_rate_and_stereo(tiny_corpus, extracted, tmp_path):
    """The real release need not be 16 kHz mono: a 44.1 kHz stereo file gives the same rows and features."""
    from scipy.io import wavfile
    from scipy.signal import resample_poly

    from longterm_emotion.data.audio import read_wav

    root = copy_corpus(tiny_corpus, tmp_path / "c")
    wav = corpus.audio_path(root, "dev_1")
    samples, _ = read_wav(wav)
    up = resample_poly(samples, 441, 160)
    wavfile.write(wav, 44100, np.stack([up, up], axis=1).astype(np.float32))
    features.extract_corpus_partition(root, "dev", DIMS, CFG, tmp_path / "out")
    (item,) = features.load_partition(tmp_path / "out", DIMS)
    (original,) = features.load_partition(extracted / "dev", DIMS)
    assert item["features"].shape == original["features"].shape == (301, 160)
    # Same speech after a round trip through 44.1 kHz: normalised bands agree except near Nyquist.
    bands = np.arange(160) % 40 < 36
    diff = np.abs(item["features"] - original["features"])[:, bands]
    assert np.median(diff) < 0.02
    np.testing.assert_array_equal(item["labels"]["arousal"], original["labels"]["arousal"])


# --- (f) determinism of the synthetic corpus -------------------------------------------------


def corpus_files(root):
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


def test_synthetic_corpus_is_deterministic(tiny_corpus, tmp_path):
    again = tmp_path / "again"
    synthetic.write_corpus(again, SYN)
    files = corpus_files(tiny_corpus)
    assert files == corpus_files(again)
    assert len(files) == 4 + 3 * 2 + 3 * 2 * 2  # wav + train/dev gold standards + train/dev ratings (raw, centred)
    mismatched = [str(f) for f in files if not filecmp.cmp(tiny_corpus / f, again / f, shallow=False)]
    assert mismatched == []


def test_synthetic_corpus_seed_changes_audio(tiny_corpus, tmp_path):
    other = tmp_path / "other"
    synthetic.write_corpus(other, {**SYN, "seed": 8})
    for recording in ["train_1", "train_2", "dev_1", "test_1"]:
        a = corpus.audio_path(tiny_corpus, recording).read_bytes()
        b = corpus.audio_path(other, recording).read_bytes()
        assert len(a) == len(b) and a != b


def test_synthetic_corpus_same_with_worker_processes(tiny_corpus, tmp_path):
    # The workflow passes its thread count as `workers`; the corpus must not depend on it.
    parallel = tmp_path / "parallel"
    synthetic.write_corpus(parallel, SYN, workers=2)
    files = corpus_files(tiny_corpus)
    assert files == corpus_files(parallel)
    assert all(filecmp.cmp(tiny_corpus / f, parallel / f, shallow=False) for f in files)
