"""Smoothness of a predicted (or gold) trajectory: frame-to-frame change and power above a cutoff."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .spectrum import pooled_cumulative_power, share_below


def smoothness(values: np.ndarray, recordings: np.ndarray, rate: float, cutoff_hz: float) -> tuple[float, float]:
    """(mean absolute frame-to-frame change, share of fluctuation power above cutoff_hz) pooled over recordings."""
    steps, curves = [], {}
    for rec in pd.unique(recordings):
        y = values[recordings == rec]
        steps.append(np.abs(np.diff(y)))
        curves[rec] = y
    freqs, cumshare = pooled_cumulative_power(curves, rate)
    return float(np.concatenate(steps).mean()), 1.0 - share_below(freqs, cumshare, cutoff_hz)
