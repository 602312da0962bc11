"""Snakemake script of rule figure5."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import methods  # noqa: E402
from longterm_emotion.reporting import plots  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    methods.describe(snakemake.params.descriptions)
    plots.write_figure5(
        prediction_files={
            d: {n: snakemake.input[f"{n}/{d}"] for n in snakemake.params.networks}
            for d in snakemake.params.dimensions
        },
        cfg=snakemake.params.figure,
        path=snakemake.output.figure5,
        corpus_name=snakemake.params.corpus_name,
    )
