# Every front end but the paper's fbank (features.smk, which also aligns the labels): one job per
# recording computes its frames, one job per partition normalises and stacks them to the label rows
# of the fbank features (frontends/pipeline.py). eGeMAPS is the first entry; see README "Adding a front end".


rule frontend_recording:
    input:
        audio=recording_audio,
    output:
        frames=LAYOUT.frames("{frontend}", "{recording}"),
    log:
        LAYOUT.log("{frontend}", "{recording}"),
    benchmark:
        LAYOUT.benchmark("{frontend}", "{recording}")
    conda:
        frontend_env
    threads: 1
    resources:
        mem_mb=frontend_memory,
        runtime=30,
        gpu=frontend_gpus,
    params:
        audio_file=recording_audio_file,
        content=recording_digest,
        features=frontend_settings,
        plugins=frontend_plugins,
    script:
        "../scripts/frontend_recording.py"


rule frontend_partition:
    input:
        frames=frontend_recordings,
        labels=LAYOUT.features("fbank", "{partition}", "labels.csv"),
    output:
        frames_ark=LAYOUT.features("{frontend}", "{partition}", "frames.ark"),
        frames_scp=LAYOUT.features("{frontend}", "{partition}", "frames.scp"),
        stacked_ark=LAYOUT.features("{frontend}", "{partition}", "stacked.ark"),
        stacked_scp=LAYOUT.features("{frontend}", "{partition}", "stacked.scp"),
        labels=LAYOUT.features("{frontend}", "{partition}", "labels.csv"),
    log:
        LAYOUT.log("{frontend}", "{partition}"),
    conda:
        frontend_env
    resources:
        mem_mb=2000,
        runtime=10,
    params:
        features=frontend_settings,
        label_rate=LABEL_RATE,
        plugins=frontend_plugins,
        out_dir=folder_of("labels"),
    script:
        "../scripts/frontend_partition.py"


rule frontend:
    input:
        expand(
            LAYOUT.features(FRONTEND, "{partition}", "stacked.scp"),
            partition=PARTITIONS,
        ),
