"""Snakemake script of rule model_bundle."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import plugins  # noqa: E402
from longterm_emotion.serving.bundles import write_bundle  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    plugins.load(snakemake.params.plugins)
    write_bundle(
        model_pt=snakemake.input.model,
        scores_csv=snakemake.input.scores,
        dimension=snakemake.wildcards.dimension,
        features_cfg=snakemake.params.features,
        label_rate=snakemake.params.label_rate,
        corpus_name=snakemake.params.corpus_name,
        config=snakemake.params.config,
        plugins=snakemake.params.plugins,
        out_path=snakemake.output.bundle,
    )
