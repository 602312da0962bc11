# The AVEC 2016 audio baseline computed on the same data: eGeMAPS v02 descriptors (openSMILE)
# per recording, gathered per partition and aligned to the label rows of the fbank features,
# then windowed functionals + linear SVR with delay compensation, chosen on dev.


rule egemaps_recording:
    input:
        audio=recording_audio,
    output:
        lld=f"{RESULTS}/egemaps/recordings/{{recording}}.ark",
    log:
        f"{RESULTS}/logs/egemaps/{{recording}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/egemaps/{{recording}}.tsv"
    conda:
        "../../envs/egemaps.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        audio_file=recording_audio_file,
        content=recording_digest,
        sample_rate=config["features"]["sample_rate"],
    script:
        "../scripts/egemaps_recording.py"


rule egemaps_partition:
    input:
        llds=egemaps_llds,
        labels=f"{FBANK_FEATURES}/{{partition}}/labels.csv",
    output:
        lld_ark=f"{RESULTS}/egemaps/{{partition}}/lld.ark",
        lld_scp=f"{RESULTS}/egemaps/{{partition}}/lld.scp",
        stacked_ark=f"{RESULTS}/egemaps/{{partition}}/stacked.ark",
        stacked_scp=f"{RESULTS}/egemaps/{{partition}}/stacked.scp",
        labels=f"{RESULTS}/egemaps/{{partition}}/labels.csv",
    log:
        f"{RESULTS}/logs/egemaps/{{partition}}.log",
    conda:
        "../../envs/egemaps.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        stacking={k: config["features"][k] for k in ("stack", "std_floor")},
        out_dir=folder_of("labels"),
    script:
        "../scripts/egemaps_partition.py"


rule avec_baseline:
    input:
        **{p: f"{RESULTS}/egemaps/{p}/lld.scp" for p in PARTITIONS},
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
        stack=config["features"]["stack"],
        out_dir=folder_of("scores"),
    script:
        "../scripts/avec_baseline.py"


rule egemaps:
    input:
        expand(f"{RESULTS}/egemaps/{{partition}}/stacked.scp", partition=PARTITIONS),


rule avec:
    input:
        expand(
            f"{RESULTS}/train/avec_baseline/{{dimension}}/scores.csv",
            dimension=DIMENSIONS,
        ),
