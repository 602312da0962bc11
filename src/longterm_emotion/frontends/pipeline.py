"""What every front end shares: one recording's frames as a Kaldi archive, a partition's frames normalised per
recording and stacked to its label rows, and the same for audio in memory (``longterm-emotion predict``).

Alignment (data/features.py states the rule): stacked row t holds frames stack*t ... stack*t+stack-1,
each index clamped to the last frame, with exactly the rows of the partition's labels.csv (written by
the fbank extraction, which aligns the gold standard to the audio). `stack` is the label period over
the front end's frame shift.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import kaldiio
import numpy as np
import pandas as pd

from .. import layout
from ..constants import num_label_frames
from ..data.audio import load_audio
from ..data.features import normalise, stack_frames
from ..errors import InputDataError
from .registry import entry

# Archive names of a partition's folder (results/<front end>/<partition>/): layout.py.
FRAMES, STACKED, LABELS = layout.FRAMES, layout.STACKED, layout.LABELS


def recording_frames(frontend: str, features_cfg: dict, samples, source) -> np.ndarray:
    """The front end's frames of one recording's samples (load_audio's scale), checked for shape."""
    front = entry(frontend)
    options = front.options_of(features_cfg)
    frames = np.asarray(front.extract(samples, int(features_cfg["sample_rate"]), options, source=source),
                        dtype=np.float32)
    if frames.ndim != 2 or len(frames) == 0:
        raise InputDataError(source, f"audio is shorter than one analysis window of front end {frontend}")
    if frames.shape[1] != front.feature_dim(options):
        raise InputDataError(source, f"front end {frontend} gave {frames.shape[1]} columns, its feature dimension "
                                     f"is {front.feature_dim(options)}")
    return frames


def extract_recording(*, frontend: str, features_cfg: dict, audio, out_path) -> np.ndarray:
    """Rule frontend_recording: one recording's frames, written as a one-matrix Kaldi ark."""
    path = Path(audio)
    frames = recording_frames(frontend, features_cfg, load_audio(path, int(features_cfg["sample_rate"])), path)
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    kaldiio.save_mat(str(out_path), frames)
    return frames


def gather_partition(*, frontend: str, frame_files: dict[str, str], labels_csv, features_cfg: dict,
                     label_rate: float, out_dir) -> None:
    """Rule frontend_partition: frames/stacked archives of one partition, rows taken from labels_csv (the fbank
    features' of the same partition), and a copy of it."""
    front = entry(frontend)
    options = front.options_of(features_cfg)
    dim, stack = front.feature_dim(options), front.stack(options, label_rate)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = pd.read_csv(labels_csv).groupby("recording", sort=False).size()
    missing = sorted(set(rows.index) - set(frame_files))
    if missing:
        raise InputDataError(labels_csv, f"no {frontend} frames for recordings {missing}")
    writers = {name: kaldiio.WriteHelper(f"ark,scp:{out_dir / name}{layout.ARK},{out_dir / name}{layout.SCP}")
               for name in (FRAMES, STACKED)}
    try:
        for recording, count in rows.items():
            frames = np.asarray(kaldiio.load_mat(str(frame_files[recording])), dtype=np.float32)
            if frames.ndim != 2 or frames.shape[1] != dim or len(frames) == 0:
                raise InputDataError(frame_files[recording], f"expected ({frontend} frames, {dim}), got {frames.shape}")
            normalised, _, _ = normalise(frames, float(features_cfg["std_floor"]))
            writers[FRAMES](recording, frames)
            writers[STACKED](recording, stack_frames(normalised, stack, int(count)))
    finally:
        for writer in writers.values():
            writer.close()
    shutil.copyfile(labels_csv, out_dir / LABELS)


def stacked_samples(samples, features_cfg: dict, label_rate: float, rows: int | None = None, source=None) -> np.ndarray:
    """Normalised stacked rows (rows, stack * dim) of one recording's samples, exactly as gather_partition makes
    them. `samples` is an array, or for a front end that `streams` (fbank) also consecutive blocks of one.
    `rows` defaults to the alignment rule's count for the audio."""
    frontend = features_cfg["frontend"]
    front = entry(frontend)
    options = front.options_of(features_cfg)
    count = [0]

    def counted(blocks):
        for block in blocks:
            count[0] += len(block)
            yield block

    if isinstance(samples, np.ndarray):
        count[0] = len(samples)
    else:
        samples = counted(samples) if front.streams else np.concatenate(list(counted(samples)))
    frames = recording_frames(frontend, features_cfg, samples, source if source is not None else "<audio>")
    if rows is None:
        rows = num_label_frames(count[0] / float(features_cfg["sample_rate"]), label_rate)
    normalised, _, _ = normalise(frames, float(features_cfg["std_floor"]))
    return stack_frames(normalised, front.stack(options, label_rate), rows)


def load_frames(features_dir, dimensions, stack: int, label_partition: bool = True) -> list[dict]:
    """Raw frames of a partition aligned to its label rows.

    Returns [{'recording', 'frames' (rows * stack, dim) float64: the frames of each label row in
    order (the stacking rule, unnormalised), 'rows', 'labels' {dim: (rows,)} or None}]. With
    label_partition=False the label columns are not read at all (only the recording ids and row
    counts), so a caller can predict a partition without touching its labels.
    """
    features_dir = Path(features_dir)
    frames = kaldiio.load_scp(str(features_dir / f"{FRAMES}{layout.SCP}"))
    columns = ["recording", *dimensions] if label_partition else ["recording"]
    labels = pd.read_csv(features_dir / LABELS, usecols=columns)
    items = []
    for recording, group in labels.groupby("recording", sort=False):
        count = len(group)
        stacked = stack_frames(np.asarray(frames[recording], dtype=np.float64), stack, count).reshape(count * stack, -1)
        y = None
        if label_partition and not group[list(dimensions)].isna().any().any():
            y = {d: group[d].to_numpy(dtype=np.float64) for d in dimensions}
        items.append({"recording": recording, "frames": stacked, "rows": count, "labels": y})
    return items
