# Robustness report (target robustness, not part of all): every network's bundle on degraded audio of one
# labelled partition (test where labelled, else dev), one job per condition, and the gather tables and figures.
wildcard_constraints:
    condition="|".join(ROBUSTNESS_CONDITIONS),


rule robustness_condition:
    input:
        corpus=all_corpus_files,
        labels=robustness_labels,
        bundles=rules.models.input,
    output:
        csv=LAYOUT.robustness_condition("{condition}"),
    log:
        LAYOUT.log("robustness", "{condition}"),
    benchmark:
        LAYOUT.benchmark("robustness", "{condition}")
    conda:
        "../../envs/predict.yaml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        condition=robustness_condition_settings,
        recordings=robustness_recordings,
        pool=babble_recordings,
        seed=ROBUSTNESS["seed"],
        dimensions=DIMENSIONS,
    script:
        "../scripts/robustness_condition.py"


rule robustness_report:
    input:
        **robustness_condition_files(),
    output:
        csv=LAYOUT.table("robustness", ".csv"),
        tex=LAYOUT.table("robustness", ".tex"),
        md=report(
            LAYOUT.table("robustness", ".md"),
            caption="../report/robustness.rst",
            category="7 Robustness",
        ),
        tests_csv=LAYOUT.table("robustness_comparisons", ".csv"),
        tests_tex=LAYOUT.table("robustness_comparisons", ".tex"),
        tests_md=report(
            LAYOUT.table("robustness_comparisons", ".md"),
            caption="../report/robustness.rst",
            category="7 Robustness",
        ),
        snr_figure=report(
            LAYOUT.figure("robustness_snr.png"),
            caption="../report/robustness.rst",
            category="7 Robustness",
        ),
        conditions_figure=report(
            LAYOUT.figure("robustness_conditions.png"),
            caption="../report/robustness.rst",
            category="7 Robustness",
        ),
    log:
        LAYOUT.log("tables", "robustness"),
    conda:
        "../../envs/plots.yaml"
    params:
        conditions=[c.as_dict() for c in ROBUSTNESS_CONDITIONS.values()],
        networks=NETWORKS,
        comparisons=robustness_comparisons(),
        descriptions=method_descriptions(),
        dimensions=DIMENSIONS,
        evidence=bootstrap_settings(),
        partition=lambda wildcards: robustness_partition(),
        corpus_name=corpus_name(),
        table_stem=stem_of("csv"),
        tests_stem=stem_of("tests_csv"),
    script:
        "../scripts/robustness_report.py"


rule robustness:
    input:
        rules.robustness_report.output,
