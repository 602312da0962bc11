"""Tests of corpora described by a CSV manifest (issue 11, item 5): same features as the AVEC
layout, CSV and ARFF labels at any rate (resampled with the label study's spline), and one-line
errors naming the manifest line for every kind of bad manifest."""

import logging
import shutil

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from longterm_emotion import constants
from longterm_emotion.analysis.downsampling import resample_trajectory
from longterm_emotion.data import corpus, features, index, manifest, synthetic
from longterm_emotion.errors import InputDataError

ROOT = Path(__file__).resolve().parents[1]

DIMS = ["arousal", "valence"]
CFG = yaml.safe_load((ROOT / "config.yaml").read_text())["features"]
SYN = {
    "seed": 5,
    "sample_rate": 16000,
    "duration_s": 12.0,
    "recordings": {"train": 2, "dev": 2, "test": 1},
    "test_labels": False,
    "label_rate": 25.0,
    "dynamics": yaml.safe_load((ROOT / "config.yaml").read_text())["synthetic"]["dynamics"],
}
ROWS = 301  # 12 s at 25 Hz, both ends included
ARCHIVES = ("fbank.ark", "cmvn.ark", "stacked.ark", "labels.csv")


@pytest.fixture(scope="module")
def avec(tmp_path_factory):
    """A tiny synthetic corpus in the AVEC layout and its features, extracted from the folder."""
    root = tmp_path_factory.mktemp("avec")
    synthetic.write_corpus(root / "corpus", SYN)
    for partition in constants.PARTITIONS:
        features.extract_corpus_partition(root / "corpus", partition, DIMS, CFG, root / "features" / partition)
    return root


def all_sources(corpus_dir):
    return [s for p in constants.PARTITIONS for s in corpus.index_partition(corpus_dir, p, DIMS)]


@pytest.mark.parametrize("where", ["elsewhere", "inside"])
def test_manifest_gives_the_same_features_as_the_avec_layout(avec, tmp_path, where):
    # Manifest in another folder (paths written as absolute) or inside the corpus (relative paths).
    path = (tmp_path / "lists" / "corpus.csv") if where == "elsewhere" else (avec / "corpus" / f"{tmp_path.name}.csv")
    manifest.write_manifest(path, all_sources(avec / "corpus"), DIMS)
    text = path.read_text()
    if where == "inside":
        assert "recordings_audio/train_1.wav" in text and str(avec) not in text
    for partition in constants.PARTITIONS:
        out = tmp_path / "features" / partition
        features.extract_partition(manifest.index_partition(path, partition, DIMS), DIMS, CFG, out)
        for name in ARCHIVES:
            assert (out / name).read_bytes() == (avec / "features" / partition / name).read_bytes(), (partition, name)
    assert pd.read_csv(tmp_path / "features" / "test" / "labels.csv")[DIMS].isna().all().all()


def test_relative_paths_with_parent_folders(avec, tmp_path):
    copied = shutil.copytree(avec / "corpus", tmp_path / "data" / "corpus")
    path = tmp_path / "lists" / "m.csv"
    path.parent.mkdir()
    lines = ["Partition,Recording,Audio,Arousal,Valence"]  # header names in any case
    for s in corpus.index_partition(copied, "dev", DIMS):
        rel = lambda p: "../data/corpus/" + p.relative_to(copied).as_posix()
        lines.append(f"dev,{s.name},{rel(s.audio)},{rel(s.labels['arousal'])},{rel(s.labels['valence'])}")
    path.write_text("\n".join(lines) + "\n")
    sources = manifest.index_partition(path, "dev", DIMS)
    assert [s.name for s in sources] == ["dev_1", "dev_2"]
    assert sources[0].audio == copied / "recordings_audio" / "dev_1.wav"
    assert sources[0].resample_labels
    assert manifest.manifest_files(path, "dev", DIMS) == [path, *(f for s in sources for f in s.files())]
    assert index.partition_files("dev", DIMS, manifest=path) == manifest.manifest_files(path, "dev", DIMS)


