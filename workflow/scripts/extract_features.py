"""Snakemake script of rule extract_features."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.data.features import extract_partition  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    extract_partition(
        snakemake.params.corpus_dir,
        snakemake.wildcards.partition,
        snakemake.params.dimensions,
        snakemake.params.features,
        snakemake.params.out_dir,
    )
