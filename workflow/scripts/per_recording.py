"""Snakemake script of rule per_recording."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import methods  # noqa: E402
from longterm_emotion.reporting import evidence  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    methods.describe(snakemake.params.descriptions)
    evidence.write_per_recording(
        prediction_files={
            d: {m: snakemake.input[f"predictions_{d}_{m}"] for m in snakemake.params.methods}
            for d in snakemake.params.dimensions
        },
        csv_path=snakemake.output.csv,
        figure_path=snakemake.output.figure,
        corpus_name=snakemake.params.corpus_name,
    )
