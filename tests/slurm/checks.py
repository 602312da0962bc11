"""Checks of tests/slurm/run_slurm_test.sh on the logs and results of its runs.

Prints one line per check, "CHECK <name>: PASS|FAIL <details>", and exits 1 if
any check failed. Needs `scontrol` of the test cluster (SLURM_CONF set).
"""
import argparse
import csv
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

# Folders of a results_dir whose content differs from run to run by design.
SKIPPED_DIRS = {"logs", "benchmarks", ".snakemake"}

failed = False


def check(name, ok, details):
    global failed
    print(f"CHECK {name}: {'PASS' if ok else 'FAIL'} {details}", flush=True)
    failed |= not ok


def snakemake_jobs(log_text):
    """Jobs of a snakemake log: {jobid: {rule, local, threads, resources, slurm_id}}."""
    jobs = {}
    for block in re.split(r"\n(?=\[\w{3} \w{3} +\d+ [\d:]+ \d{4}\]\n)", log_text):
        head = re.search(r"^(local)?rule (\w+):$", block, re.M)
        jobid = re.search(r"^\s+jobid: (\d+)$", block, re.M)
        if not head or not jobid:
            continue
        threads = re.search(r"^\s+threads: (\d+)$", block, re.M)
        resources = re.search(r"^\s+resources: (.*)$", block, re.M)
        jobs[int(jobid.group(1))] = {
            "rule": head.group(2),
            "local": bool(head.group(1)),
            "threads": int(threads.group(1)) if threads else 1,
            "resources": dict(
                item.split("=", 1) for item in resources.group(1).split(", ") if "=" in item
            )
            if resources
            else {},
            "slurm_id": None,
        }
    for jobid, slurm_id in re.findall(
        r"^Job (\d+) has been submitted with SLURM jobid (\d+)", log_text, re.M
    ):
        jobs[int(jobid)]["slurm_id"] = slurm_id
    return jobs


def scontrol_job(slurm_id):
    """`scontrol show job -o ID` as a dict ({} if unknown)."""
    out = subprocess.run(
        ["scontrol", "show", "job", "-o", str(slurm_id)], capture_output=True, text=True
    ).stdout
    return dict(re.findall(r"(\S+?)=(\S*)", out))


def slurm_minutes(timelimit):
    """SLURM [D-]HH:MM:SS as minutes."""
    days, _, hms = timelimit.rpartition("-")
    hours, minutes, seconds = (int(x) for x in hms.split(":"))
    return (int(days or 0) * 24 + hours) * 60 + minutes + seconds / 60


