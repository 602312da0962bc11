"""Benchmark: synthetic corpus generation, fbank speed (x real time per core, I/O included), peak memory.

Usage: python bench/corpus_features.py [--duration 300] [--per-partition 9] [--workers 2]
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from longterm_emotion.constants import PARTITIONS
from longterm_emotion.data import features
from longterm_emotion.data import synthetic  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--duration", type=float, default=300.0)
parser.add_argument("--per-partition", type=int, default=9)
parser.add_argument("--workers", type=int, default=2)
args = parser.parse_args()

config = yaml.safe_load((Path(__file__).resolve().parents[1] / "config.yaml").read_text())
cfg = {**config["synthetic"], "duration_s": args.duration,
       "recordings": {p: args.per_partition for p in PARTITIONS}}
with tempfile.TemporaryDirectory() as tmp:
    started = time.perf_counter()
    names = synthetic.write_corpus(Path(tmp) / "corpus", cfg, workers=args.workers)
    generation = time.perf_counter() - started
    audio_s = len(names) * args.duration
    print(f"corpus: {len(names)} recordings x {args.duration:g} s, generated in {generation:.1f} s wall "
          f"with {args.workers} workers ({generation * args.workers / len(names):.2f} core-s per recording)")
    started_cpu, started = time.process_time(), time.perf_counter()
    for partition in PARTITIONS:
        features.extract_corpus_partition(Path(tmp) / "corpus", partition, ["arousal", "valence"], config["features"],
                                   Path(tmp) / "features" / partition)
    wall, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(f"fbank + normalisation + stacking + ark/scp writing, one process: {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"for {audio_s / 3600:.2f} h of audio -> {audio_s / wall:.0f}x real time per core (wall), "
          f"{audio_s / cpu:.0f}x per CPU second")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"peak memory: {peak:.0f} MiB (this process, features), {children:.0f} MiB (largest generator worker)")
