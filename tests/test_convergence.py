"""The tables' convergence columns (analysis/convergence.py)."""

import pytest

from longterm_emotion.analysis.convergence import convergence_summary


def test_median_best_epoch_and_share_of_runs_at_the_cap():
    summary = convergence_summary([3, 10, 5], [False, True, False])
    assert summary == {"median_best_epoch": 5.0, "share_at_cap": pytest.approx(1 / 3)}
    assert convergence_summary([4, 6], [True, True]) == {"median_best_epoch": 5.0, "share_at_cap": 1.0}
