"""Benchmark: what other early-stopping rules would have given, replayed from a run's recorded dev curves.

Training is deterministic up to the stop, so a final run's history.csv (dev CCC of every run after
every epoch) tells exactly where a rule with another patience or a lower cap would have stopped and
which best epochs it would have kept (a higher cap than the run's can only be replayed while the
curves last). Prints, per trained network and dimension and per rule: the epoch the runs stop, the
runs' mean best dev CCC, the runs at the cap, and the epochs' training seconds.
Usage: python bench/patience_replay.py [--results results] [--rules 10:100 8:80 6:80]
"""

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "src"))
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.settings import Protocol  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--results", default="results")
parser.add_argument("--rules", nargs="*", default=["10:100", "8:80", "6:80"], help="patience:max_epochs")
args = parser.parse_args()


def replay(history: pd.DataFrame, patience: int, cap: int) -> tuple[int, float, int, bool]:
    """(stop epoch, mean best dev CCC, runs at the cap, whether the recorded curves ended first), by the
    training loop's own early-stopping state (nets.training.Progress) and cap test (TrainResult.hit_cap)."""
    curves = history.pivot(index="epoch", columns="member", values="dev_ccc")
    members = curves.shape[1]
    progress = training.Progress([-np.inf] * members, [0] * members, [None] * members, [])
    protocol = Protocol(max_epochs=cap, patience=patience, shuffle_seed=0)
    for epoch, row in curves.iterrows():
        progress.record(int(epoch), row.to_numpy())
        if progress.finished(protocol):
            result = training.TrainResult(None, progress.best_epoch, progress.best_ccc, epochs_run=progress.epoch,
                                          max_epochs=cap, patience=patience)
            return progress.epoch, float(np.mean(progress.best_ccc)), sum(result.hit_cap), False
    return progress.epoch, float(np.mean(progress.best_ccc)), 0, True


rules = [tuple(int(v) for v in rule.split(":")) for rule in args.rules]
for path in sorted(Path(args.results, "train").glob("*/*/history.csv")):
    history = pd.read_csv(path)
    if "member" not in history:
        continue  # the linear baseline: fitted, not trained by epochs
    seconds = history.groupby("epoch")["seconds"].first()
    cells = []
    for patience, cap in rules:
        stop, ccc, at_cap, ended = replay(history, patience, cap)
        cells.append(f"patience {patience}, cap {cap}: stop {stop}{'+' if ended else ''}, dev CCC {ccc:.3f}, "
                     f"{at_cap}/{history['member'].nunique()} at cap, {seconds.loc[:stop].sum():.0f} s")
    print(f"{path.parent.parent.name}/{path.parent.name}: " + " | ".join(cells))
