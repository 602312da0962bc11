"""The results layout (layout.py): one contract for the paths of the rules, the writers and the readers."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from longterm_emotion import layout
from longterm_emotion.experiments import outputs
from longterm_emotion.layout import Layout
from longterm_emotion.reporting import results_doc

ROOT = Path(__file__).resolve().parents[1]


def test_a_wildcard_pattern_formats_to_the_path_of_one_file():
    results = Layout("results")
    pattern = results.method("{network}", "{dimension}", layout.SCORES)
    assert pattern == "results/train/{network}/{dimension}/scores.csv"
    assert pattern.format(network="dilated", dimension="arousal") == results.method("dilated", "arousal", layout.SCORES)
    assert results.tune_point("{network}", "{dimension}", "{point}").format(network="blstm", dimension="valence",
                                                                            point=3) == "results/tune/blstm_valence/point_3.csv"
    assert results.log("train", "{network}_{dimension}") == "results/logs/train/{network}_{dimension}.log"
    assert results.benchmark("sweep", "arousal_L64") == "results/benchmarks/sweep/arousal_L64.tsv"


def test_fbank_lives_in_features_and_every_other_front_end_in_its_own_folder():
    results = Layout("/r")
    assert results.features("fbank", "dev") == "/r/features/dev/stacked.scp"
    assert results.labels("dev") == "/r/features/dev/labels.csv"
    assert results.features("egemaps", "train", "frames.ark") == "/r/egemaps/train/frames.ark"
    assert results.features("{frontend}", "{partition}") == "/r/{frontend}/{partition}/stacked.scp"
    assert results.frames("egemaps", "train_1") == "/r/egemaps/recordings/train_1.ark"


def test_the_root_is_kept_as_given():
    # The rules' paths were f"{RESULTS}/...": a root like ./results must not be normalised away.
    assert Layout("./results/").summary() == "./results//summary.md"
    assert Layout("./results").versions(".md") == "./results/versions.md"
    assert Layout("r").environment_versions("torch") == "r/versions/torch.csv"


def test_write_outputs_writes_the_files_the_layout_names(tmp_path):
    results = Layout(str(tmp_path))
    frames = pd.DataFrame({"partition": "dev", "recording": ["dev_1"] * 3, "frameTime": np.arange(3) / 25.0,
                           "gold": [0.1, 0.2, 0.3], "seed_0": [0.1, 0.2, 0.2], "ensemble": [0.1, 0.2, 0.2]})
    convergence = pd.DataFrame({"seed": [0], "best_epoch": [4], "hit_cap": [False]})
    folder = results.method("dilated", "arousal")
    outputs.write_outputs(folder, frames, outputs.score_frames(frames), pd.DataFrame({"epoch": [1]}), "arousal",
                          convergence)
    for name in (layout.PREDICTIONS, layout.SCORES, layout.HISTORY, layout.CONVERGENCE):
        assert Path(results.method("dilated", "arousal", name)).is_file(), name
    assert Path(results.method("dilated", "arousal", layout.PER_RECORDING), "dev_1.arff").is_file()


def test_results_section_reads_the_files_the_layout_names(tmp_path):
    results = Layout(str(tmp_path))
    files = results_doc.results_files(tmp_path, ["arousal"], controls=2)
    assert files["sweep"] == results.sweep(".csv")
    assert files["table_arousal"] == results.table("arousal", ".md")
    assert files["figure_figure5_predictions"] == results.figure("figure5_predictions.png")
    assert [files["control_sweep_1"], files["control_sweep_2"]] == results.control_sweeps(2)
    assert "figure_figure1_corpora" in files
    found = results_doc.results_files(tmp_path, ["arousal"])  # None: the copies the folder holds, none here
    assert not any(key.startswith("control_sweep") for key in found) and "figure_figure1_corpora" not in found
    Path(results.control_sweep(1)).parent.mkdir(parents=True)
    Path(results.control_sweep(1)).write_text("corpus\n")
    assert results_doc.results_files(tmp_path, ["arousal"])["control_sweep_1"] == results.control_sweep(1)


def test_results_section_shows_robustness_only_when_asked(tmp_path):
    """robustness.in_results: the section's inputs hold the robustness tables and figures, or none of them."""
    results = Layout(str(tmp_path))
    shown = results_doc.results_files(tmp_path, ["arousal"], controls=0, robustness=True)
    assert shown["robustness"] == results.table("robustness", ".csv")
    assert shown["robustness_tests"] == results.table("robustness_comparisons", ".csv")
    assert shown["figure_robustness_snr"] == results.figure("robustness_snr.png")
    left_out = results_doc.results_files(tmp_path, ["arousal"], controls=0, robustness=False)
    assert not any("robustness" in key for key in left_out)
    assert "robustness_snr.png" not in results_doc.figures(0, False)


def test_find_bundles_finds_the_bundles_where_the_layout_puts_them(tmp_path):
    bundles = pytest.importorskip("longterm_emotion.serving.bundles")
    path = Path(Layout(str(tmp_path)).bundle("dilated", "arousal"))
    path.parent.mkdir()
    path.write_bytes(b"")
    assert bundles.find_bundles(tmp_path) == [path]


def test_no_rule_builds_a_results_path_of_its_own():
    # Every path below results_dir comes from LAYOUT (common.smk), none from an f-string on RESULTS.
    rules = [ROOT / "Snakefile", *sorted((ROOT / "workflow" / "rules").glob("*.smk"))]
    offenders = [f"{path.name}:{n}" for path in rules
                 for n, line in enumerate(path.read_text().splitlines(), 1) if re.search(r"\{RESULTS\}", line)]
    assert offenders == []
    assert "LAYOUT = layout.Layout(RESULTS)" in (ROOT / "workflow" / "rules" / "common.smk").read_text()
