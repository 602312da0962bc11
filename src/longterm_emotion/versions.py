"""The versions of every package and tool a run used, as nf-core pipelines record them.

Each conda environment of the workflow (envs/*.yaml) runs one small job that lists what is installed
in it (`installed`, without importing anything); one job gathers them with Snakemake's own version
into results/versions.{csv,md}, which the report shows. Without --use-conda every job runs in the
same interpreter, and the table says so (the same versions in every column).
"""

from __future__ import annotations

import csv
import platform
import sys
from importlib import metadata
from pathlib import Path

# The distributions the pipeline's code imports (and this package), in the order the table lists them.
DISTRIBUTIONS = ("torch", "numpy", "scipy", "pandas", "kaldiio", "kaldi-native-fbank", "soundfile", "opensmile",
                 "scikit-learn", "matplotlib", "transformers", "safetensors", "pyyaml", "longterm-emotion")


def installed() -> dict[str, str]:
    """{name: version} of Python, the platform and every distribution of DISTRIBUTIONS found here."""
    found = {"python": platform.python_version(), "platform": platform.platform(), "executable": sys.executable}
    for name in DISTRIBUTIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def write_environment(*, environment: str, out_csv) -> None:
    """Rule environment_versions: what one environment has installed, as environment,package,version rows."""
    Path(out_csv).parent.mkdir(parents=True, exist_ok=True)
    with open(out_csv, "w", newline="") as handle:  # csv, not pandas: every environment has it
        writer = csv.writer(handle)
        writer.writerow(["environment", "package", "version"])
        writer.writerows([environment, k, v] for k, v in installed().items())


def write_versions(*, environment_files, snakemake_version: str, stem):
    """Rule versions: one row per package, one column per environment (— where it is not installed)."""
    import pandas as pd

    frames = [pd.read_csv(path, dtype=str) for path in environment_files]
    long = pd.concat(frames, ignore_index=True)
    table = long.pivot(index="package", columns="environment", values="version")
    order = ["python", "platform", "executable", *DISTRIBUTIONS]
    table = table.reindex([p for p in order if p in table.index]).fillna("—")
    table.insert(0, "snakemake", ["—"] * len(table))
    table = pd.concat([pd.DataFrame([{c: "—" for c in table.columns} | {"snakemake": snakemake_version}],
                                    index=["snakemake"]), table])
    table.index.name = "package"
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(stem.with_suffix(".csv"))
    header = ["package", *table.columns]
    lines = ["### Versions of this run", "",
             "Per conda environment of the workflow (`envs/*.yaml`; without `--use-conda` every job runs in the "
             "interpreter that runs Snakemake, so the columns agree); `snakemake`: the version that ran the workflow.",
             "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join([str(package), *map(str, row)]) + " |" for package, row in table.iterrows()]
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    return table
