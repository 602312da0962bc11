"""Input checks shared by the trajectory analyses."""

from __future__ import annotations

import numpy as np


def check_trajectory(y) -> np.ndarray:
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


def named(where: str, func, *args):
    """Call ``func(*args)``; prefix a ValueError's message with ``where`` (e.g. the recording)."""
    try:
        return func(*args)
    except ValueError as err:
        raise ValueError(f"{where}: {err}") from err
