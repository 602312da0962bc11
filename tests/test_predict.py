"""Model bundles and `longterm-emotion predict`, on the session's tiny run of the whole workflow.

The tiny run (conftest.tiny) writes results/models/<network>_<dimension>.pt as part of
the default target; these tests read those bundles and predict the run's own corpus
recordings, so the pipeline's predictions.csv is the reference.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import import_module
from pathlib import Path

import kaldiio
import numpy as np
import pandas as pd
import pytest
import soundfile
import torch
import yaml
from scipy.io import wavfile
from scipy.signal import resample_poly
from snakemake_runner import REPO, TINY, run_ok, snakemake

from longterm_emotion import __version__, cli
from longterm_emotion.data import corpus
from longterm_emotion.data.audio import load_audio
from longterm_emotion.data.features import features_for_audio
from longterm_emotion.errors import InputDataError
from longterm_emotion.nets import build_model
from longterm_emotion.serving import bundles as bundles_mod
from longterm_emotion.serving.predict import predict_audio

pytestmark = pytest.mark.slow  # every test here needs the session's tiny workflow run

DIMENSIONS = ["arousal", "valence"]
COLUMNS = ["time", "arousal", "valence", "arousal_std", "valence_std"]
FEATURES_CFG = yaml.safe_load((REPO / "config.yaml").read_text())["features"]
NETWORKS = yaml.safe_load((REPO / "config.yaml").read_text())["networks"]
TINY_CFG = yaml.safe_load(TINY.read_text())


def wav(tiny: Path, recording: str) -> Path:
    return tiny / "corpus" / "recordings_audio" / f"{recording}.wav"


def dev_ccc(tiny: Path, network: str, dimension: str) -> float:
    scores = pd.read_csv(tiny / "train" / network / dimension / "scores.csv")
    return float(scores.query("partition == 'dev' and run == 'ensemble'")["ccc"].item())


def pipeline_ensemble(tiny: Path, network: str, dimension: str, recording: str) -> np.ndarray:
    frames = pd.read_csv(tiny / "train" / network / dimension / "predictions.csv")
    return frames.loc[frames["recording"] == recording, "ensemble"].to_numpy()


def chosen(tiny: Path, paths=None, network=None) -> dict:
    return bundles_mod.choose(paths or bundles_mod.find_bundles(tiny), DIMENSIONS, network)


# ---- bundles -------------------------------------------------------------------------------


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_bundle_describes_the_trained_network(tiny, network, dimension):
    path = tiny / "models" / f"{network}_{dimension}.pt"
    bundle = bundles_mod.load_bundle(path)
    saved = torch.load(tiny / "train" / network / dimension / "model.pt", weights_only=False)
    tuned = yaml.safe_load((tiny / "tune" / f"{network}_{dimension}.yaml").read_text())["settings"]
    assert bundle["format_version"] == bundles_mod.FORMAT_VERSION and bundle["package_version"] == __version__
    assert (bundle["network"], bundle["dimension"]) == (network, dimension)
    assert bundle["settings"] == tuned["net"]
    assert bundle["optimiser"] == tuned["optim"]
    assert bundle["seeds"] == TINY_CFG["train"]["seeds"] == saved["seeds"]
    assert bundle["features"] == FEATURES_CFG  # the tiny config keeps config.yaml's features
    assert bundle["in_dim"] == FEATURES_CFG["num_mel_bins"] * FEATURES_CFG["stack"]
    assert bundle["label_rate"] == 25.0
    assert bundle["corpus_name"] == "synthetic RECOLA-layout corpus"
    assert bundle["config"]["model"] == yaml.safe_load((REPO / "config.yaml").read_text())["models"][network][dimension]
    assert bundle["config"]["train"] == {**yaml.safe_load((REPO / "config.yaml").read_text())["train"], **TINY_CFG["train"]}
    canonical = json.dumps(bundle["config"], sort_keys=True, separators=(",", ":"))
    assert bundle["config_hash"] == hashlib.sha256(canonical.encode()).hexdigest()
    assert bundle["dev_ccc"] == pytest.approx(dev_ccc(tiny, network, dimension), abs=1e-12)
    assert set(bundle["state_dict"]) == set(saved["state_dict"])
    for key, tensor in saved["state_dict"].items():
        assert torch.equal(bundle["state_dict"][key], tensor), key


def test_bundle_round_trip(tiny, tmp_path):
    """make_bundle -> file -> load_bundle gives the same description and a network with the same outputs."""
    train = tiny / "train" / "downup" / "valence"
    config = {"features": FEATURES_CFG, "note": "round trip"}
    path = bundles_mod.write_bundle(model_pt=train / "model.pt", scores_csv=train / "scores.csv", dimension="valence",
                                    features_cfg=FEATURES_CFG, label_rate=25.0, corpus_name="a corpus", config=config,
                                    out_path=tmp_path / "b.pt")
    loaded = bundles_mod.load_bundle(path)
    made = bundles_mod.make_bundle(train / "model.pt", train / "scores.csv", "valence", FEATURES_CFG, 25.0,
                                   "a corpus", config)
    assert {k: v for k, v in loaded.items() if k != "state_dict"} == {k: v for k, v in made.items() if k != "state_dict"}
    saved = torch.load(train / "model.pt", weights_only=False)
    reference = build_model("downup", 160, saved["seeds"], **saved["settings"]["net"])
    reference.load_state_dict(saved["state_dict"])
    x = torch.randn(1, 160, 333, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.equal(bundles_mod.build_network(loaded)(x), reference.eval()(x))


@pytest.mark.parametrize("change, words", [
    ({"package_version": "0.2.0"}, ["0.2.0", __version__]),
    ({"format_version": bundles_mod.FORMAT_VERSION + 1}, [f"format version {bundles_mod.FORMAT_VERSION + 1}",
                                                         f"format version {bundles_mod.FORMAT_VERSION}", __version__]),
])
def test_bundle_of_another_version_is_refused(tiny, tmp_path, capsys, change, words):
    bundle = torch.load(tiny / "models" / "dilated_arousal.pt", weights_only=True)
    bad = tmp_path / "models" / "dilated_arousal.pt"
    bad.parent.mkdir()
    torch.save({**bundle, **change}, bad)
    with pytest.raises(bundles_mod.BundleVersionError) as info:
        bundles_mod.load_bundle(bad)
    assert info.value.path == str(bad)
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    # the command stops with one line naming the file, writes nothing
    code = cli.main(["predict", "--models", str(tmp_path), "--out", str(tmp_path / "out"), "--dimensions", "arousal",
                     str(wav(tiny, "dev_1"))])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and str(bad) in err and words[0] in err, err
    assert not (tmp_path / "out").exists()


def test_not_a_bundle_is_named(tmp_path):
    path = tmp_path / "x.pt"
    path.write_bytes(b"not a torch file")
    with pytest.raises(InputDataError, match=re.escape(str(path)) + ": not a readable model bundle"):
        bundles_mod.load_bundle(path)
    torch.save({"format": "something else"}, path)
    with pytest.raises(InputDataError, match="not a longterm-emotion model bundle"):
        bundles_mod.load_bundle(path)


def flip_weight_bytes(path: Path, out: Path) -> None:
    """Copy a bundle with two bytes flipped in the middle of its largest tensor's stored data (torch does not
    check the zip's CRC: such a file loads and predicts wrong numbers unless the bundle's checksum catches it)."""
    import zipfile

    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = max((i for i in archive.infolist() if "/data/" in i.filename), key=lambda i: i.file_size)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.file_size // 2
    data[middle] ^= 0x40
    data[middle + 1] ^= 0x01
    out.write_bytes(bytes(data))


def test_flipped_bytes_in_the_weights_are_refused_by_the_checksum(tiny, tmp_path, capsys):
    bad = tmp_path / "models" / "dilated_arousal.pt"
    bad.parent.mkdir()
    flip_weight_bytes(tiny / "models" / "dilated_arousal.pt", bad)
    torch.load(bad, weights_only=True)  # torch itself reads it without complaint
    with pytest.raises(InputDataError, match=re.escape(f"{bad}: damaged or edited model bundle: its weights do not "
                                                       "match their checksum")):
        bundles_mod.load_bundle(bad)
    code = cli.main(["predict", "--models", str(bad.parent), "--out", str(tmp_path / "out"), "--dimensions",
                     "arousal", str(wav(tiny, "dev_1"))])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "checksum" in err[0], err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.csv"))


@pytest.mark.parametrize("edit, words", [
    (lambda b: b.pop("features"), "no 'features' entry"),
    (lambda b: b["features"].pop("num_mel_bins"), "its features entry does not fit its front end 'fbank' "
                                                   "(features: num_mel_bins missing"),
    (lambda b: b["features"].update(frontend="nope"), "the bundle's front end 'nope' is not registered here"),
    (lambda b: b.update(features=[1, 2]), "its features entry is not a table"),
    (lambda b: b.update(settings={**b["settings"], "width": b["settings"]["width"] * 2}),
     "its network settings and weights do not fit together"),
    (lambda b: b["state_dict"].update({k: v[:1] for k, v in list(b["state_dict"].items())[:1]})
     or b.update(tensors_sha256=bundles_mod.tensors_digest(b["state_dict"])),
     "its network settings and weights do not fit together"),
])
def test_edited_bundle_gives_one_line(tiny, tmp_path, capsys, edit, words):
    bundle = torch.load(tiny / "models" / "dilated_arousal.pt", weights_only=True)
    edit(bundle)
    bad = tmp_path / "models" / "dilated_arousal.pt"
    bad.parent.mkdir()
    torch.save(bundle, bad)
    code = cli.main(["predict", "--models", str(bad.parent), "--out", str(tmp_path / "out"), "--dimensions",
                     "arousal", str(wav(tiny, "dev_1"))])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and str(bad) in err[0] and words in err[0], err


def test_a_corrupt_bundle_blocks_only_the_choices_that_need_it(tiny, tmp_path, capsys, caplog):
    folder = tmp_path / "models"
    folder.mkdir()
    for network in ("dilated", "blstm"):
        for dimension in DIMENSIONS:
            shutil.copyfile(tiny / "models" / f"{network}_{dimension}.pt", folder / f"{network}_{dimension}.pt")
    (folder / "dilated_arousal.pt").write_bytes(b"\0" * 100)  # e.g. a failed copy
    audio = str(wav(tiny, "dev_1"))
    assert cli.main(["predict", "--models", str(folder), "--out", str(tmp_path / "ok"), "--model", "blstm", audio]) == 0
    assert "skipped" in caplog.text and "dilated_arousal.pt" in caplog.text  # the skipped bundle is named
    assert cli.main(["predict", "--models", str(folder), "--out", str(tmp_path / "ok2"), "--model", "dilated",
                     "--dimensions", "valence", audio]) == 0
    for options in (["--model", "dilated"], []):  # the corrupt file could be the choice: stop, naming it
        capsys.readouterr()
        code = cli.main(["predict", "--models", str(folder), "--out", str(tmp_path / "no"), *options, audio])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1 and "dilated_arousal.pt" in err[0], (options, err)


def test_pickled_bundle_message_does_not_advise_unsafe_loading(tmp_path):
    path = tmp_path / "x.pt"
    torch.save({"format": bundles_mod.BUNDLE_FORMAT, "code": Path("/")}, path)  # a pickled object, not plain types
    with pytest.raises(InputDataError) as info:
        bundles_mod.load_bundle(path)
    message = str(info.value)
    assert "pickled Python objects" in message and "weights_only" not in message and len(message.splitlines()) == 1


# ---- same numbers as the pipeline ----------------------------------------------------------


@pytest.mark.parametrize("recording", ["dev_1", "test_1"])
def test_features_for_audio_are_the_pipelines_features(tiny, recording):
    partition = recording.split("_")[0]
    stacked = kaldiio.load_scp(str(tiny / "features" / partition / "stacked.scp"))[recording]
    ours = features_for_audio(load_audio(wav(tiny, recording), FEATURES_CFG["sample_rate"]), FEATURES_CFG)[1]
    np.testing.assert_array_equal(ours, stacked)


@pytest.mark.parametrize("network", NETWORKS)
def test_prediction_equals_the_pipelines_ensemble(tiny, network):
    """Every network, a dev and the test recording: within 1e-5 of predictions.csv's ensemble column."""
    bundles = chosen(tiny, network=network)
    for recording in ("dev_2", "test_1"):
        table = predict_audio(wav(tiny, recording), bundles)
        for dimension in DIMENSIONS:
            reference = pipeline_ensemble(tiny, network, dimension, recording)
            assert len(table) == len(reference)
            np.testing.assert_allclose(table[dimension], reference, rtol=0, atol=1e-5)


