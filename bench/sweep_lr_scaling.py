"""Benchmark: the sweep's single filter with and without the lr / L scaling of its weights, run long.

Trains the sweep's runs (vectorised) at the given lengths with patience 10 and a cap of
--max-epochs, once with `lr_per_length` (filter weights at lr / L, the pipeline's default) and once
without it at --unscaled-lr for every weight, and prints per length and variant the runs' mean best
dev CCC, their best epochs, the epochs trained and the seconds. Needs a finished run's features.
By default every length of the config's sweep (sweep.filter_lengths) and the sweep's seeds (sweep.seeds).
Usage: python bench/sweep_lr_scaling.py [--results results] [--dimension arousal]
       [--lengths 2 64 512 ...] [--unscaled-lr 0.002] [--max-epochs 150] [--seeds 0 1 2 3 4]
The README quotes its committed output (all lengths, both dimensions, the built-in corpus):
    python bench/sweep_lr_scaling.py --dimension arousal > bench/results/sweep_lr_scaling.txt
    python bench/sweep_lr_scaling.py --dimension valence | tail -n +2 >> bench/results/sweep_lr_scaling.txt
"""

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
import yaml

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "src"))
from longterm_emotion.experiments import common  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.settings import Optimiser, Protocol  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--results", default="results")
parser.add_argument("--dimension", default="arousal")
parser.add_argument("--lengths", type=int, nargs="*", default=None, help="default: sweep.filter_lengths")
parser.add_argument("--unscaled-lr", type=float, default=0.002)
parser.add_argument("--max-epochs", type=int, default=150)
parser.add_argument("--patience", type=int, default=10)
parser.add_argument("--seeds", type=int, nargs="*", default=None, help="default: sweep.seeds")
args = parser.parse_args()
sweep = yaml.safe_load((root / "config.yaml").read_text())["sweep"]
args.lengths = args.lengths or sweep["filter_lengths"]
args.seeds = args.seeds or sweep["seeds"]
training.make_deterministic(1)
sets = common.load_sets(Path(args.results) / "features", args.dimension, torch.device("cpu"), ("train", "dev"))
print(f"features {args.results}/features; seeds {list(args.seeds)}; patience {args.patience}, "
      f"at most {args.max_epochs} epochs; torch {torch.__version__}, python {platform.python_version()}, "
      f"{torch.get_num_threads()} thread(s)", flush=True)
variants = [("lr / L", True, sweep["optim"]["lr"]), ("unscaled", False, args.unscaled_lr)]
for length in args.lengths:
    for name, scaled, lr in variants:
        started = time.perf_counter()
        result = training.train("single_filter", {"filter_length": length, "fft_size": sweep["fft_size"],
                                                  "lr_per_length": scaled},
                                list(args.seeds), sets["train"], sets["dev"], Optimiser(lr, 0.0),
                                Protocol(args.max_epochs, args.patience, 0))
        print(f"{args.dimension:8s} L={length:5d} {name:8s} (lr {lr:g}): dev CCC {np.mean(result.best_dev_ccc):.3f} "
              f"± {np.std(result.best_dev_ccc):.3f}, best epochs {min(result.best_epoch)}-{max(result.best_epoch)}, "
              f"{result.epochs_run} epochs{' (cap)' if any(result.hit_cap) else ''}, "
              f"{time.perf_counter() - started:.0f} s", flush=True)
