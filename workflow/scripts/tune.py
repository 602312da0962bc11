"""Snakemake script of rule tune."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import search  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    training.make_deterministic(snakemake.threads)
    search.run_tune(
        features_root=snakemake.params.features_root,
        network=snakemake.wildcards.network,
        dimension=snakemake.wildcards.dimension,
        base=snakemake.params.base,
        space=snakemake.params.space,
        runs=snakemake.params.runs,
        train=snakemake.params.train,
        device=snakemake.params.device,
        settings_file=snakemake.output.settings,
        grid_table=snakemake.output.grid,
    )
