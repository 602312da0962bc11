"""Snakemake script of rule sweep_results."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import sweep  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    sweep.write_results(
        run_csvs=snakemake.input.runs,
        stem=snakemake.params.stem,
        frame_rate=snakemake.params.label_rate,
        corpus_name=snakemake.params.corpus_name,
        figure_path=snakemake.output.figure1,
        confidence=snakemake.params.confidence,
    )
