# The versions of every package and tool of the run (one job per conda environment, then one table).


rule environment_versions:
    output:
        csv=LAYOUT.environment_versions("{environment}"),
    log:
        LAYOUT.log("versions", "{environment}"),
    conda:
        "../../envs/{environment}.yaml"
    resources:
        mem_mb=500,
        runtime=5,
    params:
        interpreter={k: v for k, v in versions.installed().items() if k != "executable"},
    script:
        "../scripts/environment_versions.py"


rule versions:
    input:
        environment_files=expand(
            LAYOUT.environment_versions("{environment}"), environment=ENVIRONMENTS
        ),
    output:
        csv=LAYOUT.versions(".csv"),
        md=report(
            LAYOUT.versions(".md"),
            caption="../report/versions.rst",
            category="0 Run",
        ),
    log:
        LAYOUT.log("versions"),
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
