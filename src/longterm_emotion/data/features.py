"""Kaldi log mel filterbank features, per-recording normalisation, stacking to the label rate.

Alignment rule (the one place it is stated): a recording of D seconds has
T = floor(D * label_rate) + 1 label rows (frame times 0, 1/label_rate, ...; 7501
for 300 s at 25 Hz). Stacked row t holds fbank frames stack*t ... stack*t+stack-1,
each index clamped to the last frame, so the tail repeats the last frame. When a
gold standard exists its row count is used as T, provided it is within one row
of the audio's T; otherwise the recording is rejected. Labels at another rate
(manifest only) are resampled to the audio's T rows (labels.py).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import kaldi_native_fbank as knf
import kaldiio
import numpy as np
import pandas as pd

from .. import constants, layout
from ..settings import FeatureOptions
from ..errors import InputDataError
from . import corpus
from .audio import load_audio
from .labels import recording_labels
from .sources import RecordingSource


def fbank_options(options: FeatureOptions | dict) -> knf.FbankOptions:
    """kaldi-native-fbank options from the config's `features` section."""
    options = FeatureOptions.of(options)
    opts = knf.FbankOptions()
    frame = opts.frame_opts
    frame.samp_freq = float(options.sample_rate)
    frame.frame_length_ms = float(options.frame_length_ms)
    frame.frame_shift_ms = float(options.frame_shift_ms)
    frame.dither = float(options.dither)
    frame.preemph_coeff = float(options.preemph_coeff)
    frame.remove_dc_offset = bool(options.remove_dc_offset)
    frame.window_type = options.window_type
    frame.snip_edges = bool(options.snip_edges)
    opts.mel_opts.num_bins = int(options.num_mel_bins)
    opts.mel_opts.low_freq = float(options.low_freq)
    opts.mel_opts.high_freq = float(options.high_freq)
    return opts


# Samples handed to the fbank extractor at a time (100 s at 16 kHz): bounds the float32 copy.
FBANK_CHUNK = 1_600_000


def compute_fbank(samples, options: FeatureOptions | dict) -> np.ndarray:
    """Log mel filterbank of samples at options.sample_rate (16-bit scale), shape (frames, bins).

    `samples` is one array or an iterable of consecutive blocks of one recording (e.g.
    data.audio.audio_blocks). Kaldi's online fbank keeps the samples that do not yet fill
    a frame, so the frames do not depend on how the signal is cut into blocks; finished
    frames are copied out and released as the extractor goes.
    """
    options = FeatureOptions.of(options)
    extractor = knf.OnlineFbank(fbank_options(options))
    rate = float(options.sample_rate)
    parts, done = [], 0

    def collect() -> None:
        nonlocal done
        ready = extractor.num_frames_ready
        if ready > done:
            parts.append(np.array([extractor.get_frame(i) for i in range(done, ready)], dtype=np.float32))
            extractor.pop(ready - done)  # the copies above are taken before the frames are released
            done = ready

    blocks = (samples,) if isinstance(samples, np.ndarray) else samples
    for block in blocks:
        for start in range(0, len(block), FBANK_CHUNK):
            extractor.accept_waveform(rate, np.ascontiguousarray(block[start:start + FBANK_CHUNK], dtype=np.float32))
            collect()
    extractor.input_finished()
    collect()
    if not parts:
        return np.zeros((0, int(options.num_mel_bins)), dtype=np.float32)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def num_label_frames(num_samples: int, sample_rate: float, rate: float) -> int:
    """Label rows of `num_samples` samples at `sample_rate`: the alignment rule of constants.num_label_frames."""
    return constants.num_label_frames(num_samples / sample_rate, rate)


