"""Benchmark: the pipeline's timing function next to a bare PyTorch loop of the same network.

For each network (the config's settings for the first dimension, one seed, the whole training
partition, the configured torch threads): seconds per epoch from
``experiments.timing.time_epochs`` (what rule training_time writes into the training-time table)
and from a bare loop (build the same model, Adam, one step per recording), both the median of
`--epochs` epochs after `--warmup` untimed ones, measured alternately in one process. Prints the
ratio pipeline / bare (target at most 1.2), and the same bare loop with deterministic kernels
(what training jobs use) to show that setting's cost. Run it with the machine otherwise idle.
Usage: python bench/training_time.py [--results results] [--epochs 5] [--warmup 1] [--configfile config.yaml]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch
import yaml

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "src"))
from longterm_emotion.experiments import common, timing  # noqa: E402
from longterm_emotion.nets import build_model, ccc_loss  # noqa: E402
from longterm_emotion.nets.training import resolve_device  # noqa: E402
from longterm_emotion.settings import NetworkSettings  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--results", default="results")
parser.add_argument("--configfile", default=str(root / "config.yaml"))
parser.add_argument("--epochs", type=int, default=5)
parser.add_argument("--warmup", type=int, default=1)
parser.add_argument("--networks", nargs="*", default=["dilated", "downup", "blstm"])
args = parser.parse_args()
config = yaml.safe_load(Path(args.configfile).read_text())
torch.set_num_threads(config["compute"]["threads"])
dimension = config["dimensions"][0]
device = resolve_device(config["compute"]["device"])
sets = common.load_sets(Path(args.results) / "features", dimension, device, ("train",))
train = sets["train"]
print(f"training partition: {len(train)} recordings, {sum(r.x.shape[-1] for r in train)} frames, device {device}, "
      f"torch threads {torch.get_num_threads()}, median of {args.epochs} epochs after {args.warmup} warm-up")


def bare_loop(network: str, net: dict, lr: float) -> float:
    """The plainest training loop of the same model: seconds per epoch (median after warm-up)."""
    model = build_model(network, train[0].x.shape[1], [0], **net).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    seconds = []
    for _ in range(args.warmup + args.epochs):
        started = time.perf_counter()
        for rec in train:
            optimiser.zero_grad()
            ccc_loss(model(rec.x), rec.y).sum().backward()
            optimiser.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds[args.warmup:])


for network in args.networks:
    settings = NetworkSettings.from_config(config["models"][network][dimension])
    bare = bare_loop(network, settings.net, settings.optim.lr)
    pipeline = timing.time_epochs(network, settings, sets, args.epochs, args.warmup)["seconds_per_epoch"]
    torch.use_deterministic_algorithms(True)
    deterministic = bare_loop(network, settings.net, settings.optim.lr)
    torch.use_deterministic_algorithms(False)
    print(f"{network:8s}: pipeline {pipeline:.3f} s/epoch, bare loop {bare:.3f} s/epoch, ratio {pipeline / bare:.2f}; "
          f"bare loop with deterministic kernels {deterministic:.3f} s/epoch ({deterministic / bare:.2f}x)")
