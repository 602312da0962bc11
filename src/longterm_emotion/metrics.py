"""Evaluation metrics as the paper defines them (population moments)."""

from __future__ import annotations

import numpy as np


def ccc(y_true, y_pred) -> float:
    """Concordance correlation coefficient, 2 cov / (var_y + var_p + (mu_y - mu_p)^2).

    Moments are population moments (divide by N). Two constant, equal
    sequences have no defined CCC; they give 1 when identical and 0 otherwise.
    """
    y = np.asarray(y_true, dtype=np.float64).ravel()
    p = np.asarray(y_pred, dtype=np.float64).ravel()
    if y.shape != p.shape:
        raise ValueError(f"ccc: lengths differ ({y.size} labels, {p.size} predictions)")
    if y.size == 0:
        raise ValueError("ccc: empty input")
    mu_y, mu_p = y.mean(), p.mean()
    cov = np.mean((y - mu_y) * (p - mu_p))
    denom = y.var() + p.var() + (mu_y - mu_p) ** 2
    if denom == 0.0:
        return 1.0 if np.array_equal(y, p) else 0.0
    return float(2.0 * cov / denom)


def rmse(y_true, y_pred) -> float:
    """Root mean squared error."""
    y = np.asarray(y_true, dtype=np.float64).ravel()
    p = np.asarray(y_pred, dtype=np.float64).ravel()
    if y.shape != p.shape:
        raise ValueError(f"rmse: lengths differ ({y.size} labels, {p.size} predictions)")
    return float(np.sqrt(np.mean((y - p) ** 2)))
