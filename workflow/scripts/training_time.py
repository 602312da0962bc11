"""Snakemake script of rule training_time: a measurement, so the default (fast) kernels and the
configured torch threads; the rule holds every core so that no other job runs beside it."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import plugins  # noqa: E402
import torch  # noqa: E402

from longterm_emotion.experiments import timing  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    plugins.load(snakemake.params.plugins)
    torch.set_num_threads(snakemake.params.torch_threads)
    timing.run_timing(
        features_root=snakemake.params.features_root,
        network=snakemake.wildcards.network,
        dimension=snakemake.params.dimension,
        settings=snakemake.params.settings,
        epochs=snakemake.params.epochs,
        warmup=snakemake.params.warmup,
        device=snakemake.params.device,
        out_csv=snakemake.output.timing,
    )
