"""End-to-end tests of the Snakemake workflow.

One session-scoped run of the whole DAG on the tiny synthetic config
(tests/configs/tiny.yaml; fixtures `tiny_run`, `tiny` and `real_shape_corpus` in
conftest.py: the README's run command in the environment its install makes)
feeds most tests; the others are dry runs, runs of a few cheap jobs, or runs
that must fail early. Snakemake runs as a subprocess
with the repository as working directory (so profiles/default applies) and
every output below a pytest tmp dir (`--config results_dir=...`).

Tests that run jobs work on their own copy of the session results, so the
tests are independent of their order.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import kaldiio
import numpy as np
import pandas as pd
import pytest
import yaml

from longterm_emotion import methods
from snakemake_runner import REPO, TINY, TINY_CFG, Result, dry_run_jobs, run_ok, snakemake
CONFIG = yaml.safe_load((REPO / "config.yaml").read_text())
DIMENSIONS = ["arousal", "valence"]
PARTITIONS = ["train", "dev", "test"]
LABEL_RATE = 25.0
FEATURE_DIMS = 160  # 4 stacked frames x 40 mel bins
# Label rows of a tiny recording: floor(duration * 25 Hz) + 1 (7501 for 300 s).
ROWS = int(TINY_CFG["synthetic"]["duration_s"] * LABEL_RATE) + 1
ALL_RULES = [
    "synthetic_corpus", "extract_features", "label_study_tables", "sweep_length", "sweep_results", "tune_point",
    "tune", "search_table", "train_model", "best_filter", "linear_baseline", "training_time", "paper_table", "timing_table", "figure5",
    "model_bundle",
    "frontend_recording", "frontend_partition", "avec_baseline", "environment_versions", "versions",
]
# Rules that run only when asked for (target predict with --config predict_audio=DIR), never in the default DAG.
ON_DEMAND_RULES = {"predict_audio_file", "ablation_train", "ablation_postprocess", "ablation_timing", "ablations_tables"}


def rules_with_a_command() -> list[str]:
    """Every rule of the workflow files that runs something (not the aggregation rules)."""
    names = []
    for path in [REPO / "Snakefile", *sorted((REPO / "workflow" / "rules").glob("*.smk"))]:
        for block in re.split(r"^(?=[ \t]*rule )", path.read_text(), flags=re.M)[1:]:
            if re.search(r"^\s+(script|shell|run|notebook|wrapper):", block, re.M):
                names.append(re.match(r"\s*rule (\w+):", block).group(1))
    return names


# ---- 1. the full run -----------------------------------------------------------------------


@pytest.mark.slow
def test_full_run_writes_every_artefact(tiny):
    for name in ("figure1_filter_length.png", "figure4_downsampling.png", "label_spectrum.png", "figure5_predictions.png",
                 "per_recording_ccc.png"):
        path = tiny / "figures" / name
        assert path.is_file() and path.stat().st_size > 1000, path
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
    for name in ("arousal.md", "valence.md", "training_time.md", "arousal.csv", "valence.csv", "comparisons.md",
                 "comparisons.tex", "per_recording_ccc.csv", "search.md"):
        assert (tiny / "tables" / name).stat().st_size > 0, name
    for name in ("spectrum.csv", "downsampling.csv"):
        table = pd.read_csv(tiny / "label_study" / name)
        assert len(table) > 0 and set(table["dimension"]) == set(DIMENSIONS), name
    assert "synthetic RECOLA-layout corpus" in (tiny / "tables" / "training_time.md").read_text()
    timing = pd.read_csv(tiny / "tables" / "training_time.csv")
    assert len(timing) == 3 and (timing["seconds_per_epoch"] > 0).all()
    assert (timing["epochs_timed"] == TINY_CFG["timing"]["epochs"]).all() and (timing["warmup_epochs"] == 1).all()
    for dimension in DIMENSIONS:  # convergence of every row trained by epochs; none for the fitted baselines
        table = pd.read_csv(tiny / "tables" / f"{dimension}.csv").set_index("method")
        networks = [methods.label(m) for m in ("dilated", "downup", "blstm")]
        assert table.loc[networks, "median_best_epoch"].between(1, TINY_CFG["train"]["protocol"]["max_epochs"]).all()
        best_filter = methods.label("best_filter")  # trained with the sweep's protocol
        assert 1 <= table.loc[best_filter, "median_best_epoch"] <= TINY_CFG["sweep"]["protocol"]["max_epochs"]
        trained = [*networks, best_filter]
        assert table.loc[trained, "share_at_cap"].between(0, 1).all()
        fitted = [methods.label(m) for m in ("linear_context", "avec_baseline")]
        assert table.loc[fitted, ["median_best_epoch", "share_at_cap"]].isna().all().all()
        assert "| median best epoch | runs at cap |" in (tiny / "tables" / f"{dimension}.md").read_text()
    sweep = pd.read_csv(tiny / "sweep" / "sweep.csv")
    assert sweep["median_best_epoch"].between(1, TINY_CFG["sweep"]["protocol"]["max_epochs"]).all()
    assert sweep["share_at_cap"].between(0, 1).all()
    search = pd.read_csv(tiny / "tables" / "search.csv")
    assert len(search) == 6 and (search["points"] == TINY_CFG["grid"]["points"]).all()
    comparisons = pd.read_csv(tiny / "tables" / "comparisons.csv")
    # every comparison of the paper, per dimension, on dev (2 recordings: an interval) and test (1: none)
    assert len(comparisons) == len(methods.comparisons(CONFIG["networks"], CONFIG["comparisons"])) * len(DIMENSIONS) * 2
    dev = comparisons[comparisons["partition"] == "dev"]
    assert (dev["low"] <= dev["difference"] + 1e-12).all() and (dev["difference"] <= dev["high"] + 1e-12).all()
    assert comparisons.loc[comparisons["partition"] == "test", "p_value"].isna().all()
    assert comparisons["p_holm"].dropna().ge(comparisons["p_value"].dropna()).all()
    scorecard = pd.read_csv(tiny / "tables" / "claims.csv")
    assert set(scorecard["claim"]) == {c["id"] for c in yaml.safe_load((REPO / "config.yaml").read_text())["claims"]["paper"]}
    assert set(scorecard["verdict"]) <= {"reproduced", "not reproduced", "inconclusive", "not tested"}
    # the tiny corpus's test partition has one recording: the tests run on dev and say so
    tested = scorecard[scorecard["p_value"].notna()]
    assert len(tested) and (tested["partition"] == "dev").all()
    assert tested.loc[tested["claim"] != "context_helps", "note"].str.contains("optimistic").all()
    table = pd.read_csv(tiny / "tables" / "arousal.csv")
    assert (table["dev_ccc_ensemble_low"] <= table["dev_ccc_ensemble_high"]).all()
    assert table["mean_abs_change_runs"].notna().all()


@pytest.mark.slow
@pytest.mark.parametrize("dimension, paper_ccc", [("arousal", "0.867"), ("valence", "0.592")])
def test_paper_tables_keep_synthetic_and_recola_apart(tiny, dimension, paper_ccc):
    text = (tiny / "tables" / f"{dimension}.md").read_text()
    ours, sep, paper = text.partition("RECOLA, numbers printed in the paper")
    assert sep, text
    assert "synthetic RECOLA-layout corpus" in ours
    assert "synthetic" not in paper
    assert paper_ccc in paper  # the Down/Up dev CCC printed in the paper
    for method in ("Linear regression", "Single best filter", "AVEC 2016 baseline (eGeMAPS + SVR), computed",
                   "BLSTM", "Dilated", "Down/Up"):
        assert method in ours, method
    assert re.search(r"AVEC 2016 baseline \(eGeMAPS \+ SVR\), computed: window [\d.]+ s, delay [\d.]+ s", ours), ours
    assert "AVEC 2016 baseline" in paper  # the cited RECOLA row, apart
    table = pd.read_csv(tiny / "tables" / f"{dimension}.csv")
    assert table[["dev_ccc", "test_ccc"]].notna().all().all()  # the synthetic corpus scores test


@pytest.mark.slow
def test_sweep_table_has_one_row_per_length_and_dimension(tiny):
    sweep = pd.read_csv(tiny / "sweep" / "sweep.csv")
    lengths = TINY_CFG["sweep"]["filter_lengths"]
    assert len(sweep) == len(lengths) * len(DIMENSIONS)
    assert set(zip(sweep["dimension"], sweep["filter_length"])) == {(d, n) for d in DIMENSIONS for n in lengths}
    assert {"dev_ccc_mean", "dev_ccc_std"} <= set(sweep.columns)
    assert sweep[["dev_ccc_mean", "dev_ccc_std"]].notna().all().all()
    assert (sweep["runs"] == len(TINY_CFG["sweep"]["seeds"])).all()


@pytest.mark.slow
@pytest.mark.parametrize("partition", PARTITIONS)
def test_features_align_with_labels(tiny, partition):
    folder = tiny / "features" / partition
    stacked = kaldiio.load_scp(str(folder / "stacked.scp"))
    labels = pd.read_csv(folder / "labels.csv")
    expected = [f"{partition}_{n}" for n in range(1, TINY_CFG["synthetic"]["recordings"][partition] + 1)]
    assert list(stacked.keys()) == expected
    assert list(pd.unique(labels["recording"])) == expected
    for recording in expected:
        matrix = stacked[recording]
        assert matrix.shape == (ROWS, FEATURE_DIMS), recording
        assert np.isfinite(matrix).all()
        rows = labels[labels["recording"] == recording]
        assert len(rows) == ROWS
        assert rows[DIMENSIONS].notna().all().all()  # the synthetic corpus labels test too


@pytest.mark.slow
def test_second_run_has_nothing_to_do(tiny):
    result = run_ok(results_dir=tiny, options=["-n"])
    assert "Nothing to be done" in result.output, result.tail()


@pytest.mark.slow
def test_summary(tiny):
    """(The HTML report of this run is the README's `snakemake --report` command: tests/test_readme.py.)"""
    summary = (tiny / "summary.md").read_text()
    assert "corpus: synthetic RECOLA-layout corpus" in summary and "Filter-length sweep" in summary


@pytest.mark.slow
def test_new_filter_length_reruns_only_what_depends_on_it(tiny, tmp_path):
    override = tmp_path / "sweep32.yaml"
    override.write_text(yaml.safe_dump({"sweep": {"filter_lengths": [2, 32]}}))
    result = run_ok(results_dir=tiny, configfiles=(TINY, override), options=["-n"])
    jobs = dry_run_jobs(result.output)
    rules = sorted(rule for rule, _ in jobs)
    # Everything downstream of the sweep reruns, nothing else (no features, tuning or training of the nets).
    downstream = {"sweep_length", "sweep_results", "best_filter", "paper_table", "summary", "all", "comparisons",
                  "per_recording", "results_doc", "claims"}
    assert set(rules) <= downstream, sorted(set(rules) - downstream)
    for rule, count in (("sweep_length", 2), ("sweep_results", 1), ("best_filter", 2), ("paper_table", 2)):
        assert rules.count(rule) == count, (rule, rules)
    assert sorted(wc["dimension"] for rule, wc in jobs if rule == "sweep_length") == DIMENSIONS
    assert {wc["length"] for rule, wc in jobs if rule == "sweep_length"} == {"32"}


@pytest.mark.slow
def test_wrong_device_stops_the_run_at_start_naming_the_key(tiny, tmp_path):
    """compute.device: cuda on a CPU-only machine stops a local run before any job starts, with the message a
    training job would give; a dry run (e.g. planning for a cluster's GPU nodes) still plans."""
    shutil.copytree(tiny, tmp_path / "results")
    tiny = tmp_path / "results"
    target = tiny / "sweep" / "runs" / "arousal_L3.csv"
    before = {p: p.stat().st_mtime_ns for p in tiny.rglob("*") if p.is_file()}
    result = snakemake(target, results_dir=tiny, config=['compute={"device": "cuda"}'], options=["--cores", "1"])
    assert result.returncode != 0
    assert "config key compute.device is 'cuda' but no CUDA GPU is visible" in result.output, result.tail()
    assert not re.search(r"^(?:local)?rule \w+:", result.output, re.M), result.tail()
    assert not target.exists()
    assert {p: p.stat().st_mtime_ns for p in tiny.rglob("*") if p.is_file()} == before
    planned = snakemake(target, results_dir=tiny, config=['compute={"device": "cuda"}'], options=["-n"])
    assert planned.returncode == 0 and "sweep_length" in planned.output, planned.tail()


@pytest.mark.slow
def test_training_is_deterministic(tiny, tmp_path):
    """Rerunning one training job gives byte-identical predictions (on a copy of the session results)."""
    results = tmp_path / "results"
    shutil.copytree(tiny, results)
    folder = results / "train" / "blstm" / "valence"
    before = {name: (folder / name).read_bytes() for name in ("predictions.csv", "scores.csv")}
    result = run_ok(folder / "predictions.csv", results_dir=results, options=["--cores", "1", "--forcerun", "train_model"])
    assert re.search(r"^(?:local)?rule train_model:", result.output, re.M), result.tail()
    for name, data in before.items():
        assert (folder / name).read_bytes() == data, name


# ---- 2. a corpus in the real release's layout ----------------------------------------------


# (the whole DAG on a corpus in the release's layout: tests/test_matrix.py::test_release_layout_runs_all)


# ---- 3. clear errors -----------------------------------------------------------------------


def assert_failed_before_jobs(result: Result, results: Path, *words):
    assert result.returncode != 0
    for word in words:
        assert word in result.output, (word, result.tail())
    assert not re.search(r"^(?:local)?rule \w+:", result.output, re.M), result.tail()
    assert not results.exists()


def test_config_value_of_wrong_type_names_the_key(tmp_path):
    results = tmp_path / "results"
    result = snakemake(results_dir=results, config=['sweep={"seeds": "ten"}'])
    assert_failed_before_jobs(result, results, "config key sweep.seeds: 'ten' is not of type 'array'")


def test_unknown_config_key_is_named(tmp_path):
    results = tmp_path / "results"
    bad = tmp_path / "bad.yaml"
    bad.write_text("sweeep:\n  runs: 3\n")
    result = snakemake(results_dir=results, configfiles=(TINY, bad))
    assert_failed_before_jobs(result, results, "config key (top level): 'sweeep' was unexpected (unknown key)")
    assert len(result.output.splitlines()) < 30, "the error must not bury the key under the schema"


def test_missing_data_dir_is_named(tmp_path):
    results = tmp_path / "results"
    missing = tmp_path / "no_such_release"
    result = snakemake(results_dir=results, config=[f"data_dir={missing}"])
    assert_failed_before_jobs(result, results, "data_dir", str(missing))


@pytest.mark.slow
def test_broken_corpus_files_are_named_and_good_partitions_kept(real_shape_corpus, tmp_path):
    """A truncated WAV (train) and labels 5 rows short of the audio (dev): both jobs fail naming
    their file; the test partition, run in the same call with --keep-going, is written in full."""
    corpus = tmp_path / "AVEC2016"
    shutil.copytree(real_shape_corpus, corpus)
    wav = corpus / "recordings_audio" / "train_2.wav"
    wav.write_bytes(wav.read_bytes()[: wav.stat().st_size // 2])
    arff = corpus / "ratings_gold_standard" / "arousal" / "dev_1.arff"
    arff.write_text("".join(arff.read_text().splitlines(keepends=True)[:-5]))
    results = tmp_path / "results"
    result = snakemake("features", results_dir=results, config=[f"data_dir={corpus}"], options=["--keep-going"])
    assert result.returncode != 0
    assert re.search(rf"{re.escape(str(wav))}: truncated", result.output), result.tail()
    assert re.search(rf"{re.escape(str(arff))}: {ROWS - 5} label rows", result.output), result.tail()
    for partition in ("train", "dev"):  # no half-written output of a failed job
        assert not list((results / "features" / partition).glob("*.ark")), partition
    test = kaldiio.load_scp(str(results / "features" / "test" / "stacked.scp"))
    assert test["test_1"].shape == (ROWS, FEATURE_DIMS)
    assert not (results / "corpus").exists()


# ---- 4. the full DAG (lint: the README's `snakemake --lint` in tests/test_readme.py) ---------------


def test_default_dry_run_lists_every_rule(tmp_path):
    result = run_ok(results_dir=tmp_path / "results", configfiles=(), options=["-n"])
    rules = {rule for rule, _ in dry_run_jobs(result.output)}
    assert set(ALL_RULES) <= rules, sorted(set(ALL_RULES) - rules)
    # figure1_corpora exists only when evidence.control_sweeps names control runs (test below)
    assert set(rules_with_a_command()) - ON_DEMAND_RULES - {"figure1_corpora"} <= rules, sorted(
        set(rules_with_a_command()) - rules)
    assert not ON_DEMAND_RULES & rules
    assert not (tmp_path / "results").exists()


@pytest.mark.slow
def test_naming_control_runs_adds_figure1_of_every_corpus_and_reruns_only_the_claims_and_the_section(tiny, tmp_path):
    overlay = tmp_path / "control.yaml"
    sweep = str(tiny / "sweep" / "sweep.csv")
    overlay.write_text(yaml.safe_dump({"evidence": {"control_sweeps": [sweep, sweep]}}))
    result = run_ok(results_dir=tiny, configfiles=(TINY, overlay), options=["-n"])
    assert sorted(rule for rule, _ in dry_run_jobs(result.output)) == ["all", "claims", "figure1_corpora",
                                                                       "results_doc"]
    assert "sweep/control_2.csv" in result.output


def finished_outputs(log: str, rule: str) -> list[Path]:
    """Outputs of the jobs of `rule` whose completion Snakemake recorded: it logs
    "Finished jobid: N" only after storing the job's metadata, so a job killed between
    writing its files and that record is incomplete and correctly runs again."""
    outputs = {}
    for block in re.split(r"\n(?=\S)", log):
        if re.match(rf"(local)?rule {rule}:", block):
            output = re.search(r"^\s+output: (.+)$", block, re.M)
            jobid = re.search(r"^\s+jobid: (\d+)$", block, re.M)
            outputs[jobid.group(1)] = [REPO / p for p in output.group(1).split(", ")]
    done = re.findall(rf"Finished jobid: (\d+) \(Rule: {rule}\)", log)
    return [path for jobid in done for path in outputs[jobid]]


@pytest.mark.slow
def test_killed_run_finishes_on_rerun_without_redoing_finished_jobs(tmp_path, tiny):
    """SIGKILL the whole pipeline while grid-point jobs run; unlock and rerun: it completes,
    finished jobs are not run again and every output is readable."""
    import os
    import signal
    import time

    results = tmp_path / "results"
    for folder in ("corpus", "features"):  # the tiny run's (same config): only the search runs here
        shutil.copytree(tiny / folder, results / folder)
    tuned = [str(results / "tune" / f"{m}_{d}.yaml") for m in ("dilated", "downup", "blstm") for d in DIMENSIONS]
    command = [sys.executable, "-m", "snakemake", *tuned, "--configfile", str(TINY), "--config", f"results_dir={results}"]
    killed_log = tmp_path / "killed.log"
    with open(killed_log, "w") as log:
        proc = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        logs = results / "logs" / "tune"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            finished = finished_outputs(killed_log.read_text(), "tune_point")
            started = list(logs.glob("*/point_*.log"))
            if finished and len(started) > len(finished):
                break
            time.sleep(0.1)
        assert proc.poll() is None, "the run ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finished = finished_outputs(killed_log.read_text(), "tune_point")
    kept = {path: path.stat().st_mtime_ns for path in finished}
    assert kept
    assert snakemake("--unlock", results_dir=results).returncode == 0
    rerun = run_ok(*tuned, results_dir=results)
    assert {path: path.stat().st_mtime_ns for path in kept} == kept, "finished jobs were run again"
    assert len(re.findall(r"rule tune_point:", rerun.output)) == 6 * TINY_CFG["grid"]["points"] - len(finished)
    for path in tuned:
        assert yaml.safe_load(Path(path).read_text())["settings"]["optim"]["lr"] > 0

def test_the_lock_folder_race_is_retried_once_and_other_failures_are_not():
    import snakemake_runner

    race = "FileNotFoundError: [Errno 2] No such file or directory: '/r/.snakemake/locks/0.input.lock'"
    for first, expected_calls in ((race, 2), ("MissingInputException in rule x", 1)):
        calls = []

        def run():
            calls.append(1)
            return subprocess.CompletedProcess([], 1 if len(calls) == 1 else 0, first if len(calls) == 1 else "ok")

        proc = snakemake_runner.run_retrying_lock_race(run)
        assert len(calls) == expected_calls
        assert proc.returncode == (0 if expected_calls == 2 else 1)
