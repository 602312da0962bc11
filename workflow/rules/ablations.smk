# Ablations (target ablations, not part of all): what the paper says its networks do not need (label delay,
# post-processing, segmenting, a richer front end) and its training-speed claim; settings in config section
# ablations, verdicts in tables/ablation_claims (README: Ablations). Names and input functions: ablations_common.smk.


include: "ablations_common.smk"


rule ablation_train:
    input:
        unpack(ablation_features),
        settings=LAYOUT.tune_settings("{network}", "{dimension}"),
    output:
        predictions=LAYOUT.ablation_run(
            "{variant}", "{network}", "{dimension}", "predictions.csv"
        ),
        history=LAYOUT.ablation_run(
            "{variant}", "{network}", "{dimension}", "history.csv"
        ),
        convergence=LAYOUT.ablation_run(
            "{variant}", "{network}", "{dimension}", "convergence.csv"
        ),
        chosen=LAYOUT.ablation_run(
            "{variant}", "{network}", "{dimension}", "chosen.yaml"
        ),
    log:
        LAYOUT.log("ablations", "{variant}", "{network}_{dimension}"),
    benchmark:
        LAYOUT.benchmark("ablations", "{variant}", "{network}_{dimension}")
    conda:
        "../../envs/torch.yaml"
    threads: COMPUTE.threads
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=COMPUTE.gpus_per_job,
    params:
        partitions=PARTITIONS,
        features_root=features_root,
        variant=ablation_variant,
        ablations={k: config["ablations"][k] for k in ("seeds", "protocol", "segments")},
        device=COMPUTE.device,
        label_rate=LABEL_RATE,
        out_dir=folder_of("predictions"),
    script:
        "../scripts/ablation_train.py"


rule ablation_postprocess:
    input:
        predictions=LAYOUT.method("{network}", "{dimension}", "predictions.csv"),
    output:
        frames=LAYOUT.ablation_postprocessing("{network}", "{dimension}"),
        chain=LAYOUT.ablation_postprocessing("{network}", "{dimension}", ".json"),
    log:
        LAYOUT.log("ablations", "postprocessing", "{network}_{dimension}"),
    conda:
        "../../envs/egemaps.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    params:
        section=config["ablations"]["postprocessing"],
        label_rate=LABEL_RATE,
    script:
        "../scripts/ablation_postprocess.py"


rule ablation_timing:
    input:
        **stacked_features(["train"]),
        settings=LAYOUT.tune_settings("{network}", DIMENSIONS[0]),
    output:
        timing=LAYOUT.ablation_timing("{network}"),
    log:
        LAYOUT.log("ablations", "timing", "{network}"),
    conda:
        "../../envs/torch.yaml"
    threads: whole_machine
    resources:
        mem_mb=3000,
        runtime=60,
        gpu=COMPUTE.gpus_per_job,
    params:
        features_root=features_root,
        dimension=DIMENSIONS[0],
        blstm=config["models"]["blstm"][DIMENSIONS[0]],
        section=config["ablations"]["speed"],
        torch_threads=COMPUTE.threads,
        device=COMPUTE.device,
    script:
        "../scripts/ablation_timing.py"


rule ablations_tables:
    input:
        unpack(ablation_table_inputs),
    output:
        csv=LAYOUT.table("ablations", ".csv"),
        tex=LAYOUT.table("ablations", ".tex"),
        md=report(
            LAYOUT.table("ablations", ".md"),
            caption="../report/ablations.rst",
            category="8 Ablations",
        ),
        claims_csv=LAYOUT.table("ablation_claims", ".csv"),
        claims_tex=LAYOUT.table("ablation_claims", ".tex"),
        claims_md=report(
            LAYOUT.table("ablation_claims", ".md"),
            caption="../report/ablations.rst",
            category="8 Ablations",
        ),
        docs=LAYOUT.docs("ablations.md"),
    log:
        LAYOUT.log("tables", "ablations"),
    conda:
        "../../envs/plots.yaml"
    resources:
        mem_mb=3000,
        runtime=20,
    params:
        runs=ablation_run_folders(),
        postprocessing=ablation_postprocessing_files(),
        timing=ablation_timing_files(),
        labels=ablation_labels(),
        variants={k: v.as_dict() for k, v in ABLATION_VARIANTS.items()},
        ablations=config["ablations"],
        settings=claim_tests(),
        evidence=bootstrap_settings(),
        dimensions=DIMENSIONS,
        corpus_name=corpus_name(),
        table_stem=stem_of("csv"),
        claims_stem=stem_of("claims_csv"),
        descriptions=method_descriptions(),
    script:
        "../scripts/ablation_tables.py"


rule ablations:
    input:
        rules.ablations_tables.output,
