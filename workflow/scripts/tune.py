"""Snakemake script of rule tune (the selection after the grid points)."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import search  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    search.run_select(
        point_csvs=snakemake.input.points,
        network=snakemake.wildcards.network,
        dimension=snakemake.wildcards.dimension,
        corpus_name=snakemake.params.corpus_name,
        settings_file=snakemake.output.settings,
        grid_table=snakemake.output.grid,
    )
