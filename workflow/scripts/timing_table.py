"""Snakemake script of rule timing_table."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import methods  # noqa: E402
from longterm_emotion.reporting import results_tables  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    methods.describe(snakemake.params.descriptions)
    results_tables.write_timing_table(
        timing_files=snakemake.input.timings,
        stem=snakemake.params.stem,
        corpus_name=snakemake.params.corpus_name,
    )
