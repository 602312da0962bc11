rule sweep_length:
    input:
        train=f"{RESULTS}/{FEATURES_DIR}/train/stacked.scp",
        dev=f"{RESULTS}/{FEATURES_DIR}/dev/stacked.scp",
    output:
        f"{RESULTS}/sweep/runs/{{dimension}}_L{{length}}.csv",
    params:
        # Not the list of lengths: adding a length must not rerun the others.
        sweep={k: v for k, v in config["sweep"].items() if k != "filter_lengths"},
        device=config["training"]["device"],
    wildcard_constraints:
        dimension="|".join(config["dimensions"]),
        length=r"\d+",
    log:
        f"{RESULTS}/logs/sweep/{{dimension}}_L{{length}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/sweep/{{dimension}}_L{{length}}.tsv"
    threads: config["training"]["threads"]
    resources:
        mem_mb=3000,
        runtime=30,
        gpu=config["training"]["gpus_per_job"],
    conda:
        "../../envs/torch.yaml"
    script:
        "../scripts/sweep_length.py"


rule sweep_results:
    input:
        expand(
            f"{RESULTS}/sweep/runs/{{dimension}}_L{{length}}.csv",
            dimension=config["dimensions"],
            length=config["sweep"]["filter_lengths"],
        ),
    output:
        multiext(f"{RESULTS}/sweep/sweep", ".csv", ".md", ".tex"),
        f"{RESULTS}/sweep/sweep_runs.csv",
        report(
            f"{RESULTS}/figures/figure1_filter_length.png",
            caption="../report/figure1.rst",
            category="4 Preliminary experiment",
        ),
    params:
        label_rate=LABEL_RATE,
        stem=lambda wc, output: output[0].removesuffix(".csv"),
        corpus_name=corpus_name(),
    log:
        f"{RESULTS}/logs/sweep_results.log",
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/sweep_results.py"


rule sweep:
    input:
        rules.sweep_results.output,
