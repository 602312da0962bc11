"""Snakemake script of rule avec_baseline."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments.avec_baseline import run_avec_baseline  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    run_avec_baseline(
        features_root=snakemake.params.features_root,
        partitions=snakemake.params.partitions,
        dimension=snakemake.wildcards.dimension,
        cfg=snakemake.params.baseline,
        rate=snakemake.params.label_rate,
        stack=snakemake.params.stack,
        out_dir=snakemake.params.out_dir,
    )
