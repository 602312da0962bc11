# Model bundles (results/models/<network>_<dimension>.pt) and prediction for a folder of audio files.
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


rule model_bundle:
    input:
        model=f"{RESULTS}/train/{{model}}/{{dimension}}/model.pt",
        scores=f"{RESULTS}/train/{{model}}/{{dimension}}/scores.csv",
    output:
        bundle=f"{RESULTS}/models/{{model}}_{{dimension}}.pt",
    params:
        features=config["features"],
        label_rate=LABEL_RATE,
        corpus_name=corpus_name(),
        config=model_config,
    wildcard_constraints:
        model="|".join(MODELS),
        dimension="|".join(config["dimensions"]),
    log:
        f"{RESULTS}/logs/models/{{model}}_{{dimension}}.log",
    conda:
        "../../envs/torch.yaml"
    script:
        "../scripts/model_bundle.py"


rule models:
    input:
        expand(f"{RESULTS}/models/{{model}}_{{dimension}}.pt", model=MODELS, dimension=config["dimensions"]),


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


rule predict_audio_file:
    input:
        audio=lambda wc: predict_audio_files()[wc.stem],
        bundles=rules.models.input,
    output:
        csv=f"{RESULTS}/predictions/{{stem}}.csv",
        png=f"{RESULTS}/predictions/{{stem}}.png",
        arff=expand(f"{RESULTS}/predictions/{{dimension}}/{{{{stem}}}}.arff", dimension=config["dimensions"]),
    params:
        out_dir=f"{RESULTS}/predictions",
        dimensions=config["dimensions"],
    wildcard_constraints:
        stem="[^/]+",
    log:
        f"{RESULTS}/logs/predictions/{{stem}}.log",
    threads: 1
    conda:
        "../../envs/predict.yaml"
    script:
        "../scripts/predict_audio_file.py"


rule predict:
    input:
        lambda wc: [f"{RESULTS}/predictions/{stem}.csv" for stem in predict_audio_files()],
