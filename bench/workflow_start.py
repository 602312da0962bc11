"""Benchmark: how long the workflow takes to start (parse the Snakefile, check the config, plan the DAG).

Every `snakemake` command pays this before any job: a dry run of the default config (`snakemake -n`, into a
temporary results folder, so the whole DAG is planned), `--repeats` times; prints the median and the fastest
wall time and whether planning imported torch or scipy.interpolate (the two imports the workflow's start no
longer needs: the networks' settings are read without torch). `--repo` times another checkout of this
repository (e.g. an older commit in a git worktree) the same way.
Usage: python bench/workflow_start.py [--repeats 5] [--repo .]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

root = Path(__file__).resolve().parents[1]
parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--repeats", type=int, default=5)
parser.add_argument("--repo", default=str(root), help="checkout whose Snakefile is timed (default: this one)")
args = parser.parse_args()
repo = Path(args.repo).resolve()

# What the Snakefile's start imports, checked in a process of its own (the dry run's imports are not visible).
probe = (
    "import sys, runpy\n"
    "sys.argv = ['snakemake', '-n', '--quiet', 'rules', '--snakefile', sys.argv[1], '--directory', sys.argv[2]]\n"
    "try:\n"
    "    runpy.run_module('snakemake', run_name='__main__')\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('IMPORTED', 'torch' in sys.modules, 'scipy.interpolate' in sys.modules, file=sys.stderr)\n"
)
times = []
with tempfile.TemporaryDirectory() as folder:
    command = [sys.executable, "-m", "snakemake", "-n", "--quiet", "rules", "--snakefile", str(repo / "Snakefile"),
               "--directory", folder]
    for _ in range(args.repeats):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"snakemake -n failed in {repo}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    found = subprocess.run([sys.executable, "-c", probe, str(repo / "Snakefile"), folder], capture_output=True,
                           text=True)
imported = [line.split()[1:] for line in found.stderr.splitlines() if line.startswith("IMPORTED ")]
if not imported:
    sys.exit(f"the import probe printed nothing:\n{found.stderr[-2000:]}")
torch_at_start, interpolate_at_start = (value == "True" for value in imported[-1])
commit = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True,
                        text=True).stdout.strip() or repo.name
print(f"workflow start (commit {commit}, `snakemake -n` of the default config, {args.repeats} runs): "
      f"median {statistics.median(times):.2f} s, fastest {min(times):.2f} s; "
      f"imports torch: {'yes' if torch_at_start else 'no'}, scipy.interpolate: {'yes' if interpolate_at_start else 'no'}")
