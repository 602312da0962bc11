"""Tests of the experiment driver (grid, scoring, prediction tables, submissions, final runs),
the ridge baseline and the result tables."""

import re

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from longterm_emotion import constants
from longterm_emotion.experiments import baselines
from longterm_emotion.data import corpus
from longterm_emotion.experiments import common, final, outputs
from longterm_emotion.data import features
from longterm_emotion.settings import Evidence
from longterm_emotion.analysis.smoothness import smoothness
from longterm_emotion.methods import label
from longterm_emotion.reporting import paper, results_tables
from longterm_emotion.nets import training
from longterm_emotion.metrics import ccc, rmse
from longterm_emotion.nets import build_model
from longterm_emotion.nets.training import Recording
from longterm_emotion.settings import FinalRuns, NetworkSettings, Protocol

ROOT = Path(__file__).resolve().parents[1]

CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())
RATE = 25.0
SMALL_DILATED = {"net": {"width": 8, "depth": 3, "kernel_size": 3, "activation": "tanh", "dropout": 0.0},
                 "optim": {"lr": 0.003, "l2": 0.0}}


pytestmark = pytest.mark.usefixtures("deterministic_single_thread")


# --- grid and settings ---------------------------------------------------------------------------


# --- prediction tables and scores -----------------------------------------------------------------


def toy_sets():
    rng = np.random.default_rng(0)
    sets, predictions = {}, {}
    for partition, lengths, labelled in (("dev", (40, 60), True), ("test", (30,), False)):
        sets[partition], predictions[partition] = [], []
        for i, T in enumerate(lengths):
            y = torch.from_numpy(rng.normal(0, 0.2, T).astype(np.float32))[None] if labelled else None
            sets[partition].append(Recording(f"{partition}_{i + 1}", torch.zeros(1, 3, T), y))
            base = y[0].numpy() if labelled else np.zeros(T)
            predictions[partition].append(np.stack([base + rng.normal(0, s, T) for s in (0.1, 0.3)]))
    return sets, predictions


def test_frame_table_shape_and_columns():
    sets, predictions = toy_sets()
    frames = outputs.frame_table(sets, predictions, [3, 8], RATE)
    assert list(frames.columns) == ["partition", "recording", "frameTime", "gold", "seed_3", "seed_8", "ensemble"]
    assert len(frames) == 40 + 60 + 30
    dev2 = frames[frames["recording"] == "dev_2"]
    np.testing.assert_allclose(dev2["frameTime"], np.arange(60) / RATE)
    np.testing.assert_allclose(dev2["gold"], sets["dev"][1].y[0].numpy())
    np.testing.assert_allclose(dev2["seed_8"], predictions["dev"][1][1])
    np.testing.assert_allclose(frames["ensemble"], frames[["seed_3", "seed_8"]].mean(axis=1))
    assert frames.loc[frames["partition"] == "test", "gold"].isna().all()


def test_score_frames():
    sets, predictions = toy_sets()
    frames = outputs.frame_table(sets, predictions, [3, 8], RATE)
    scores = outputs.score_frames(frames)
    assert set(scores["partition"]) == {"dev"}  # the unlabelled test partition is predicted, never scored
    assert list(scores["run"]) == ["seed_3", "seed_8", "mean", "ensemble"]
    dev = frames[frames["partition"] == "dev"]
    row = scores.set_index("run")
    runs = np.array([ccc(dev["gold"], dev[c]) for c in ("seed_3", "seed_8")])
    np.testing.assert_allclose(row.loc[["seed_3", "seed_8"], "ccc"], runs)
    assert row.loc["seed_8", "rmse"] == pytest.approx(rmse(dev["gold"], dev["seed_8"]))
    assert row.loc["mean", "ccc"] == pytest.approx(runs.mean())
    assert row.loc["mean", "ccc_std"] == pytest.approx(runs.std())  # population std over runs
    ensemble = dev[["seed_3", "seed_8"]].mean(axis=1)
    assert row.loc["ensemble", "ccc"] == pytest.approx(ccc(dev["gold"], ensemble))
    assert row.loc["ensemble", "ccc"] != pytest.approx(runs.mean(), abs=1e-3)  # not the mean of the runs
    # a labelled test partition is scored too
    frames.loc[frames["partition"] == "test", "gold"] = 0.1
    assert set(outputs.score_frames(frames)["partition"]) == {"dev", "test"}


