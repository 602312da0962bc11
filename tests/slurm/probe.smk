# Probe workflow of tests/slurm/run_slurm_test.sh: each job records the SLURM
# job it ran in (`scontrol show job`), and the Python it ran with. probe_gpu asks
# for a GPU the way the pipeline's GPU rules do (`resources: gpu=1`); probe_cpu
# does not. probe_gpu declares no mem_mb/runtime, so it gets the profile's
# default-resources.
import os
import shutil
import subprocess
import sys


def record(path, threads):
    job_id = os.environ.get("SLURM_JOB_ID", "")
    allocation = ""
    if job_id:
        allocation = subprocess.run(
            ["scontrol", "show", "job", job_id], capture_output=True, text=True
        ).stdout
    with open(path, "w") as out:
        out.write(f"slurm_job_id={job_id}\n")
        out.write(f"job_python={sys.executable}\n")
        out.write(f"path_python={shutil.which('python')}\n")
        out.write(f"threads={threads}\n")
        # set by srun in a job step that was allocated a GPU
        out.write(f"cuda_visible_devices={os.environ.get('CUDA_VISIBLE_DEVICES', '')}\n")
        out.write(allocation)


rule all:
    input:
        "probe/cpu.txt",
        "probe/gpu.txt",


rule probe_cpu:
    output:
        "probe/cpu.txt",
    threads: 2
    resources:
        mem_mb=500,
        runtime=5,
    run:
        record(output[0], threads)


rule probe_gpu:
    output:
        "probe/gpu.txt",
    resources:
        gpu=1,
    run:
        record(output[0], threads)
