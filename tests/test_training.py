"""Tests of the training loop (longterm_emotion.training): device choice, learning, determinism,
vectorised ensembles, best-epoch selection, early stopping and checkpoint resume.

Most tests use small random recordings whose target is a smoothed mean of some
feature channels (learnable by every model, including the single filter).
"""

import numpy as np
import pytest
import torch
from scipy.ndimage import uniform_filter1d

from longterm_emotion.data import features
from longterm_emotion.nets import training
from longterm_emotion.nets.training import DeviceError, Recording
from longterm_emotion.settings import Optimiser, Protocol

C = 8  # feature channels
SMALL = {
    "single_filter": dict(filter_length=16, fft_size=64),
    "dilated": dict(width=8, depth=3, kernel_size=3, activation="tanh", dropout=0.0),
    "downup": dict(width=8, n_down=2, factor=2, kernel_size=3, n_intermediate=1, up_kernel=4,
                   activation="tanh", dropout=0.0),
    "blstm": dict(hidden=8, layers=1, dropout=0.0),
}
PROTOCOL = {"lr": 0.01, "l2": 0.0, "max_epochs": 4, "patience": 10, "shuffle_seed": 0}


pytestmark = pytest.mark.usefixtures("deterministic_single_thread")


def make_set(prefix, n, seed, T=300, sign=1.0):
    """Recordings whose label is a 15-frame moving average of the mean of channels 0-3 (times sign)."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        x = rng.standard_normal((C, T)).astype(np.float32)
        y = sign * 1.5 * uniform_filter1d(x[:4].mean(axis=0), 15)
        out.append(Recording(f"{prefix}_{i + 1}", torch.from_numpy(x)[None], torch.from_numpy(y.astype(np.float32))[None]))
    return out


TRAIN = make_set("train", 3, seed=1)
DEV = make_set("dev", 2, seed=2)


def run(model="dilated", seeds=(0,), train_set=TRAIN, dev_set=DEV, checkpoint=None, **changes):
    settings = {**PROTOCOL, **changes}
    return training.train(model, SMALL[model], list(seeds), train_set, dev_set,
                          Optimiser(settings["lr"], settings["l2"]),
                          Protocol(settings["max_epochs"], settings["patience"], settings["shuffle_seed"]), checkpoint)


def predictions(result, recordings=DEV):
    return torch.from_numpy(np.concatenate(training.predict(result.model, recordings), axis=1))


def without_time(history):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in history]


def count_calls(monkeypatch, fail_at=None):
    """Count calls of training.member_scores (one per epoch); raise at call `fail_at` (a simulated kill)."""
    calls = []
    original = training.member_scores

    def wrapped(*args, **kwargs):
        calls.append(1)
        if fail_at is not None and len(calls) == fail_at:
            raise KeyboardInterrupt("simulated kill")
        return original(*args, **kwargs)

    monkeypatch.setattr(training, "member_scores", wrapped)
    return calls


# --- device -------------------------------------------------------------------------------------


def test_resolve_device(monkeypatch):
    assert training.resolve_device("cpu") == torch.device("cpu")
    if not torch.cuda.is_available():
        assert training.resolve_device("auto") == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert training.resolve_device("auto") == torch.device("cpu")
    for name in ("cuda", "cuda:1"):
        with pytest.raises(DeviceError, match=r"compute\.device") as info:
            training.resolve_device(name)
        assert repr(name) in str(info.value)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert training.resolve_device("auto") == torch.device("cuda")


def test_to_recordings_layout():
    items = [{"recording": "dev_1", "features": np.arange(12, dtype=np.float32).reshape(4, 3),
              "labels": {"arousal": np.arange(4, dtype=np.float32), "valence": -np.arange(4, dtype=np.float32)}},
             {"recording": "test_1", "features": np.ones((5, 3), np.float32), "labels": None}]
    recs = training.to_recordings(items, "valence", "cpu")
    assert [r.name for r in recs] == ["dev_1", "test_1"]
    assert recs[0].x.shape == (1, 3, 4)  # (batch, channels, time)
    np.testing.assert_array_equal(recs[0].x[0].numpy(), items[0]["features"].T)
    np.testing.assert_array_equal(recs[0].y[0].numpy(), -np.arange(4))
    assert recs[1].y is None


# --- learning ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", sorted(SMALL))
def test_training_lowers_the_ccc_loss(model):
    # the single filter's weights learn at lr / filter_length (SingleFilterNet.param_groups)
    result = run(model, seeds=(0,), max_epochs=5, lr=0.1 if model == "single_filter" else 0.01)
    losses = [row["train_loss"] for row in result.history]
    assert [row["epoch"] for row in result.history] == [1, 2, 3, 4, 5]
    assert losses[-1] < losses[0] - 0.05, losses
    assert result.best_dev_ccc[0] > 0.2, result.best_dev_ccc


def test_l2_penalty_counts_weights_not_biases():
    model = training.build_model("dilated", C, [0, 1], **SMALL["dilated"])
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.fill_(2.0 if "bias" in name else 0.5)
    weights = sum(p.numel() for name, p in model.named_parameters() if "bias" not in name)
    assert float(training.l2_penalty(model).detach()) == pytest.approx(0.25 * weights)
    plain, penalised = run(seeds=(0,), max_epochs=2), run(seeds=(0,), max_epochs=2, l2=0.1)
    assert not torch.equal(predictions(plain), predictions(penalised))


# --- determinism and vectorised ensembles ----------------------------------------------------------


@pytest.mark.parametrize("model", ["dilated", "blstm"])
def test_same_seed_same_result(model):
    first, second = run(model, seeds=(3,), max_epochs=3), run(model, seeds=(3,), max_epochs=3)
    assert torch.equal(predictions(first), predictions(second))
    assert without_time(first.history) == without_time(second.history)
    assert first.best_epoch == second.best_epoch and first.best_dev_ccc == second.best_dev_ccc
    other = run(model, seeds=(4,), max_epochs=3)
    assert not torch.allclose(predictions(first), predictions(other))


@pytest.mark.parametrize("threads", [1, 2])
def test_cpu_reruns_are_identical_without_deterministic_mode(threads):
    """A CPU-only run leaves PyTorch's deterministic mode off (training.make_deterministic): the
    numbers must still repeat bit for bit for a fixed thread count, for every network."""
    previous = torch.are_deterministic_algorithms_enabled(), torch.get_num_threads()
    training.make_deterministic(threads, cuda=False)
    torch.use_deterministic_algorithms(False)
    try:
        for model in sorted(SMALL):
            first, second = run(model, seeds=(0, 1), max_epochs=3), run(model, seeds=(0, 1), max_epochs=3)
            assert torch.equal(predictions(first), predictions(second)), model
            assert without_time(first.history) == without_time(second.history), model
    finally:
        torch.use_deterministic_algorithms(previous[0])
        torch.set_num_threads(previous[1])


@pytest.mark.parametrize("model", sorted(SMALL))
def test_vectorised_ensemble_equals_separate_runs(model):
    both = run(model, seeds=(0, 7), max_epochs=3)
    alone = [run(model, seeds=(s,), max_epochs=3) for s in (0, 7)]
    together = predictions(both)
    assert together.shape[0] == 2
    for m, single in enumerate(alone):
        assert both.best_epoch[m] == single.best_epoch[0]
        assert both.best_dev_ccc[m] == pytest.approx(single.best_dev_ccc[0], abs=1e-5)
        torch.testing.assert_close(together[m], predictions(single)[0], atol=1e-5, rtol=0)
        losses = [r["train_loss"] for r in both.history if r["member"] == m]
        np.testing.assert_allclose(losses, [r["train_loss"] for r in single.history], atol=1e-5)
    assert not torch.allclose(together[0], together[1])


# --- best epoch and early stopping ---------------------------------------------------------------


def test_returned_members_are_at_their_best_dev_epoch():
    # Dev labels have the opposite sign of the training relation: the better a member fits
    # the training set, the worse its dev CCC, so the best dev epoch is an early one.
    dev = make_set("dev", 2, seed=2, sign=-1.0)
    result = run("dilated", seeds=(0, 1), dev_set=dev, max_epochs=4, lr=0.01)
    rescored = training.member_scores(training.predict(result.model, dev), dev)
    for m in range(2):
        rows = [r for r in result.history if r["member"] == m]
        dev_cccs = [r["dev_ccc"] for r in rows]
        assert result.best_dev_ccc[m] == max(dev_cccs)
        assert result.best_epoch[m] == rows[int(np.argmax(dev_cccs))]["epoch"]
        assert result.best_epoch[m] < result.epochs_run  # not simply the last epoch
        assert rescored[m] == pytest.approx(result.best_dev_ccc[m], abs=1e-6)
        assert abs(rescored[m] - dev_cccs[-1]) > 1e-3


@pytest.mark.parametrize("patience", [1, 2])
def test_early_stopping_without_improvement(patience):
    result = run("dilated", seeds=(0, 1), max_epochs=10, patience=patience, lr=0.0)
    assert result.epochs_run == 1 + patience
    assert sorted({r["epoch"] for r in result.history}) == list(range(1, 2 + patience))
    assert result.best_epoch == [1, 1]


def test_no_early_stop_while_a_member_improves():
    result = run("dilated", seeds=(0, 1), max_epochs=5, patience=2, lr=0.01)
    improving = [r["dev_ccc"] for r in result.history if r["member"] == 0]
    assert improving == sorted(improving)  # precondition: this run keeps improving
    assert result.epochs_run == 5


# --- checkpoint resume ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["dilated", "blstm"])
def test_resume_after_kill_equals_uninterrupted_run(model, tmp_path, monkeypatch):
    reference = run(model, seeds=(0, 1), max_epochs=4)
    checkpoint = tmp_path / "run.checkpoint.pt"

    calls = count_calls(monkeypatch, fail_at=3)  # killed during epoch 3, after epoch 2 was saved
    with pytest.raises(KeyboardInterrupt):
        run(model, seeds=(0, 1), max_epochs=4, checkpoint=checkpoint)
    assert checkpoint.is_file()
    assert torch.load(checkpoint, weights_only=False)["epoch"] == 2

    calls = count_calls(monkeypatch)
    resumed = run(model, seeds=(0, 1), max_epochs=4, checkpoint=checkpoint)
    assert len(calls) == 2  # only epochs 3 and 4 were trained again
    assert not checkpoint.exists()  # removed once training completed
    assert torch.equal(predictions(resumed), predictions(reference))
    assert without_time(resumed.history) == without_time(reference.history)
    assert resumed.best_epoch == reference.best_epoch and resumed.best_dev_ccc == reference.best_dev_ccc
    assert resumed.epochs_run == reference.epochs_run == 4


def test_checkpoint_with_other_settings_is_ignored(tmp_path, monkeypatch):
    checkpoint = tmp_path / "run.checkpoint.pt"
    count_calls(monkeypatch, fail_at=3)
    with pytest.raises(KeyboardInterrupt):
        run(seeds=(0,), max_epochs=4, lr=0.01, checkpoint=checkpoint)
    assert checkpoint.is_file()

    calls = count_calls(monkeypatch)
    other = run(seeds=(0,), max_epochs=4, lr=0.02, checkpoint=checkpoint)
    assert len(calls) == 4  # trained from scratch
    reference = run(seeds=(0,), max_epochs=4, lr=0.02)
    assert torch.equal(predictions(other), predictions(reference))
    assert without_time(other.history) == without_time(reference.history)
    assert not checkpoint.exists()


def test_checkpoint_of_other_data_is_ignored(tmp_path, monkeypatch):
    """Same settings and recording names but other features (e.g. a regenerated corpus): start over."""
    checkpoint = tmp_path / "run.checkpoint.pt"
    count_calls(monkeypatch, fail_at=3)
    with pytest.raises(KeyboardInterrupt):
        run(seeds=(0,), max_epochs=4, checkpoint=checkpoint)
    assert checkpoint.is_file()

    other_train = make_set("train", 3, seed=5)  # same names train_1..3, other features and labels
    calls = count_calls(monkeypatch)
    resumed = run(seeds=(0,), max_epochs=4, train_set=other_train, checkpoint=checkpoint)
    assert len(calls) == 4
    reference = run(seeds=(0,), max_epochs=4, train_set=other_train)
    assert torch.equal(predictions(resumed), predictions(reference))


def test_resume_after_early_stop_does_not_train_further(tmp_path, monkeypatch):
    """Killed right after the checkpoint of the epoch where early stopping fired."""
    checkpoint = tmp_path / "run.checkpoint.pt"
    reference = run(seeds=(0,), max_epochs=10, patience=1, lr=0.0)
    assert reference.epochs_run == 2

    original = training.save_torch

    def save_then_die(obj, path):
        original(obj, path)
        if obj["epoch"] == 2:
            raise KeyboardInterrupt("simulated kill")

    monkeypatch.setattr(training, "save_torch", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        run(seeds=(0,), max_epochs=10, patience=1, lr=0.0, checkpoint=checkpoint)
    monkeypatch.setattr(training, "save_torch", original)

    calls = count_calls(monkeypatch)
    resumed = run(seeds=(0,), max_epochs=10, patience=1, lr=0.0, checkpoint=checkpoint)
    assert len(calls) == 0
    assert resumed.epochs_run == 2
    assert without_time(resumed.history) == without_time(reference.history)
    assert torch.equal(predictions(resumed), predictions(reference))
    assert not checkpoint.exists()


@pytest.mark.parametrize("damage", ["empty", "truncated"])
def test_unreadable_checkpoint_is_named_set_aside_and_training_restarts(tmp_path, caplog, damage):
    checkpoint = tmp_path / ".point_0.checkpoint.pt"
    run(seeds=(0,), max_epochs=4, checkpoint=tmp_path / "whole.pt")  # a finished run removes its checkpoint
    good = tmp_path / "good.pt"
    with pytest.raises(KeyboardInterrupt):  # a real checkpoint, then damage it
        import unittest.mock as mock

        original = training.save_torch

        def save_then_die(obj, path):
            original(obj, path)
            raise KeyboardInterrupt("simulated kill")

        with mock.patch.object(training, "save_torch", save_then_die):
            run(seeds=(0,), max_epochs=4, checkpoint=good)
    data = good.read_bytes()
    checkpoint.write_bytes(b"" if damage == "empty" else data[: len(data) // 3])
    with caplog.at_level("WARNING"):
        resumed = run(seeds=(0,), max_epochs=4, checkpoint=checkpoint)
    message = next(r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage())
    assert str(checkpoint) in message and "starts from scratch" in message
    aside = checkpoint.with_name(checkpoint.name + ".unreadable")
    assert aside.read_bytes() == (b"" if damage == "empty" else data[: len(data) // 3])
    assert torch.equal(predictions(resumed), predictions(run(seeds=(0,), max_epochs=4)))
    assert not checkpoint.exists()


def test_checkpoint_on_a_full_disk_names_the_file_and_leaves_no_temporary(tmp_path):
    """A file-size limit makes torch.save fail as a full disk does: one message naming the file and the cause."""
    import subprocess
    import sys

    target = tmp_path / ".point_0.checkpoint.pt"
    script = ("import resource, signal, sys, torch\n"
              "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
              "from longterm_emotion.files import save_torch\n"
              "resource.setrlimit(resource.RLIMIT_FSIZE, (100000, resource.RLIM_INFINITY))\n"
              "save_torch({'w': torch.zeros(1_000_000)}, sys.argv[1])\n")
    proc = subprocess.run([sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert f"{target}: cannot write (" in last and ("file too large" in last or "no space" in last), proc.stderr
    assert list(tmp_path.iterdir()) == []


# --- on real features --------------------------------------------------------------------------


def test_training_on_synthetic_corpus_features(small_corpus):
    sets = {p: training.to_recordings(features.load_partition(small_corpus["features"] / p, ["arousal"]), "arousal", "cpu")
            for p in ("train", "dev")}
    assert sets["train"][0].x.shape[1] == 160  # 4 stacked frames x 40 mel bins
    result = training.train("dilated", {**SMALL["dilated"], "width": 16}, [0], sets["train"], sets["dev"],
                            Optimiser(lr=0.003, l2=0.0), Protocol(max_epochs=6, patience=10, shuffle_seed=0))
    losses = [r["train_loss"] for r in result.history]
    assert losses[-1] < losses[0], losses
    assert result.seconds_per_epoch > 0