def test_write_submission_round_trips_through_the_arff_reader(tmp_path):
    sets, predictions = toy_sets()
    frames = outputs.frame_table(sets, predictions, [3, 8], RATE)
    outputs.write_submission(frames[frames["partition"] == "dev"], tmp_path, "valence")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dev_1.arff", "dev_2.arff"]
    for name, rows in frames[frames["partition"] == "dev"].groupby("recording"):
        path = tmp_path / f"{name}.arff"
        times, values = corpus.read_gold_standard(path)
        np.testing.assert_allclose(times, rows["frameTime"], atol=1e-9)
        np.testing.assert_allclose(values, rows["ensemble"].round(6), atol=1e-9)
        np.testing.assert_allclose(values, rows["ensemble"], atol=5.1e-7)
        text = path.read_text()
        assert "@relation GOLDSTANDARD_valence" in text
        data = text.split("@data")[1].split()
        assert data[0].startswith(f"{name},0.00,")


# --- ridge baseline ------------------------------------------------------------------------------


def test_context_offsets():
    offsets = baselines.context_offsets(4.0, 0.4, RATE)  # config default: 11 frames 0.4 s apart
    np.testing.assert_array_equal(offsets, np.arange(-50, 51, 10))
    one = baselines.context_offsets(1.0, 0.001, RATE)  # step below one frame -> every frame
    assert np.all(np.diff(one) == 1) and one[0] == -one[-1]
    assert abs(len(one) - 1.0 * RATE) <= 1  # about one second of frames


def test_stack_context_shape_and_edge_clamping():
    T, D = 6, 2
    x = np.arange(T * D, dtype=float).reshape(T, D)
    stacked = baselines.stack_context(x, np.array([-2, 0, 3]))
    assert stacked.shape == (T, 3 * D)
    for t in range(T):
        expect = np.concatenate([x[max(t - 2, 0)], x[t], x[min(t + 3, T - 1)]])
        np.testing.assert_array_equal(stacked[t], expect)
    np.testing.assert_array_equal(stacked[0, :D], x[0])  # clamped at the start
    np.testing.assert_array_equal(stacked[-1, -D:], x[-1])  # clamped at the end


def ridge_items(rng, n, T=200, D=4, noise=0.05):
    w = np.array([0.5, -0.3, 0.2, 0.0])
    out = []
    for _ in range(n):
        x = rng.standard_normal((T, D)).astype(np.float32)
        y = x @ w + 0.3 + noise * rng.standard_normal(T)
        out.append({"features": x, "labels": {"arousal": y.astype(np.float32), "valence": -y.astype(np.float32)}})
    return out


def test_fit_ridge_picks_the_ridge_with_the_best_dev_ccc():
    rng = np.random.default_rng(1)
    train, dev = ridge_items(rng, 3), ridge_items(rng, 2)
    offsets = np.array([0])
    ridges = [1e7, 0.01, 1e5]  # the best (weakest) ridge sits in the middle of the list
    fits = baselines.fit_ridge(train, dev, ["arousal", "valence"], offsets, ridges)
    for dimension, fit in fits.items():
        grid = dict(fit["grid"])
        assert list(grid) == ridges
        assert fit["ridge"] == 0.01 == max(grid, key=grid.get)
        assert fit["dev_ccc"] == grid[0.01] > 0.95
        y_dev = np.concatenate([i["labels"][dimension] for i in dev])
        pred = np.concatenate(baselines.predict_ridge(dev, fit["weights"], offsets), axis=1)
        assert pred.shape == (1, len(y_dev))
        assert ccc(y_dev, pred[0]) == pytest.approx(fit["dev_ccc"])
    # The bias is not penalised: a huge ridge predicts the training mean, not zero.
    strong = baselines.fit_ridge(train, dev, ["arousal"], offsets, [1e12])["arousal"]
    pred = baselines.predict_ridge(dev, strong["weights"], offsets)[0]
    y_train = np.concatenate([i["labels"]["arousal"] for i in train])
    np.testing.assert_allclose(pred, y_train.mean(), atol=1e-3)


