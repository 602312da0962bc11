"""Snakemake script of rule summary."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.reporting import summary  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    summary.write_summary(
        path=snakemake.output.summary,
        corpus_name=snakemake.params.corpus_name,
        sweep_csv=snakemake.input.sweep,
        spectrum_csv=snakemake.input.spectrum,
        downsampling_csv=snakemake.input.downsampling,
        table_csvs={d: snakemake.input[f"table_{d}"] for d in snakemake.params.dimensions},
        timing_csv=snakemake.input.timing,
    )
