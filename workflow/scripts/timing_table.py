"""Snakemake script of rule timing_table."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
import longterm_emotion.reporting.results_tables as results  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    results.write_timing_table(snakemake.input, snakemake.params.stem, snakemake.params.corpus_name)
