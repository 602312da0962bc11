"""Snakemake script of rule ablation_train."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import ablations  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    training.make_deterministic(snakemake.threads)
    ablations.run_variant(
        features_root=snakemake.params.features_root,
        partitions=snakemake.params.partitions,
        network=snakemake.wildcards.network,
        dimension=snakemake.wildcards.dimension,
        settings_file=snakemake.input.settings,
        variant=snakemake.params.variant,
        ablations=snakemake.params.ablations,
        device=snakemake.params.device,
        label_rate=snakemake.params.label_rate,
        out_dir=snakemake.params.out_dir,
    )
