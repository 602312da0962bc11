"""Snakemake script of rule training_time."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import timing  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    training.make_deterministic(snakemake.threads)
    timing.run_timing(
        features_root=snakemake.params.features_root,
        network=snakemake.wildcards.network,
        dimension=snakemake.params.dimension,
        settings=snakemake.params.settings,
        epochs=snakemake.params.epochs,
        device=snakemake.params.device,
        out_csv=snakemake.output.timing,
    )
