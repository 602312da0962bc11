"""Snakemake script of rule figure1_corpora."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import sweep  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    sweep.write_corpora_figure(
        sweep_csvs={"this run": snakemake.input.sweep}
        | {f"control {i}": path for i, path in enumerate(snakemake.input.controls, 1)},
        figure_path=snakemake.output.figure,
        confidence=snakemake.params.confidence,
        copy_to={f"control {i}": path for i, path in enumerate(snakemake.output.copies, 1)},
    )
