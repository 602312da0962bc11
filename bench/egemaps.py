"""Benchmark: eGeMAPS v02 descriptor extraction (openSMILE) in x real time per core, and the linear SVR fit.

Generates synthetic recordings of the default length, extracts their descriptors one after
the other in one process (what one egemaps_recording job does, audio reading included) and
times one LinearSVR fit on a default-size training partition of functionals (9 x 7501 rows,
50 features), next to sklearn's SVR(kernel='linear') on subsets (it grows about with n^2).

Usage: python bench/egemaps.py [--duration 300] [--recordings 3] [--svr-subsets 2000 4000]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from longterm_emotion.data import egemaps, synthetic  # noqa: E402
from longterm_emotion.experiments import avec_baseline  # noqa: E402
from longterm_emotion.frontends import pipeline  # noqa: E402
from longterm_emotion.settings import Svr  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--duration", type=float, default=300.0)
parser.add_argument("--recordings", type=int, default=3)
parser.add_argument("--svr-subsets", type=int, nargs="*", default=[2000, 4000])
args = parser.parse_args()

config = yaml.safe_load((Path(__file__).resolve().parents[1] / "config.yaml").read_text())
cfg = {**config["synthetic"], "duration_s": args.duration, "recordings": {"train": args.recordings, "dev": 1, "test": 1}}
rate = int(config["features"]["sample_rate"])
egemaps.compute_llds(np.zeros(rate, dtype=np.float32), rate)  # openSMILE's start-up, paid once per job
with tempfile.TemporaryDirectory() as tmp:
    names = synthetic.write_corpus(Path(tmp) / "corpus", cfg, workers=2)
    train = [n for n in names if n.startswith("train_")]
    walls, cpus, frames = [], [], 0
    for name in train:
        start_cpu, start = time.process_time(), time.perf_counter()
        llds = pipeline.extract_recording(frontend="egemaps", features_cfg={"sample_rate": rate},
                                          audio=Path(tmp) / "corpus" / "recordings_audio" / f"{name}.wav",
                                          out_path=Path(tmp) / f"{name}.ark")
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
        frames += len(llds)
audio = args.duration * len(train)
print(f"eGeMAPS v02 LLDs of {len(train)} x {args.duration:g} s ({frames} frames of 25 descriptors): "
      f"{sum(walls):.1f} s wall, {sum(cpus):.1f} s CPU -> {audio / sum(walls):.0f}x real time per core (wall), "
      f"{audio / sum(cpus):.0f}x per CPU second; per recording {min(walls):.2f}-{max(walls):.2f} s wall")

rng = np.random.default_rng(0)
n = 9 * 7501
X = rng.standard_normal((n, 50))
y = X @ rng.standard_normal(50) * 0.01 + 0.1 * rng.standard_normal(n)
svr = Svr.from_config(config["avec_baseline"]["svr"])
for C in config["avec_baseline"]["C"]:
    start = time.perf_counter()
    avec_baseline.make_svr(C, svr).fit(X, y)
    print(f"LinearSVR ({svr.loss}), {n} rows x 50, C={C:g}: {time.perf_counter() - start:.2f} s")
from sklearn.svm import SVR  # noqa: E402

for m in args.svr_subsets:
    start = time.perf_counter()
    SVR(kernel="linear", C=1e-3).fit(X[:m], y[:m])
    print(f"SVR(kernel='linear') on a {m}-row subset: {time.perf_counter() - start:.2f} s "
          f"(x{(n / m) ** 2:.0f} rows^2 to the full partition)")
