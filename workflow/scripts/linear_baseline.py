"""Snakemake script of rule linear_baseline."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import baselines  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    baselines.run_linear_baseline(
        features_root=snakemake.params.features_root,
        partitions=snakemake.params.partitions,
        dimensions=snakemake.params.dimensions,
        cfg=snakemake.params.baseline,
        rate=snakemake.params.label_rate,
        out_root=snakemake.params.out_root,
    )
