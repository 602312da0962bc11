"""Snakemake script of rule egemaps_partition."""
import sys
from pathlib import Path

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.data.egemaps import gather_partition  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    gather_partition(
        lld_files={Path(path).stem: path for path in snakemake.input.llds},
        labels_csv=snakemake.input.labels,
        cfg=snakemake.params.stacking,
        out_dir=snakemake.params.out_dir,
    )
