# Evidence a reviewer accepts: paired comparisons of methods with bootstrap intervals over
# recordings and p-values, and the CCC of every method on every recording.


rule comparisons:
    input:
        unpack(comparison_inputs),
    output:
        csv=LAYOUT.table("comparisons", ".csv"),
        tex=LAYOUT.table("comparisons", ".tex"),
        md=report(
            LAYOUT.table("comparisons", ".md"),
            caption="../report/comparisons.rst",
            category="6 Results",
        ),
    log:
        LAYOUT.log("tables", "comparisons"),
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
        csv=LAYOUT.table("claims", ".csv"),
        tex=LAYOUT.table("claims", ".tex"),
        md=report(
            LAYOUT.table("claims", ".md"),
            caption="../report/claims.rst",
            category="6 Results",
        ),
    log:
        LAYOUT.log("tables", "claims"),
    conda:
        "../../envs/plots.yaml"
    params:
        dimensions=DIMENSIONS,
        methods=claim_methods(),
        claims=config["claims"]["paper"],
        beyond=config["claims"]["beyond_paper"],
        settings=claim_tests(),
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
        csv=LAYOUT.table("per_recording_ccc", ".csv"),
        figure=report(
            LAYOUT.figure("per_recording_ccc.png"),
            caption="../report/per_recording.rst",
            category="6 Results",
        ),
    log:
        LAYOUT.log("per_recording"),
    conda:
        "../../envs/plots.yaml"
    params:
        dimensions=DIMENSIONS,
        methods=TABLE_METHODS,
        corpus_name=corpus_name(),
        descriptions=method_descriptions(),
    script:
        "../scripts/per_recording.py"


if CONTROL_SWEEPS:

    rule figure1_corpora:
        input:
            sweep=LAYOUT.sweep(".csv"),
            controls=CONTROL_SWEEPS,
        output:
            figure=report(
                LAYOUT.figure("figure1_corpora.png"),
                caption="../report/figure1_corpora.rst",
                category="4 Preliminary experiment",
            ),
            copies=CONTROL_COPIES,
        log:
            LAYOUT.log("figure1_corpora"),
        conda:
            "../../envs/plots.yaml"
        params:
            confidence=config["evidence"]["confidence"],
        script:
            "../scripts/figure1_corpora.py"
