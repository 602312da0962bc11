"""eGeMAPS v02 low-level descriptors (openSMILE), aligned to the label rows like the fbank features.

One job per recording writes the 25 descriptors at 10 ms (`extract_recording`);
one job per partition gathers them (`gather_partition`) into Kaldi archives
beside a copy of the fbank features' labels.csv:

- lld.{ark,scp}: the raw descriptors, (frames, 25) per recording;
- stacked.{ark,scp}: per-recording z-normalised descriptors stacked to the label
  rate, (rows, stack * 25), by the alignment rule of data/features.py (row t
  holds frames stack*t ... stack*t+stack-1, each clamped to the last frame) and
  with exactly the rows of the fbank features' labels.csv, so the networks can
  read them in place of the fbank ones (features.frontend: egemaps);
- labels.csv: the fbank features' labels.csv, unchanged.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import kaldiio
import numpy as np
import opensmile
import pandas as pd

from ..errors import InputDataError
from .audio import load_audio
from .features import normalise, stack_frames

# The 25 descriptors per 10 ms frame of eGeMAPS v02 (openSMILE's LowLevelDescriptors level), in column
# order; tests check them against opensmile's own list. The "nz" ones are 0 (or -201) in unvoiced frames.
LLD_NAMES = (
    "Loudness_sma3", "alphaRatio_sma3", "hammarbergIndex_sma3", "slope0-500_sma3", "slope500-1500_sma3",
    "spectralFlux_sma3", "mfcc1_sma3", "mfcc2_sma3", "mfcc3_sma3", "mfcc4_sma3", "F0semitoneFrom27.5Hz_sma3nz",
    "jitterLocal_sma3nz", "shimmerLocaldB_sma3nz", "HNRdBACF_sma3nz", "logRelF0-H1-H2_sma3nz",
    "logRelF0-H1-A3_sma3nz", "F1frequency_sma3nz", "F1bandwidth_sma3nz", "F1amplitudeLogRelF0_sma3nz",
    "F2frequency_sma3nz", "F2bandwidth_sma3nz", "F2amplitudeLogRelF0_sma3nz", "F3frequency_sma3nz",
    "F3bandwidth_sma3nz", "F3amplitudeLogRelF0_sma3nz",
)
NUM_LLDS = len(LLD_NAMES)


@functools.lru_cache(maxsize=1)
def _smile() -> opensmile.Smile:
    return opensmile.Smile(feature_set=opensmile.FeatureSet.eGeMAPSv02,
                           feature_level=opensmile.FeatureLevel.LowLevelDescriptors)


def smile_lld_names() -> list[str]:
    """openSMILE's own names of the descriptors it extracts (LLD_NAMES must equal them)."""
    return list(_smile().feature_names)


def compute_llds(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """eGeMAPS v02 descriptors of float samples in [-1, 1): (frames, 25) float32, one frame per 10 ms."""
    signal = np.ascontiguousarray(samples, dtype=np.float32)[None, :]
    table = _smile().process_signal(signal, sample_rate)
    if tuple(table.columns) != LLD_NAMES:
        raise RuntimeError(f"opensmile returned descriptors {list(table.columns)}, expected {list(LLD_NAMES)}")
    return table.to_numpy(dtype=np.float32)


def recording_llds(samples: np.ndarray, sample_rate: int, source) -> np.ndarray:
    """Descriptors of one recording from load_audio's samples (16-bit integer scale); InputDataError naming `source`
    when the audio is shorter than one analysis window."""
    llds = compute_llds(samples / 32768.0, int(sample_rate))
    if len(llds) == 0:
        raise InputDataError(source, "audio is shorter than one eGeMAPS analysis window")
    return llds


def extract_recording(*, audio, sample_rate: int, out_path) -> np.ndarray:
    """Rule egemaps_recording: descriptors of one recording's audio file, written as a one-matrix Kaldi ark."""
    path = Path(audio)
    llds = recording_llds(load_audio(path, int(sample_rate)), int(sample_rate), path)
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    kaldiio.save_mat(str(out_path), llds)
    return llds


def gather_partition(lld_files: dict[str, str], labels_csv, cfg: dict, out_dir) -> None:
    """Rule egemaps_partition: lld/stacked archives of one partition, rows taken from labels_csv.

    `lld_files` maps recording -> the ark written by extract_recording; `labels_csv`
    is the fbank features' labels.csv of the same partition (its rows per recording
    are the alignment); `cfg` is the `features` config section (stack, std_floor).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    labels = pd.read_csv(labels_csv)
    rows = labels.groupby("recording", sort=False).size()
    missing = sorted(set(rows.index) - set(lld_files))
    if missing:
        raise InputDataError(labels_csv, f"no eGeMAPS descriptors for recordings {missing}")
    writers = {name: kaldiio.WriteHelper(f"ark,scp:{out_dir / name}.ark,{out_dir / name}.scp")
               for name in ("lld", "stacked")}
    try:
        for recording, count in rows.items():
            llds = np.asarray(kaldiio.load_mat(str(lld_files[recording])), dtype=np.float32)
            if llds.ndim != 2 or llds.shape[1] != NUM_LLDS or len(llds) == 0:
                raise InputDataError(lld_files[recording], f"expected (frames, {NUM_LLDS}) descriptors, got {llds.shape}")
            normalised, _, _ = normalise(llds, cfg["std_floor"])
            writers["lld"](recording, llds)
            writers["stacked"](recording, stack_frames(normalised, int(cfg["stack"]), int(count)))
    finally:
        for writer in writers.values():
            writer.close()
    shutil.copyfile(labels_csv, out_dir / "labels.csv")


def load_llds(features_dir, dimensions, stack: int, label_partition: bool = True) -> list[dict]:
    """Raw descriptors of a partition aligned to its label rows.

    Returns [{'recording', 'frames' (rows * stack, 25) float64: the frames of each
    label row in order (the stacking rule, unnormalised), 'rows', 'labels' {dim: (rows,)}
    or None}]. With label_partition=False the label columns are not read at all
    (only the recording ids and row counts), so a caller can predict a partition
    without touching its labels.
    """
    features_dir = Path(features_dir)
    lld = kaldiio.load_scp(str(features_dir / "lld.scp"))
    columns = ["recording", *dimensions] if label_partition else ["recording"]
    labels = pd.read_csv(features_dir / "labels.csv", usecols=columns)
    items = []
    for recording, group in labels.groupby("recording", sort=False):
        count = len(group)
        frames = stack_frames(np.asarray(lld[recording], dtype=np.float64), stack, count).reshape(count * stack, -1)
        y = None
        if label_partition and not group[list(dimensions)].isna().any().any():
            y = {d: group[d].to_numpy(dtype=np.float64) for d in dimensions}
        items.append({"recording": recording, "frames": frames, "rows": count, "labels": y})
    return items
