"""Bad input, table-driven (issue 8): each case is a mutation of a small AVEC-layout corpus and
the one-line message it must give (the file named, the problem named), or, for the messy but
valid data users bring, the features it must give. Package level: the workflow-level checks
(exit code, other partitions' outputs kept) are in test_workflow.py."""

import shutil
import struct
import wave
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy.io import wavfile
from scipy.signal import resample_poly

from longterm_emotion import constants
from longterm_emotion.data import corpus, features, synthetic
from longterm_emotion.data.audio import read_wav
from longterm_emotion.errors import InputDataError

ROOT = Path(__file__).resolve().parents[1]

DIMS = ["arousal", "valence"]
CFG = yaml.safe_load((ROOT / "config.yaml").read_text())["features"]
SYN = {
    "seed": 13,
    "sample_rate": 16000,
    "duration_s": 12.0,
    "recordings": {"train": 2, "dev": 2, "test": 1},
    "test_labels": False,
    "label_rate": 25.0,
    "dynamics": yaml.safe_load((ROOT / "config.yaml").read_text())["synthetic"]["dynamics"],
}
ROWS = 301
FIRST_ROW_LINE = 9  # write_gold_standard: @relation, blank, 3 @attribute, blank, @data, blank, then rows


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """The unmodified corpus and its features (root/corpus, root/features/<partition>)."""
    root = tmp_path_factory.mktemp("pristine")
    synthetic.write_corpus(root / "corpus", SYN)
    for partition in constants.PARTITIONS:
        features.extract_corpus_partition(root / "corpus", partition, DIMS, CFG, root / "features" / partition)
    return root


# --- mutations ---------------------------------------------------------------------------------


def wav(root, recording):
    return corpus.audio_path(root, recording)


def gold(root, dimension, recording):
    return corpus.gold_standard_path(root, dimension, recording)


def copy(src, dst):
    shutil.copyfile(src, dst)
    return dst


def remove(path):
    path.unlink()
    return path


def edit(path, change):
    """Rewrite a text file through change(text) -> text."""
    path.write_text(change(path.read_text()))
    return path


def replace_row(path, row, new):
    """Replace data row `row` (0-based) of a gold standard written by write_gold_standard."""
    lines = path.read_text().splitlines(keepends=True)
    lines[FIRST_ROW_LINE - 1 + row] = new + "\n"
    path.write_text("".join(lines))
    return path


def retime(path, times_of):
    """Rewrite a gold standard with times times_of(times) (values kept)."""
    times, values = corpus.read_gold_standard(path)
    corpus.write_gold_standard(path, path.stem, path.parent.name, times_of(times), values)
    return path


def resize(path, rows):
    """Keep the first `rows` rows of a gold standard."""
    times, values = corpus.read_gold_standard(path)
    corpus.write_gold_standard(path, path.stem, path.parent.name, times[:rows], values[:rows])
    return path


def put(path, data):
    """Replace a file's content with bytes or text; returns the path."""
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)
    return path


def write_pcm16(path, samples, rate=16000):
    wavfile.write(path, rate, np.asarray(samples, dtype=np.int16))
    return path


def empty_wav(path):
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(16000)
        handle.writeframes(b"")
    return path


def folder_instead(path):
    path.unlink()
    path.mkdir()
    return path


