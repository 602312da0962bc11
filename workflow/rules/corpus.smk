if SYNTHETIC:

    rule synthetic_corpus:
        output:
            corpus=directory(f"{RESULTS}/corpus"),
        log:
            f"{RESULTS}/logs/synthetic_corpus.log",
        benchmark:
            f"{RESULTS}/benchmarks/synthetic_corpus.tsv"
        conda:
            "../../envs/features.yaml"
        threads: 8
        resources:
            mem_mb=4000,
            runtime=30,
        params:
            synthetic=config["synthetic"],
        script:
            "../scripts/synthetic_corpus.py"


rule corpus:
    input:
        all_corpus_files,
