from pathlib import Path

from snakemake.exceptions import WorkflowError

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

# Label frames per second implied by stacking (25 Hz: 4 frames of 10 ms).
LABEL_RATE = 1000.0 / (config["features"]["stack"] * config["features"]["frame_shift_ms"])


# ---- model bundles and prediction (workflow/rules/models.smk) ----
PREDICT_AUDIO = config["predict_audio"]


def model_config(wildcards):
    """The config sections a trained network depends on; their hash goes into the bundle."""
    return {
        "data_dir": config["data_dir"],
        "synthetic": config["synthetic"] if SYNTHETIC else None,
        "dimensions": config["dimensions"],
        "features": config["features"],
        "model": config["models"][wildcards.model][wildcards.dimension],
        "grid": {"runs": config["grid"]["runs"], "space": config["grid"]["space"].get(wildcards.model, {})},
        "train": config["train"],
    }


def predict_audio_files():
    """{stem: path} of the audio files in config key predict_audio (a folder)."""
    if not PREDICT_AUDIO:
        raise WorkflowError("target predict needs a folder of audio files: --config predict_audio=DIR")
    folder = Path(PREDICT_AUDIO)
    if not folder.is_dir():
        raise WorkflowError(f"config key predict_audio: {PREDICT_AUDIO!r} is not a folder")
    files = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in (".wav", ".flac", ".ogg"):
            if path.stem in files:
                raise WorkflowError(f"{path}: same name as {files[path.stem]} (outputs would collide)")
            files[path.stem] = str(path)
    if not files:
        raise WorkflowError(f"config key predict_audio: {PREDICT_AUDIO!r} holds no .wav, .flac or .ogg files")
    return files
