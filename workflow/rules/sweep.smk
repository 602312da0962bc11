rule sweep_length:
    input:
        **stacked_features(["train", "dev"]),
    output:
        runs=f"{RESULTS}/sweep/runs/{{dimension}}_L{{length}}.csv",
    log:
        f"{RESULTS}/logs/sweep/{{dimension}}_L{{length}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/sweep/{{dimension}}_L{{length}}.tsv"
    conda:
        "../../envs/torch.yaml"
    threads: config["compute"]["threads"]
    resources:
        mem_mb=3000,
        runtime=30,
        gpu=config["compute"]["gpus_per_job"],
    params:
        features_root=features_root,
        sweep=sweep_settings(),
        device=config["compute"]["device"],
    script:
        "../scripts/sweep_length.py"


rule sweep_results:
    input:
        runs=expand(
            f"{RESULTS}/sweep/runs/{{dimension}}_L{{length}}.csv",
            dimension=DIMENSIONS,
            length=config["sweep"]["filter_lengths"],
        ),
    output:
        table=multiext(f"{RESULTS}/sweep/sweep", ".csv", ".md", ".tex"),
        runs=f"{RESULTS}/sweep/sweep_runs.csv",
        figure1=report(
            f"{RESULTS}/figures/figure1_filter_length.png",
            caption="../report/figure1.rst",
            category="4 Preliminary experiment",
        ),
    log:
        f"{RESULTS}/logs/sweep_results.log",
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
