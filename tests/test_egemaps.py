"""Tests of the eGeMAPS front end (openSMILE descriptors, alignment to the label rows) and of the
computed AVEC 2016 baseline (windowed functionals, delay compensation, post-processing, dev-only choice)."""

import kaldiio
import numpy as np
import pandas as pd
import pytest

from longterm_emotion import constants, methods
from longterm_emotion.data import corpus, egemaps, synthetic
from longterm_emotion.experiments import avec_baseline as avec
from longterm_emotion.frontends import pipeline
from longterm_emotion.metrics import ccc
from longterm_emotion.reporting import results_tables
from shipped import DYNAMICS

RATE = 25.0
STACK = 4
FEATURES_CFG = {"sample_rate": 16000, "std_floor": 1e-6}
SMALL_GRID = {
    "window_s": [1.0, 3.0],
    "delay_s": [0.0, 1.0, 2.0],
    "C": [1.0e-3, 1.0],
    "postprocess": ["none", "centre_scale"],
    "cov_floor": 1.0e-3,
    "svr": {"loss": "squared_epsilon_insensitive", "epsilon": 0.0, "tol": 1.0e-4, "max_iter": 10000},
}


# --- descriptors and their alignment ----------------------------------------------------------


def test_descriptors_are_the_25_egemaps_lld_at_10_ms():
    assert list(egemaps.LLD_NAMES) == egemaps.smile_lld_names()
    audio = synthetic.generate_recording(3, "train", "train_1", 16000, 3.0, RATE, DYNAMICS)["audio"]
    llds = egemaps.compute_llds(audio, 16000)
    assert llds.dtype == np.float32 and np.isfinite(llds).all()
    assert llds.shape[1] == 25
    assert abs(len(llds) - 300) <= 6  # one frame per 10 ms of 3 s (openSMILE's framing trims a few)
    assert llds[:, egemaps.LLD_NAMES.index("Loudness_sma3")].std() > 0


