"""How a method's training runs converged: the tables' convergence columns."""

from __future__ import annotations

import numpy as np


def convergence_summary(best_epoch, hit_cap) -> dict:
    """Median best epoch and the share of runs that hit the epoch cap (the tables' convergence columns)."""
    return {"median_best_epoch": float(np.median(best_epoch)), "share_at_cap": float(np.mean(hit_cap))}
