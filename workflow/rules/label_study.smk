rule label_study_tables:
    input:
        expand(f"{RESULTS}/features/{{partition}}/labels.csv", partition=config["label_study"]["partitions"]),
    output:
        multiext(f"{RESULTS}/label_study/spectrum", ".csv", ".md", ".tex"),
        multiext(f"{RESULTS}/label_study/downsampling", ".csv", ".md", ".tex"),
        f"{RESULTS}/label_study/downsampling_per_recording.csv",
        report(
            f"{RESULTS}/figures/figure4_downsampling.png",
            caption="../report/figure4.rst",
            category="5.2 Label study",
        ),
        report(
            f"{RESULTS}/figures/label_spectrum.png",
            caption="../report/label_spectrum.rst",
            category="5.2 Label study",
        ),
    params:
        study=config["label_study"],
        dimensions=config["dimensions"],
        label_rate=LABEL_RATE,
        out_dir=lambda wc, output: str(Path(output[0]).parent),
        figures_dir=lambda wc, output: str(Path(output[7]).parent),
        corpus_name=corpus_name(),
    log:
        f"{RESULTS}/logs/label_study.log",
    conda:
        "../../envs/plots.yaml"
    script:
        "../scripts/label_study.py"


rule label_study:
    input:
        rules.label_study_tables.output,
