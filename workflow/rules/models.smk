# Model bundles (results/models/<network>_<dimension>.pt) and prediction for a folder of audio files.

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
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../envs/torch.yaml"
    script:
        "../scripts/model_bundle.py"


rule models:
    input:
        expand(f"{RESULTS}/models/{{model}}_{{dimension}}.pt", model=MODELS, dimension=config["dimensions"]),


rule predict_audio_file:
    input:
        audio=lambda wc: predict_audio_files()[wc.stem],
        bundles=rules.models.input,
    output:
        csv=f"{RESULTS}/predictions/{{stem}}.csv",
        png=f"{RESULTS}/predictions/{{stem}}.png",
        arff=expand(f"{RESULTS}/predictions/{{dimension}}/{{{{stem}}}}.arff", dimension=config["dimensions"]),
    params:
        out_dir=lambda wc, output: str(Path(output.csv).parent),
        dimensions=config["dimensions"],
    wildcard_constraints:
        stem="[^/]+",
    log:
        f"{RESULTS}/logs/predictions/{{stem}}.log",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    conda:
        "../../envs/predict.yaml"
    script:
        "../scripts/predict_audio_file.py"


rule predict:
    input:
        lambda wc: [f"{RESULTS}/predictions/{stem}.csv" for stem in predict_audio_files()],
