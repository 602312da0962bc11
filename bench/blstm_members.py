"""Benchmark: one training epoch of the BLSTM ensemble, and the ways to run its members in one pass.

On a synthetic training partition shaped like the built-in corpus's (9 recordings x 7,501 frames x 160
features; random values: the cost does not depend on them), Adam, one step per recording, for each hidden size
of the grid (grid.space.blstm.net.hidden), on 1 and on `--threads` torch threads: a single member;
len(train.seeds) members one after another (nets/blstm/model.py, what the pipeline runs); one LSTM of
len(train.seeds) x hidden units, the cost of the block-diagonal one-pass ensemble (its off-diagonal recurrent
blocks held at zero cost the same as any weights); and the members side by side on a thread pool, one thread
per op (forward and backward per member in its thread). Prints seconds per epoch (best of `--epochs` after one
warm-up) and each as a multiple of a single member's on the same threads.
Usage: python bench/blstm_members.py [--threads 2] [--epochs 3] [--recordings 9] [--frames 7501]
"""

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch
import yaml

root = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(root / "src"))
from longterm_emotion.nets import build_model  # noqa: E402
from longterm_emotion.nets.loss import ccc_loss  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--recordings", type=int, default=9)
parser.add_argument("--frames", type=int, default=7501)
args = parser.parse_args()
config = yaml.safe_load((root / "config.yaml").read_text())
seeds = config["train"]["seeds"]
lr = config["models"]["blstm"][config["dimensions"][0]]["optim"]["lr"]
g = torch.Generator().manual_seed(0)
data = [(torch.randn(1, 160, args.frames, generator=g), torch.randn(1, args.frames, generator=g))
        for _ in range(args.recordings)]


def epoch_seconds(model, forward, step=None) -> float:
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    times = []
    for _ in range(args.epochs + 1):
        started = time.perf_counter()
        for x, y in data:
            optimiser.zero_grad()
            if step is None:
                ccc_loss(forward(x), y).sum().backward()
            else:
                step(x, y)
            optimiser.step()
        times.append(time.perf_counter() - started)
    return min(times[1:])


print(f"{args.recordings} recordings x {args.frames} frames x 160 features, {len(seeds)} members, Adam lr {lr:g}, "
      f"best of {args.epochs} epochs")
for hidden in config["grid"]["space"]["blstm"]["net"]["hidden"]:
    for threads in sorted({1, args.threads}):
        torch.set_num_threads(threads)
        single = build_model("blstm", 160, seeds[:1], hidden=hidden, layers=1, dropout=0.0)
        ensemble = build_model("blstm", 160, seeds, hidden=hidden, layers=1, dropout=0.0)
        wide = build_model("blstm", 160, seeds[:1], hidden=hidden * len(seeds), layers=1, dropout=0.0)
        one = epoch_seconds(single, single)
        loop = epoch_seconds(ensemble, ensemble)
        block = epoch_seconds(wide, wide)
        line = (f"hidden {hidden:3d}, {threads} thread(s): single member {one:.2f} s per epoch; {len(seeds)} members "
                f"one after another {loop:.2f} s ({loop / one:.2f}x); one block-diagonal LSTM {block:.2f} s "
                f"({block / one:.2f}x)")
        if threads > 1:
            pool = ThreadPoolExecutor(threads)

            def member_step(member, x, y):
                ccc_loss(member(x).unsqueeze(1), y).sum().backward()

            def side_step(x, y):
                torch.set_num_threads(1)
                list(pool.map(lambda member: member_step(member, x, y), ensemble.members))
                torch.set_num_threads(threads)

            side = epoch_seconds(ensemble, None, side_step)
            line += f"; side by side on {threads} threads {side:.2f} s ({side / one:.2f}x)"
        print(line, flush=True)
