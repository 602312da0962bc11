"""Snakemake script of rule versions."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.logs import logged  # noqa: E402
from longterm_emotion.versions import write_versions  # noqa: E402

with logged(snakemake.log[0]):
    write_versions(
        environment_files=list(snakemake.input.environment_files),
        snakemake_version=snakemake.params.snakemake_version,
        stem=snakemake.params.stem,
    )
