"""Snakemake script of rule tune."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import search  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    training.make_deterministic(snakemake.threads)
    search.run_tune(
        snakemake.params.features_root,
        snakemake.wildcards.model,
        snakemake.wildcards.dimension,
        snakemake.params.base,
        snakemake.params.space,
        snakemake.params.runs,
        snakemake.params.train,
        training.resolve_device(snakemake.params.device),
        snakemake.output.settings,
        snakemake.output.grid,
    )