def test_partition_rows_equal_the_label_rows(small_corpus, tmp_path):
    """Per-recording extraction + gathering: stacked rows = fbank label rows = floor(25 D) + 1, stacking rule kept."""
    partition = "dev"
    labels_csv = small_corpus["features"] / partition / "labels.csv"
    labels = pd.read_csv(labels_csv)
    recordings = list(dict.fromkeys(labels["recording"]))
    files = {}
    for recording in recordings:
        files[recording] = tmp_path / "recordings" / f"{recording}.ark"
        pipeline.extract_recording(frontend="egemaps", features_cfg=FEATURES_CFG,
                                   audio=corpus.audio_path(small_corpus["corpus"], recording), out_path=files[recording])
    out = tmp_path / partition
    pipeline.gather_partition(frontend="egemaps", frame_files={r: str(p) for r, p in files.items()}, labels_csv=labels_csv,
                              features_cfg=FEATURES_CFG, label_rate=RATE, out_dir=out)
    lld, stacked = kaldiio.load_scp(str(out / "frames.scp")), kaldiio.load_scp(str(out / "stacked.scp"))
    fbank = kaldiio.load_scp(str(small_corpus["features"] / partition / "stacked.scp"))
    rows = constants.num_label_frames(small_corpus["cfg"]["duration_s"], RATE)
    pd.testing.assert_frame_equal(pd.read_csv(out / "labels.csv"), labels)
    for recording in recordings:
        assert stacked[recording].shape == (rows, STACK * 25) == (len(fbank[recording]), STACK * 25)
        assert (labels["recording"] == recording).sum() == rows
        raw = lld[recording]
        assert abs(len(raw) - rows * STACK) <= 8  # 10 ms frames, as many as the fbank's
        normalised = (raw - raw.mean(axis=0)) / np.maximum(raw.std(axis=0), 1e-6)
        t = rows - 1  # the last row: frames 4t ... 4t+3, clamped to the last frame
        expected = normalised[np.minimum(np.arange(STACK * t, STACK * t + STACK), len(raw) - 1)].ravel()
        np.testing.assert_allclose(stacked[recording][t], expected, rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(stacked[recording][5], normalised[20:24].ravel(), rtol=1e-4, atol=1e-4)
    items = pipeline.load_frames(out, ["arousal"], STACK)
    assert [i["rows"] for i in items] == [rows] * len(recordings)
    assert items[0]["frames"].shape == (rows * STACK, 25)
    np.testing.assert_allclose(items[0]["labels"]["arousal"], labels[labels["recording"] == recordings[0]]["arousal"])


def test_gather_names_the_labels_file_when_a_recording_has_no_descriptors(small_corpus, tmp_path):
    labels_csv = small_corpus["features"] / "dev" / "labels.csv"
    with pytest.raises(Exception, match=str(labels_csv)):
        pipeline.gather_partition(frontend="egemaps", frame_files={}, labels_csv=labels_csv, features_cfg=FEATURES_CFG,
                                  label_rate=RATE, out_dir=tmp_path)


# --- functionals, delay, post-processing ------------------------------------------------------


def test_functionals_equal_a_direct_computation():
    rng = np.random.default_rng(0)
    rows, D, half = 12, 5, 2
    frames = rng.normal(3.0, 1.0, size=(rows * STACK, D))
    frames[:, 1] = rng.normal(0.0, 1.0, size=rows * STACK) * 1e-5  # mean below the floor: CoV 0
    frames[:, 2] = -frames[:, 2]  # negative mean: CoV uses |mean|
    out = avec.window_functionals(frames, STACK, half, cov_floor=1e-3)
    assert out.shape == (rows, 2 * D)
    for t in (0, 1, 5, rows - 1):
        lo, hi = max(t - half, 0), min(t + half, rows - 1)
        window = frames[lo * STACK:(hi + 1) * STACK]
        mean, std = window.mean(axis=0), window.std(axis=0)
        cov = np.where(np.abs(mean) >= 1e-3, std / np.abs(mean), 0.0)
        np.testing.assert_allclose(out[t, :D], mean, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(out[t, D:], cov, rtol=1e-8, atol=1e-12)
    assert (out[:, D + 1] == 0).all() and (out[:, D + 2] > 0).all()


def test_delay_shifts_by_exactly_the_chosen_rows():
    T, d = 20, 3
    x = np.arange(T, dtype=float)[:, None]
    y = 100 + np.arange(T, dtype=float)
    xs, ys = avec.delay_pairs(x, y, d)
    assert len(xs) == len(ys) == T - d
    np.testing.assert_array_equal(ys - xs[:, 0], np.full(T - d, 100.0 + d))  # x(t) paired with y(t + d)
    p = np.arange(T, dtype=float) + 0.5
    out = avec.shift_forward(p, d)
    assert len(out) == T
    np.testing.assert_array_equal(out[d:], p[:-d])
    np.testing.assert_array_equal(out[:d], np.full(d, p[0]))
    np.testing.assert_array_equal(avec.shift_forward(p, 0), p)
    assert (avec.shift_forward(p, T + 5) == p[0]).all()


def test_postprocessing_uses_training_statistics_and_no_labels():
    rng = np.random.default_rng(1)
    preds = [rng.normal(0.3, 0.05, 50), rng.normal(0.1, 0.02, 70)]
    both = np.concatenate(avec.postprocess(preds, "centre_scale", -0.1, 0.2))
    assert both.mean() == pytest.approx(-0.1) and both.std() == pytest.approx(0.2)
    centred = np.concatenate(avec.postprocess(preds, "centre", -0.1, 0.2))
    assert centred.mean() == pytest.approx(-0.1) and centred.std() == pytest.approx(np.concatenate(preds).std())
    scaled = np.concatenate(avec.postprocess(preds, "scale", -0.1, 0.2))
    assert scaled.mean() == pytest.approx(np.concatenate(preds).mean()) and scaled.std() == pytest.approx(0.2)
    assert avec.postprocess(preds, "none", -0.1, 0.2) is preds


# --- the whole baseline on descriptors with a known delay ------------------------------------------


def write_llds(root, seed=0, delay_rows=25, test_labels="true"):
    """Fake descriptor archives whose labels follow descriptor 0's 2 s mean with a lag of delay_rows."""
    rng = np.random.default_rng(seed)
    for p, partition in enumerate(("train", "dev", "test")):
        folder = root / partition
        folder.mkdir(parents=True, exist_ok=True)
        tables = []
        with kaldiio.WriteHelper(f"ark,scp:{folder / 'frames.ark'},{folder / 'frames.scp'}") as writer:
            for n in range(1, 3 if partition != "train" else 4):
                rows = 600
                drive = np.convolve(rng.standard_normal(rows + 200), np.ones(40) / 40, mode="same")[100:100 + rows]
                frames = rng.normal(1.0, 0.3, size=(rows * STACK, 25))
                frames[:, 0] = 2.0 + np.repeat(drive, STACK) + 0.2 * rng.standard_normal(rows * STACK)
                writer(f"{partition}_{n}", frames.astype(np.float32))
                label = np.concatenate([np.zeros(delay_rows), drive[:rows - delay_rows]]) * 3  # y(t) = drive(t - d)
                table = pd.DataFrame({"recording": f"{partition}_{n}", "frame": np.arange(rows),
                                      "frameTime": np.arange(rows) / RATE, "arousal": label})
                if partition == "test" and test_labels != "true":
                    garbage = np.random.default_rng(99).normal(50, 10, rows)  # own generator: the features stay the same
                    table["arousal"] = np.nan if test_labels == "nan" else garbage
                tables.append(table)
        pd.concat(tables).to_csv(folder / "labels.csv", index=False)


def test_baseline_finds_the_delay_and_writes_the_methods_format(tmp_path):
    write_llds(tmp_path / "feats", delay_rows=25)
    chosen = avec.run_avec_baseline(tmp_path / "feats", "arousal", SMALL_GRID, RATE, STACK, tmp_path / "out")
    assert chosen["delay_s"] == 1.0 and chosen["delay_rows"] == 25
    assert chosen["dev_ccc"] > 0.8
    history = pd.read_csv(tmp_path / "out" / "history.csv")
    assert len(history) == 2 * 3 * 2 * 2 and history["chosen"].sum() == 1
    assert history.loc[history["chosen"], "dev_ccc"].iloc[0] == history["dev_ccc"].max()
    frames = pd.read_csv(tmp_path / "out" / "predictions.csv")
    assert list(frames.columns) == ["partition", "recording", "frameTime", "gold", "seed_0", "ensemble"]
    assert len(frames) == 7 * 600
    scores = pd.read_csv(tmp_path / "out" / "scores.csv")
    dev = frames[frames["partition"] == "dev"]
    dev_score = scores[(scores["partition"] == "dev") & (scores["run"] == "ensemble")]["ccc"].iloc[0]
    assert dev_score == pytest.approx(ccc(dev["gold"], dev["ensemble"])) == pytest.approx(chosen["dev_ccc"])
    assert sorted(p.name for p in (tmp_path / "out" / "per_recording").iterdir())[0] == "dev_1.arff"
    note = (tmp_path / "out" / "note.txt").read_text()
    assert "window" in note and "delay 1 s" in note
    table = results_tables.results_table({"avec_baseline": tmp_path / "out" / "scores.csv"})
    assert table["method"].iloc[0] == methods.label("avec_baseline") and table["note"].iloc[0] == note.strip()


def test_test_labels_are_never_read_for_any_choice(tmp_path):
    outputs = {}
    for kind in ("true", "garbage", "nan"):
        write_llds(tmp_path / kind, seed=3, test_labels=kind)
        outputs[kind] = avec.run_avec_baseline(tmp_path / kind, "arousal", SMALL_GRID, RATE, STACK, tmp_path / f"out_{kind}")
    assert outputs["true"] == outputs["garbage"] == outputs["nan"]
    histories = [pd.read_csv(tmp_path / f"out_{k}" / "history.csv").drop(columns="fit_seconds") for k in outputs]
    pd.testing.assert_frame_equal(histories[0], histories[1])
    pd.testing.assert_frame_equal(histories[0], histories[2])
    frames = {k: pd.read_csv(tmp_path / f"out_{k}" / "predictions.csv") for k in outputs}
    np.testing.assert_array_equal(frames["true"]["ensemble"], frames["garbage"]["ensemble"])
    np.testing.assert_array_equal(frames["true"]["ensemble"], frames["nan"]["ensemble"])
    scores = {k: pd.read_csv(tmp_path / f"out_{k}" / "scores.csv") for k in outputs}
    pd.testing.assert_frame_equal(scores["true"][scores["true"]["partition"] != "test"].reset_index(drop=True),
                                  scores["nan"].reset_index(drop=True))  # unlabelled test: predicted, not scored
    assert set(scores["garbage"]["partition"]) == {"train", "dev", "test"}
