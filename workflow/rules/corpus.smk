if SYNTHETIC:

    rule synthetic_corpus:
        output:
            directory(f"{RESULTS}/corpus"),
        params:
            synthetic=config["synthetic"],
        log:
            f"{RESULTS}/logs/synthetic_corpus.log",
        benchmark:
            f"{RESULTS}/benchmarks/synthetic_corpus.tsv"
        threads: 8
        resources:
            mem_mb=4000,
            runtime=30,
        conda:
            "../../envs/features.yaml"
        script:
            "../scripts/synthetic_corpus.py"


rule corpus:
    input:
        CORPUS,
