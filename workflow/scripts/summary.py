"""Snakemake script of rule summary."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.reporting import summary  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    summary.write_summary(
        snakemake.output[0],
        snakemake.params.corpus_name,
        snakemake.input.sweep,
        snakemake.input.spectrum,
        snakemake.input.downsampling,
        dict(zip(snakemake.params.dimensions, snakemake.input.tables)),
        snakemake.input.timing,
    )