def test_ridge_is_the_penalty_itself():
    # weights minimise |Xw - y|^2 + ridge * |w without bias|^2: the config value is the penalty, not a scaled one
    rng = np.random.default_rng(2)
    train, dev = ridge_items(rng, 2), ridge_items(rng, 1)
    fit = baselines.fit_ridge(train, dev, ["arousal"], np.array([0]), [50.0])["arousal"]
    X = np.hstack([np.concatenate([i["features"] for i in train]), np.ones((400, 1))]).astype(np.float64)
    y = np.concatenate([i["labels"]["arousal"] for i in train]).astype(np.float64)
    penalty = np.diag([1.0, 1.0, 1.0, 1.0, 0.0])
    np.testing.assert_allclose(fit["weights"], np.linalg.solve(X.T @ X + 50.0 * penalty, X.T @ y), rtol=1e-10)


# --- result tables -------------------------------------------------------------------------------

PAPER_NUMBERS = {f"{v:.3f}" for rows in paper.PAPER_RECOLA.values() for _, *vals in rows for v in vals if v is not None}


def write_method(tmp_path, method, scale, seed, ccc_runs, rmse_runs, ensemble):
    """predictions.csv (dev labelled, test unlabelled) and scores.csv with the given dev scores of a fake method.

    The scores are set by hand so that none of them equals a number printed in the paper.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(500) / RATE
    gold = 0.2 * np.sin(2 * np.pi * 0.05 * t)
    rows = []
    for partition in ("dev", "test"):
        for rec in (1, 2):
            frame = pd.DataFrame({"partition": partition, "recording": f"{partition}_{rec}", "frameTime": t,
                                  "gold": gold if partition == "dev" else np.nan})
            for s in (0, 1):
                frame[f"seed_{s}"] = gold + scale * rng.standard_normal(len(t))
            frame["ensemble"] = frame[["seed_0", "seed_1"]].mean(axis=1)
            rows.append(frame)
    frames = pd.concat(rows, ignore_index=True)
    out = tmp_path / method
    out.mkdir()
    frames.to_csv(out / "predictions.csv", index=False)
    scores = outputs.score_frames(frames)  # the real layout; values replaced below
    assert list(scores["run"]) == ["seed_0", "seed_1", "mean", "ensemble"]
    c, r = np.array(ccc_runs), np.array(rmse_runs)
    scores["ccc"] = [*c, c.mean(), ensemble[0]]
    scores["rmse"] = [*r, r.mean(), ensemble[1]]
    scores.loc[2, ["ccc_std", "rmse_std"]] = [c.std(), r.std()]
    scores.to_csv(out / "scores.csv", index=False)
    return out


def numbers(text):
    return set(re.findall(r"\d+\.\d+", text))


@pytest.mark.parametrize("dimension", ["arousal", "valence"])
def test_results_tables_keep_our_corpus_and_the_paper_apart(tmp_path, dimension):
    dirs = {
        "linear_context": write_method(tmp_path, "linear_context", 0.3, 0, [0.211, 0.219], [0.251, 0.263], (0.231, 0.247)),
        "dilated": write_method(tmp_path, "dilated", 0.03, 1, [0.911, 0.925], [0.051, 0.057], (0.931, 0.049)),
    }
    scores = {m: d / "scores.csv" for m, d in dirs.items()}
    ours = results_tables.results_table(scores)
    assert list(ours["method"]) == [label("linear_context"), label("dilated")]
    assert list(ours["runs"]) == [2, 2]
    assert ours.loc[1, "dev_ccc"] == pytest.approx(0.918)
    assert ours.loc[1, "dev_ccc_std"] == pytest.approx(0.007)
    assert ours.loc[1, "dev_ccc_ensemble"] == pytest.approx(0.931)
    assert ours.loc[0, "dev_rmse"] == pytest.approx(0.257)
    assert ours[["test_ccc", "test_rmse", "test_ccc_ensemble"]].isna().all().all()  # unlabelled test: nothing invented

    name = "synthetic RECOLA-layout corpus"
    predictions = {m: d / "predictions.csv" for m, d in dirs.items()}
    smooth = results_tables.smoothness_table(predictions, RATE, 1.0)
    evidence = Evidence(resamples=500, seed=0, confidence=0.95)
    intervals = results_tables.interval_table(predictions, evidence)
    assert list(intervals["partition"]) == ["dev", "dev"]  # unlabelled test: no interval
    dilated = intervals[intervals["method"] == "Dilated"].iloc[0]
    assert dilated["low"] <= dilated["ccc"] <= dilated["high"]
    # single runs are noisier than their average: the table shows both
    runs = smooth[smooth["signal"] == "Dilated"].iloc[0]
    assert runs["mean_abs_change_runs"] > runs["mean_abs_change"] > 0
    text = results_tables.markdown_table(ours, smooth, dimension, name, 1.0, intervals, evidence)
    ours_part, paper_part = text.split("**RECOLA, numbers printed in the paper**")
    assert f"Table {1 if dimension == 'arousal' else 2}" in ours_part
    assert f"Our runs on: {name}." in ours_part
    our_rows = [line for line in ours_part.splitlines() if line.startswith("| ") and "Method" not in line]
    assert len(our_rows) == 3  # two methods and the gold standard
    assert our_rows[1].startswith("| Dilated | ") and "0.918 ± 0.007" in our_rows[1] and f"| 0.931 [{dilated['low']:.3f}, {dilated['high']:.3f}] |" in our_rows[1]
    assert f"| {runs['mean_abs_change_runs']:.4f} ± {runs['mean_abs_change_runs_std']:.4f} | {runs['mean_abs_change']:.4f} |" in our_rows[1]
    assert "RECOLA" not in "".join(our_rows)
    assert not numbers(ours_part) & PAPER_NUMBERS, "numbers printed in the paper among our rows"
    assert "not computed here" in paper_part.splitlines()[0]
    for method, *values in paper.PAPER_RECOLA[dimension]:
        line = next(line for line in paper_part.splitlines() if line.startswith(f"| {method} |"))
        assert numbers(line) == {f"{v:.3f}" for v in values if v is not None}
    assert not numbers(paper_part) & numbers("".join(our_rows[:2]))  # none of our scores in the paper block

    stem = tmp_path / "tables" / f"table_{dimension}"
    merged = results_tables.write_paper_tables(score_files=scores, prediction_files=predictions, dimension=dimension,
                                               rate=RATE, cutoff_hz=1.0, corpus_name=name, stem=stem,
                                               evidence=evidence)
    assert len(merged) == 2
    ours_csv = pd.read_csv(stem.with_suffix(".csv"))
    assert set(ours_csv["corpus"]) == {name}
    csv_values = ours_csv.drop(columns=["method", "runs", "corpus"]).to_numpy(dtype=float).ravel()
    assert not {f"{v:.3f}" for v in csv_values if np.isfinite(v)} & PAPER_NUMBERS
    assert not numbers(stem.with_suffix(".md").read_text().split("**RECOLA")[0]) & PAPER_NUMBERS
    paper_csv = pd.read_csv(f"{stem}_recola_paper.csv")
    assert set(paper_csv["corpus"]) == {"RECOLA (numbers printed in the paper)"}
    assert paper_csv["dev_ccc"].tolist() == [r[2] for r in paper.PAPER_RECOLA[dimension]]


def test_smoothness():
    # ramps with a constant step of 0.01 in two recordings: the jump between them is not a step
    values = np.concatenate([0.01 * np.arange(100), 5.0 + 0.01 * np.arange(150)])
    recordings = np.array(["a"] * 100 + ["b"] * 150)
    step, _ = smoothness(values, recordings, RATE, 1.0)
    assert step == pytest.approx(0.01)

    t = np.arange(2500) / RATE  # 100 s
    slow = np.sin(2 * np.pi * 0.1 * t)
    fast = np.sin(2 * np.pi * 3.0 * t)
    one = np.array(["r"] * len(t))
    step_slow, above_slow = smoothness(slow, one, RATE, 1.0)
    step_fast, above_fast = smoothness(fast, one, RATE, 1.0)
    assert smoothness(fast, one, RATE, 4.0)[1] == pytest.approx(0.0, abs=1e-6)  # the cutoff is honoured
    assert above_slow == pytest.approx(0.0, abs=1e-6)
    assert above_fast == pytest.approx(1.0, abs=1e-6)
    assert step_slow == pytest.approx(np.mean(np.abs(np.diff(slow))))
    assert step_fast > 10 * step_slow


# --- entry points on the synthetic corpus ------------------------------------------------------


def test_run_final_end_to_end(small_corpus, tmp_path):
    settings_file = tmp_path / "dilated_arousal.yaml"
    settings_file.write_text(yaml.safe_dump({"model": "dilated", "dimension": "arousal", "settings": SMALL_DILATED}))
    train_cfg = {"seeds": [0, 1], "protocol": {"shuffle_seed": 0, "max_epochs": 2, "patience": 5}}
    out = tmp_path / "train" / "dilated" / "arousal"
    final.run_final(features_root=small_corpus["features"], network="dilated", dimension="arousal",
                    settings_file=settings_file, train=train_cfg, device="cpu", label_rate=RATE, out_dir=out)

    frames = pd.read_csv(out / "predictions.csv")
    assert list(frames.columns) == ["partition", "recording", "frameTime", "gold", "seed_0", "seed_1", "ensemble"]
    expected_rows = sum(len(pd.read_csv(small_corpus["features"] / p / "labels.csv")) for p in constants.PARTITIONS)
    assert len(frames) == expected_rows == 6 * 751
    np.testing.assert_allclose(frames["ensemble"], frames[["seed_0", "seed_1"]].mean(axis=1), atol=2e-6)
    assert frames.loc[frames["partition"] == "test", "gold"].isna().all()
    assert frames.loc[frames["partition"] != "test", "gold"].notna().all()

    scores = pd.read_csv(out / "scores.csv")
    assert set(scores["partition"]) == {"train", "dev"}  # test is unlabelled in this corpus
    assert scores[scores["partition"] == "dev"]["run"].tolist() == ["seed_0", "seed_1", "mean", "ensemble"]

    saved = torch.load(out / "model.pt", weights_only=False)
    assert saved["model"] == "dilated" and saved["seeds"] == [0, 1] and saved["settings"] == SMALL_DILATED
    dev_scores = scores[scores["partition"] == "dev"].set_index("run")
    np.testing.assert_allclose(dev_scores.loc[["seed_0", "seed_1"], "ccc"], saved["best_dev_ccc"], atol=1e-6)
    # the saved parameters rebuild the model that made the predictions
    model = build_model("dilated", 160, saved["seeds"], **saved["settings"]["net"])
    model.load_state_dict(saved["state_dict"])
    test_set = training.to_recordings(features.load_partition(small_corpus["features"] / "test", ["arousal"]),
                                      "arousal", "cpu")
    again = training.predict(model, test_set)[0]
    test_1 = frames[frames["recording"] == "test_1"]
    np.testing.assert_allclose(again.T, test_1[["seed_0", "seed_1"]].to_numpy(), atol=2e-6)

    history = pd.read_csv(out / "history.csv")
    assert sorted(zip(history["epoch"], history["seed"])) == [(1, 0), (1, 1), (2, 0), (2, 1)]

    submission = out / "per_recording"
    assert sorted(p.name for p in submission.iterdir()) == sorted(f"{p}_{n}.arff" for p in ("dev", "test", "train") for n in (1, 2))
    for name in ("test_1", "test_2"):
        _, values = corpus.read_gold_standard(submission / f"{name}.arff")
        np.testing.assert_allclose(values, frames.loc[frames["recording"] == name, "ensemble"], atol=2e-6)
    assert not list(out.parent.glob("*.checkpoint.pt*"))  # removed after a completed run


def test_run_linear_baseline_end_to_end(small_corpus, tmp_path):
    cfg = {"context_s": 0.8, "step_s": 0.4, "ridge": [1.0, 1000.0]}
    baselines.run_linear_baseline(features_root=small_corpus["features"], dimensions=["arousal", "valence"], cfg=cfg,
                                  rate=RATE, out_root=tmp_path)
    for dimension in ("arousal", "valence"):
        history = pd.read_csv(tmp_path / dimension / "history.csv")
        assert history["ridge"].tolist() == [1.0, 1000.0]
        scores = pd.read_csv(tmp_path / dimension / "scores.csv").set_index(["partition", "run"])
        assert scores.loc[("dev", "ensemble"), "ccc"] == pytest.approx(history["dev_ccc"].max(), abs=1e-6)
        frames = pd.read_csv(tmp_path / dimension / "predictions.csv")
        assert list(frames.columns) == ["partition", "recording", "frameTime", "gold", "seed_0", "ensemble"]
        assert {"test_1.arff", "test_2.arff"} <= {p.name for p in (tmp_path / dimension / "per_recording").iterdir()}


def test_sweep_train_ccc_is_scored_like_dev_ccc(tiny):
    """The sweep's train_ccc: each run's best-epoch model in eval mode on the training recordings concatenated,
    as dev_ccc is scored on dev (not the mean online training loss)."""
    from longterm_emotion.experiments import sweep
    from longterm_emotion.experiments.common import load_sets
    from longterm_emotion.nets import training
    from longterm_emotion.settings import SweepSettings

    section = {"seeds": [0, 1], "fft_size": 128, "optim": {"lr": 0.01, "l2": 0.0}, "lr_per_length": True,
               "protocol": {"max_epochs": 2, "patience": 2, "shuffle_seed": 0}}
    training.make_deterministic(1)
    runs = sweep.run_length(features_root=tiny / "features", dimension="arousal", filter_length=8, sweep=section,
                            device="cpu")
    settings = SweepSettings.from_config(section)
    sets = load_sets(tiny / "features", "arousal", "cpu", ("train", "dev"))
    result = training.train("single_filter", settings.net(8), settings.seeds, sets["train"], sets["dev"],
                            settings.optim, settings.protocol)
    np.testing.assert_allclose(runs["dev_ccc"], result.best_dev_ccc, atol=1e-12)
    scored = training.member_scores(training.predict(result.model, sets["train"]), sets["train"])
    np.testing.assert_allclose(runs["train_ccc"], scored, atol=1e-12)
    losses = pd.DataFrame(result.history).set_index(["member", "epoch"])["train_loss"]
    online = [-losses.loc[(m, e)] for m, e in enumerate(result.best_epoch)]
    assert not np.allclose(runs["train_ccc"], online, atol=1e-6)  # the online loss is another number