def normalise(frames: np.ndarray, std_floor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-recording (per-speaker) z-normalisation; returns (normalised, mean, std)."""
    mean = frames.mean(axis=0, dtype=np.float64)
    std = np.maximum(frames.std(axis=0, dtype=np.float64), std_floor)
    return ((frames - mean) / std).astype(np.float32), mean, std


def stack_frames(frames: np.ndarray, stack: int, rows: int) -> np.ndarray:
    """Stack `stack` consecutive frames per row, shape (rows, stack * dim); see the module rule."""
    if len(frames) == 0:
        raise ValueError("cannot stack an empty feature matrix")
    index = np.minimum(np.arange(rows)[:, None] * stack + np.arange(stack)[None, :], len(frames) - 1)
    return frames[index].reshape(rows, -1)


def features_for_audio(samples, options: FeatureOptions | dict, rows: int | None = None, source=None) -> tuple[np.ndarray, np.ndarray]:
    """The pipeline's features of one recording: (raw fbank frames, normalised stacked rows).

    `samples` are mono at options.sample_rate on the 16-bit scale (what load_audio gives),
    as one array or as consecutive blocks (data.audio.audio_blocks; same frames, less
    memory). `rows` defaults to the alignment rule's count for the audio (see the module
    rule); extract_partition passes the gold standard's count. Training features and the
    features of `longterm-emotion predict` both come from here, so they cannot drift.
    `source` (a path) names the audio in the error raised when it is shorter than one window.
    """
    options = FeatureOptions.of(options)
    blocks = [samples] if isinstance(samples, np.ndarray) else samples
    count = [0]

    def counted():
        for block in blocks:
            count[0] += len(block)
            yield block

    frames = compute_fbank(counted(), options)
    if len(frames) == 0:
        raise InputDataError(source if source is not None else "<audio>", "audio is shorter than one analysis window")
    if rows is None:
        rows = num_label_frames(count[0], options.sample_rate, options.label_rate)
    normalised, _, _ = normalise(frames, options.std_floor)
    return frames, stack_frames(normalised, int(options.stack), rows)


def cmvn_stats(frames: np.ndarray) -> np.ndarray:
    """Kaldi CMVN statistics matrix: row 0 = sums and count, row 1 = sums of squares."""
    stats = np.zeros((2, frames.shape[1] + 1), dtype=np.float64)
    stats[0, :-1] = frames.sum(axis=0, dtype=np.float64)
    stats[0, -1] = len(frames)
    stats[1, :-1] = np.square(frames, dtype=np.float64).sum(axis=0)
    return stats


class _Archive:
    """A Kaldi ark/scp pair written recording by recording (the bytes kaldiio.WriteHelper writes).

    Any write error (a full disk, a vanished folder) is raised as OSError naming the file.
    """

    def __init__(self, out_dir: Path, name: str):
        self.ark_path, self.scp_path = out_dir / f"{name}{layout.ARK}", out_dir / f"{name}{layout.SCP}"
        with _writing(self.ark_path):
            self.ark = open(self.ark_path, "wb")  # noqa: SIM115 (closed in close())
        with _writing(self.scp_path):
            self.scp = open(self.scp_path, "w", encoding="utf-8")  # noqa: SIM115

    def write(self, key: str, array: np.ndarray) -> None:
        with _writing(self.ark_path):
            position = self.ark.tell() + len(key) + 1
            kaldiio.save_ark(self.ark, {key: array})
        with _writing(self.scp_path):
            self.scp.write(f"{key} {self.ark_path}:{position}\n")

    def close(self) -> None:
        for handle, path in ((self.ark, self.ark_path), (self.scp, self.scp_path)):
            with _writing(path):
                handle.close()


@contextlib.contextmanager
def _writing(path: Path):
    """Re-raise an OSError of writing `path` as one naming it (a full disk's ENOSPC often names nothing)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, f"cannot write: {exc.strerror or exc}", str(path)) from None


def extract_partition(sources: list[RecordingSource], dimensions, options: FeatureOptions | dict, out_dir) -> None:
    """Features and aligned labels of one partition's recordings, written to out_dir.

    `sources` come from corpus.index_partition (AVEC layout) or manifest.index_partition
    (any layout), in the order the files list them. Files: fbank.{ark,scp} (raw log mel
    frames), cmvn.{ark,scp} (Kaldi CMVN statistics per recording), stacked.{ark,scp}
    (normalised, stacked, one row per label frame) and labels.csv (recording, frame,
    frameTime, one column per dimension; empty where a test recording has no labels).
    """
    options = FeatureOptions.of(options)
    dimensions = list(dimensions)
    if not sources:
        raise ValueError("no recordings to extract")
    names = [source.name for source in sources]
    if len(set(names)) != len(names):
        raise ValueError(f"recording names repeat: {sorted({n for n in names if names.count(n) > 1})}")
    for source in sources:
        if source.labels is not None and set(source.labels) != set(dimensions):
            raise ValueError(f"{source.name}: label files for {sorted(source.labels)}, expected {dimensions}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rate = options.label_rate
    tables = []
    archives = {name: _Archive(out_dir, name) for name in (layout.FBANK, layout.CMVN, layout.STACKED)}
    try:
        for source in sources:
            samples = load_audio(source.audio, int(options.sample_rate))
            audio_rows = num_label_frames(len(samples), options.sample_rate, rate)
            rows, labels = recording_labels(source, rate, audio_rows)
            frames, stacked = features_for_audio(samples, options, rows, source=source.audio)
            archives["fbank"].write(source.name, frames)
            archives["cmvn"].write(source.name, cmvn_stats(frames))
            archives[layout.STACKED].write(source.name, stacked)
            table = pd.DataFrame({"recording": source.name, "frame": np.arange(rows), "frameTime": np.arange(rows) / rate})
            for dimension in dimensions:
                table[dimension] = labels[dimension] if labels is not None else np.nan
            tables.append(table)
    except BaseException:
        for archive in archives.values():
            with contextlib.suppress(OSError):  # the first error is the one to report
                archive.close()
        raise
    for archive in archives.values():
        archive.close()
    labels_csv = out_dir / layout.LABELS
    with _writing(labels_csv):
        pd.concat(tables, ignore_index=True).to_csv(labels_csv, index=False, float_format="%.6f")


def extract_corpus_partition(corpus_dir, partition: str, dimensions, options: FeatureOptions | dict, out_dir) -> None:
    """extract_partition for one partition of an AVEC 2016 layout folder."""
    extract_partition(corpus.index_partition(corpus_dir, partition, dimensions), dimensions, options, out_dir)


def load_partition(features_dir, dimensions) -> list[dict]:
    """Stacked features and labels of a partition: [{'recording', 'features' (T, D), 'labels' {dim: (T,)} or None}]."""
    features_dir = Path(features_dir)
    stacked = kaldiio.load_scp(str(features_dir / f"{layout.STACKED}{layout.SCP}"))
    labels = pd.read_csv(features_dir / layout.LABELS)
    items = []
    for recording, rows in labels.groupby("recording", sort=False):
        x = np.asarray(stacked[recording], dtype=np.float32)
        y = None
        if not rows[list(dimensions)].isna().any().any():
            y = {d: rows[d].to_numpy(dtype=np.float32) for d in dimensions}
        items.append({"recording": recording, "features": x, "labels": y})
    return items
