"""SLURM execution through profiles/slurm (tests/slurm/run_slurm_test.sh).

The end-to-end test installs slurm-wlm and munge when absent, starts a one-node
SLURM cluster on this host and runs the pipeline on it, so it runs where its
prerequisites exist: as root, with SLURM installed or apt-get at hand, and the
executor plugin installed (CI's machines have them). RUN_SLURM_TEST=0 skips it.
It takes about 1.5 minutes with SLURM installed (plus ~10 s to install it).
The unit tests of tests/slurm/checks.py below always run.
"""
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tests" / "slurm" / "run_slurm_test.sh"

_spec = importlib.util.spec_from_file_location("slurm_checks", REPO / "tests" / "slurm" / "checks.py")
checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checks)

EXPECTED_CHECKS = [
    "slurm-run",
    "local-run",
    "default-profile",
    "probe-run",
    "pipeline-sbatch",
    "pipeline-resources",
    "probe-sbatch",
    "probe-resources",
    "identical-outputs",
    "gpu-request",
    "default-resources",
    "job-python",
]


def _skip_reason():
    if os.environ.get("RUN_SLURM_TEST") == "0":
        return "RUN_SLURM_TEST=0: not starting a one-node SLURM cluster"
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root (installs packages, starts slurmctld/slurmd/munged)"
    have_slurm = all(shutil.which(b) for b in ("slurmctld", "slurmd", "sbatch", "munged"))
    if not have_slurm and not shutil.which("apt-get"):
        return "SLURM is not installed and apt-get is not available to install it"
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        return "snakemake-executor-plugin-slurm is not installed"
    return None


@pytest.mark.slow
@pytest.mark.skipif(_skip_reason() is not None, reason=str(_skip_reason()))
def test_pipeline_on_slurm_cluster(tmp_path):
    # slurmstepd's socket lives under the test folder and Unix socket paths are limited to 108
    # bytes: a short folder in /tmp, not pytest's (longer under pytest-xdist's workers)
    short = Path(tempfile.mkdtemp(prefix="slurm-", dir="/tmp"))
    env = dict(os.environ, PYTHON=sys.executable, SLURM_TEST_DIR=str(short / "t"))
    # Own process group: on a timeout the script and the daemons it started get
    # SIGTERM together, and the script's EXIT trap still stops the daemons.
    proc = subprocess.Popen(
        ["bash", str(SCRIPT)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=1800)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
        pytest.fail(f"run_slurm_test.sh timed out:\n{out}")
    assert proc.returncode == 0, out
    assert "SLURM TEST PASSED" in out, out
    for name in EXPECTED_CHECKS:
        assert f"CHECK {name}: PASS" in out, f"{name} did not pass:\n{out}"
    assert ": FAIL" not in out, out


# ---------------------------------------------------------------- unit tests

LOG = """\
Building DAG of jobs...

[Tue Nov 24 06:02:02 2026]
rule synthetic_corpus:
    output: r/corpus
    jobid: 2
    reason: Missing output files: r/corpus
    threads: 2
    resources: tmpdir=<TBD>, mem_mb=4000, mem=4 GB, mem_mib=3815, runtime=30
Shell command: None
Job 2 has been submitted with SLURM jobid 17 (log: x/17.log).
[Tue Nov 24 06:02:22 2026]
Finished jobid: 2 (Rule: synthetic_corpus)

[Tue Nov 24 06:02:22 2026]
rule extract_features:
    input: r/corpus
    jobid: 3
    wildcards: partition=dev
    resources: tmpdir=<TBD>, mem_mb=3000, mem=3 GB, runtime=30, gpu=1
Shell command: None
Job 3 has been submitted with SLURM jobid 18 (log: x/18.log).

[Tue Nov 24 06:02:42 2026]
localrule features:
    input: r/features/dev/stacked.scp
    jobid: 0
    resources: tmpdir=/tmp, mem_mb=2000, runtime=60
"""


def test_snakemake_jobs_parses_rules_threads_resources_and_slurm_ids():
    jobs = checks.snakemake_jobs(LOG)
    assert jobs[2]["rule"] == "synthetic_corpus" and not jobs[2]["local"]
    assert jobs[2]["threads"] == 2 and jobs[2]["slurm_id"] == "17"
    assert jobs[2]["resources"]["mem_mb"] == "4000" and jobs[2]["resources"]["runtime"] == "30"
    assert jobs[3]["threads"] == 1 and jobs[3]["resources"]["gpu"] == "1"
    assert jobs[3]["slurm_id"] == "18"
    assert jobs[0]["local"] and jobs[0]["slurm_id"] is None


def test_slurm_minutes():
    assert checks.slurm_minutes("00:30:00") == 30
    assert checks.slurm_minutes("01:00:00") == 60
    assert checks.slurm_minutes("2-01:00:00") == 49 * 60


def test_slurm_mb():
    assert checks.slurm_mb("3000M") == 3000
    assert checks.slurm_mb("2G") == 2048
    assert checks.slurm_mb("") is None


def _tree(root, files):
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _scp(root):
    return f"dev_1 {root.absolute()}/features/dev/fbank.ark:8\n".encode()


def test_identical_outputs_ignores_logs_and_catches_a_changed_byte(tmp_path, capsys):
    same = {"features/dev/fbank.ark": b"\x00\x01", "corpus/a.wav": b"RIFF"}
    a, b = tmp_path / "a", tmp_path / "b"
    _tree(a, {**same, "features/dev/fbank.scp": _scp(a), "logs/x.log": b"1", "benchmarks/x.tsv": b"1"})
    _tree(b, {**same, "features/dev/fbank.scp": _scp(b), "logs/x.log": b"2", "corpus/.snakemake_timestamp": b""})
    checks.failed = False
    checks.check_identical(a, b)
    assert "CHECK identical-outputs: PASS (3 files" in capsys.readouterr().out
    assert not checks.failed

    # an index pointing elsewhere than its own results folder differs
    (b / "features/dev/fbank.scp").write_bytes(_scp(a))
    checks.check_identical(a, b)
    out = capsys.readouterr().out
    assert "CHECK identical-outputs: FAIL" in out and "features/dev/fbank.scp" in out
    (b / "features/dev/fbank.scp").write_bytes(_scp(b))
    checks.failed = False

    (tmp_path / "b" / "features/dev/fbank.ark").write_bytes(b"\x00\x02")
    checks.check_identical(tmp_path / "a", tmp_path / "b")
    out = capsys.readouterr().out
    assert "CHECK identical-outputs: FAIL" in out and "features/dev/fbank.ark" in out
    assert checks.failed
    checks.failed = False


def test_profiles_are_valid_yaml_with_the_expected_keys():
    import yaml

    default = yaml.safe_load((REPO / "profiles/default/config.yaml").read_text())
    slurm = yaml.safe_load((REPO / "profiles/slurm/config.yaml").read_text())
    assert default["cores"] == "all" and "executor" not in default
    assert slurm["executor"] == "slurm" and "cores" not in slurm
    for profile in (default, slurm):
        resources = dict(r.split("=", 1) for r in profile["default-resources"])
        assert {"mem_mb", "runtime"} <= set(resources)
        assert profile["rerun-incomplete"] is True and profile["keep-going"] is False
