"""Snakemake script of rule frontend_recording."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import plugins  # noqa: E402
from longterm_emotion.frontends import pipeline  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    plugins.load(snakemake.params.plugins)
    pipeline.extract_recording(
        frontend=snakemake.wildcards.frontend,
        features_cfg=snakemake.params.features,
        audio=snakemake.params.audio_file,
        out_path=snakemake.output.frames,
    )