def slurm_mb(memory):
    """SLURM memory such as 3000M or 2G as MB (None if unset)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([KMGT]?)", memory or "")
    if not match:
        return None
    scale = {"K": 1 / 1024, "M": 1, "": 1, "G": 1024, "T": 1024**2}[match.group(2)]
    return float(match.group(1)) * scale


def check_submissions(name, log_path, slurmctld_log):
    """Every job with a command went through sbatch, ran and completed."""
    jobs = snakemake_jobs(Path(log_path).read_text())
    remote = {j: job for j, job in jobs.items() if not job["local"]}
    local = sorted({job["rule"] for job in jobs.values() if job["local"]})
    submitted = {j: job for j, job in remote.items() if job["slurm_id"]}
    ctld = Path(slurmctld_log).read_text()
    allocated = {
        job["slurm_id"]
        for job in submitted.values()
        # started by the main scheduler or by the backfill scheduler
        if re.search(
            rf"(sched: Allocate|sched/backfill: _start_job: Started) JobId={job['slurm_id']} ", ctld
        )
        and re.search(rf"_job_complete: JobId={job['slurm_id']} WEXITSTATUS 0", ctld)
    }
    states = {job["slurm_id"]: scontrol_job(job["slurm_id"]) for job in submitted.values()}
    completed = {
        i for i, s in states.items() if s.get("JobState") == "COMPLETED" and s.get("ExitCode") == "0:0"
    }
    ids = sorted(int(job["slurm_id"]) for job in submitted.values())
    check(
        f"{name}-sbatch",
        bool(remote) and len(submitted) == len(remote) == len(allocated) == len(completed),
        f"({len(submitted)}/{len(remote)} jobs submitted with sbatch, SLURM job ids {ids}; "
        f"{len(allocated)} started and exited 0 per slurmctld.log; "
        f"{len(completed)} COMPLETED per scontrol; run on the submit host: {local or 'none'})",
    )
    return submitted, states


def check_resources(name, submitted, states, default_resources):
    """Each SLURM allocation matches the job's threads, mem_mb and runtime."""
    problems, gpu_jobs = [], []
    for job in submitted.values():
        state = states[job["slurm_id"]]
        res = {**default_resources, **job["resources"]}
        label = f"{job['rule']} (SLURM {job['slurm_id']})"
        if state.get("CPUs/Task") != str(job["threads"]):
            problems.append(f"{label}: {state.get('CPUs/Task')} CPUs/task for {job['threads']} threads")
        if "mem_mb" in res and slurm_mb(state.get("MinMemoryNode")) != float(res["mem_mb"]):
            problems.append(f"{label}: memory {state.get('MinMemoryNode')} for mem_mb={res['mem_mb']}")
        if "runtime" in res and slurm_minutes(state.get("TimeLimit", "0:0:0")) != float(res["runtime"]):
            problems.append(f"{label}: time limit {state.get('TimeLimit')} for runtime={res['runtime']}")
        wants_gpu = int(res.get("gpu", 0) or 0) > 0
        has_gpu = "gpu" in state.get("TresPerJob", "")
        if has_gpu:
            gpu_jobs.append(job["rule"])
        if wants_gpu != has_gpu:
            problems.append(f"{label}: gpu={res.get('gpu', 0)} but TresPerJob={state.get('TresPerJob')}")
    check(
        f"{name}-resources",
        not problems and bool(submitted),
        "(SLURM CPUs per task = threads, memory = mem_mb, time limit = runtime, GPU only if gpu>0; "
        f"GPU jobs: {gpu_jobs or 'none'})" + ("" if not problems else ": " + "; ".join(problems)),
    )


# Wall-clock measurements legitimately differ between runs: CSV columns named
# seconds* are left out of the comparison, and the Markdown/LaTeX renderings of
# such tables are compared through their CSV.
TIMED_RENDERINGS = {"sweep/sweep.md", "sweep/sweep.tex"}


def _content(path: Path, root: Path) -> bytes:
    if path.suffix == ".scp":  # Kaldi indexes hold the absolute path of their .ark files
        return path.read_bytes().replace(str(Path(root).absolute()).encode(), b"<results_dir>")
    if path.suffix != ".csv":
        return path.read_bytes()
    rows = list(csv.reader(path.read_text().splitlines()))
    keep = [i for i, name in enumerate(rows[0] if rows else []) if not name.startswith("seconds")]
    return "\n".join(",".join(row[i] for i in keep if i < len(row)) for row in rows).encode()


