# The AVEC 2016 audio baseline computed on the same data (issue 13): eGeMAPS v02 descriptors
# (openSMILE) per recording, gathered per partition and aligned to the label rows of the fbank
# features, then windowed functionals + linear SVR with delay compensation, chosen on dev.


rule egemaps_recording:
    input:
        corpus=CORPUS,
    output:
        lld=f"{RESULTS}/egemaps/recordings/{{recording}}.ark",
    params:
        sample_rate=config["features"]["sample_rate"],
    wildcard_constraints:
        recording=r"(train|dev|test)_\d+",
    log:
        f"{RESULTS}/logs/egemaps/{{recording}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/egemaps/{{recording}}.tsv"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    conda:
        "../../envs/egemaps.yaml"
    script:
        "../scripts/egemaps_recording.py"


rule egemaps_partition:
    input:
        llds=lambda wc: expand(f"{RESULTS}/egemaps/recordings/{{recording}}.ark", recording=egemaps_recordings(wc.partition)),
        labels=f"{RESULTS}/features/{{partition}}/labels.csv",
    output:
        multiext(f"{RESULTS}/egemaps/{{partition}}/", "lld.ark", "lld.scp", "stacked.ark", "stacked.scp", "labels.csv"),
    params:
        stacking={k: config["features"][k] for k in ("stack", "std_floor")},
        out_dir=lambda wc: f"{RESULTS}/egemaps/{wc.partition}",
    wildcard_constraints:
        partition="|".join(PARTITIONS),
    log:
        f"{RESULTS}/logs/egemaps/{{partition}}.log",
    resources:
        mem_mb=2000,
        runtime=10,
    conda:
        "../../envs/egemaps.yaml"
    script:
        "../scripts/egemaps_partition.py"


rule avec_baseline:
    input:
        expand(f"{RESULTS}/egemaps/{{partition}}/{{name}}", partition=PARTITIONS, name=["lld.scp", "labels.csv"]),
    output:
        multiext(
            f"{RESULTS}/train/avec_baseline/{{dimension}}/",
            "predictions.csv",
            "scores.csv",
            "history.csv",
            "note.txt",
        ),
        directory(f"{RESULTS}/train/avec_baseline/{{dimension}}/per_recording"),
    params:
        features_root=lambda wc, input: str(Path(input[0]).parent.parent),
        baseline=config["avec_baseline"],
        label_rate=LABEL_RATE,
        stack=config["features"]["stack"],
        out_dir=lambda wc: f"{RESULTS}/train/avec_baseline/{wc.dimension}",
    wildcard_constraints:
        dimension="|".join(config["dimensions"]),
    log:
        f"{RESULTS}/logs/train/avec_baseline_{{dimension}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train/avec_baseline_{{dimension}}.tsv"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    conda:
        "../../envs/egemaps.yaml"
    script:
        "../scripts/avec_baseline.py"


rule egemaps:
    input:
        expand(f"{RESULTS}/egemaps/{{partition}}/stacked.scp", partition=PARTITIONS),


rule avec:
    input:
        expand(f"{RESULTS}/train/avec_baseline/{{dimension}}/scores.csv", dimension=config["dimensions"]),
