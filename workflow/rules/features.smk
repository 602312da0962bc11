rule extract_features:
    input:
        corpus=corpus_files,
    output:
        fbank_ark=LAYOUT.features("fbank", "{partition}", "fbank.ark"),
        fbank_scp=LAYOUT.features("fbank", "{partition}", "fbank.scp"),
        cmvn_ark=LAYOUT.features("fbank", "{partition}", "cmvn.ark"),
        cmvn_scp=LAYOUT.features("fbank", "{partition}", "cmvn.scp"),
        stacked_ark=LAYOUT.features("fbank", "{partition}", "stacked.ark"),
        stacked_scp=LAYOUT.features("fbank", "{partition}", "stacked.scp"),
        labels=LAYOUT.features("fbank", "{partition}", "labels.csv"),
    log:
        LAYOUT.log("extract_features", "{partition}"),
    benchmark:
        LAYOUT.benchmark("extract_features", "{partition}")
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
        expand(
            LAYOUT.features("fbank", "{partition}", "stacked.scp"),
            partition=PARTITIONS,
        ),
