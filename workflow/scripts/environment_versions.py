"""Snakemake script of rule environment_versions."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.logs import logged  # noqa: E402
from longterm_emotion.versions import write_environment  # noqa: E402

with logged(snakemake.log[0]):
    write_environment(environment=snakemake.wildcards.environment, out_csv=snakemake.output.csv)
