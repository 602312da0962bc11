"""Benchmark: bootstrap intervals and paired differences at the paper's size.

9 recordings x 7,501 frames, 6 methods, 2,000 resamples: seconds for the per-method intervals
and for every pairwise difference.

Usage: python bench/bootstrap.py [--recordings 9] [--frames 7501] [--methods 6] [--resamples 2000]
"""

import argparse
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from longterm_emotion.analysis import bootstrap  # noqa: E402
from longterm_emotion.settings import Evidence  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--recordings", type=int, default=9)
parser.add_argument("--frames", type=int, default=7501)
parser.add_argument("--methods", type=int, default=6)
parser.add_argument("--resamples", type=int, default=2000)
args = parser.parse_args()

rng = np.random.default_rng(0)
gold = np.cumsum(rng.normal(size=(args.recordings, args.frames)), axis=1).ravel() * 0.01
names = np.repeat(np.arange(args.recordings), args.frames)
predictions = {f"m{k}": gold + rng.normal(scale=0.01 * (k + 1), size=gold.size) for k in range(args.methods)}
evidence = Evidence(args.resamples, 0, 0.95)

started = time.perf_counter()
intervals = bootstrap.ccc_intervals(gold, predictions, names, evidence)
t_intervals = time.perf_counter() - started
started = time.perf_counter()
pairs = list(combinations(predictions, 2))
for a, b in pairs:
    bootstrap.paired_difference(gold, predictions[a], predictions[b], names, evidence)
t_pairs = time.perf_counter() - started
print(f"{args.recordings} recordings x {args.frames} frames, {args.methods} methods, {args.resamples} resamples")
print(f"intervals of all methods: {t_intervals:.3f} s")
print(f"{len(pairs)} paired differences: {t_pairs:.3f} s ({t_pairs / len(pairs):.3f} s each)")
