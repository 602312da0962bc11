rule paper_table:
    input:
        unpack(table_inputs),
    output:
        csv=f"{RESULTS}/tables/{{dimension}}.csv",
        tex=f"{RESULTS}/tables/{{dimension}}.tex",
        recola_paper=f"{RESULTS}/tables/{{dimension}}_recola_paper.csv",
        md=report(
            f"{RESULTS}/tables/{{dimension}}.md",
            caption="../report/paper_table.rst",
            category="6 Results",
        ),
    log:
        f"{RESULTS}/logs/tables/{{dimension}}.log",
    conda:
        "../../envs/plots.yaml"
    params:
        methods=TABLE_METHODS,
        label_rate=LABEL_RATE,
        cutoff_hz=config["label_study"]["cutoff_hz"],
        corpus_name=corpus_name(),
        stem=stem_of("csv"),
        evidence=bootstrap_settings(),
        descriptions=method_descriptions(),
    script:
        "../scripts/paper_table.py"


rule timing_table:
    input:
        timings=expand(f"{RESULTS}/timing/{{network}}.csv", network=NETWORKS),
    output:
        csv=f"{RESULTS}/tables/training_time.csv",
        tex=f"{RESULTS}/tables/training_time.tex",
        md=report(
            f"{RESULTS}/tables/training_time.md",
            caption="../report/training_time.rst",
            category="6 Results",
        ),
    log:
        f"{RESULTS}/logs/tables/training_time.log",
    conda:
        "../../envs/plots.yaml"
    params:
        stem=stem_of("csv"),
        corpus_name=corpus_name(),
        descriptions=method_descriptions(),
    script:
        "../scripts/timing_table.py"


rule search_table:
    input:
        **grid_tables(),
    output:
        csv=f"{RESULTS}/tables/search.csv",
        tex=f"{RESULTS}/tables/search.tex",
        md=report(
            f"{RESULTS}/tables/search.md",
            caption="../report/search.rst",
            category="6 Results",
        ),
    log:
        f"{RESULTS}/logs/tables/search.log",
    conda:
        "../../envs/plots.yaml"
    params:
        stem=stem_of("csv"),
        corpus_name=corpus_name(),
        space=config["grid"]["space"],
        descriptions=method_descriptions(),
    script:
        "../scripts/search_table.py"


rule figure5:
    input:
        **figure5_predictions(),
    output:
        figure5=report(
            f"{RESULTS}/figures/figure5_predictions.png",
            caption="../report/figure5.rst",
            category="6 Results",
        ),
    log:
        f"{RESULTS}/logs/figure5.log",
    conda:
        "../../envs/plots.yaml"
    params:
        networks=config["figure5"]["networks"],
        dimensions=DIMENSIONS,
        figure=config["figure5"],
        corpus_name=corpus_name(),
        descriptions=method_descriptions(),
    script:
        "../scripts/figure5.py"


rule tables:
    input:
        expand(f"{RESULTS}/tables/{{dimension}}.md", dimension=DIMENSIONS),
        rules.timing_table.output,
        rules.search_table.output,
        rules.comparisons.output,
        rules.claims.output,


rule figures:
    input:
        rules.figure5.output,
        rules.per_recording.output,
        rules.sweep_results.output,
        rules.label_study_tables.output,


rule summary:
    input:
        **{
            f"table_{dimension}": f"{RESULTS}/tables/{dimension}.csv"
            for dimension in DIMENSIONS
        },
        sweep=f"{RESULTS}/sweep/sweep.csv",
        spectrum=f"{RESULTS}/label_study/spectrum.csv",
        downsampling=f"{RESULTS}/label_study/downsampling.csv",
        timing=f"{RESULTS}/tables/training_time.csv",
    output:
        summary=report(
            f"{RESULTS}/summary.md",
            caption="../report/summary.rst",
            category="Summary",
        ),
    log:
        f"{RESULTS}/logs/summary.log",
    conda:
        "../../envs/plots.yaml"
    params:
        dimensions=DIMENSIONS,
        corpus_name=corpus_name(),
    script:
        "../scripts/summary.py"
