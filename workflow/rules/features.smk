rule extract_features:
    input:
        corpus=corpus_files,
    output:
        fbank_ark=f"{FBANK_FEATURES}/{{partition}}/fbank.ark",
        fbank_scp=f"{FBANK_FEATURES}/{{partition}}/fbank.scp",
        cmvn_ark=f"{FBANK_FEATURES}/{{partition}}/cmvn.ark",
        cmvn_scp=f"{FBANK_FEATURES}/{{partition}}/cmvn.scp",
        stacked_ark=f"{FBANK_FEATURES}/{{partition}}/stacked.ark",
        stacked_scp=f"{FBANK_FEATURES}/{{partition}}/stacked.scp",
        labels=f"{FBANK_FEATURES}/{{partition}}/labels.csv",
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
        content=partition_digests,
        features=fbank_settings(),
        dimensions=DIMENSIONS,
        out_dir=folder_of("labels"),
    script:
        "../scripts/extract_features.py"


rule features:
    input:
        expand(f"{FBANK_FEATURES}/{{partition}}/stacked.scp", partition=PARTITIONS),
