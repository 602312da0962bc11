"""Snakemake script of rule synthetic_corpus."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.data.synthetic import write_corpus  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    write_corpus(snakemake.output.corpus, snakemake.params.synthetic, workers=snakemake.threads)
