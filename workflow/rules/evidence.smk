# Evidence a reviewer accepts: paired comparisons of methods with bootstrap intervals over
# recordings and p-values, and the CCC of every method on every recording.


rule comparisons:
    input:
        unpack(comparison_inputs),
    output:
        csv=f"{RESULTS}/tables/comparisons.csv",
        tex=f"{RESULTS}/tables/comparisons.tex",
        md=report(
            f"{RESULTS}/tables/comparisons.md",
            caption="../report/comparisons.rst",
            category="6 Results",
        ),
    log:
        f"{RESULTS}/logs/tables/comparisons.log",
    conda:
        "../../envs/plots.yaml"
    params:
        dimensions=DIMENSIONS,
        methods=comparison_methods(),
        comparisons=[list(pair) for pair in COMPARISONS],
        evidence=bootstrap_settings(),
        corpus_name=corpus_name(),
        stem=stem_of("csv"),
        descriptions=method_descriptions(),
    script:
        "../scripts/comparisons.py"


rule claims:
    input:
        unpack(claims_inputs),
    output:
        csv=f"{RESULTS}/tables/claims.csv",
        tex=f"{RESULTS}/tables/claims.tex",
        md=report(
            f"{RESULTS}/tables/claims.md",
            caption="../report/claims.rst",
            category="6 Results",
        ),
    log:
        f"{RESULTS}/logs/tables/claims.log",
    conda:
        "../../envs/plots.yaml"
    params:
        dimensions=DIMENSIONS,
        methods=claim_methods(),
        claims=config["claims"]["paper"],
        settings={k: v for k, v in config["claims"].items() if k != "paper"},
        evidence=bootstrap_settings(),
        corpus_name=corpus_name(),
        stem=stem_of("csv"),
        descriptions=method_descriptions(),
    script:
        "../scripts/claims.py"


rule per_recording:
    input:
        unpack(per_recording_inputs),
    output:
        csv=f"{RESULTS}/tables/per_recording_ccc.csv",
        figure=report(
            f"{RESULTS}/figures/per_recording_ccc.png",
            caption="../report/per_recording.rst",
            category="6 Results",
        ),
    log:
        f"{RESULTS}/logs/per_recording.log",
    conda:
        "../../envs/plots.yaml"
    params:
        dimensions=DIMENSIONS,
        methods=TABLE_METHODS,
        corpus_name=corpus_name(),
        descriptions=method_descriptions(),
    script:
        "../scripts/per_recording.py"


if CONTROL_SWEEP:

    rule figure1_corpora:
        input:
            sweep=f"{RESULTS}/sweep/sweep.csv",
            control=CONTROL_SWEEP,
        output:
            figure=report(
                f"{RESULTS}/figures/figure1_corpora.png",
                caption="../report/figure1_corpora.rst",
                category="4 Preliminary experiment",
            ),
            control=f"{RESULTS}/{results_doc.CONTROL_SWEEP}",
        log:
            f"{RESULTS}/logs/figure1_corpora.log",
        conda:
            "../../envs/plots.yaml"
        params:
            confidence=config["evidence"]["confidence"],
        script:
            "../scripts/figure1_corpora.py"
