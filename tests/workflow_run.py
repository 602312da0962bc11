"""Running Snakemake from the tests: the repository as working directory, the tiny config by default.

Shared by test_workflow.py, test_predict.py and the session fixtures in conftest.py.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "tests" / "configs" / "tiny.yaml"


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
    proc = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout)


def run_ok(*targets, **kwargs) -> Result:
    result = snakemake(*targets, **kwargs)
    assert result.returncode == 0, result.tail()
    return result
