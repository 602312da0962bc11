"""Snakemake script of rule results_doc."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.reporting import results_doc  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    results_doc.write_results_doc(
        files=dict(snakemake.input.items()),
        dimensions=snakemake.params.dimensions,
        out=snakemake.output.text,
        figures_dir=snakemake.params.figures_dir,
        alpha=snakemake.params.alpha,
        shared_audio=snakemake.params.shared_audio,
    )
