"""Running Snakemake from the tests: the repository as working directory, the tiny config by default."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "configs" / "tiny.yaml"
TINY_CFG = yaml.safe_load(TINY.read_text())

# Snakemake 9.27 removes the whole .snakemake/locks folder when a run ends; another run in the same working
# directory (the other pytest-xdist worker's) that is between building its DAG and writing its locks then fails
# with this error before any job starts. Such a run is started once more.
LOCK_RACE = re.compile(r"FileNotFoundError: .*\.snakemake/locks/\d+\.\w+\.lock")


def run_retrying_lock_race(run):
    """`run()` (a CompletedProcess), once more if it lost the lock-folder race above."""
    proc = run()
    if proc.returncode != 0 and LOCK_RACE.search(proc.stdout or ""):
        retried = run()
        retried.stdout = f"[snakemake_runner: rerun after the lock-folder race]\n{retried.stdout}"
        return retried
    return proc


@dataclass
class Result:
    returncode: int
    output: str  # stdout and stderr together

    def tail(self, lines: int = 80) -> str:
        return "\n".join(self.output.splitlines()[-lines:])


def snakemake(*targets, results_dir=None, configfiles=(TINY,), config=(), options=(), timeout=600) -> Result:
    """Run snakemake from the repository root. Targets come first: --configfile and --config take several values."""
    cmd = [sys.executable, "-m", "snakemake", *map(str, targets)]
    if configfiles:
        cmd += ["--configfile", *map(str, configfiles)]
    settings = ([f"results_dir={results_dir}"] if results_dir is not None else []) + list(config)
    if settings:
        cmd += ["--config", *settings]
    cmd += list(options)
    proc = run_retrying_lock_race(lambda: subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                                         text=True, timeout=timeout))
    return Result(proc.returncode, proc.stdout)


def run_ok(*targets, **kwargs) -> Result:
    result = snakemake(*targets, **kwargs)
    assert result.returncode == 0, result.tail()
    return result


def dry_run_jobs(output: str) -> list[tuple[str, dict]]:
    """(rule, wildcards) of every job a dry run lists."""
    jobs = []
    for block in re.split(r"\n(?=\[[^\]]+\]\n)", output):
        match = re.search(r"^(?:local)?rule (\w+):", block, re.M)
        if not match:
            continue
        wildcards = {}
        wc = re.search(r"^\s+wildcards: (.*)$", block, re.M)
        if wc:
            wildcards = dict(item.split("=", 1) for item in wc.group(1).split(", "))
        jobs.append((match.group(1), wildcards))
    return jobs
