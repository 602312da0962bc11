"""Snakemake script of rule label_study_tables."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.experiments import label_study  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    label_study.run(
        label_csvs=snakemake.input.labels,
        dimensions=snakemake.params.dimensions,
        cfg=snakemake.params.study,
        label_rate=snakemake.params.label_rate,
        out_dir=snakemake.params.out_dir,
        figures_dir=snakemake.params.figures_dir,
        corpus_name=snakemake.params.corpus_name,
    )
