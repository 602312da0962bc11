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

from .. import constants
from ..errors import InputDataError
from . import corpus
from .audio import load_audio
from .labels import recording_labels
from .sources import RecordingSource


def fbank_options(cfg: dict) -> knf.FbankOptions:
    """kaldi-native-fbank options from the config's `features` section."""
    opts = knf.FbankOptions()
    frame = opts.frame_opts
    frame.samp_freq = float(cfg["sample_rate"])
    frame.frame_length_ms = float(cfg["frame_length_ms"])
    frame.frame_shift_ms = float(cfg["frame_shift_ms"])
    frame.dither = float(cfg["dither"])
    frame.preemph_coeff = float(cfg["preemph_coeff"])
    frame.remove_dc_offset = bool(cfg["remove_dc_offset"])
    frame.window_type = cfg["window_type"]
    frame.snip_edges = bool(cfg["snip_edges"])
    opts.mel_opts.num_bins = int(cfg["num_mel_bins"])
    opts.mel_opts.low_freq = float(cfg["low_freq"])
    opts.mel_opts.high_freq = float(cfg["high_freq"])
    return opts


def compute_fbank(samples: np.ndarray, cfg: dict) -> np.ndarray:
    """Log mel filterbank of samples at cfg['sample_rate'] (16-bit scale), shape (frames, bins)."""
    extractor = knf.OnlineFbank(fbank_options(cfg))
    extractor.accept_waveform(float(cfg["sample_rate"]), np.ascontiguousarray(samples, dtype=np.float32))
    extractor.input_finished()
    frames = extractor.num_frames_ready
    if frames == 0:
        return np.zeros((0, int(cfg["num_mel_bins"])), dtype=np.float32)
    return np.stack([extractor.get_frame(i) for i in range(frames)]).astype(np.float32)


def label_rate(cfg: dict) -> float:
    """Label frames per second implied by the config's stacking (25 Hz by default)."""
    return constants.label_rate(cfg["stack"], cfg["frame_shift_ms"])


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
        self.ark_path, self.scp_path = out_dir / f"{name}.ark", out_dir / f"{name}.scp"
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


def extract_partition(sources: list[RecordingSource], dimensions, cfg: dict, out_dir) -> None:
    """Features and aligned labels of one partition's recordings, written to out_dir.

    `sources` come from corpus.index_partition (AVEC layout) or manifest.index_partition
    (any layout), in the order the files list them. Files: fbank.{ark,scp} (raw log mel
    frames), cmvn.{ark,scp} (Kaldi CMVN statistics per recording), stacked.{ark,scp}
    (normalised, stacked, one row per label frame) and labels.csv (recording, frame,
    frameTime, one column per dimension; empty where a test recording has no labels).
    """
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
    rate = label_rate(cfg)
    tables = []
    archives = {name: _Archive(out_dir, name) for name in ("fbank", "cmvn", "stacked")}
    try:
        for source in sources:
            samples = load_audio(source.audio, int(cfg["sample_rate"]))
            frames = compute_fbank(samples, cfg)
            if len(frames) == 0:
                raise InputDataError(source.audio, "audio is shorter than one analysis window")
            audio_rows = num_label_frames(len(samples), cfg["sample_rate"], rate)
            rows, labels = recording_labels(source, rate, audio_rows)
            normalised, _, _ = normalise(frames, cfg["std_floor"])
            archives["fbank"].write(source.name, frames)
            archives["cmvn"].write(source.name, cmvn_stats(frames))
            archives["stacked"].write(source.name, stack_frames(normalised, int(cfg["stack"]), rows))
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
    labels_csv = out_dir / "labels.csv"
    with _writing(labels_csv):
        pd.concat(tables, ignore_index=True).to_csv(labels_csv, index=False, float_format="%.6f")


def extract_corpus_partition(corpus_dir, partition: str, dimensions, cfg: dict, out_dir) -> None:
    """extract_partition for one partition of an AVEC 2016 layout folder."""
    extract_partition(corpus.index_partition(corpus_dir, partition, dimensions), dimensions, cfg, out_dir)


def load_partition(features_dir, dimensions) -> list[dict]:
    """Stacked features and labels of a partition: [{'recording', 'features' (T, D), 'labels' {dim: (T,)} or None}]."""
    features_dir = Path(features_dir)
    stacked = kaldiio.load_scp(str(features_dir / "stacked.scp"))
    labels = pd.read_csv(features_dir / "labels.csv")
    items = []
    for recording, rows in labels.groupby("recording", sort=False):
        x = np.asarray(stacked[recording], dtype=np.float32)
        y = None
        if not rows[list(dimensions)].isna().any().any():
            y = {d: rows[d].to_numpy(dtype=np.float32) for d in dimensions}
        items.append({"recording": recording, "features": x, "labels": y})
    return items
