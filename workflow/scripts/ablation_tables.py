"""Snakemake script of rule ablations_tables."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import methods  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402
from longterm_emotion.reporting.ablations import write_ablations  # noqa: E402

with logged(snakemake.log[0]):
    methods.describe(snakemake.params.descriptions)
    write_ablations(
        runs=snakemake.params.runs,
        postprocessing=snakemake.params.postprocessing,
        timing=snakemake.params.timing,
        labels=snakemake.params.labels,
        variants=snakemake.params.variants,
        ablations=snakemake.params.ablations,
        settings=snakemake.params.settings,
        evidence=snakemake.params.evidence,
        dimensions=list(snakemake.params.dimensions),
        corpus_name=snakemake.params.corpus_name,
        table_stem=snakemake.params.table_stem,
        claims_stem=snakemake.params.claims_stem,
        docs=snakemake.output.docs,
    )
