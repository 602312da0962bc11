# Model bundles (results/models/<network>_<dimension>.pt) and prediction for a folder of audio files.


rule model_bundle:
    input:
        model=LAYOUT.method("{network}", "{dimension}", layout.MODEL),
        scores=LAYOUT.method("{network}", "{dimension}", layout.SCORES),
    output:
        bundle=LAYOUT.bundle("{network}", "{dimension}"),
    log:
        LAYOUT.log("models", "{network}_{dimension}"),
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
            LAYOUT.bundle("{network}", "{dimension}"),
            network=NETWORKS,
            dimension=DIMENSIONS,
        ),


rule predict_audio_file:
    input:
        audio=predict_audio_input,
        bundles=rules.models.input,
    output:
        csv=LAYOUT.prediction("{stem}"),
        png=LAYOUT.prediction("{stem}", ".png"),
        arff=expand(
            LAYOUT.prediction_arff("{dimension}", "{stem}"),
            dimension=DIMENSIONS,
            allow_missing=True,
        ),
    log:
        LAYOUT.log("predictions", "{stem}"),
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
