"""Snakemake script of rule comparisons."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import methods  # noqa: E402
from longterm_emotion.reporting import evidence  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    methods.describe(snakemake.params.descriptions)
    evidence.write_comparisons(
        prediction_files={
            d: {m: snakemake.input[f"predictions_{d}_{m}"] for m in snakemake.params.methods}
            for d in snakemake.params.dimensions
        },
        comparisons=snakemake.params.comparisons,
        evidence=snakemake.params.evidence,
        stem=snakemake.params.stem,
        corpus_name=snakemake.params.corpus_name,
    )
