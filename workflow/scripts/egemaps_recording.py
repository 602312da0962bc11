"""Snakemake script of rule egemaps_recording."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.data.egemaps import extract_recording  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    extract_recording(
        snakemake.input.corpus,
        snakemake.wildcards.recording,
        snakemake.params.sample_rate,
        snakemake.output.lld,
    )
