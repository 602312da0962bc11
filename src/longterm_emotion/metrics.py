"""Evaluation metrics as the paper defines them (population moments)."""

from __future__ import annotations

from collections.abc import Sequence

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


def score_partition(y_true: Sequence, y_pred: Sequence) -> dict:
    """CCC and RMSE over all recordings of a partition concatenated, as AVEC scores."""
    if len(y_true) != len(y_pred):
        raise ValueError(f"score_partition: {len(y_true)} label sequences, {len(y_pred)} prediction sequences")
    for i, (y, p) in enumerate(zip(y_true, y_pred)):
        if np.size(y) != np.size(p):
            raise ValueError(f"score_partition: recording {i} has {np.size(y)} labels, {np.size(p)} predictions")
    y = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in y_true])
    p = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in y_pred])
    return {"ccc": ccc(y, p), "rmse": rmse(y, p)}


def score_recordings(y_true: Sequence, y_pred: Sequence) -> list[dict]:
    """CCC and RMSE of each recording on its own."""
    return [{"ccc": ccc(y, p), "rmse": rmse(y, p)} for y, p in zip(y_true, y_pred, strict=True)]
