from pathlib import Path

from snakemake.exceptions import WorkflowError

from longterm_emotion.data.corpus import list_recordings
from longterm_emotion.errors import InputDataError

PARTITIONS = ["train", "dev", "test"]
RESULTS = config["results_dir"]
SYNTHETIC = config["data_dir"] is None
CORPUS = f"{RESULTS}/corpus" if SYNTHETIC else config["data_dir"]

if not SYNTHETIC and not Path(CORPUS).is_dir():
    raise WorkflowError(f"config key data_dir: {CORPUS!r} does not exist (or is not a folder)")
if not SYNTHETIC and not Path(CORPUS, "recordings_audio").is_dir():
    raise WorkflowError(
        f"config key data_dir: {CORPUS!r} is not a RECOLA AVEC 2016 release "
        "(no recordings_audio/ folder there); set data_dir: null for the synthetic corpus"
    )


def corpus_name():
    """Name printed on figures and tables, so corpora are never mixed up."""
    if config["corpus_name"]:
        return config["corpus_name"]
    return "synthetic RECOLA-layout corpus" if SYNTHETIC else f"RECOLA ({config['data_dir']})"

# Folder of the stacked features the training rules read: fbank (the paper's) or eGeMAPS descriptors.
FEATURES_DIR = {"fbank": "features", "egemaps": "egemaps"}[config["features"]["frontend"]]

# Label frames per second implied by stacking (25 Hz: 4 frames of 10 ms).
LABEL_RATE = 1000.0 / (config["features"]["stack"] * config["features"]["frame_shift_ms"])


def egemaps_recordings(partition):
    """Recording ids of a partition, known before any job runs (the synthetic corpus names them from its config)."""
    if SYNTHETIC:
        return [f"{partition}_{n}" for n in range(1, config["synthetic"]["recordings"][partition] + 1)]
    try:
        return list_recordings(CORPUS, partition)
    except InputDataError:
        return []  # the partition's extract_features job fails naming the problem
