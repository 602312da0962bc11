if SYNTHETIC:

    rule synthetic_corpus:
        output:
            corpus=directory(LAYOUT.corpus()),
        log:
            LAYOUT.log("synthetic_corpus"),
        benchmark:
            LAYOUT.benchmark("synthetic_corpus")
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
