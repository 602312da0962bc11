"""Snakemake script of rule extract_features."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.data import index  # noqa: E402
from longterm_emotion.data.features import extract_partition  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    sources = index.index_partition(
        snakemake.wildcards.partition,
        snakemake.params.dimensions,
        **snakemake.params.corpus_source,
    )
    extract_partition(
        sources,
        snakemake.params.dimensions,
        snakemake.params.features,
        snakemake.params.out_dir,
    )
