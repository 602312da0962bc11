"""Snakemake script of rule tune_point."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import plugins  # noqa: E402
from longterm_emotion.experiments import search  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    plugins.load(snakemake.params.plugins)
    training.make_deterministic(snakemake.threads)
    search.run_tune_point(
        features_root=snakemake.params.features_root,
        network=snakemake.wildcards.network,
        dimension=snakemake.wildcards.dimension,
        point=int(snakemake.wildcards.point),
        settings=snakemake.params.settings,
        space=snakemake.params.space,
        seeds=snakemake.params.seeds,
        protocol=snakemake.params.protocol,
        device=snakemake.params.device,
        out_csv=snakemake.output.point,
    )
