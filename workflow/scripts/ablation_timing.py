"""Snakemake script of rule ablation_timing: a measurement, so the default (fast) kernels and the configured
torch threads; the rule holds every core so that no other job runs beside it."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
import torch  # noqa: E402

from longterm_emotion.experiments import ablations  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    torch.set_num_threads(snakemake.params.torch_threads)
    ablations.run_timing(
        features_root=snakemake.params.features_root,
        network=snakemake.wildcards.network,
        dimension=snakemake.params.dimension,
        settings_file=snakemake.input.settings,
        blstm=snakemake.params.blstm,
        section=snakemake.params.section,
        device=snakemake.params.device,
        out_csv=snakemake.output.timing,
    )
