"""Snakemake script of rule train_model."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import plugins  # noqa: E402
from longterm_emotion.experiments import final  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    plugins.load(snakemake.params.plugins)
    training.make_deterministic(snakemake.threads)
    final.run_final(
        features_root=snakemake.params.features_root,
        partitions=snakemake.params.partitions,
        network=snakemake.wildcards.network,
        dimension=snakemake.wildcards.dimension,
        settings_file=snakemake.input.settings,
        train=snakemake.params.train,
        device=snakemake.params.device,
        label_rate=snakemake.params.label_rate,
        out_dir=snakemake.params.out_dir,
    )
