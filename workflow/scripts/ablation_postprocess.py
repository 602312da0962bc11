"""Snakemake script of rule ablation_postprocess."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import ablations  # noqa: E402
from longterm_emotion.experiments import avec_baseline  # noqa: E402, F401  (the chain's centring and scaling)
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    ablations.run_postprocessing(
        predictions_csv=snakemake.input.predictions,
        section=snakemake.params.section,
        label_rate=snakemake.params.label_rate,
        out_csv=snakemake.output.frames,
        out_chain=snakemake.output.chain,
    )