def test_command_chooses_the_best_network_by_dev_ccc_and_matches_the_pipeline(tiny, tmp_path):
    out = tmp_path / "preds"
    assert cli.main(["predict", "--models", str(tiny), "--out", str(out), str(wav(tiny, "dev_1"))]) == 0
    table = pd.read_csv(out / "dev_1.csv")
    for dimension in DIMENSIONS:
        best = max(NETWORKS, key=lambda n: dev_ccc(tiny, n, dimension))
        assert chosen(tiny)[dimension].network == best
        np.testing.assert_allclose(table[dimension], pipeline_ensemble(tiny, best, dimension, "dev_1"), rtol=0, atol=1e-5)


# ---- output formats and audio formats ------------------------------------------------------


def test_command_output_formats(tiny, tmp_path):
    """CSV columns and rows (alignment rule), ARFFs readable by the corpus reader, PNG; a folder of bundles works."""
    audio = tmp_path / "in" / "my talk, 2.wav"  # a name with a space and a comma
    audio.parent.mkdir()
    rate, data = wavfile.read(wav(tiny, "dev_1"))
    cut = data[: int(7.31 * rate)]  # 7.31 s: rows = floor(7.31 * 25) + 1 = 183
    wavfile.write(audio, rate, cut)
    bundle_dir = tmp_path / "bundles"
    bundle_dir.mkdir()
    for network in ("dilated", "blstm"):
        for dimension in DIMENSIONS:
            (bundle_dir / f"{network}_{dimension}.pt").write_bytes((tiny / "models" / f"{network}_{dimension}.pt").read_bytes())
    out = tmp_path / "out"
    assert cli.main(["predict", "--models", str(bundle_dir), "--out", str(out), "--model", "blstm", str(audio)]) == 0
    table = pd.read_csv(out / "my talk, 2.csv")
    assert list(table.columns) == COLUMNS
    assert len(table) == 183
    np.testing.assert_allclose(table["time"], np.arange(183) / 25.0, atol=1e-9)
    assert table.notna().all().all()
    assert (table[["arousal_std", "valence_std"]] >= 0).all().all() and (table[["arousal_std", "valence_std"]] > 0).any().all()
    for dimension in DIMENSIONS:
        times, values = corpus.read_gold_standard(out / dimension / "my talk, 2.arff")
        np.testing.assert_allclose(times, table["time"], atol=1e-6)
        np.testing.assert_allclose(values, table[dimension], atol=1e-6)
    png = (out / "my talk, 2.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    # the std columns are the spread of the two members: predicting with each member alone brackets the mean
    bundles = chosen(tiny, paths=sorted(bundle_dir.glob("*.pt")), network="blstm")
    members = bundles["arousal"].model(torch.from_numpy(features_for_audio(
        load_audio(audio, 16000), FEATURES_CFG)[1].T.copy()).unsqueeze(0))[0].detach().double().numpy()
    np.testing.assert_allclose(table["arousal_std"], members.std(axis=0), atol=2e-6)


def test_audio_at_another_rate_stereo_flac_and_ogg(tiny, tmp_path):
    """44.1 kHz stereo 32-bit float WAV, 16-bit FLAC, Ogg/Vorbis: same rows as the 16 kHz WAV; lossless FLAC
    gives identical numbers, the others nearly the same curves."""
    rate, data = wavfile.read(wav(tiny, "dev_1"))
    x = data / 32768.0
    folder = tmp_path / "in"
    folder.mkdir()
    up = resample_poly(x, 441, 160)
    wavfile.write(folder / "stereo44k.wav", 44100, np.stack([up, 0.8 * up], axis=1).astype(np.float32))
    soundfile.write(folder / "lossless.flac", data, rate, subtype="PCM_16")
    soundfile.write(folder / "lossy.ogg", x, rate, subtype="VORBIS")
    out = tmp_path / "out"
    assert cli.main(["predict", "--models", str(tiny), "--out", str(out), "--model", "dilated", str(folder),
                     str(wav(tiny, "dev_1"))]) == 0
    reference = pd.read_csv(out / "dev_1.csv")
    flac = pd.read_csv(out / "lossless.csv")
    pd.testing.assert_frame_equal(flac, reference)
    for name in ("stereo44k", "lossy"):
        table = pd.read_csv(out / f"{name}.csv")
        assert len(table) == len(reference), name
        for dimension in DIMENSIONS:
            assert np.corrcoef(table[dimension], reference[dimension])[0, 1] > 0.95, (name, dimension)


def test_bad_audio_and_missing_models_are_named(tiny, tmp_path, capsys):
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x10\x00\x00WAVEfmt ")
    code = cli.main(["predict", "--models", str(tiny), "--out", str(tmp_path / "o"), str(broken)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and str(broken) in err, err
    code = cli.main(["predict", "--models", str(tmp_path), "--out", str(tmp_path / "o"), str(wav(tiny, "dev_1"))])
    err = capsys.readouterr().err.strip()
    assert code == 2 and str(tmp_path) in err and "no model bundles" in err, err


# ---- outputs that cannot be written, stale files, bad options -------------------------------


@pytest.mark.parametrize("make, words", [
    (lambda out: out.write_text("a file"), "it is a file, not a folder"),
    (lambda out: out.mkdir() or out.chmod(0o500), "the folder is not writable"),
])
def test_unusable_output_folder_stops_before_any_computing(tiny, tmp_path, capsys, monkeypatch, make, words):
    import os

    if words.endswith("not writable") and os.geteuid() == 0:
        monkeypatch.setattr(os, "access", lambda path, mode: False)  # root writes anywhere: simulate the refusal
    out = tmp_path / "out"
    make(out)
    called = []
    monkeypatch.setattr("longterm_emotion.serving.predict.predict_audio", lambda *a, **k: called.append(a))
    code = cli.main(["predict", "--models", str(tiny), "--out", str(out), str(wav(tiny, "dev_1"))])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and str(out) in err[0] and words in err[0], err
    assert not called, "predictions were computed before the output folder was checked"


def test_full_disk_leaves_no_partial_output(tiny, tmp_path):
    """A file-size limit (what a full disk does to a writer, without filling this machine's disk): the command
    fails with one line naming the file and the cause, and leaves no partial CSV, ARFF, PNG or temporary file."""
    out = tmp_path / "out"
    script = ("import resource, signal, sys\n"
              "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
              "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, resource.RLIM_INFINITY))\n"
              "from longterm_emotion import cli\n"
              "sys.exit(cli.main(sys.argv[1:]))\n")
    proc = subprocess.run([sys.executable, "-c", script, "predict", "--models", str(tiny), "--out", str(out),
                           str(wav(tiny, "dev_1"))], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    errors = [line for line in proc.stderr.strip().splitlines() if "error:" in line]
    assert proc.returncode == 2 and len(errors) == 1 and "cannot write" in errors[0] and str(out) in errors[0], proc.stderr
    assert [p for p in out.rglob("*") if p.is_file()] == []


def test_a_run_with_fewer_dimensions_leaves_a_consistent_set(tiny, tmp_path, caplog):
    caplog.set_level("INFO")
    out = tmp_path / "out"
    audio = str(wav(tiny, "dev_1"))
    assert cli.main(["predict", "--models", str(tiny), "--out", str(out), audio]) == 0
    assert (out / "valence" / "dev_1.arff").is_file()
    assert cli.main(["predict", "--models", str(tiny), "--out", str(out), "--dimensions", "arousal", audio]) == 0
    assert not (out / "valence" / "dev_1.arff").exists()  # the old valence curve would not match dev_1.csv
    assert "removed" in caplog.text and list(pd.read_csv(out / "dev_1.csv").columns) == [
        "time", "arousal", "arousal_std"]


@pytest.mark.parametrize("value", ["-2", "0", "two"])
def test_bad_thread_counts_are_refused(tiny, tmp_path, capsys, value):
    with pytest.raises(SystemExit) as info:
        cli.main(["predict", "--models", str(tiny), "--out", str(tmp_path), "--threads", value, str(wav(tiny, "dev_1"))])
    assert info.value.code == 2 and "--threads" in capsys.readouterr().err


# ---- audio the models cannot judge ----------------------------------------------------------


def test_silence_and_short_clips_are_flagged(tiny, tmp_path, caplog):
    folder = tmp_path / "in"
    folder.mkdir()
    wavfile.write(folder / "silence.wav", 16000, np.zeros(16000 * 10, dtype=np.int16))
    rate, data = wavfile.read(wav(tiny, "dev_1"))
    wavfile.write(folder / "short.wav", rate, data[int(5 * rate): int(5.5 * rate)])
    out = tmp_path / "out"
    assert cli.main(["predict", "--models", str(tiny), "--out", str(out), "--model", "dilated", str(folder),
                     str(wav(tiny, "dev_1"))]) == 0
    err = caplog.text
    silence = (out / "silence.warnings.txt").read_text()
    assert "no speech energy" in silence and "no speech energy" in err
    short = (out / "short.warnings.txt").read_text()
    assert "0.5 s is shorter than the" in short and "context" in short and "0.5 s is shorter" in err
    note = out / "dev_1.warnings.txt"  # a 20 s corpus recording: speech (its only note may be the dilated net's context)
    assert not note.exists() or "no speech energy" not in note.read_text()
    for stem in ("silence", "short"):
        assert pd.read_csv(out / f"{stem}.csv").notna().all().all()  # predicted anyway, with the note beside it


def test_console_script_is_declared():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    module, _, name = scripts["longterm-emotion"].partition(":")
    assert getattr(import_module(module), name) is cli.main


# ---- the Snakemake target ------------------------------------------------------------------


def test_snakemake_predict_target(tiny, tmp_path):
    """`snakemake predict --config predict_audio=DIR`: one job per file, nothing upstream reruns, the CLI's numbers."""
    folder = tmp_path / "audio"
    folder.mkdir()
    (folder / "a.wav").write_bytes(wav(tiny, "dev_1").read_bytes())
    rate, data = wavfile.read(wav(tiny, "test_1"))
    soundfile.write(folder / "b.flac", data, rate, subtype="PCM_16")
    (folder / "notes.txt").write_text("not audio")
    result = run_ok("predict", results_dir=tiny, config=[f"predict_audio={folder}"], options=["--cores", "2"])
    ran = set(re.findall(r"^(?:local)?rule (\w+):", result.output, re.M))
    assert ran <= {"predict_audio_file", "predict", "model_bundle"}, ran  # model_bundle: if a test retrained a model
    assert len(re.findall(r"^(?:local)?rule predict_audio_file:", result.output, re.M)) == 2
    cli_out = tmp_path / "cli"
    assert cli.main(["predict", "--models", str(tiny), "--out", str(cli_out), str(folder)]) == 0
    for stem in ("a", "b"):
        pd.testing.assert_frame_equal(pd.read_csv(tiny / "predictions" / f"{stem}.csv"), pd.read_csv(cli_out / f"{stem}.csv"))
        assert (tiny / "predictions" / f"{stem}.png").is_file()
        for dimension in DIMENSIONS:
            assert (tiny / "predictions" / dimension / f"{stem}.arff").is_file()


def test_snakemake_predict_without_a_folder_names_the_key(tiny):
    result = snakemake("predict", results_dir=tiny, options=["-n"])
    assert result.returncode != 0
    assert "predict_audio" in result.output, result.tail()
