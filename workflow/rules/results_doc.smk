# The README's results section (docs/results.md) and its figures, generated from this run's results:
# copy results_dir/docs/ to the repository's docs/ and paste results.md between the README's
# <!-- results --> markers.


rule results_doc:
    input:
        unpack(results_doc_inputs),
    output:
        text=LAYOUT.docs("results.md"),
        figures=[
            LAYOUT.docs(f"figures/{name}")
            for name in results_doc.figures(
                len(CONTROL_SWEEPS), config["robustness"]["in_results"]
            )
        ],
    log:
        LAYOUT.log("results_doc"),
    conda:
        "../../envs/plots.yaml"
    params:
        dimensions=DIMENSIONS,
        alpha=config["claims"]["alpha"],
        figures_dir=folder_of("figures"),
        shared_audio=SHARED_AUDIO,
    script:
        "../scripts/results_doc.py"
