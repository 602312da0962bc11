# Model bundles (results/models/<network>_<dimension>.pt) and prediction for a folder of audio files.


rule model_bundle:
    input:
        model=f"{RESULTS}/train/{{network}}/{{dimension}}/model.pt",
        scores=f"{RESULTS}/train/{{network}}/{{dimension}}/scores.csv",
    output:
        bundle=f"{RESULTS}/models/{{network}}_{{dimension}}.pt",
    log:
        f"{RESULTS}/logs/models/{{network}}_{{dimension}}.log",
    conda:
        "../../envs/torch.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        features=config["features"],
        label_rate=LABEL_RATE,
        corpus_name=corpus_name(),
        config=model_config,
        plugins=bundle_plugins,
    script:
        "../scripts/model_bundle.py"


rule models:
    input:
        expand(
            f"{RESULTS}/models/{{network}}_{{dimension}}.pt",
            network=NETWORKS,
            dimension=DIMENSIONS,
        ),


rule predict_audio_file:
    input:
        audio=predict_audio_input,
        bundles=rules.models.input,
    output:
        csv=f"{RESULTS}/predictions/{{stem}}.csv",
        png=f"{RESULTS}/predictions/{{stem}}.png",
        arff=expand(
            f"{RESULTS}/predictions/{{dimension}}/{{stem}}.arff",
            dimension=DIMENSIONS,
            allow_missing=True,
        ),
    log:
        f"{RESULTS}/logs/predictions/{{stem}}.log",
    conda:
        "../../envs/predict.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        out_dir=folder_of("csv"),
        dimensions=DIMENSIONS,
    script:
        "../scripts/predict_audio_file.py"


rule predict:
    input:
        predicted_csvs,
