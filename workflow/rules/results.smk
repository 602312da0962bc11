rule paper_table:
    input:
        unpack(table_inputs),
    output:
        csv=LAYOUT.table("{dimension}", ".csv"),
        tex=LAYOUT.table("{dimension}", ".tex"),
        recola_paper=LAYOUT.table("{dimension}_recola_paper", ".csv"),
        md=report(
            LAYOUT.table("{dimension}", ".md"),
            caption="../report/paper_table.rst",
            category="6 Results",
        ),
    log:
        LAYOUT.log("tables", "{dimension}"),
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
        timings=expand(LAYOUT.timing("{network}"), network=NETWORKS),
    output:
        csv=LAYOUT.table("training_time", ".csv"),
        tex=LAYOUT.table("training_time", ".tex"),
        md=report(
            LAYOUT.table("training_time", ".md"),
            caption="../report/training_time.rst",
            category="6 Results",
        ),
    log:
        LAYOUT.log("tables", "training_time"),
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
        csv=LAYOUT.table("search", ".csv"),
        tex=LAYOUT.table("search", ".tex"),
        md=report(
            LAYOUT.table("search", ".md"),
            caption="../report/search.rst",
            category="6 Results",
        ),
    log:
        LAYOUT.log("tables", "search"),
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
            LAYOUT.figure("figure5_predictions.png"),
            caption="../report/figure5.rst",
            category="6 Results",
        ),
    log:
        LAYOUT.log("figure5"),
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
        expand(LAYOUT.table("{dimension}", ".md"), dimension=DIMENSIONS),
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
            f"table_{dimension}": LAYOUT.table(dimension, ".csv")
            for dimension in DIMENSIONS
        },
        sweep=LAYOUT.sweep(".csv"),
        spectrum=LAYOUT.label_study("spectrum.csv"),
        downsampling=LAYOUT.label_study("downsampling.csv"),
        timing=LAYOUT.table("training_time", ".csv"),
    output:
        summary=report(
            LAYOUT.summary(),
            caption="../report/summary.rst",
            category="Summary",
        ),
    log:
        LAYOUT.log("summary"),
    conda:
        "../../envs/plots.yaml"
    params:
        dimensions=DIMENSIONS,
        corpus_name=corpus_name(),
    script:
        "../scripts/summary.py"
