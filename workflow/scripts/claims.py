"""Snakemake script of rule claims."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion import methods  # noqa: E402
from longterm_emotion.reporting import claims  # noqa: E402
from longterm_emotion.logs import logged  # noqa: E402

with logged(snakemake.log[0]):
    methods.describe(snakemake.params.descriptions)
    claims.write_claims(
        claims=snakemake.params.claims,
        beyond=snakemake.params.beyond,
        settings=snakemake.params.settings,
        predictions={
            d: {m: snakemake.input[f"predictions_{d}_{m}"] for m in snakemake.params.methods}
            for d in snakemake.params.dimensions
        },
        inputs={k: snakemake.input[k] for k in ("sweep_runs", "spectrum", "downsampling", "timing", "control_sweeps")},
        evidence=snakemake.params.evidence,
        stem=snakemake.params.stem,
        corpus_name=snakemake.params.corpus_name,
    )
