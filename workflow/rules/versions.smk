# The versions of every package and tool of the run (one job per conda environment, then one table).


rule environment_versions:
    output:
        csv=f"{RESULTS}/versions/{{environment}}.csv",
    log:
        f"{RESULTS}/logs/versions/{{environment}}.log",
    conda:
        "../../envs/{environment}.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    params:
        interpreter=versions.installed(),
    script:
        "../scripts/environment_versions.py"


rule versions:
    input:
        environment_files=expand(
            f"{RESULTS}/versions/{{environment}}.csv", environment=ENVIRONMENTS
        ),
    output:
        csv=f"{RESULTS}/versions.csv",
        md=report(
            f"{RESULTS}/versions.md",
            caption="../report/versions.rst",
            category="0 Run",
        ),
    log:
        f"{RESULTS}/logs/versions.log",
    conda:
        "../../envs/plots.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    params:
        snakemake_version=snakemake.__version__,
        stem=stem_of("csv"),
    script:
        "../scripts/versions.py"
