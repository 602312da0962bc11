"""Snakemake script of rule robustness_report."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import methods  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402
from longterm_emotion.robustness.report import write_report  # noqa: E402

with logged(snakemake.log[0]):
    methods.describe(snakemake.params.descriptions)
    write_report(
        condition_files={c["id"]: snakemake.input[c["id"]] for c in snakemake.params.conditions},
        conditions=snakemake.params.conditions,
        networks=list(snakemake.params.networks),
        comparisons=snakemake.params.comparisons,
        dimensions=list(snakemake.params.dimensions),
        evidence=snakemake.params.evidence,
        partition=snakemake.params.partition,
        corpus_name=snakemake.params.corpus_name,
        table_stem=snakemake.params.table_stem,
        tests_stem=snakemake.params.tests_stem,
        snr_figure=snakemake.output.snr_figure,
        conditions_figure=snakemake.output.conditions_figure,
    )
