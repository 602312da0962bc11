"""Snakemake script of rule training_time."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import timing  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    training.make_deterministic(snakemake.threads)
    timing.run_timing(
        snakemake.params.features_root,
        snakemake.wildcards.model,
        snakemake.params.settings,
        snakemake.params.epochs,
        training.resolve_device(snakemake.params.device),
        snakemake.output[0],
    )
