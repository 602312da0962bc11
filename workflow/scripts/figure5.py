"""Snakemake script of rule figure5."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.reporting import plots  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    files = iter(snakemake.input)
    by_dimension = {d: {} for d in snakemake.params.dimensions}
    for model in ("dilated", "downup"):
        for dimension in snakemake.params.dimensions:
            by_dimension[dimension][model] = next(files)
    plots.write_figure5(by_dimension, snakemake.params.figure, snakemake.output[0], snakemake.params.corpus_name)
