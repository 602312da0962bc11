"""Snakemake script of rule train_model."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import final  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    training.make_deterministic(snakemake.threads)
    final.run_final(
        snakemake.params.features_root,
        snakemake.wildcards.model,
        snakemake.wildcards.dimension,
        snakemake.input.settings,
        snakemake.params.train,
        training.resolve_device(snakemake.params.device),
        snakemake.params.label_rate,
        snakemake.params.out_dir,
    )