# Each case: (id, partition, mutate(root) -> (path the error must name, [more text the message must
# hold]), [words of the problem]). Paths in the expectations are strings; the message holds them.
ERRORS = [
    # recordings dropped silently before issue 8
    ("wav extension differing only in case", "train",
     lambda r: (wav(r, "train_1"), [copy(wav(r, "train_1"), wav(r, "train_1").with_suffix(".WAV")).name, "train_1.wav"]),
     ["differ only in case"]),
    ("gold standard without audio", "dev",
     lambda r: (gold(r, "arousal", "dev_2"), [str(remove(wav(r, "dev_2")))]), ["gold standard without audio", "missing"]),
    ("audio without gold standard", "train",
     lambda r: (wav(r, "train_2"), [str(remove(gold(r, "valence", "train_2")))]),
     ["audio without valence gold standard", "missing"]),
    ("recording added without labels", "train",
     lambda r: (copy(wav(r, "train_1"), wav(r, "train_3")), [str(gold(r, "arousal", "train_3"))]),
     ["audio without arousal gold standard"]),
    ("test gold standard without audio", "test",
     lambda r: (copy(gold(r, "arousal", "dev_1"), gold(r, "arousal", "test_2")), [str(wav(r, "test_2"))]),
     ["gold standard without audio"]),
    ("test recording labelled in one dimension only", "test",
     lambda r: (wav(r, "test_1"), [copy(gold(r, "arousal", "dev_1"), gold(r, "arousal", "test_1")) and str(gold(r, "valence", "test_1"))]),
     ["audio without valence gold standard"]),
    ("gold-standard extension differing only in case", "dev",
     lambda r: (gold(r, "arousal", "dev_1"), [copy(gold(r, "arousal", "dev_1"), gold(r, "arousal", "dev_1").with_suffix(".ARFF")).name]),
     ["differ only in case", "dev_1.arff"]),
    ("dimension folder missing", "dev",
     lambda r: (shutil.rmtree(r / corpus.GOLD_DIR / "valence") or r / corpus.GOLD_DIR / "valence", []),
     ["dimension 'valence'", "no gold-standard folder"]),
    ("partition without recordings", "test",
     lambda r: (remove(wav(r, "test_1")).parent, []), ["'test' has no recordings"]),
    # label column by name
    ("no GoldStandard attribute", "train",
     lambda r: (edit(gold(r, "arousal", "train_1"), lambda t: t.replace("GoldStandard numeric", "Value numeric")), []),
     ["no GoldStandard attribute", "Instance_name, frameTime, Value"]),
    ("two GoldStandard attributes", "train",
     lambda r: (edit(gold(r, "valence", "train_2"), lambda t: t.replace("@attribute frameTime", "@attribute goldstandard numeric\n@attribute frameTime")), []),
     ["2 GoldStandard attributes"]),
    ("no frameTime attribute", "dev",
     lambda r: (edit(gold(r, "arousal", "dev_1"), lambda t: t.replace("frameTime", "time")), []), ["no frameTime attribute"]),
    # label times
    ("times shifted by 100 s", "train",
     lambda r: (retime(gold(r, "arousal", "train_1"), lambda t: t + 100.0), []),
     [f"line {FIRST_ROW_LINE}:", "first frame time is 100 s", "must be 0"]),
    ("times halved", "dev",
     lambda r: (retime(gold(r, "valence", "dev_2"), lambda t: t / 2), []),
     [f"line {FIRST_ROW_LINE + 1}:", "frame step 0.02 s", "25 Hz needs 0.04 s"]),
    ("labels at 25.5 Hz drift off the 25 Hz grid", "dev",
     lambda r: (retime(gold(r, "arousal", "dev_1"), lambda t: t * 25.0 / 25.5), []), ["line 41:", "frame time 1.25 s should be 1.28 s", "half a step"]),
    ("times not increasing", "train",
     lambda r: (replace_row(gold(r, "arousal", "train_2"), 3, "train_2,0.08,0.1"), []),
     [f"line {FIRST_ROW_LINE + 3}:", "not increasing"]),
    # label lengths
    ("dimensions differ in length", "dev",
     lambda r: (resize(gold(r, "valence", "dev_1"), ROWS - 1), ["dev_1", str(gold(r, "arousal", "dev_1"))]),
     ["300 label rows", "301 in", "differ in length"]),
    ("labels much shorter than the audio", "train",
     lambda r: (resize(gold(r, "arousal", "train_2"), 250), [str(wav(r, "train_2"))]),
     ["250 label rows", "301 rows", "more than one frame"]),
    # what a user's gold standards bring
    ("empty ARFF", "train", lambda r: (edit(gold(r, "arousal", "train_1"), lambda t: ""), []), ["no @data line"]),
    ("ARFF with a header only", "dev",
     lambda r: (edit(gold(r, "valence", "dev_2"), lambda t: t[: t.index("@data") + 6]), []), ["no data rows"]),
    ("text in a numeric column", "train",
     lambda r: (replace_row(gold(r, "valence", "train_1"), 5, "train_1,0.20,high"), []),
     [f"line {FIRST_ROW_LINE + 5}:", "GoldStandard is not a number: 'high'"]),
    ("NaN label", "dev",
     lambda r: (replace_row(gold(r, "arousal", "dev_2"), 7, "dev_2,0.28,NaN"), []), [f"line {FIRST_ROW_LINE + 7}:", "GoldStandard is NaN"]),
    ("ARFF missing-value marker", "dev",
     lambda r: (replace_row(gold(r, "arousal", "dev_1"), 0, "dev_1,0.00,?"), []), ["not a number: '?'"]),
    ("row with a missing field", "train",
     lambda r: (replace_row(gold(r, "arousal", "train_1"), 2, "train_1,0.08"), []), ["2 fields, header declares 3"]),
    ("ARFF that is not text", "train",
     lambda r: (put(gold(r, "valence", "train_2"), b"\x89PNG\r\n\x1a\n\xff\xfe"), []),
     ["cannot read gold standard"]),
    # what a user's audio brings
    ("WAV of zero length", "test", lambda r: (put(wav(r, "test_1"), b""), []), ["WAV file is empty"]),
    ("WAV header without samples", "test", lambda r: (empty_wav(wav(r, "test_1")), []), ["holds no samples"]),
    ("truncated WAV", "dev",
     lambda r: (put(wav(r, "dev_1"), wav(r, "dev_1").read_bytes()[:-1000]), []),
     ["truncated WAV file", "declares"]),
    ("text file named .wav", "train",
     lambda r: (put(wav(r, "train_2"), "interview notes\n" * 50), []), ["not a readable WAV file"]),
    ("folder named like a WAV", "test", lambda r: (folder_instead(wav(r, "test_1")), []), ["is a folder, not an audio file"]),
    ("audio shorter than one analysis window", "test",
     lambda r: (write_pcm16(wav(r, "test_1"), np.zeros(399)), []), ["shorter than one analysis window"]),
    ("NaN in a float WAV", "test",
     lambda r: (wavfile.write(wav(r, "test_1"), 16000, np.array([0.0, np.nan] * 4000, np.float32)) or wav(r, "test_1"), []),
     ["NaN or infinite"]),
]


