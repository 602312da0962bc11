"""Snakemake script of rule search_table."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import methods  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402
from longterm_emotion.reporting import results_tables  # noqa: E402

with logged(snakemake.log[0]):
    methods.describe(snakemake.params.descriptions)
    results_tables.write_search_table(
        grid_files=dict(snakemake.input.items()),
        stem=snakemake.params.stem,
        corpus_name=snakemake.params.corpus_name,
        space=snakemake.params.space,
    )
