"""Snakemake script of rule model_bundle."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.serving.bundles import write_bundle  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    write_bundle(
        snakemake.input.model,
        snakemake.input.scores,
        snakemake.wildcards.dimension,
        snakemake.params.features,
        snakemake.params.label_rate,
        snakemake.params.corpus_name,
        snakemake.params.config,
        snakemake.output.bundle,
    )