@pytest.mark.parametrize("case, partition, mutate, words", ERRORS, ids=[c[0] for c in ERRORS])
def test_bad_input_stops_with_one_line(pristine, tmp_path, case, partition, mutate, words):
    root = shutil.copytree(pristine / "corpus", tmp_path / "corpus")
    named, also = mutate(root)
    with pytest.raises(InputDataError) as info:
        features.extract_corpus_partition(root, partition, DIMS, CFG, tmp_path / "out")
    message = str(info.value)
    assert "\n" not in message
    assert info.value.path == str(named), message
    assert message.startswith(f"{named}: ")
    for text in also:
        assert str(text) in info.value.problem, (case, message)
    for word in words:
        assert word in info.value.problem, (case, message)


# --- messy but valid input: accepted, with the features of the pristine corpus -----------------


def streaming(path):
    """Set the RIFF and data sizes to 0xFFFFFFFF, as ffmpeg does when writing to a pipe."""
    data = bytearray(path.read_bytes())
    data[4:8] = b"\xff\xff\xff\xff"
    at = data.index(b"data")
    data[at + 4 : at + 8] = b"\xff\xff\xff\xff"
    path.write_bytes(bytes(data))


def stereo_copy(path):
    rate, x = wavfile.read(path)
    wavfile.write(path, rate, np.stack([x, x], axis=1))


def float_copy(path):
    rate, x = wavfile.read(path)
    wavfile.write(path, rate, (x / 32768.0).astype(np.float32))


def extra_attribute(path):
    """An extra numeric attribute before GoldStandard, with its own column of numbers."""
    lines = path.read_text().splitlines()
    lines = [ln.replace("@attribute GoldStandard", "@attribute confidence numeric\n@attribute GoldStandard") for ln in lines]
    lines = [f"{ln.rsplit(',', 1)[0]},0.9,{ln.rsplit(',', 1)[1]}" if ln.startswith("train_1,") else ln for ln in lines]
    path.write_text("\n".join(lines) + "\n")


def windows_export(path):
    """CRLF line endings, quoted instance names, upper-case keywords, a comment."""
    text = path.read_text().replace("@data", "% exported on Windows\n@DATA").replace("train_2,", "'train_2',")
    path.write_bytes(text.replace("\n", "\r\n").encode())


def unrelated_files(root):
    audio = root / corpus.AUDIO_DIR
    (audio / "notes.txt").write_text("x")
    copy(audio / "train_1.wav", audio / "train_1.wav.bak")
    copy(audio / "train_1.wav", audio / "Train_x.wav")
    copy(audio / "train_1.wav", audio / "dev_1.wav.orig")


