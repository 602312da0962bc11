"""Snakemake script of rule robustness_condition."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.logs import logged  # noqa: E402
from longterm_emotion.robustness.experiment import run_condition  # noqa: E402

with logged(snakemake.log[0]):
    import torch

    torch.set_num_threads(snakemake.threads)
    run_condition(
        condition=snakemake.params.condition,
        recordings=dict(snakemake.params.recordings),
        pool=dict(snakemake.params.pool),
        labels_csv=snakemake.input.labels,
        bundle_paths=list(snakemake.input.bundles),
        dimensions=list(snakemake.params.dimensions),
        seed=snakemake.params.seed,
        out_csv=snakemake.output.csv,
    )
