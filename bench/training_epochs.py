"""Benchmark: seconds per training epoch of every model on the full-size training partition.

Prints the single-filter sweep's epoch time at each L (all runs of one L vectorised) and the
ratio L_max / L_min, then each network with the final-run seeds and the settings the run's search chose
(config.yaml's where the run has none), and the wall time the
pipeline's own benchmark files recorded for the sweep and the training rules.
Usage: python bench/training_epochs.py [--results results] [--epochs 1]
"""

import argparse
import sys
import time
from pathlib import Path

import pandas as pd
import torch
import yaml

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "src"))
from longterm_emotion.experiments import common  # noqa: E402
from longterm_emotion.nets import build_model  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--results", default="results")
parser.add_argument("--epochs", type=int, default=1)
args = parser.parse_args()
config = yaml.safe_load((root / "config.yaml").read_text())
training.make_deterministic(1)
device = training.resolve_device(config["compute"]["device"])
sets = common.load_sets(Path(args.results) / "features", "arousal", device, ("train",))
print(f"training partition: {len(sets['train'])} recordings, {sum(r.x.shape[-1] for r in sets['train'])} frames, "
      f"device {device}, torch threads {torch.get_num_threads()}")


def epoch_seconds(model, lr):
    optimiser = torch.optim.Adam(model.param_groups(lr))
    times = []
    for _ in range(args.epochs):
        started = time.perf_counter()
        for rec in sets["train"]:
            optimiser.zero_grad()
            training.ccc_loss(model(rec.x), rec.y).sum().backward()
            optimiser.step()
        times.append(time.perf_counter() - started)
    return min(times)


sweep = config["sweep"]
seeds = list(sweep["seeds"])
per_length = {}
for length in sweep["filter_lengths"]:
    model = build_model("single_filter", 160, seeds, filter_length=length, fft_size=sweep["fft_size"])
    per_length[length] = epoch_seconds(model.to(device), sweep["optim"]["lr"])
    print(f"sweep L={length:5d}: {per_length[length]:.2f} s per epoch ({len(seeds)} runs vectorised)")
lengths = sorted(per_length)
print(f"epoch time ratio L={lengths[-1]} / L={lengths[0]}: {per_length[lengths[-1]] / per_length[lengths[0]]:.2f}")
for name in ("dilated", "downup", "blstm"):
    for dimension in config["dimensions"]:
        chosen = Path(args.results) / "tune" / f"{name}_{dimension}.yaml"  # the run's search result, if it has one
        settings = yaml.safe_load(chosen.read_text())["settings"] if chosen.is_file() else config["models"][name][dimension]
        source = "the run's chosen settings" if chosen.is_file() else "config.yaml's settings"
        model = build_model(name, 160, config["train"]["seeds"], **settings["net"]).to(device)
        print(f"{name:8s} {dimension:8s}: {epoch_seconds(model, settings['optim']['lr']):.2f} s per epoch "
              f"({len(config['train']['seeds'])} seeds vectorised, {model.n_parameters_per_member()} parameters each; "
              f"{source})")

bench = Path(args.results) / "benchmarks"
for label, pattern in (("sweep_length", "sweep/*.tsv"), ("tune (grid points)", "tune/*/*.tsv"), ("train (nets, baselines)", "train/*.tsv")):
    files = sorted(bench.glob(pattern))
    if files:
        total = sum(pd.read_csv(f, sep="\t")["s"].iloc[0] for f in files)
        print(f"pipeline benchmark files, {label}: {len(files)} jobs, {total:.0f} s of job wall time summed")
