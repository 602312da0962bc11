"""eGeMAPS v02 low-level descriptors (openSMILE): 25 per 10 ms frame.

The front end `egemaps` (frontends/egemaps.py) computes them per recording; the shared
front-end rules (frontends/pipeline.py) write them to results/egemaps/<partition>/
frames.{ark,scp}, normalised and stacked to the label rows in stacked.{ark,scp}, which
the networks read with features.frontend: egemaps and the AVEC baseline reads raw.
"""

from __future__ import annotations

import functools

import numpy as np
import opensmile

from ..errors import InputDataError

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
