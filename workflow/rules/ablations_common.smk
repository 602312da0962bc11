# Names and input functions of target ablations (workflow/rules/ablations.smk; not part of all).
import re

from longterm_emotion.experiments import ablations as ablation_study
from longterm_emotion.settings import Ablations

ABLATIONS = Ablations.of(config["ablations"])
ABLATION_VARIANTS = ablation_study.variants(ABLATIONS, config["features"]["frontend"])
ABLATION_NETWORKS = list(ABLATIONS.networks)


wildcard_constraints:
    variant="|".join(re.escape(v) for v in ABLATION_VARIANTS),


def ablation_features(wildcards):
    """The stacked features of every partition in the variant's front end."""
    return {
        p: LAYOUT.features(ABLATION_VARIANTS[wildcards.variant].frontend, p)
        for p in PARTITIONS
    }


def ablation_variant(wildcards):
    return ABLATION_VARIANTS[wildcards.variant].as_dict()


def ablation_run_folders():
    """{variant: {'<network>_<dimension>': run folder}} of every trained variant."""
    return {
        v: {
            f"{n}_{d}": LAYOUT.ablation_run(v, n, d)
            for n in ABLATION_NETWORKS
            for d in DIMENSIONS
        }
        for v in ABLATION_VARIANTS
    }


def ablation_postprocessing_files():
    """{'<network>_<dimension>': [frames csv, chain json]} of the post-processing study."""
    return {
        f"{n}_{d}": [
            LAYOUT.ablation_postprocessing(n, d),
            LAYOUT.ablation_postprocessing(n, d, ".json"),
        ]
        for n in ABLATION_NETWORKS
        for d in DIMENSIONS
    }


def ablation_timing_files():
    return {n: LAYOUT.ablation_timing(n) for n in ABLATION_NETWORKS}


def ablation_labels():
    """The aligned labels of dev and test (the tables rule scores with them; nothing before it reads test's)."""
    return {p: LAYOUT.labels(p) for p in PARTITIONS if p in ("dev", "test")}


def ablation_table_inputs(wildcards):
    files = {}
    for v, runs in ablation_run_folders().items():
        for key, folder in runs.items():
            files[f"run_{v}_{key}"] = f"{folder}/predictions.csv"
            files[f"chosen_{v}_{key}"] = f"{folder}/chosen.yaml"
    for key, (frames, chain) in ablation_postprocessing_files().items():
        files[f"pp_{key}"] = frames
        files[f"chain_{key}"] = chain
    files.update({f"timing_{n}": f for n, f in ablation_timing_files().items()})
    files.update({f"labels_{p}": f for p, f in ablation_labels().items()})
    return files