ACCEPTED = [
    # (id, partition, mutate(root)); features and labels must be byte-identical to the pristine ones
    ("upper-case .WAV extension", "train", lambda r: wav(r, "train_1").rename(wav(r, "train_1").with_suffix(".WAV"))),
    ("upper-case .ARFF extension", "dev", lambda r: gold(r, "valence", "dev_2").rename(gold(r, "valence", "dev_2").with_suffix(".ARFF"))),
    ("extra numeric attribute before GoldStandard", "train", lambda r: extra_attribute(gold(r, "arousal", "train_1"))),
    ("ARFF from Windows", "train", lambda r: windows_export(gold(r, "valence", "train_2"))),
    ("streaming WAV (sizes 0xFFFFFFFF)", "dev", lambda r: streaming(wav(r, "dev_2"))),
    ("stereo WAV with equal channels", "dev", lambda r: stereo_copy(wav(r, "dev_1"))),
    ("float WAV of the same samples", "test", lambda r: float_copy(wav(r, "test_1"))),
    ("unrelated files in the audio folder", "train", unrelated_files),
]


@pytest.mark.parametrize("case, partition, mutate", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_messy_but_valid_input_gives_the_same_features(pristine, tmp_path, case, partition, mutate):
    root = shutil.copytree(pristine / "corpus", tmp_path / "corpus")
    mutate(root)
    out = tmp_path / "out"
    features.extract_corpus_partition(root, partition, DIMS, CFG, out)
    for name in ("stacked.ark", "fbank.ark", "labels.csv"):
        assert (out / name).read_bytes() == (pristine / "features" / partition / name).read_bytes(), (case, name)


def test_mono_and_stereo_at_other_rates_mix_in_one_partition(pristine, tmp_path):
    """One recording 44.1 kHz stereo 24-bit, the other 16 kHz mono: same rows and labels, close features."""
    root = shutil.copytree(pristine / "corpus", tmp_path / "corpus")
    samples, _ = read_wav(wav(root, "train_2"))
    up = resample_poly(samples, 441, 160)
    ints = np.round(np.stack([up, up], axis=1) * (2**23 - 1)).astype("<i4")
    with wave.open(str(wav(root, "train_2")), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(3)
        handle.setframerate(44100)
        raw = ints.tobytes()
        handle.writeframes(b"".join(raw[i : i + 3] for i in range(0, len(raw), 4)))
    features.extract_corpus_partition(root, "train", DIMS, CFG, tmp_path / "out")
    items = features.load_partition(tmp_path / "out", DIMS)
    original = features.load_partition(pristine / "features" / "train", DIMS)
    assert [i["recording"] for i in items] == ["train_1", "train_2"]
    np.testing.assert_array_equal(items[0]["features"], original[0]["features"])
    assert items[1]["features"].shape == (ROWS, 160)
    bands = np.arange(160) % 40 < 36  # all but the bands near 8 kHz, where the resampling filters differ
    assert np.median(np.abs(items[1]["features"] - original[1]["features"])[:, bands]) < 0.02
    for d in DIMS:
        np.testing.assert_array_equal(items[1]["labels"][d], original[1]["labels"][d])


def test_labels_from_the_gold_standard_column_not_the_position(pristine, tmp_path):
    # The extra column holds 0.9 everywhere: read by position, every label would be 0.9.
    root = shutil.copytree(pristine / "corpus", tmp_path / "corpus")
    extra_attribute(gold(root, "arousal", "train_1"))
    _, values = corpus.read_gold_standard(gold(root, "arousal", "train_1"))
    _, original = corpus.read_gold_standard(gold(pristine / "corpus", "arousal", "train_1"))
    np.testing.assert_array_equal(values, original)
    assert not np.all(values == 0.9)


# --- writing: a full disk names the file ---------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full to simulate a full disk")
@pytest.mark.parametrize("target", ["stacked.ark", "cmvn.scp", "labels.csv"])
def test_full_disk_names_the_file_being_written(pristine, tmp_path, target):
    out = tmp_path / "out"
    out.mkdir()
    (out / target).symlink_to("/dev/full")
    with pytest.raises(OSError) as info:
        features.extract_corpus_partition(pristine / "corpus", "test", DIMS, CFG, out)
    assert info.value.errno == 28  # ENOSPC
    assert info.value.filename == str(out / target)
    message = str(info.value)
    assert str(out / target) in message and "No space left on device" in message and "\n" not in message


def test_streaming_wav_header_is_read_to_the_end(tmp_path):
    x = (np.arange(4001) % 200 - 100).astype(np.int16)
    path = write_pcm16(tmp_path / "s.wav", x)
    streaming(path)
    with open(path, "ab") as handle:  # a streamed file can end on any byte: an odd tail is no sample
        handle.write(struct.pack("<h", 7)[:1])
    samples, rate = read_wav(path)
    assert rate == 16000
    np.testing.assert_array_equal(samples, x / 32768.0)
