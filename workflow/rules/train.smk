rule tune_point:
    input:
        **stacked_features(["train", "dev"]),
    output:
        point=f"{RESULTS}/tune/{{network}}_{{dimension}}/point_{{point}}.csv",
    log:
        f"{RESULTS}/logs/tune/{{network}}_{{dimension}}/point_{{point}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/tune/{{network}}_{{dimension}}/point_{{point}}.tsv"
    priority: 10
    conda:
        "../../envs/torch.yaml"
    threads: config["compute"]["threads"]
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=config["compute"]["gpus_per_job"],
    params:
        features_root=features_root,
        settings=grid_point_settings,
        space=grid_space,
        runs=config["grid"]["runs"],
        first_seed=config["train"]["seeds"][0],
        protocol=config["grid"]["protocol"],
        device=config["compute"]["device"],
        plugins=network_plugins,
    script:
        "../scripts/tune_point.py"


rule tune:
    input:
        points=grid_point_files,
    output:
        settings=f"{RESULTS}/tune/{{network}}_{{dimension}}.yaml",
        grid=f"{RESULTS}/tune/{{network}}_{{dimension}}_grid.csv",
    log:
        f"{RESULTS}/logs/tune/{{network}}_{{dimension}}.log",
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
        settings=f"{RESULTS}/tune/{{network}}_{{dimension}}.yaml",
    output:
        model=f"{RESULTS}/train/{{network}}/{{dimension}}/model.pt",
        predictions=f"{RESULTS}/train/{{network}}/{{dimension}}/predictions.csv",
        scores=f"{RESULTS}/train/{{network}}/{{dimension}}/scores.csv",
        history=f"{RESULTS}/train/{{network}}/{{dimension}}/history.csv",
        convergence=f"{RESULTS}/train/{{network}}/{{dimension}}/convergence.csv",
        per_recording=directory(
            f"{RESULTS}/train/{{network}}/{{dimension}}/per_recording"
        ),
    log:
        f"{RESULTS}/logs/train/{{network}}_{{dimension}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train/{{network}}_{{dimension}}.tsv"
    priority: 10
    conda:
        "../../envs/torch.yaml"
    threads: config["compute"]["threads"]
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=config["compute"]["gpus_per_job"],
    params:
        partitions=PARTITIONS,
        features_root=features_root,
        train=config["train"],
        device=config["compute"]["device"],
        label_rate=LABEL_RATE,
        out_dir=folder_of("model"),
        plugins=network_plugins,
    script:
        "../scripts/train_model.py"


rule best_filter:
    input:
        **stacked_features(),
        sweep=f"{RESULTS}/sweep/sweep.csv",
    output:
        model=f"{RESULTS}/train/best_filter/{{dimension}}/model.pt",
        predictions=f"{RESULTS}/train/best_filter/{{dimension}}/predictions.csv",
        scores=f"{RESULTS}/train/best_filter/{{dimension}}/scores.csv",
        history=f"{RESULTS}/train/best_filter/{{dimension}}/history.csv",
        convergence=f"{RESULTS}/train/best_filter/{{dimension}}/convergence.csv",
        per_recording=directory(
            f"{RESULTS}/train/best_filter/{{dimension}}/per_recording"
        ),
    log:
        f"{RESULTS}/logs/train/best_filter_{{dimension}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train/best_filter_{{dimension}}.tsv"
    conda:
        "../../envs/torch.yaml"
    threads: config["compute"]["threads"]
    resources:
        mem_mb=3000,
        runtime=60,
        gpu=config["compute"]["gpus_per_job"],
    params:
        partitions=PARTITIONS,
        features_root=features_root,
        sweep=config["sweep"],
        train=config["train"],
        device=config["compute"]["device"],
        label_rate=LABEL_RATE,
        out_dir=folder_of("model"),
    script:
        "../scripts/best_filter.py"


rule linear_baseline:
    input:
        **stacked_features(),
    output:
        scores=expand(
            f"{RESULTS}/train/linear_context/{{dimension}}/scores.csv",
            dimension=DIMENSIONS,
        ),
        predictions=expand(
            f"{RESULTS}/train/linear_context/{{dimension}}/predictions.csv",
            dimension=DIMENSIONS,
        ),
        history=expand(
            f"{RESULTS}/train/linear_context/{{dimension}}/history.csv",
            dimension=DIMENSIONS,
        ),
    log:
        f"{RESULTS}/logs/train/linear_context.log",
    benchmark:
        f"{RESULTS}/benchmarks/train/linear_context.tsv"
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
        timing=f"{RESULTS}/timing/{{network}}.csv",
    log:
        f"{RESULTS}/logs/timing/{{network}}.log",
    conda:
        "../../envs/torch.yaml"
    threads: whole_machine
    resources:
        mem_mb=3000,
        runtime=60,
        gpu=config["compute"]["gpus_per_job"],
    params:
        features_root=features_root,
        dimension=DIMENSIONS[0],
        settings=timing_settings,
        epochs=config["timing"]["epochs"],
        warmup=config["timing"]["warmup"],
        torch_threads=config["compute"]["threads"],
        device=config["compute"]["device"],
        plugins=network_plugins,
    script:
        "../scripts/training_time.py"


rule train:
    input:
        expand(
            f"{RESULTS}/train/{{network}}/{{dimension}}/scores.csv",
            network=NETWORKS,
            dimension=DIMENSIONS,
        ),
        expand(
            f"{RESULTS}/train/best_filter/{{dimension}}/scores.csv",
            dimension=DIMENSIONS,
        ),
        rules.linear_baseline.output,
