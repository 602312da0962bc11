"""Snakemake script of rule frontend_partition."""
import sys
from pathlib import Path

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import plugins  # noqa: E402
from longterm_emotion.frontends import pipeline  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    plugins.load(snakemake.params.plugins)
    pipeline.gather_partition(
        frontend=snakemake.wildcards.frontend,
        frame_files={Path(path).stem: path for path in snakemake.input.frames},
        labels_csv=snakemake.input.labels,
        features_cfg=snakemake.params.features,
        label_rate=snakemake.params.label_rate,
        out_dir=snakemake.params.out_dir,
    )
