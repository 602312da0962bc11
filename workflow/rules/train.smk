MODELS = ["dilated", "downup", "blstm"]
FEATURES = expand(f"{RESULTS}/{FEATURES_DIR}/{{partition}}/stacked.scp", partition=PARTITIONS)


rule tune:
    input:
        FEATURES,
    output:
        settings=f"{RESULTS}/tune/{{model}}_{{dimension}}.yaml",
        grid=f"{RESULTS}/tune/{{model}}_{{dimension}}_grid.csv",
    params:
        features_root=lambda wc, input: str(Path(input[0]).parent.parent),
        base=lambda wc: config["models"][wc.model][wc.dimension],
        space=lambda wc: config["grid"]["space"].get(wc.model, {}),
        runs=config["grid"]["runs"],
        train=config["train"],
        device=config["training"]["device"],
    wildcard_constraints:
        model="|".join(MODELS),
        dimension="|".join(config["dimensions"]),
    log:
        f"{RESULTS}/logs/tune/{{model}}_{{dimension}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/tune/{{model}}_{{dimension}}.tsv"
    threads: config["training"]["threads"]
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=config["training"]["gpus_per_job"],
    conda:
        "../../envs/torch.yaml"
    script:
        "../scripts/tune.py"


rule train_model:
    input:
        FEATURES,
        settings=f"{RESULTS}/tune/{{model}}_{{dimension}}.yaml",
    output:
        multiext(
            f"{RESULTS}/train/{{model}}/{{dimension}}/",
            "model.pt",
            "predictions.csv",
            "scores.csv",
            "history.csv",
        ),
        directory(f"{RESULTS}/train/{{model}}/{{dimension}}/per_recording"),
    params:
        features_root=lambda wc, input: str(Path(input[0]).parent.parent),
        train=config["train"],
        device=config["training"]["device"],
        label_rate=LABEL_RATE,
        out_dir=lambda wc: f"{RESULTS}/train/{wc.model}/{wc.dimension}",
    wildcard_constraints:
        model="|".join(MODELS),
        dimension="|".join(config["dimensions"]),
    log:
        f"{RESULTS}/logs/train/{{model}}_{{dimension}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train/{{model}}_{{dimension}}.tsv"
    threads: config["training"]["threads"]
    resources:
        mem_mb=4000,
        runtime=120,
        gpu=config["training"]["gpus_per_job"],
    conda:
        "../../envs/torch.yaml"
    script:
        "../scripts/train_model.py"


rule best_filter:
    input:
        FEATURES,
        sweep=f"{RESULTS}/sweep/sweep.csv",
    output:
        multiext(
            f"{RESULTS}/train/best_filter/{{dimension}}/",
            "model.pt",
            "predictions.csv",
            "scores.csv",
            "history.csv",
        ),
        directory(f"{RESULTS}/train/best_filter/{{dimension}}/per_recording"),
    params:
        features_root=lambda wc, input: str(Path(input[0]).parent.parent),
        sweep=config["sweep"],
        train=config["train"],
        device=config["training"]["device"],
        label_rate=LABEL_RATE,
        out_dir=lambda wc: f"{RESULTS}/train/best_filter/{wc.dimension}",
    wildcard_constraints:
        dimension="|".join(config["dimensions"]),
    log:
        f"{RESULTS}/logs/train/best_filter_{{dimension}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train/best_filter_{{dimension}}.tsv"
    threads: config["training"]["threads"]
    resources:
        mem_mb=3000,
        runtime=60,
        gpu=config["training"]["gpus_per_job"],
    conda:
        "../../envs/torch.yaml"
    script:
        "../scripts/best_filter.py"


rule linear_baseline:
    input:
        FEATURES,
    output:
        expand(
            f"{RESULTS}/train/linear_context/{{dimension}}/{{name}}",
            dimension=config["dimensions"],
            name=["predictions.csv", "scores.csv", "history.csv"],
        ),
    params:
        features_root=lambda wc, input: str(Path(input[0]).parent.parent),
        dimensions=config["dimensions"],
        baseline=config["baselines"]["linear_context"],
        label_rate=LABEL_RATE,
        out_root=lambda wc, output: str(Path(output[0]).parent.parent),
    log:
        f"{RESULTS}/logs/train/linear_context.log",
    benchmark:
        f"{RESULTS}/benchmarks/train/linear_context.tsv"
    threads: 2
    resources:
        mem_mb=6000,
        runtime=30,
    conda:
        "../../envs/torch.yaml"
    script:
        "../scripts/linear_baseline.py"


rule training_time:
    input:
        FEATURES,
    output:
        f"{RESULTS}/timing/{{model}}.csv",
    params:
        features_root=lambda wc, input: str(Path(input[0]).parent.parent),
        settings=lambda wc: config["models"][wc.model]["arousal"],
        epochs=config["timing"]["epochs"],
        device=config["training"]["device"],
    wildcard_constraints:
        model="|".join(MODELS),
    log:
        f"{RESULTS}/logs/timing/{{model}}.log",
    threads: config["training"]["threads"]
    resources:
        mem_mb=3000,
        runtime=60,
        gpu=config["training"]["gpus_per_job"],
    conda:
        "../../envs/torch.yaml"
    script:
        "../scripts/training_time.py"


rule train:
    input:
        expand(f"{RESULTS}/train/{{model}}/{{dimension}}/scores.csv", model=MODELS, dimension=config["dimensions"]),
        expand(f"{RESULTS}/train/best_filter/{{dimension}}/scores.csv", dimension=config["dimensions"]),
        rules.linear_baseline.output,
