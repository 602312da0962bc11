"""Snakemake script of rule sweep_length."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import sweep  # noqa: E402
from longterm_emotion.nets import training  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    training.make_deterministic(snakemake.threads)
    runs = sweep.run_length(
        features_root=snakemake.params.features_root,
        dimension=snakemake.wildcards.dimension,
        filter_length=int(snakemake.wildcards.length),
        sweep=snakemake.params.sweep,
        device=snakemake.params.device,
    )
    runs.to_csv(snakemake.output.runs, index=False)
