"""Label study of Section 5.2: spectrum and downsampling/upsampling of gold-standard labels.

The paper states that more than 95 percent of the power of the RECOLA emotion
trajectories (25 Hz) lies below 1 Hz, and that uniform downsampling followed by
spline interpolation back to 25 Hz loses less than 5 percent CCC up to factor 64
(Figure 4). The functions here measure both on any corpus.

Trajectories are passed as ``trajectories[dimension][recording] -> 1-D array``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.interpolate import make_interp_spline

from longterm_emotion.metrics import ccc

SPLINE_ORDERS = {"linear": 1, "quadratic": 2, "cubic": 3}


def _check_trajectory(y) -> np.ndarray:
    """Return ``y`` as a 1-D float64 array; reject other shapes and non-finite values."""
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"trajectory must be 1-D, got shape {y.shape}")
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise ValueError(
            f"trajectory has {bad.size} non-finite value(s) (NaN or inf), first at index {bad[0]}"
        )
    return y


def _named(where: str, func, *args):
    """Call ``func(*args)``; prefix a ValueError's message with ``where`` (e.g. the recording)."""
    try:
        return func(*args)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from err


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
    y = _check_trajectory(y)
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
        freqs, power = _named(f"recording {name!r}", power_spectrum, y, rate)
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
            share = _named(where, power_share_below, y, rate, cutoff_hz)
            n = np.asarray(y).size
            rows.append((dimension, name, n, n / rate, cutoff_hz, share))
        pooled = share_below(*pooled_cumulative_power(recordings, rate), cutoff_hz)
        n_all = sum(np.asarray(y).size for y in recordings.values())
        rows.append((dimension, "ALL", n_all, n_all / rate, cutoff_hz, pooled))
    columns = ["dimension", "recording", "n_samples", "duration_s", "cutoff_hz", "share_below"]
    return pd.DataFrame(rows, columns=columns)


def kept_indices(n: int, factor: int) -> np.ndarray:
    """Indices kept by uniform downsampling: 0, f, 2f, ..., plus always the last sample n - 1.

    Keeping the last sample means the spline never extrapolates past the
    final kept sample; the last kept interval may be shorter than ``factor``.
    """
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)):
        raise ValueError(f"downsampling factor must be an integer, got {factor!r}")
    if factor < 1:
        raise ValueError(f"downsampling factor must be >= 1, got {factor}")
    if n < 1:
        raise ValueError("trajectory is empty")
    index = np.arange(0, n, factor)
    if index[-1] != n - 1:
        index = np.append(index, n - 1)
    return index


def downsample_reconstruct(y, factor: int, spline: str = "cubic") -> np.ndarray:
    """Downsample ``y`` uniformly by ``factor`` and rebuild it at the original rate.

    Keeps the samples given by ``kept_indices`` and interpolates them with a
    scipy interpolating B-spline (``make_interp_spline``, default not-a-knot
    ends) of order 1, 2 or 3 for ``spline`` = "linear", "quadratic", "cubic".
    The rebuilt trajectory has the length of ``y`` and passes through every
    kept sample. Factor 1 returns ``y`` unchanged (as a float64 copy).
    """
    y = _check_trajectory(y)
    if spline not in SPLINE_ORDERS:
        raise ValueError(f"spline must be one of {sorted(SPLINE_ORDERS)}, got {spline!r}")
    index = kept_indices(y.size, factor)
    if factor == 1:
        return y.copy()
    order = SPLINE_ORDERS[spline]
    if index.size < order + 1:
        raise ValueError(
            f"{spline} spline needs at least {order + 1} kept samples, but {y.size} samples "
            f"downsampled by {factor} keep only {index.size}"
        )
    return make_interp_spline(index, y[index], k=order)(np.arange(y.size))


def downsampling_table(
    trajectories: dict[str, dict[str, np.ndarray]], factors, spline: str = "cubic"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CCC between original and rebuilt labels per dimension and downsampling factor (Figure 4).

    Returns ``(summary, per_recording)``.

    ``per_recording`` (one row per dimension, factor, recording): dimension,
    factor, spline, recording, n_samples, n_kept, ccc.

    ``summary`` (one row per dimension, factor, in input order): dimension,
    factor, spline, n_recordings, ccc_mean, ccc_std (population, ddof=0),
    ccc_min, ccc_max over recordings; ccc_concat, the CCC of all recordings
    concatenated (as AVEC scores a partition); and relative_loss = 1 - ccc_mean
    (an unmodified signal has CCC 1).
    """
    factors = list(factors)
    if not factors:
        raise ValueError("no downsampling factors given")
    if not trajectories:
        raise ValueError("no dimensions given")
    long_rows, summary_rows = [], []
    for dimension, recordings in trajectories.items():
        if not recordings:
            raise ValueError(f"{dimension}: no recordings given")
        for factor in factors:
            originals, rebuilt, cccs = [], [], []
            for name, y in recordings.items():
                where = f"{dimension} / recording {name!r}"
                y_hat = _named(where, downsample_reconstruct, y, factor, spline)
                y = np.asarray(y, dtype=np.float64)
                n_kept = kept_indices(y.size, factor).size
                cccs.append(ccc(y, y_hat))
                originals.append(y)
                rebuilt.append(y_hat)
                long_rows.append((dimension, factor, spline, name, y.size, n_kept, cccs[-1]))
            cccs = np.array(cccs)
            summary_rows.append((
                dimension, factor, spline, cccs.size,
                cccs.mean(), cccs.std(), cccs.min(), cccs.max(),
                ccc(np.concatenate(originals), np.concatenate(rebuilt)),
                1.0 - cccs.mean(),
            ))
    summary = pd.DataFrame(summary_rows, columns=[
        "dimension", "factor", "spline", "n_recordings", "ccc_mean", "ccc_std",
        "ccc_min", "ccc_max", "ccc_concat", "relative_loss",
    ])
    per_recording = pd.DataFrame(long_rows, columns=[
        "dimension", "factor", "spline", "recording", "n_samples", "n_kept", "ccc",
    ])
    return summary, per_recording
