"""Tests of the RECOLA AVEC 2016 layout reader: ARFF gold standards, rating CSVs, recording lists, labels."""

import numpy as np
import pandas as pd
import pytest

from longterm_emotion.data import corpus
from longterm_emotion.errors import InputDataError

HEADER = (
    "@relation GOLDSTANDARD_arousal\n\n"
    "@attribute Instance_name string\n@attribute frameTime numeric\n@attribute GoldStandard numeric\n\n"
    "@data\n\n"
)
HEADER_LINES = HEADER.count("\n")  # the first data row is on line HEADER_LINES + 1


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def expect_error(call, path, *words, line=None):
    with pytest.raises(InputDataError) as info:
        call(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    problem = info.value.problem.lower()
    for word in words:
        assert word.lower() in problem, problem
    if line is not None:
        assert f"line {line}:" in problem, problem
    return info.value


# --- ARFF gold standard ---------------------------------------------------------------------


def test_arff_unquoted(tmp_path):
    path = write(tmp_path / "train_1.arff", HEADER + "train_1,0.00,-0.019902\ntrain_1,0.04,0.5\ntrain_1,0.08,1e-3\n")
    times, values = corpus.read_gold_standard(path)
    np.testing.assert_array_equal(times, [0.0, 0.04, 0.08])
    np.testing.assert_array_equal(values, [-0.019902, 0.5, 0.001])


def test_arff_quoted_names_blank_and_comment_lines(tmp_path):
    text = (
        "% exported by the AVEC 2016 organisers\n"
        "@RELATION 'GOLDSTANDARD_valence'\n\n"
        "% @attribute commented_out numeric\n"
        "@attribute 'Instance_name' string\n"
        "@ATTRIBUTE frameTime NUMERIC\r\n"
        "@attribute GoldStandard numeric\n"
        "\n@DATA\n\n"
        "'train_1',0.00,0.25\n"
        "\n"
        "% a comment between rows\n"
        "  % an indented comment\n"
        "'train_1', 0.04 , -0.5\r\n"
        "   \n"
        "'train_1',0.08,0.125\n\n\n"
    )
    times, values = corpus.read_gold_standard(write(tmp_path / "train_1.arff", text))
    np.testing.assert_array_equal(times, [0.0, 0.04, 0.08])
    np.testing.assert_array_equal(values, [0.25, -0.5, 0.125])


def test_arff_columns_found_by_name(tmp_path):
    # Value first, then time, then instance name: the reader must use the @attribute order.
    text = (
        "@relation x\n@attribute GoldStandard numeric\n@attribute frameTime numeric\n"
        "@attribute Instance_name string\n@data\n0.7,0.00,dev_3\n-0.1,0.04,dev_3\n"
    )
    times, values = corpus.read_gold_standard(write(tmp_path / "dev_3.arff", text))
    np.testing.assert_array_equal(times, [0.0, 0.04])
    np.testing.assert_array_equal(values, [0.7, -0.1])


def test_arff_text_in_numeric_column(tmp_path):
    path = write(tmp_path / "train_2.arff", HEADER + "train_2,0.00,0.1\ntrain_2,0.04,high\n")
    expect_error(corpus.read_gold_standard, path, "not a number", "'high'", line=HEADER_LINES + 2)


def test_arff_text_in_time_column(tmp_path):
    path = write(tmp_path / "train_2.arff", HEADER + "train_2,zero,0.1\n")
    expect_error(corpus.read_gold_standard, path, "frametime", "not a number", line=HEADER_LINES + 1)


@pytest.mark.parametrize("token", ["NaN", "nan", "inf", "-Infinity"])
def test_arff_non_finite(tmp_path, token):
    path = write(tmp_path / "train_3.arff", HEADER + f"train_3,0.00,0.1\ntrain_3,0.04,0.2\ntrain_3,0.08,{token}\n")
    expect_error(corpus.read_gold_standard, path, token, line=HEADER_LINES + 3)


def test_arff_missing_value_marker(tmp_path):
    path = write(tmp_path / "train_3.arff", HEADER + "train_3,0.00,?\n")
    expect_error(corpus.read_gold_standard, path, "not a number", line=HEADER_LINES + 1)


@pytest.mark.parametrize("times, bad_row", [([0.0, 0.04, 0.04, 0.12], 2), ([0.0, 0.04, 0.08, 0.02], 3)])
def test_arff_times_not_increasing(tmp_path, times, bad_row):
    # A blank line inside the data shifts file lines away from row numbers: the line must be the file's.
    rows = [f"train_4,{t:.2f},0.1\n" for t in times]
    path = write(tmp_path / "train_4.arff", HEADER + rows[0] + "\n" + "".join(rows[1:]))
    expect_error(corpus.read_gold_standard, path, "not increasing", line=HEADER_LINES + 2 + bad_row)


def test_arff_without_data_section(tmp_path):
    path = write(tmp_path / "train_5.arff", HEADER.replace("@data", "") + "train_5,0.00,0.1\n")
    expect_error(corpus.read_gold_standard, path, "no @data")


def test_arff_without_rows(tmp_path):
    expect_error(corpus.read_gold_standard, write(tmp_path / "train_5.arff", HEADER), "no data rows")


def test_arff_field_count(tmp_path):
    path = write(tmp_path / "train_6.arff", HEADER + "train_6,0.00,0.1\ntrain_6,0.04\n")
    expect_error(corpus.read_gold_standard, path, "2 fields", line=HEADER_LINES + 2)


def test_arff_without_frame_time(tmp_path):
    path = write(tmp_path / "train_7.arff", "@attribute Instance_name string\n@attribute GoldStandard numeric\n@data\na,1\n")
    expect_error(corpus.read_gold_standard, path, "frameTime")


def test_arff_missing_file(tmp_path):
    expect_error(corpus.read_gold_standard, tmp_path / "train_8.arff", "cannot read")


def test_gold_standard_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    times = np.arange(7501) / 25.0
    values = np.clip(rng.normal(0, 0.3, len(times)), -1, 1)
    path = tmp_path / "ratings_gold_standard" / "arousal" / "dev_2.arff"
    corpus.write_gold_standard(path, "dev_2", "arousal", times, values)
    text = path.read_text()
    assert text.startswith("@relation GOLDSTANDARD_arousal\n")
    assert "\ndev_2,300.00," in text
    read_times, read_values = corpus.read_gold_standard(path)
    assert len(read_times) == 7501
    np.testing.assert_allclose(read_times, times, atol=5e-3)
    np.testing.assert_allclose(read_values, values, atol=5e-7)


# --- individual ratings ---------------------------------------------------------------------


def test_ratings_round_trip(tmp_path):
    rng = np.random.default_rng(3)
    times = np.arange(251) / 25.0
    ratings = np.clip(rng.normal(0, 0.3, (len(times), 6)), -1, 1)
    path = corpus.ratings_path(tmp_path, "valence", "test_2", centred=True)
    corpus.write_ratings(path, times, ratings)
    assert path == tmp_path / "ratings_individual_centred" / "valence" / "test_2.csv"
    assert path.read_text().splitlines()[0] == "time;FM1;FM2;FM3;FF1;FF2;FF3"
    frame = pd.read_csv(path, sep=";")
    np.testing.assert_allclose(frame["time"], times, atol=5e-3)
    np.testing.assert_allclose(frame[list(corpus.RATERS)].to_numpy(), ratings, atol=5e-7)


# --- recordings and labels ------------------------------------------------------------------


def make_audio_dir(root, names):
    folder = root / corpus.AUDIO_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")
    return root


def recording_names(root, partition, dimensions=()):
    """The recording ids the pipeline's index gives a partition (audio only when `dimensions` is empty)."""
    return [source.name for source in corpus.index_partition(root, partition, list(dimensions))]


def test_recordings_in_numeric_order(tmp_path):
    names = [f"train_{n}.wav" for n in (10, 2, 1, 9, 11, 3)] + ["dev_1.wav", "train_x.wav", "train_1_old.wav", "train_4.txt"]
    root = make_audio_dir(tmp_path, names)
    assert recording_names(root, "train") == ["train_1", "train_2", "train_3", "train_9", "train_10", "train_11"]
    assert recording_names(root, "dev") == ["dev_1"]


def test_recordings_of_an_empty_partition(tmp_path):
    root = make_audio_dir(tmp_path, ["train_1.wav", "dev_1.wav"])
    with pytest.raises(InputDataError) as info:
        recording_names(root, "test")
    assert info.value.path == str(root / corpus.AUDIO_DIR)
    assert "'test'" in info.value.problem and "no recordings" in info.value.problem


def test_recordings_errors(tmp_path):
    with pytest.raises(InputDataError, match="audio folder not found"):
        recording_names(tmp_path, "train")
    with pytest.raises(ValueError, match="unknown partition"):
        recording_names(make_audio_dir(tmp_path, ["train_1.wav"]), "training")


def labelled(root, recording, dimensions=("arousal", "valence"), n=5):
    for d in dimensions:
        values = np.linspace(-0.5, 0.5, n) * (1 if d == "arousal" else -1)
        corpus.write_gold_standard(corpus.gold_standard_path(root, d, recording), recording, d, np.arange(n) / 25, values)


def recorded(root, recording, dimensions=("arousal", "valence")):
    """A recording's audio (empty) and its gold standards."""
    make_audio_dir(root, [f"{recording}.wav"])
    labelled(root, recording, dimensions)


def only_source(root, partition, dimensions=("arousal", "valence")):
    (source,) = corpus.index_partition(root, partition, list(dimensions))
    return source


def test_index_reads_labels(tmp_path):
    recorded(tmp_path, "dev_1")
    source = only_source(tmp_path, "dev")
    assert set(source.labels) == {"arousal", "valence"}
    np.testing.assert_allclose(corpus.read_gold_standard(source.labels["arousal"])[1], np.linspace(-0.5, 0.5, 5))
    np.testing.assert_allclose(corpus.read_gold_standard(source.labels["valence"])[1], -np.linspace(-0.5, 0.5, 5))


def test_index_unlabelled_test(tmp_path):
    recorded(tmp_path, "dev_1")
    make_audio_dir(tmp_path, ["test_1.wav"])
    assert only_source(tmp_path, "test").labels is None


def test_index_test_with_labels(tmp_path):
    recorded(tmp_path, "test_1")
    labels = only_source(tmp_path, "test").labels
    assert labels is not None and len(corpus.read_gold_standard(labels["valence"])[1]) == 5


def test_index_test_partly_labelled(tmp_path):
    recorded(tmp_path, "test_1", dimensions=("arousal",))
    (tmp_path / corpus.GOLD_DIR / "valence").mkdir()
    with pytest.raises(InputDataError) as info:
        only_source(tmp_path, "test")
    assert str(corpus.gold_standard_path(tmp_path, "valence", "test_1")) in info.value.problem


@pytest.mark.parametrize("partition", ["train", "dev"])
def test_index_missing_required_labels(tmp_path, partition):
    recorded(tmp_path, f"{partition}_1")
    recorded(tmp_path, f"{partition}_2", dimensions=("arousal",))
    with pytest.raises(InputDataError) as info:
        corpus.index_partition(tmp_path, partition, ["arousal", "valence"])
    missing = corpus.gold_standard_path(tmp_path, "valence", f"{partition}_2")
    assert info.value.path == str(tmp_path / corpus.AUDIO_DIR / f"{partition}_2.wav")
    assert str(missing) in str(info.value) and "missing" in info.value.problem


def test_index_missing_dimension_folder(tmp_path):
    recorded(tmp_path, "dev_1", dimensions=("arousal",))
    with pytest.raises(InputDataError) as info:
        only_source(tmp_path, "dev", ["arousal", "dominance"])
    assert info.value.path == str(tmp_path / corpus.GOLD_DIR / "dominance")
    assert "dominance" in info.value.problem and "folder" in info.value.problem


# --- the recording index (RecordingSource) and the workflow's input files -----------------------


def test_index_partition(tmp_path):
    root = make_audio_dir(tmp_path, ["dev_10.wav", "dev_2.WAV", "dev_1.wav", "test_1.wav"])
    for recording in ("dev_1", "dev_2", "dev_10"):
        labelled(root, recording)
    sources = corpus.index_partition(root, "dev", ["arousal", "valence"])
    assert [s.name for s in sources] == ["dev_1", "dev_2", "dev_10"]
    assert sources[1].audio == root / corpus.AUDIO_DIR / "dev_2.WAV"
    assert sources[2].labels == {d: corpus.gold_standard_path(root, d, "dev_10") for d in ("arousal", "valence")}
    assert all(s.partition == "dev" and not s.resample_labels for s in sources)
    assert sources[0].files() == [sources[0].audio, *sources[0].labels.values()]
    (test,) = corpus.index_partition(root, "test", ["arousal", "valence"])
    assert test.labels is None and test.files() == [root / corpus.AUDIO_DIR / "test_1.wav"]


def test_index_partition_unknown_partition(tmp_path):
    with pytest.raises(ValueError, match="unknown partition"):
        corpus.index_partition(make_audio_dir(tmp_path, ["train_1.wav"]), "training", ["arousal"])


def test_corpus_files_lists_every_file_the_partition_reads(tmp_path):
    root = make_audio_dir(tmp_path, ["train_2.wav", "train_10.wav", "train_1.WAV", "train_1.wav", "dev_1.wav", "train_3.txt"])
    for recording in ("train_1", "train_2", "train_7", "dev_1"):  # train_7: a gold standard without audio
        labelled(root, recording)
    audio = root / corpus.AUDIO_DIR
    gold = root / corpus.GOLD_DIR
    # Orphans and case duplicates are listed too (their job then reports them); other partitions are not.
    assert corpus.corpus_files(root, "train", ["arousal", "valence"]) == [
        audio / "train_1.WAV", audio / "train_1.wav", audio / "train_2.wav", audio / "train_10.wav",
        *(gold / d / f"train_{n}.arff" for d in ("arousal", "valence") for n in (1, 2, 7)),
    ]
    assert corpus.corpus_files(root, "test", ["arousal", "valence"]) == []
    assert corpus.corpus_files(tmp_path / "absent", "dev", ["arousal"]) == []


# ---- the corpus's name on figures and tables ------------------------------------------------


def test_display_name_synthetic_and_override():
    assert corpus.display_name(None) == "synthetic RECOLA-layout corpus"
    assert corpus.display_name(None, "my corpus") == "my corpus"
    assert corpus.display_name("/data/AVEC2016", "RECOLA (AVEC 2016 release)") == "RECOLA (AVEC 2016 release)"


@pytest.mark.parametrize("data_dir, folder", [
    ("/home/alice/corpora/AVEC2016", "AVEC2016"),
    ("/home/alice/corpora/AVEC2016/", "AVEC2016"),
    ("relative/RECOLA-2016", "RECOLA-2016"),
])
def test_display_name_of_a_folder_names_the_folder_not_the_path(data_dir, folder):
    name = corpus.display_name(data_dir)
    assert name == f"AVEC 2016-layout corpus '{folder}'"
    assert "/" not in name and "home" not in name and "RECOLA (" not in name


@pytest.mark.parametrize("relative", [".", "..", "sub/.."])
def test_display_name_of_dot_folders_is_the_real_folder(tmp_path, monkeypatch, relative):
    (tmp_path / "MyCorpus" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "MyCorpus" / ("sub" if relative == ".." else ""))
    assert corpus.display_name(relative) == "AVEC 2016-layout corpus 'MyCorpus'"
