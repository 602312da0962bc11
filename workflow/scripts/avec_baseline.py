"""Snakemake script of rule avec_baseline."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments.avec_baseline import run_avec_baseline  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    run_avec_baseline(
        snakemake.params.features_root,
        snakemake.wildcards.dimension,
        snakemake.params.baseline,
        snakemake.params.label_rate,
        snakemake.params.stack,
        snakemake.params.out_dir,
    )
