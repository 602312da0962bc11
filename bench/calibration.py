"""Calibration of the paired tests and intervals on simulated corpora shaped like RECOLA's partitions.

Each replicate: 9 recordings x 7,501 frames at 25 Hz; the gold standard a slow AR(1) trajectory
per recording with its own level; two methods predict gold * gain + noise, the noise smoothed and
its scale drawn per recording (0.3-1.5 x) so that recordings differ as real ones do. Under the null
the two methods are exchangeable (same distributions); under the alternative method A's noise is
scaled down so that E[CCC(A) - CCC(B)] is about `--effect`.

Prints, for the two-sided permutation test of the comparisons table, the one-sided test of the
scorecard and the sign-flip test of the margin claims: the rejection rate at 0.05 under the null
(goal 0.035-0.065), the power under the alternative, and the coverage of the 95 % percentile
bootstrap intervals. The last line is the permutation test's rejection rate over all nulls.

Usage: python bench/calibration.py [--nulls 2000] [--effect 0.03] > bench/results/calibration.txt
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.signal import lfilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from longterm_emotion.analysis import bootstrap, paired_tests  # noqa: E402
from longterm_emotion.settings import Evidence  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--nulls", type=int, default=2000)
parser.add_argument("--alternatives", type=int, default=500)
parser.add_argument("--recordings", type=int, default=9)
parser.add_argument("--frames", type=int, default=7501)
parser.add_argument("--effect", type=float, default=0.03)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()
EVIDENCE = Evidence(1000, 0, 0.95)


def replicate(rng, shrink: float):
    R, T = args.recordings, args.frames
    gold = lfilter([1.0], [1.0, -0.995], rng.normal(scale=0.1, size=(R, T)), axis=1) * 0.1
    gold += rng.normal(scale=0.1, size=(R, 1))
    scale = rng.uniform(0.3, 1.5, size=(R, 1)) * gold.std()

    def method(factor):
        noise = lfilter([1.0], [1.0, -0.9], rng.normal(size=(R, T)), axis=1) * 0.3
        return gold * 0.8 + factor * scale * noise * rng.uniform(0.8, 1.2, size=(R, 1))

    names = np.repeat(np.arange(R), T)
    return gold.ravel(), method(shrink).ravel(), method(1.0).ravel(), names


def run(count, shrink, seed):
    rng = np.random.default_rng(seed)
    two, one, flip, covered, diffs = [], [], [], [], []
    for _ in range(count):
        gold, a, b, names = replicate(rng, shrink)
        two.append(paired_tests.permutation_test(gold, a, b, names, "two-sided").p_value < 0.05)
        one.append(paired_tests.permutation_test(gold, a, b, names, "greater").p_value < 0.05)
        d, n = paired_tests.per_recording_differences(gold, a, b, names)
        flip.append(paired_tests.sign_flip_test(d, n, "greater").p_value < 0.05)
        diff = bootstrap.paired_difference(gold, a, b, names, EVIDENCE)
        covered.append((diff.low, diff.high))
        diffs.append(diff.estimate)
    return np.mean(two), np.mean(one), np.mean(flip), np.array(covered), np.array(diffs)


null_two, null_one, null_flip, null_intervals, _ = run(args.nulls, 1.0, args.seed)
# find the noise factor giving the target difference, then the power there
shrink = 0.9
for _ in range(5):
    _, _, _, _, d = run(40, shrink, args.seed + 1)
    shrink = 1.0 - (1.0 - shrink) * args.effect / max(d.mean(), 1e-3)
alt_two, alt_one, alt_flip, alt_intervals, alt_d = run(args.alternatives, shrink, args.seed + 2)
true_effect = alt_d.mean()
null_cover = np.mean((null_intervals[:, 0] <= 0) & (null_intervals[:, 1] >= 0))
alt_cover = np.mean((alt_intervals[:, 0] <= true_effect) & (alt_intervals[:, 1] >= true_effect))

print(f"corpus: {args.recordings} recordings x {args.frames} frames, recording-level error scales 0.3-1.5x")
print(f"nulls: {args.nulls}; alternatives: {args.alternatives} at mean CCC(A) - CCC(B) = {true_effect:.4f}")
print(f"one-sided permutation test (scorecard): rejection at 0.05 under the null {null_one:.3f}, power {alt_one:.3f}")
print(f"sign-flip test of per-recording differences (margin claims): rejection {null_flip:.3f}, power {alt_flip:.3f}")
print(f"two-sided permutation test (comparisons table): power {alt_two:.3f}")
print(f"95 % percentile bootstrap interval of the difference: coverage {null_cover:.3f} under the null, "
      f"{alt_cover:.3f} under the alternative (nominal 0.95; 9 recordings under-cover)")
print(f"two-sided permutation test (comparisons table): rejection rate at 0.05 over {args.nulls} nulls = {null_two:.3f}")
