rule label_study_tables:
    input:
        labels=expand(
            LAYOUT.features("fbank", "{partition}", "labels.csv"),
            partition=config["label_study"]["partitions"],
        ),
    output:
        spectrum=multiext(LAYOUT.label_study("spectrum"), ".csv", ".md", ".tex"),
        downsampling=multiext(LAYOUT.label_study("downsampling"), ".csv", ".md", ".tex"),
        downsampling_per_recording=LAYOUT.label_study("downsampling_per_recording.csv"),
        figure4=report(
            LAYOUT.figure("figure4_downsampling.png"),
            caption="../report/figure4.rst",
            category="5.2 Label study",
        ),
        spectrum_figure=report(
            LAYOUT.figure("label_spectrum.png"),
            caption="../report/label_spectrum.rst",
            category="5.2 Label study",
        ),
    log:
        LAYOUT.log("label_study"),
    conda:
        "../../envs/plots.yaml"
    params:
        study=config["label_study"],
        dimensions=DIMENSIONS,
        label_rate=LABEL_RATE,
        out_dir=folder_of("downsampling_per_recording"),
        figures_dir=folder_of("figure4"),
        corpus_name=corpus_name(),
    script:
        "../scripts/label_study.py"


rule label_study:
    input:
        rules.label_study_tables.output,
