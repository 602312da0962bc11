"""Kaldi log mel filterbank features, per-recording normalisation, stacking to the label rate.

Alignment rule (the one place it is stated): a recording of D seconds has
T = floor(D * label_rate) + 1 label rows (frame times 0, 1/label_rate, ...; 7501
for 300 s at 25 Hz). Stacked row t holds fbank frames stack*t ... stack*t+stack-1,
each index clamped to the last frame, so the tail repeats the last frame. When a
gold standard exists its row count is used as T, provided it is within one row
of the audio's T; otherwise the recording is rejected.
"""

from __future__ import annotations

from pathlib import Path

import kaldi_native_fbank as knf
import kaldiio
import numpy as np
import pandas as pd

from .. import constants
from ..errors import InputDataError
from . import corpus
from .audio import load_audio


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


# Samples handed to the fbank extractor at a time (100 s at 16 kHz): bounds the float32 copy.
FBANK_CHUNK = 1_600_000


def compute_fbank(samples, cfg: dict) -> np.ndarray:
    """Log mel filterbank of samples at cfg['sample_rate'] (16-bit scale), shape (frames, bins).

    `samples` is one array or an iterable of consecutive blocks of one recording (e.g.
    data.audio.audio_blocks). Kaldi's online fbank keeps the samples that do not yet fill
    a frame, so the frames do not depend on how the signal is cut into blocks; finished
    frames are copied out and released as the extractor goes.
    """
    extractor = knf.OnlineFbank(fbank_options(cfg))
    rate = float(cfg["sample_rate"])
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
        return np.zeros((0, int(cfg["num_mel_bins"])), dtype=np.float32)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


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


def features_for_audio(samples, cfg: dict, rows: int | None = None, source=None) -> tuple[np.ndarray, np.ndarray]:
    """The pipeline's features of one recording: (raw fbank frames, normalised stacked rows).

    `samples` are mono at cfg['sample_rate'] on the 16-bit scale (what load_audio gives),
    as one array or as consecutive blocks (data.audio.audio_blocks; same frames, less
    memory). `rows` defaults to the alignment rule's count for the audio (see the module
    rule); extract_partition passes the gold standard's count. Training features and the
    features of `longterm-emotion predict` both come from here, so they cannot drift.
    `source` (a path) names the audio in the error raised when it is shorter than one window.
    """
    blocks = [samples] if isinstance(samples, np.ndarray) else samples
    count = [0]

    def counted():
        for block in blocks:
            count[0] += len(block)
            yield block

    frames = compute_fbank(counted(), cfg)
    if len(frames) == 0:
        raise InputDataError(source if source is not None else "<audio>", "audio is shorter than one analysis window")
    if rows is None:
        rows = num_label_frames(count[0], cfg["sample_rate"], label_rate(cfg))
    normalised, _, _ = normalise(frames, cfg["std_floor"])
    return frames, stack_frames(normalised, int(cfg["stack"]), rows)


def cmvn_stats(frames: np.ndarray) -> np.ndarray:
    """Kaldi CMVN statistics matrix: row 0 = sums and count, row 1 = sums of squares."""
    stats = np.zeros((2, frames.shape[1] + 1), dtype=np.float64)
    stats[0, :-1] = frames.sum(axis=0, dtype=np.float64)
    stats[0, -1] = len(frames)
    stats[1, :-1] = np.square(frames, dtype=np.float64).sum(axis=0)
    return stats


def _aligned_rows(labels, audio_rows: int, arff_paths: dict) -> int:
    if labels is None:
        return audio_rows
    lengths = {d: len(v) for d, v in labels.items()}
    for dimension, length in lengths.items():
        if abs(length - audio_rows) > 1:
            raise InputDataError(
                arff_paths[dimension],
                f"{length} label rows but the audio gives {audio_rows} rows at the label rate "
                "(labels and audio differ by more than one frame)",
            )
    if len(set(lengths.values())) > 1:
        raise InputDataError(next(iter(arff_paths.values())).parent.parent, f"dimensions differ in length: {lengths}")
    return next(iter(lengths.values()))


def extract_partition(corpus_dir, partition: str, dimensions, cfg: dict, out_dir) -> None:
    """Features and aligned labels of one partition, written to out_dir.

    Files: fbank.{ark,scp} (raw log mel frames), cmvn.{ark,scp} (Kaldi CMVN
    statistics per recording), stacked.{ark,scp} (normalised, stacked, one row
    per label frame) and labels.csv (recording, frame, frameTime, one column per
    dimension; empty where a test recording has no labels).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rate = label_rate(cfg)
    tables = []
    writers = {name: kaldiio.WriteHelper(f"ark,scp:{out_dir / name}.ark,{out_dir / name}.scp") for name in ("fbank", "cmvn", "stacked")}
    try:
        for recording in corpus.list_recordings(corpus_dir, partition):
            audio = corpus.audio_path(corpus_dir, recording)
            samples = load_audio(audio, int(cfg["sample_rate"]))
            labels = corpus.read_labels(corpus_dir, partition, recording, dimensions)
            arff_paths = {d: corpus.gold_standard_path(corpus_dir, d, recording) for d in dimensions}
            rows = _aligned_rows(labels, num_label_frames(len(samples), cfg["sample_rate"], rate), arff_paths)
            frames, stacked = features_for_audio(samples, cfg, rows, source=audio)
            writers["fbank"](recording, frames)
            writers["cmvn"](recording, cmvn_stats(frames))
            writers["stacked"](recording, stacked)
            table = pd.DataFrame({"recording": recording, "frame": np.arange(rows), "frameTime": np.arange(rows) / rate})
            for dimension in dimensions:
                table[dimension] = labels[dimension] if labels is not None else np.nan
            tables.append(table)
    finally:
        for writer in writers.values():
            writer.close()
    pd.concat(tables, ignore_index=True).to_csv(out_dir / "labels.csv", index=False, float_format="%.6f")


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
