"""Snakemake script of rule paper_table."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import methods  # noqa: E402
from longterm_emotion.reporting import results_tables  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    methods.describe(snakemake.params.descriptions)
    methods = snakemake.params.methods
    results_tables.write_paper_tables(
        score_files={m: snakemake.input[f"scores_{m}"] for m in methods},
        prediction_files={m: snakemake.input[f"predictions_{m}"] for m in methods},
        dimension=snakemake.wildcards.dimension,
        rate=snakemake.params.label_rate,
        cutoff_hz=snakemake.params.cutoff_hz,
        corpus_name=snakemake.params.corpus_name,
        stem=snakemake.params.stem,
        evidence=snakemake.params.evidence,
    )