def write_csv_labels(path, times, values, time_format="{:.2f}"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("time,value\n" + "".join(f"{time_format.format(t)},{v:.6f}\n" for t, v in zip(times, values)))
    return path


def labelled_manifest(avec, tmp_path, label_files):
    """A dev-only manifest of dev_1 with the given label file per dimension."""
    path = tmp_path / "m.csv"
    audio = corpus.audio_path(avec / "corpus", "dev_1")
    path.write_text(f"partition,recording,audio,arousal,valence\ndev,dev_1,{audio},{label_files['arousal']},{label_files['valence']}\n")
    return path


def test_csv_labels_at_the_label_rate_are_used_as_they_are(avec, tmp_path):
    files = {}
    for d in DIMS:
        times, values = corpus.read_gold_standard(corpus.gold_standard_path(avec / "corpus", d, "dev_1"))
        files[d] = write_csv_labels(tmp_path / f"{d}.csv", times, values)
    path = labelled_manifest(avec, tmp_path, files)
    features.extract_partition(manifest.index_partition(path, "dev", DIMS), DIMS, CFG, tmp_path / "out")
    ours = pd.read_csv(tmp_path / "out" / "labels.csv")
    theirs = pd.read_csv(avec / "features" / "dev" / "labels.csv")
    pd.testing.assert_frame_equal(ours, theirs[theirs["recording"] == "dev_1"].reset_index(drop=True))


def smooth(t):
    return 0.3 * np.sin(2 * np.pi * 0.05 * t) + 0.1 * np.cos(2 * np.pi * 0.13 * t + 0.4)


# 30 Hz times printed to 1 ms are off by up to 0.5 ms: steps of 33 and 34 ms must pass, and the
# values move by up to 0.5 ms times the trajectory's slope (< 0.15 / s).
@pytest.mark.parametrize("rate, kind, time_format, tolerance", [
    (10.0, "csv", "{:.2f}", 2e-5), (30.0, "csv", "{:.3f}", 1e-4), (50.0, "arff", None, 2e-5)])
def test_labels_at_another_rate_are_resampled_with_the_spline(avec, tmp_path, caplog, rate, kind, time_format, tolerance):
    times = np.arange(int(12.0 * rate) + 1) / rate
    files = {}
    for d, sign in zip(DIMS, (1, -1)):
        if kind == "csv":
            files[d] = write_csv_labels(tmp_path / f"{d}.csv", times, sign * smooth(times), time_format)
        else:
            files[d] = tmp_path / f"{d}.arff"
            corpus.write_gold_standard(files[d], "dev_1", d, times, sign * smooth(times))
    path = labelled_manifest(avec, tmp_path, files)
    with caplog.at_level(logging.INFO):
        features.extract_partition(manifest.index_partition(path, "dev", DIMS), DIMS, CFG, tmp_path / "out")
    (item,) = features.load_partition(tmp_path / "out", DIMS)
    assert item["features"].shape == (ROWS, 160)
    grid = np.arange(ROWS) / 25.0
    # The label study's spline through the file's (printed) values, evaluated on the 25 Hz grid...
    read_times, read_values = (corpus.read_gold_standard(files["arousal"]) if kind == "arff"
                               else pd.read_csv(files["arousal"]).to_numpy().T)
    np.testing.assert_allclose(item["labels"]["arousal"], resample_trajectory(read_times, read_values, 25.0, ROWS), atol=1e-6)
    # ...which is the underlying smooth trajectory to within print precision.
    np.testing.assert_allclose(item["labels"]["arousal"], smooth(grid), atol=tolerance)
    np.testing.assert_allclose(item["labels"]["valence"], -smooth(grid), atol=tolerance)
    messages = [r.getMessage() for r in caplog.records if "resampled" in r.getMessage()]
    assert len(messages) == 2
    assert f"{rate:g} Hz" in messages[0] and "25 Hz" in messages[0] and "cubic spline" in messages[0]
    assert str(files["arousal"]) in messages[0]


def test_resampled_labels_must_cover_the_audio(avec, tmp_path):
    times = np.arange(101) / 10.0  # 0 ... 10 s at 10 Hz; the audio lasts 12 s
    files = {d: write_csv_labels(tmp_path / f"{d}.csv", times, smooth(times)) for d in DIMS}
    path = labelled_manifest(avec, tmp_path, files)
    with pytest.raises(InputDataError) as info:
        features.extract_partition(manifest.index_partition(path, "dev", DIMS), DIMS, CFG, tmp_path / "out")
    assert info.value.path == str(files["arousal"])
    assert "labels end at 10 s" in info.value.problem and "12 s" in info.value.problem and "dev_1" in info.value.problem


# --- bad manifests: each a mutation of a good one and the one line it must give ---------------

GOOD = (
    "partition,recording,audio,arousal,valence\n"
    "train,train_1,{c}/recordings_audio/train_1.wav,{g}/arousal/train_1.arff,{g}/valence/train_1.arff\n"
    "dev,dev_1,{c}/recordings_audio/dev_1.wav,{g}/arousal/dev_1.arff,{g}/valence/dev_1.arff\n"
    "test,test_1,{c}/recordings_audio/test_1.wav,,\n"
)

BAD_MANIFESTS = [
    # id, (old, new) replacement in GOOD (None: whole text), words the problem must hold
    ("missing column", ("audio,arousal,valence\n", "audio,arousal\n"), ["line 1", "no column 'valence'"]),
    ("missing audio column", ("partition,recording,audio,", "partition,recording,wav,"), ["line 1", "no column 'audio'"]),
    ("column twice", ("audio,arousal,valence\n", "audio,arousal,valence,arousal\n"), ["line 1", "'arousal' appears 2 times"]),
    ("unknown partition", ("dev,dev_1,", "validation,dev_1,"), ["line 3", "dev_1", "unknown partition 'validation'"]),
    ("duplicate recording", ("dev,dev_1,{c}/recordings_audio/dev_1.wav", "dev,train_1,{c}/recordings_audio/dev_1.wav"),
     ["line 3", "recording train_1 is already on line 2"]),
    ("missing audio file", ("train_1.wav", "train_9.wav"), ["line 2", "train_1", "audio file not found", "train_9.wav"]),
    ("empty audio cell", ("train,train_1,{c}/recordings_audio/train_1.wav,", "train,train_1,,"), ["line 2", "no audio file"]),
    ("missing label file", ("valence/dev_1.arff", "valence/dev_7.arff"), ["line 3", "valence label file not found", "dev_7.arff"]),
    ("unlabelled train", (",{g}/arousal/train_1.arff,{g}/valence/train_1.arff\n", ",,\n"),
     ["line 2", "train recording without label files", "train and dev must be labelled"]),
    ("unlabelled dev", (",{g}/arousal/dev_1.arff,{g}/valence/dev_1.arff\n", ",,\n"), ["line 3", "dev recording without label files"]),
    ("partly labelled test", ("test_1.wav,,\n", "test_1.wav,{g}/arousal/dev_1.arff,\n"),
     ["line 4", "no label file for valence but one for arousal"]),
    ("label file type", ("valence/dev_1.arff", "valence/dev_1.txt"), ["line 3", "neither .arff", "dev_1.txt"]),
    ("field count", ("test_1.wav,,\n", "test_1.wav,\n"), ["line 4", "4 fields, header has 5"]),
    ("recording id with a space", ("dev,dev_1,", "dev,dev 1,"), ["line 3", "'dev 1'", "letters, digits"]),
    ("empty recording id", ("dev,dev_1,", "dev,,"), ["line 3", "empty recording id"]),
    ("header only", (None, "partition,recording,audio,arousal,valence\n"), ["lists no recordings"]),
    ("empty file", (None, ""), ["manifest is empty"]),
    ("not UTF-8 text", (None, b"\xff\xfe\x00\x01garbage".decode("latin-1")), ["cannot read manifest", "utf-8"]),
]


@pytest.fixture(scope="module")
def good_text(avec):
    c = avec / "corpus"
    return GOOD.format(c=c, g=c / corpus.GOLD_DIR), c


def test_good_manifest_is_accepted(good_text, tmp_path):
    text, _ = good_text
    path = tmp_path / "m.csv"
    path.write_text(text)
    assert [s.name for s in manifest.read_manifest(path, DIMS)] == ["train_1", "dev_1", "test_1"]
    assert manifest.index_partition(path, "test", DIMS)[0].labels is None


@pytest.mark.parametrize("case, change, words", BAD_MANIFESTS, ids=[c[0] for c in BAD_MANIFESTS])
def test_bad_manifest_stops_with_one_line(good_text, tmp_path, case, change, words):
    text, c = good_text
    old, new = change
    if old is None:
        text = new
    else:
        old = old.format(c=c, g=c / corpus.GOLD_DIR)
        assert old in text, case
        text = text.replace(old, new.format(c=c, g=c / corpus.GOLD_DIR), 1)
    path = tmp_path / "manifest.csv"
    path.write_text(text, encoding="latin-1")
    for partition in constants.PARTITIONS:  # the whole manifest is checked, whichever partition is asked for
        with pytest.raises(InputDataError) as info:
            manifest.index_partition(path, partition, DIMS)
        message = str(info.value)
        assert info.value.path == str(path) and message.startswith(f"{path}: ")
        assert "\n" not in message
        for word in words:
            assert word in info.value.problem, (case, message)
    # The workflow's input list never raises: the job reports the problem.
    assert manifest.manifest_files(path, "train", DIMS)[0] == path


def test_partition_missing_from_manifest(good_text, tmp_path):
    text, _ = good_text
    path = tmp_path / "m.csv"
    path.write_text("".join(line for line in text.splitlines(keepends=True) if not line.startswith("test,")))
    with pytest.raises(InputDataError, match="partition 'test' has no recordings in the manifest"):
        manifest.index_partition(path, "test", DIMS)


def test_manifest_files_lists_only_existing_files_of_the_partition(good_text, tmp_path):
    text, c = good_text
    path = tmp_path / "m.csv"
    path.write_text(text.replace("valence/dev_1.arff", "valence/dev_7.arff"))
    assert manifest.manifest_files(path, "dev", DIMS) == [
        path, c / "recordings_audio" / "dev_1.wav", c / corpus.GOLD_DIR / "arousal" / "dev_1.arff"]
    assert manifest.manifest_files(path, "test", DIMS) == [path, c / "recordings_audio" / "test_1.wav"]
    assert manifest.manifest_files(tmp_path / "absent.csv", "dev", DIMS) == []


def test_index_needs_exactly_one_description(tmp_path):
    with pytest.raises(ValueError, match="exactly one"):
        index.index_partition("dev", DIMS)
    with pytest.raises(ValueError, match="exactly one"):
        index.partition_files("dev", DIMS, data_dir=tmp_path, manifest=tmp_path / "m.csv")


def test_extract_partition_refuses_repeated_names_and_wrong_dimensions(avec, tmp_path):
    sources = corpus.index_partition(avec / "corpus", "dev", DIMS)
    with pytest.raises(ValueError, match=r"repeat: \['dev_1'\]"):
        features.extract_partition([sources[0], sources[0]], DIMS, CFG, tmp_path / "out")
    with pytest.raises(ValueError, match="expected"):
        features.extract_partition(sources, ["arousal"], CFG, tmp_path / "out")
