"""Snakemake script of rule sweep_length."""
import sys
from pathlib import Path

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import sweep  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    training.make_deterministic(snakemake.threads)
    runs = sweep.run_length(
        Path(snakemake.input.train).parent,
        Path(snakemake.input.dev).parent,
        snakemake.wildcards.dimension,
        int(snakemake.wildcards.length),
        snakemake.params.sweep,
        training.resolve_device(snakemake.params.device),
    )
    runs.to_csv(snakemake.output[0], index=False)
