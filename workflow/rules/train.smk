rule tune_point:
    input:
        **stacked_features(["train", "dev"]),
    output:
        point=LAYOUT.tune_point("{network}", "{dimension}", "{point}"),
    log:
        LAYOUT.log("tune", "{network}_{dimension}", "point_{point}"),
    benchmark:
        LAYOUT.benchmark("tune", "{network}_{dimension}", "point_{point}")
    priority: 10
    conda:
        "../../envs/torch.yaml"
    threads: COMPUTE.threads
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=COMPUTE.gpus_per_job,
    params:
        features_root=features_root,
        settings=grid_point_settings,
        space=grid_space,
        seeds=config["grid"]["seeds"],
        protocol=config["grid"]["protocol"],
        device=COMPUTE.device,
        plugins=network_plugins,
    script:
        "../scripts/tune_point.py"


rule tune:
    input:
        points=grid_point_files,
    output:
        settings=LAYOUT.tune_settings("{network}", "{dimension}"),
        grid=LAYOUT.tune_grid("{network}", "{dimension}"),
    log:
        LAYOUT.log("tune", "{network}_{dimension}"),
    priority: 10
    conda:
        "../../envs/plots.yaml"
    resources:
        mem_mb=1000,
        runtime=10,
    params:
        corpus_name=corpus_name(),
    script:
        "../scripts/tune.py"


rule train_model:
    input:
        **stacked_features(),
        settings=LAYOUT.tune_settings("{network}", "{dimension}"),
    output:
        model=LAYOUT.method("{network}", "{dimension}", layout.MODEL),
        predictions=LAYOUT.method("{network}", "{dimension}", layout.PREDICTIONS),
        scores=LAYOUT.method("{network}", "{dimension}", layout.SCORES),
        history=LAYOUT.method("{network}", "{dimension}", layout.HISTORY),
        convergence=LAYOUT.method("{network}", "{dimension}", layout.CONVERGENCE),
        per_recording=directory(
            LAYOUT.method("{network}", "{dimension}", layout.PER_RECORDING)
        ),
    log:
        LAYOUT.log("train", "{network}_{dimension}"),
    benchmark:
        LAYOUT.benchmark("train", "{network}_{dimension}")
    priority: 10
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
        train=config["train"],
        device=COMPUTE.device,
        label_rate=LABEL_RATE,
        out_dir=folder_of("model"),
        plugins=network_plugins,
    script:
        "../scripts/train_model.py"


rule best_filter:
    input:
        **stacked_features(),
        sweep=LAYOUT.sweep(".csv"),
    output:
        model=LAYOUT.method("best_filter", "{dimension}", layout.MODEL),
        predictions=LAYOUT.method("best_filter", "{dimension}", layout.PREDICTIONS),
        scores=LAYOUT.method("best_filter", "{dimension}", layout.SCORES),
        history=LAYOUT.method("best_filter", "{dimension}", layout.HISTORY),
        convergence=LAYOUT.method("best_filter", "{dimension}", layout.CONVERGENCE),
        per_recording=directory(
            LAYOUT.method("best_filter", "{dimension}", layout.PER_RECORDING)
        ),
    log:
        LAYOUT.log("train", "best_filter_{dimension}"),
    benchmark:
        LAYOUT.benchmark("train", "best_filter_{dimension}")
    conda:
        "../../envs/torch.yaml"
    threads: COMPUTE.threads
    resources:
        mem_mb=3000,
        runtime=60,
        gpu=COMPUTE.gpus_per_job,
    params:
        partitions=PARTITIONS,
        features_root=features_root,
        sweep=config["sweep"],
        train=config["train"],
        device=COMPUTE.device,
        label_rate=LABEL_RATE,
        out_dir=folder_of("model"),
    script:
        "../scripts/best_filter.py"


rule linear_baseline:
    input:
        **stacked_features(),
    output:
        scores=expand(
            LAYOUT.method("linear_context", "{dimension}", layout.SCORES),
            dimension=DIMENSIONS,
        ),
        predictions=expand(
            LAYOUT.method("linear_context", "{dimension}", layout.PREDICTIONS),
            dimension=DIMENSIONS,
        ),
        history=expand(
            LAYOUT.method("linear_context", "{dimension}", layout.HISTORY),
            dimension=DIMENSIONS,
        ),
    log:
        LAYOUT.log("train", "linear_context"),
    benchmark:
        LAYOUT.benchmark("train", "linear_context")
    conda:
        "../../envs/torch.yaml"
    threads: 2
    resources:
        mem_mb=6000,
        runtime=30,
    params:
        partitions=PARTITIONS,
        features_root=features_root,
        dimensions=DIMENSIONS,
        baseline=config["baselines"]["linear_context"],
        label_rate=LABEL_RATE,
        out_root=folder_of("scores", levels=2),
    script:
        "../scripts/linear_baseline.py"


rule training_time:
    input:
        **stacked_features(["train"]),
    output:
        timing=LAYOUT.timing("{network}"),
    log:
        LAYOUT.log("timing", "{network}"),
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
        settings=timing_settings,
        epochs=config["timing"]["epochs"],
        warmup=config["timing"]["warmup"],
        torch_threads=COMPUTE.threads,
        device=COMPUTE.device,
        plugins=network_plugins,
    script:
        "../scripts/training_time.py"


rule train:
    input:
        expand(
            LAYOUT.method("{network}", "{dimension}", layout.SCORES),
            network=NETWORKS,
            dimension=DIMENSIONS,
        ),
        expand(
            LAYOUT.method("best_filter", "{dimension}", layout.SCORES),
            dimension=DIMENSIONS,
        ),
        rules.linear_baseline.output,
