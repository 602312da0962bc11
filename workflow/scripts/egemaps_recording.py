"""Snakemake script of rule egemaps_recording."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.data.egemaps import extract_recording  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    extract_recording(
        audio=snakemake.params.audio_file,
        sample_rate=snakemake.params.sample_rate,
        out_path=snakemake.output.lld,
    )
