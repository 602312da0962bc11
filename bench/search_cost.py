"""Benchmark: the cost of a model search (default: the paper-scale config/paper.yaml) on this machine.

Lists the grid points exactly as the workflow does, times one training epoch plus the dev
evaluation of every distinct architecture (the learning rate and L2 do not change the cost) with
the grid's seeds vectorised, on the full-size features of a finished run, and multiplies by the
epochs a point trains: the mean epochs of that network's grid points in the finished run's grid
tables (`--results`), and as an upper bound the protocol's max_epochs. Prints the job count and
the estimated core-hours (one torch thread per job, the configured device).
Usage: python bench/search_cost.py [--results results] [--overlay config/paper.yaml] [--limit N]
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import pandas as pd
import torch

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "src"))
from longterm_emotion.config import load_files  # noqa: E402
from longterm_emotion.experiments import common, grid  # noqa: E402
from longterm_emotion.nets import build_model, ccc_loss  # noqa: E402
from longterm_emotion.nets.training import predict, resolve_device  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--results", default="results")
parser.add_argument("--overlay", default="config/paper.yaml", help="config file applied over config.yaml ('' for none)")
parser.add_argument("--limit", type=int, default=0, help="time at most N architectures per network (0: all)")
args = parser.parse_args()


config = load_files(root / "config.yaml", *([root / args.overlay] if args.overlay else []))
search = config["grid"]
seeds = list(search["seeds"])
torch.set_num_threads(config["compute"]["threads"])
device = resolve_device(config["compute"]["device"])
dimension = config["dimensions"][0]
sets = common.load_sets(Path(args.results) / "features", dimension, device, ("train", "dev"))
print(f"search: {search['points']} points x {len(seeds)} seeds per network and dimension, "
      f"{len(config['dimensions'])} dimensions; device {device}, torch threads {torch.get_num_threads()}")


def epoch_seconds(network: str, net: dict) -> float:
    """One training epoch (one step per recording) plus the dev evaluation, all seeds vectorised."""
    model = build_model(network, sets["train"][0].x.shape[1], seeds, **net).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-4)
    started = time.perf_counter()
    for rec in sets["train"]:
        optimiser.zero_grad()
        ccc_loss(model(rec.x), rec.y).sum().backward()
        optimiser.step()
    predict(model, sets["dev"])
    return time.perf_counter() - started


def trained_epochs(network: str) -> float | None:
    """Mean epochs the finished run's final runs of this network trained (their protocol is the closest
    to a paper-scale search's), else None."""
    files = sorted(Path(args.results, "train", network).glob("*/convergence.csv"))
    return float(pd.concat([pd.read_csv(f) for f in files])["epochs"].mean()) if files else None


total_jobs, total_hours, total_bound = 0, 0.0, 0.0
for network in ("dilated", "downup", "blstm"):
    costs, measured = [], {}  # an architecture shared by both dimensions is timed once
    for dim in config["dimensions"]:
        points = grid.grid_points(config["models"][network][dim], search["space"][network], search["points"],
                                  search["sample_seed"])
        architectures = {json.dumps(p["net"], sort_keys=True) for p in points}
        for a in sorted(architectures - set(measured))[: args.limit or None]:
            measured[a] = epoch_seconds(network, json.loads(a))
        fill = statistics.mean(measured.values())
        costs += [measured.get(json.dumps(p["net"], sort_keys=True), fill) for p in points]
    epochs = trained_epochs(network) or search["protocol"]["max_epochs"]
    hours = sum(costs) * epochs / 3600
    bound = sum(costs) * search["protocol"]["max_epochs"] / 3600
    total_jobs += len(costs)
    total_hours += hours
    total_bound += bound
    print(f"{network:8s}: {len(costs)} jobs, {min(costs):.2f}-{max(costs):.2f} s per epoch (+dev), "
          f"~{epochs:.0f} epochs each: {hours:.1f} core-hours (at most {bound:.1f} at {search['protocol']['max_epochs']} epochs)")
print(f"total: {total_jobs} tune_point jobs, about {total_hours:.1f} core-hours (at most {total_bound:.1f})")
