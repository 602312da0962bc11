rule sweep_length:
    input:
        **stacked_features(["train", "dev"]),
    output:
        runs=LAYOUT.sweep_runs("{dimension}", "{length}"),
    log:
        LAYOUT.log("sweep", "{dimension}_L{length}"),
    benchmark:
        LAYOUT.benchmark("sweep", "{dimension}_L{length}")
    conda:
        "../../envs/torch.yaml"
    threads: COMPUTE.threads
    resources:
        mem_mb=3000,
        runtime=30,
        gpu=COMPUTE.gpus_per_job,
    params:
        features_root=features_root,
        sweep=sweep_settings(),
        device=COMPUTE.device,
    script:
        "../scripts/sweep_length.py"


rule sweep_results:
    input:
        runs=expand(
            LAYOUT.sweep_runs("{dimension}", "{length}"),
            dimension=DIMENSIONS,
            length=config["sweep"]["filter_lengths"],
        ),
    output:
        table=multiext(LAYOUT.sweep(), ".csv", ".md", ".tex"),
        runs=LAYOUT.sweep_all_runs(),
        figure1=report(
            LAYOUT.figure("figure1_filter_length.png"),
            caption="../report/figure1.rst",
            category="4 Preliminary experiment",
        ),
    log:
        LAYOUT.log("sweep_results"),
    conda:
        "../../envs/plots.yaml"
    params:
        label_rate=LABEL_RATE,
        stem=stem_of("table"),
        corpus_name=corpus_name(),
        confidence=config["evidence"]["confidence"],
    script:
        "../scripts/sweep_results.py"


rule sweep:
    input:
        rules.sweep_results.output,
