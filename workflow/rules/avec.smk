# The AVEC 2016 audio baseline computed on the same data: eGeMAPS v02 descriptors (front end
# egemaps, rules frontend_recording and frontend_partition), windowed functionals + linear SVR
# with delay compensation, chosen on dev.


rule avec_baseline:
    input:
        **{p: LAYOUT.features("egemaps", p, "frames.scp") for p in PARTITIONS},
    output:
        predictions=LAYOUT.method("avec_baseline", "{dimension}", layout.PREDICTIONS),
        scores=LAYOUT.method("avec_baseline", "{dimension}", layout.SCORES),
        history=LAYOUT.method("avec_baseline", "{dimension}", layout.HISTORY),
        note=LAYOUT.method("avec_baseline", "{dimension}", layout.NOTE),
        per_recording=directory(
            LAYOUT.method("avec_baseline", "{dimension}", layout.PER_RECORDING)
        ),
    log:
        LAYOUT.log("train", "avec_baseline_{dimension}"),
    benchmark:
        LAYOUT.benchmark("train", "avec_baseline_{dimension}")
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
            LAYOUT.method("avec_baseline", "{dimension}", layout.SCORES),
            dimension=DIMENSIONS,
        ),
