# The AVEC 2016 audio baseline computed on the same data: eGeMAPS v02 descriptors (front end
# egemaps, rules frontend_recording and frontend_partition), windowed functionals + linear SVR
# with delay compensation, chosen on dev.


rule avec_baseline:
    input:
        **{p: f"{RESULTS}/egemaps/{p}/frames.scp" for p in PARTITIONS},
    output:
        predictions=f"{RESULTS}/train/avec_baseline/{{dimension}}/predictions.csv",
        scores=f"{RESULTS}/train/avec_baseline/{{dimension}}/scores.csv",
        history=f"{RESULTS}/train/avec_baseline/{{dimension}}/history.csv",
        note=f"{RESULTS}/train/avec_baseline/{{dimension}}/note.txt",
        per_recording=directory(
            f"{RESULTS}/train/avec_baseline/{{dimension}}/per_recording"
        ),
    log:
        f"{RESULTS}/logs/train/avec_baseline_{{dimension}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/train/avec_baseline_{{dimension}}.tsv"
    conda:
        "../../envs/egemaps.yaml"
    threads: 1
    resources:
        mem_mb=4000,
        runtime=60,
    params:
        partitions=PARTITIONS,
        features_root=features_root,
        baseline=config["avec_baseline"],
        label_rate=LABEL_RATE,
        stack=frontend_stack("egemaps"),
        out_dir=folder_of("scores"),
    script:
        "../scripts/avec_baseline.py"


rule avec:
    input:
        expand(
            f"{RESULTS}/train/avec_baseline/{{dimension}}/scores.csv",
            dimension=DIMENSIONS,
        ),
