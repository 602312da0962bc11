TABLE_METHODS = ["linear_context", "best_filter", "avec_baseline", "blstm", "dilated", "downup"]


rule paper_table:
    input:
        scores=expand(f"{RESULTS}/train/{{method}}/{{{{dimension}}}}/scores.csv", method=TABLE_METHODS),
        predictions=expand(f"{RESULTS}/train/{{method}}/{{{{dimension}}}}/predictions.csv", method=TABLE_METHODS),
    output:
        multiext(f"{RESULTS}/tables/{{dimension}}", ".csv", ".tex", "_recola_paper.csv"),
        report(
            f"{RESULTS}/tables/{{dimension}}.md",
            caption="../report/paper_table.rst",
            category="6 Results",
        ),
    params:
        methods=TABLE_METHODS,
        label_rate=LABEL_RATE,
        corpus_name=corpus_name(),
        stem=lambda wc: f"{RESULTS}/tables/{wc.dimension}",
    wildcard_constraints:
        dimension="|".join(config["dimensions"]),
    log:
        f"{RESULTS}/logs/tables/{{dimension}}.log",
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/paper_table.py"


rule timing_table:
    input:
        expand(f"{RESULTS}/timing/{{model}}.csv", model=MODELS),
    output:
        multiext(f"{RESULTS}/tables/training_time", ".csv", ".tex"),
        report(
            f"{RESULTS}/tables/training_time.md",
            caption="../report/training_time.rst",
            category="6 Results",
        ),
    params:
        stem=lambda wc, output: output[0].removesuffix(".csv"),
        corpus_name=corpus_name(),
    log:
        f"{RESULTS}/logs/tables/training_time.log",
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/timing_table.py"


rule figure5:
    input:
        expand(
            f"{RESULTS}/train/{{model}}/{{dimension}}/predictions.csv",
            model=["dilated", "downup"],
            dimension=config["dimensions"],
        ),
    output:
        report(
            f"{RESULTS}/figures/figure5_predictions.png",
            caption="../report/figure5.rst",
            category="6 Results",
        ),
    params:
        dimensions=config["dimensions"],
        figure=config["figure5"],
        corpus_name=corpus_name(),
    log:
        f"{RESULTS}/logs/figure5.log",
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/figure5.py"


rule tables:
    input:
        expand(f"{RESULTS}/tables/{{dimension}}.md", dimension=config["dimensions"]),
        rules.timing_table.output,


rule figures:
    input:
        rules.figure5.output,
        rules.sweep_results.output,
        rules.label_study_tables.output,


rule summary:
    input:
        sweep=f"{RESULTS}/sweep/sweep.csv",
        spectrum=f"{RESULTS}/label_study/spectrum.csv",
        downsampling=f"{RESULTS}/label_study/downsampling.csv",
        tables=expand(f"{RESULTS}/tables/{{dimension}}.csv", dimension=config["dimensions"]),
        timing=f"{RESULTS}/tables/training_time.csv",
    output:
        report(f"{RESULTS}/summary.md", caption="../report/summary.rst", category="Summary"),
    params:
        dimensions=config["dimensions"],
        corpus_name=corpus_name(),
    log:
        f"{RESULTS}/logs/summary.log",
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/summary.py"
