rule extract_features:
    input:
        CORPUS,
    output:
        multiext(
            f"{RESULTS}/features/{{partition}}/",
            "fbank.ark",
            "fbank.scp",
            "cmvn.ark",
            "cmvn.scp",
            "stacked.ark",
            "stacked.scp",
            "labels.csv",
        ),
    params:
        features={k: v for k, v in config["features"].items() if k != "frontend"},
        dimensions=config["dimensions"],
        out_dir=lambda wildcards: f"{RESULTS}/features/{wildcards.partition}",
    wildcard_constraints:
        partition="|".join(PARTITIONS),
    log:
        f"{RESULTS}/logs/extract_features/{{partition}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/extract_features/{{partition}}.tsv"
    resources:
        mem_mb=3000,
        runtime=30,
    conda:
        "../../envs/features.yaml"
    script:
        "../scripts/extract_features.py"


rule features:
    input:
        expand(f"{RESULTS}/features/{{partition}}/stacked.scp", partition=PARTITIONS),
