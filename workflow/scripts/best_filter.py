"""Snakemake script of rule best_filter."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import final  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    training.make_deterministic(snakemake.threads)
    final.run_best_filter(
        features_root=snakemake.params.features_root,
        partitions=snakemake.params.partitions,
        dimension=snakemake.wildcards.dimension,
        sweep_table=snakemake.input.sweep,
        sweep=snakemake.params.sweep,
        train=snakemake.params.train,
        device=snakemake.params.device,
        label_rate=snakemake.params.label_rate,
        out_dir=snakemake.params.out_dir,
    )
