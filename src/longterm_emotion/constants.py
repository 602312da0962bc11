"""Names and numbers shared by the package and the workflow, each defined once."""

from __future__ import annotations

import math

PARTITIONS = ("train", "dev", "test")
DIMENSIONS = ("arousal", "valence")

# Column prefix of one run's predictions in predictions.csv (e.g. seed_0).
RUN_PREFIX = "seed_"


def label_rate(stack: int, frame_shift_ms: float) -> float:
    """Label frames per second implied by stacking: 1000 / (stack * shift_ms), 25 Hz by default."""
    return 1000.0 / (stack * frame_shift_ms)


def num_label_frames(duration_s: float, rate: float) -> int:
    """Alignment rule: a recording of D seconds has T = floor(D * rate) + 1 label rows (times 0, 1/rate, ...)."""
    return int(math.floor(duration_s * rate + 1e-9)) + 1

# The paper's thresholds on RECOLA (Section 5.2): more than 95 % of the label power lies below
# the cutoff (1 Hz), and downsampling plus spline reconstruction loses less than 5 % CCC up to factor 64.
PAPER_POWER_SHARE = 0.95
PAPER_MAX_CCC_LOSS = 0.05
# The paper's table of each dimension.
PAPER_TABLE_NUMBER = {"arousal": 1, "valence": 2}
