rule extract_features:
    input:
        corpus=corpus_files,
    output:
        fbank_ark=f"{FEATURES}/{{partition}}/fbank.ark",
        fbank_scp=f"{FEATURES}/{{partition}}/fbank.scp",
        cmvn_ark=f"{FEATURES}/{{partition}}/cmvn.ark",
        cmvn_scp=f"{FEATURES}/{{partition}}/cmvn.scp",
        stacked_ark=f"{FEATURES}/{{partition}}/stacked.ark",
        stacked_scp=f"{FEATURES}/{{partition}}/stacked.scp",
        labels=f"{FEATURES}/{{partition}}/labels.csv",
    log:
        f"{RESULTS}/logs/extract_features/{{partition}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/extract_features/{{partition}}.tsv"
    conda:
        "../../envs/features.yaml"
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        corpus_source=CORPUS_SOURCE,
        features=config["features"],
        dimensions=DIMENSIONS,
        out_dir=folder_of("labels"),
    script:
        "../scripts/extract_features.py"


rule features:
    input:
        stacked_features().values(),
