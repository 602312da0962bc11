"""Benchmark: where a finished run spent its job time, from the benchmark files Snakemake wrote.

Sums the wall seconds of every job by stage (the first folder below results/benchmarks: the
synthetic corpus, features, eGeMAPS, sweep, model search, final training and baselines) and
prints each stage's share; the model search is the tune_point jobs. Job seconds overlap when
jobs run in parallel, so on N cores the run's wall time is at least their sum / N.
Usage: python bench/job_time.py [--results results]
"""

import argparse
from pathlib import Path

import pandas as pd

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--results", default="results")
args = parser.parse_args()
bench = Path(args.results) / "benchmarks"
rows = [{"stage": path.relative_to(bench).parts[0].removesuffix(".tsv"), "job": str(path.relative_to(bench)),
         "seconds": float(pd.read_csv(path, sep="\t")["s"].iloc[0])} for path in sorted(bench.rglob("*.tsv"))]
if not rows:
    raise SystemExit(f"{bench}: no benchmark files (run the pipeline first)")
table = pd.DataFrame(rows)
stages = table.groupby("stage")["seconds"].agg(["count", "sum"]).sort_values("sum", ascending=False)
total = stages["sum"].sum()
for stage, row in stages.iterrows():
    print(f"{stage:18s}: {int(row['count']):4d} jobs, {row['sum']:7.0f} s of job time ({row['sum'] / total:.0%})")
print(f"{'all':18s}: {int(stages['count'].sum()):4d} jobs, {total:7.0f} s of job time "
      f"({total / 60:.1f} min; on 2 cores at least {total / 120:.1f} min of wall time)")
