"""Snakemake script of rule predict_audio_file."""
import sys

sys.path.insert(0, f"{snakemake.scriptdir}/../../src")
from longterm_emotion.logs import logged  # noqa: E402
from longterm_emotion.serving.predict import predict_files  # noqa: E402

with logged(snakemake.log[0]):
    import torch

    torch.set_num_threads(snakemake.threads)
    predict_files(
        audio=[snakemake.input.audio],
        models=list(snakemake.input.bundles),
        out_dir=snakemake.params.out_dir,
        dimensions=tuple(snakemake.params.dimensions),
    )
