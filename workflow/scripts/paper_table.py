"""Snakemake script of rule paper_table."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
import longterm_emotion.reporting.results_tables as results  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    methods = snakemake.params.methods
    results.write_paper_tables(
        dict(zip(methods, snakemake.input.scores)),
        dict(zip(methods, snakemake.input.predictions)),
        snakemake.wildcards.dimension,
        snakemake.params.label_rate,
        snakemake.params.corpus_name,
        snakemake.params.stem,
    )