def digests(root):
    """{relative path: sha256} of the files of a results folder, timings left out."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        if rel_dir == Path("."):
            dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS]
        for filename in filenames:
            if filename.startswith(".snakemake"):  # e.g. .snakemake_timestamp
                continue
            path = Path(dirpath, filename)
            if str(rel_dir / filename) in TIMED_RENDERINGS:
                continue
            out[str(rel_dir / filename)] = hashlib.sha256(_content(path, root)).hexdigest()
    return out


def check_identical(slurm_results, local_results):
    a, b = digests(slurm_results), digests(local_results)
    only = sorted(set(a) ^ set(b))
    differ = sorted(p for p in set(a) & set(b) if a[p] != b[p])
    total = sum(Path(local_results, p).stat().st_size for p in b) if b else 0
    check(
        "identical-outputs",
        bool(a) and not only and not differ,
        f"({len(a)} files, {total} bytes, sha256 equal between SLURM and local results "
        "(the results folder's path in .scp files aside), "
        f"{'/'.join(sorted(SKIPPED_DIRS))} skipped)"
        + (f": only in one run {only[:10]}" if only else "")
        + (f": differ {differ[:10]}" if differ else ""),
    )


def read_probe(path):
    text = Path(path).read_text()
    head = dict(re.findall(r"^(\w+)=(.*)$", text, re.M))
    return head, dict(re.findall(r"(\S+?)=(\S*)", text))


def check_probe(probe_dir, python, default_resources):
    cpu_head, cpu_job = read_probe(Path(probe_dir, "cpu.txt"))
    gpu_head, gpu_job = read_probe(Path(probe_dir, "gpu.txt"))
    check(
        "gpu-request",
        "gpu" in gpu_job.get("TresPerJob", "")
        and "gpu" not in cpu_job.get("TresPerJob", "")
        and gpu_head.get("cuda_visible_devices", "") != ""
        and cpu_head.get("cuda_visible_devices", "") == "",
        f"(rule with resources gpu=1: TresPerJob={gpu_job.get('TresPerJob')}, "
        f"CUDA_VISIBLE_DEVICES={gpu_head.get('cuda_visible_devices')!r}; CPU rule: "
        f"TresPerJob={cpu_job.get('TresPerJob', 'none')}, "
        f"CUDA_VISIBLE_DEVICES={cpu_head.get('cuda_visible_devices')!r})",
    )
    mem, runtime = default_resources.get("mem_mb"), default_resources.get("runtime")
    check(
        "default-resources",
        slurm_mb(gpu_job.get("MinMemoryNode")) == float(mem or -1)
        and slurm_minutes(gpu_job.get("TimeLimit", "0:0:0")) == float(runtime or -1),
        f"(rule without mem_mb/runtime got memory {gpu_job.get('MinMemoryNode')}, time limit "
        f"{gpu_job.get('TimeLimit')} from the profile's mem_mb={mem}, runtime={runtime})",
    )
    pythons = {cpu_head.get("job_python"), gpu_head.get("job_python")}
    path_pythons = {cpu_head.get("path_python"), gpu_head.get("path_python")}
    bindir = os.path.dirname(python)
    check(
        "job-python",
        all(cpu_head.get("slurm_job_id")) and all(gpu_head.get("slurm_job_id"))
        and pythons == {python}
        and all(p and os.path.dirname(p) == bindir for p in path_pythons),
        f"(jobs {cpu_head.get('slurm_job_id')}, {gpu_head.get('slurm_job_id')} ran "
        f"{sorted(map(str, pythons))}; `python` on their PATH: {sorted(map(str, path_pythons))})",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--python", required=True)
    parser.add_argument("--profile", default="profiles/slurm/config.yaml")
    parser.add_argument("--slurmctld-log", required=True)
    parser.add_argument("--slurm-log", required=True)
    parser.add_argument("--slurm-results", required=True)
    parser.add_argument("--local-results", required=True)
    parser.add_argument("--probe-log", required=True)
    parser.add_argument("--probe-dir", required=True)
    args = parser.parse_args()

    profile = yaml.safe_load(Path(args.profile).read_text())
    default_resources = dict(r.split("=", 1) for r in profile.get("default-resources", []))
    for name, log in (("pipeline", args.slurm_log), ("probe", args.probe_log)):
        try:
            submitted, states = check_submissions(name, log, args.slurmctld_log)
            check_resources(name, submitted, states, default_resources)
        except (OSError, KeyError, ValueError) as err:
            check(f"{name}-sbatch", False, f"({type(err).__name__}: {err})")
    try:
        check_identical(args.slurm_results, args.local_results)
    except OSError as err:
        check("identical-outputs", False, f"({type(err).__name__}: {err})")
    try:
        check_probe(args.probe_dir, args.python, default_resources)
    except OSError as err:
        check("gpu-request", False, f"({type(err).__name__}: {err})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
