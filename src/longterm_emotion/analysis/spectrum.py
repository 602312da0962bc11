"""Spectrum of 25 Hz trajectories (gold standard or predictions): share of power below a cutoff.

The paper (Section 5.2) states that more than 95 percent of the power of the
RECOLA emotion trajectories lies below 1 Hz; these functions measure it on any
corpus. Trajectories are passed as ``trajectories[dimension][recording] -> 1-D array``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .checks import check_trajectory, named


def power_spectrum(y, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """One-sided periodogram of the fluctuation of ``y`` (its mean is removed first).

    The mean is removed because the paper's "95 percent of the power below
    1 Hz" is about how fast the labels move, not about their offset. Plain
    periodogram (rectangular window) via ``numpy.fft.rfft``. Bin ``k`` is at
    ``k * rate / N`` Hz (computed this way so that e.g. 1 Hz is exactly 1.0).
    Power is normalised so that ``power.sum()`` equals the population variance
    of ``y`` (Parseval): interior bins count twice, the DC bin and (for even N)
    the Nyquist bin once. A sinusoid of amplitude A on bin ``k`` gives A**2 / 2.
    """
    y = check_trajectory(y)
    if not rate > 0:
        raise ValueError(f"sample rate must be positive, got {rate}")
    n = y.size
    if n < 2:
        raise ValueError(f"trajectory needs at least 2 samples for a spectrum, got {n}")
    spectrum = np.fft.rfft(y - y.mean())
    power = np.abs(spectrum) ** 2 / n**2
    power[1 : (n + 1) // 2] *= 2.0  # bins mirrored in the negative frequencies
    freqs = np.arange(power.size) * rate / n
    return freqs, power


def _cumulative(freqs: np.ndarray, power: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative share of the non-DC power, on the positive frequencies."""
    freqs, power = freqs[1:], power[1:]
    total = power.sum()
    if not total > 0:
        raise ValueError("trajectory is constant: it has no fluctuation power")
    return freqs, np.cumsum(power) / total


def cumulative_power(y, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative share of fluctuation power, from above 0 to 1.

    Returns the positive bin frequencies (Hz; DC is left out since the mean is
    removed) and, for each, the share of power at frequencies <= that bin.
    """
    return _cumulative(*power_spectrum(y, rate))


def share_below(freqs: np.ndarray, cumshare: np.ndarray, cutoff_hz: float) -> float:
    """Share of power strictly below ``cutoff_hz`` read off a cumulative curve.

    A bin lying exactly on the cutoff is not counted; 0.0 when no bin is below.
    """
    below = np.flatnonzero(np.asarray(freqs) < cutoff_hz)
    return float(cumshare[below[-1]]) if below.size else 0.0


def power_share_below(y, rate: float, cutoff_hz: float) -> float:
    """Share of the fluctuation power (mean removed, DC excluded) at frequencies < ``cutoff_hz``.

    Bin convention: a bin whose frequency equals the cutoff exactly is counted
    as *not* below it (strict inequality).
    """
    return share_below(*cumulative_power(y, rate), cutoff_hz)


def pooled_cumulative_power(recordings: dict[str, np.ndarray], rate: float):
    """Cumulative share of fluctuation energy pooled over recordings.

    Each recording has its own mean removed and its periodogram scaled by its
    length (power x N = energy, so longer recordings weigh more, and equal-length
    recordings weigh equally). Energies of all recordings are merged per
    frequency and accumulated, so the curve at ``f`` is the share of all the
    corpus' fluctuation energy at frequencies <= ``f``. Returns (freqs, cumshare).
    """
    if not recordings:
        raise ValueError("no recordings given")
    all_freqs, all_energy = [], []
    for name, y in recordings.items():
        freqs, power = named(f"recording {name!r}", power_spectrum, y, rate)
        all_freqs.append(freqs)
        all_energy.append(power * np.asarray(y).size)
    freqs, index = np.unique(np.concatenate(all_freqs), return_inverse=True)
    energy = np.bincount(index, weights=np.concatenate(all_energy))
    return _cumulative(freqs, energy)


def spectrum_table(
    trajectories: dict[str, dict[str, np.ndarray]], rate: float, cutoff_hz: float
) -> pd.DataFrame:
    """Share of fluctuation power below ``cutoff_hz`` per (dimension, recording).

    Columns: dimension, recording, n_samples, duration_s, cutoff_hz, share_below.
    After each dimension's recordings comes a row with recording "ALL": the
    share of the summed fluctuation energy of all its recordings (see
    ``pooled_cumulative_power``), i.e. the mean of the recording shares
    weighted by each recording's fluctuation energy (length x variance). Bin convention as in ``power_share_below``.
    """
    if not trajectories:
        raise ValueError("no dimensions given")
    rows = []
    for dimension, recordings in trajectories.items():
        if not recordings:
            raise ValueError(f"{dimension}: no recordings given")
        for name, y in recordings.items():
            where = f"{dimension} / recording {name!r}"
            share = named(where, power_share_below, y, rate, cutoff_hz)
            n = np.asarray(y).size
            rows.append((dimension, name, n, n / rate, cutoff_hz, share))
        pooled = share_below(*pooled_cumulative_power(recordings, rate), cutoff_hz)
        n_all = sum(np.asarray(y).size for y in recordings.values())
        rows.append((dimension, "ALL", n_all, n_all / rate, cutoff_hz, pooled))
    columns = ["dimension", "recording", "n_samples", "duration_s", "cutoff_hz", "share_below"]
    return pd.DataFrame(rows, columns=columns)
