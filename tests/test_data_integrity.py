"""Outputs always follow from the data and settings given (issue 8, workflow side).

- Defect 1: every corpus file the features read is an input of their job, so an edited,
  replaced, added, removed or renamed file reruns exactly that partition's features and what
  depends on them, and `--list-changes input` / `--summary` report an added or removed one.
- Defect 5: the workflow runs from any folder (`-s REPO/Snakefile`), with `--directory`, and as
  a module of another workflow, with its results in the user's folder.
- Defects 6 and 7: a results_dir that would write to the file-system root or into the corpus,
  and settings that would only fail inside a job, stop the workflow at load, naming the key.

One real run per session (features and label_study of a tiny corpus written by the package's
synthetic generator), made from a temporary folder with `-s REPO/Snakefile` and relative
data_dir and results_dir, so the whole folder (corpus, results and Snakemake's .snakemake
metadata, with their times) can be copied for each test to change. Everything else is a dry
run, `--list-changes input`, `--summary`, or (module) one cheap job.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import yaml
from scipy.io import wavfile

from longterm_emotion.data import index
from longterm_emotion.data.manifest import write_manifest
from longterm_emotion.data.synthetic import write_corpus
from snakemake_runner import Result, dry_run_jobs

REPO = Path(__file__).resolve().parents[1]
SNAKEFILE = REPO / "Snakefile"
TINY = REPO / "tests" / "configs" / "tiny.yaml"
TINY_CFG = yaml.safe_load(TINY.read_text())
FEATURE_FILES = ["fbank.ark", "fbank.scp", "cmvn.ark", "cmvn.scp", "stacked.ark", "stacked.scp", "labels.csv"]
CHEAP_TARGETS = ("features", "label_study")


def snakemake_in(folder: Path, *args, configfiles=(TINY,), config=("data_dir=corpus",), timeout=300) -> Result:
    """`snakemake -s REPO/Snakefile ARGS` run with `folder` as working directory (not the repository).
    --configfile and --config come last: they take several values."""
    cmd = [sys.executable, "-m", "snakemake", "-s", str(SNAKEFILE), *map(str, args)]
    if configfiles:
        cmd += ["--configfile", *map(str, configfiles)]
    if config:
        cmd += ["--config", *config]
    proc = subprocess.run(cmd, cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return Result(proc.returncode, proc.stdout)


def planned(result: Result) -> list[tuple[str, dict]]:
    assert result.returncode == 0, result.tail()
    return dry_run_jobs(result.output)


def feature_partitions(jobs) -> list[str]:
    return sorted(wc["partition"] for rule, wc in jobs if rule == "extract_features")


def list_changes_input(folder: Path) -> set[str]:
    """Outputs whose set of input files changed since they were made."""
    result = snakemake_in(folder, "--list-changes", "input")
    assert result.returncode == 0, result.tail()
    return {line.strip() for line in result.output.splitlines() if line.strip().startswith("results/")}


def feature_outputs(partition: str) -> set[str]:
    return {f"results/features/{partition}/{name}" for name in FEATURE_FILES}


# ---- the one real run, and a copy of it per test ------------------------------------------------


@pytest.fixture(scope="session")
def finished(tmp_path_factory) -> Path:
    """A user's folder: corpus/ (tiny synthetic corpus, real-release layout) and results/ of
    `features label_study`, run from this folder with -s REPO/Snakefile."""
    folder = tmp_path_factory.mktemp("integrity") / "work"
    synthetic = yaml.safe_load((REPO / "config.yaml").read_text())["synthetic"] | TINY_CFG["synthetic"]
    write_corpus(folder / "corpus", synthetic, workers=2)
    result = snakemake_in(folder, *CHEAP_TARGETS, "--cores", "2")
    assert result.returncode == 0, result.tail()
    return folder


@pytest.fixture
def work(finished, tmp_path) -> Path:
    """A private copy of the finished folder (times kept), free to change."""
    copy = tmp_path / "work"
    shutil.copytree(finished, copy, symlinks=True)
    return copy


def test_finished_run_is_in_the_users_folder_and_up_to_date(finished, work):
    for partition in ("train", "dev", "test"):
        assert (finished / "results" / "features" / partition / "stacked.scp").is_file()
    assert (finished / "results" / "label_study" / "spectrum.csv").is_file()
    assert not (REPO / "corpus").exists()
    result = snakemake_in(work, *CHEAP_TARGETS, "-n")
    assert "Nothing to be done" in result.output, result.tail()  # the copy keeps Snakemake's records
    assert list_changes_input(work) == set()


# ---- defect 1: corpus files are inputs of the features --------------------------------------------


def test_edited_gold_standard_reruns_its_partition_and_what_depends_on_it(work):
    arff = work / "corpus" / "ratings_gold_standard" / "arousal" / "train_1.arff"
    text = arff.read_text()
    changed = re.sub(r"(?m)^(train_1,[^,]+,)(-?[0-9.]+)$", r"\g<1>0.5", text)
    assert changed != text
    arff.write_text(changed)
    result = snakemake_in(work, *CHEAP_TARGETS, "-n")
    jobs = planned(result)
    assert feature_partitions(jobs) == ["train"], result.tail()
    assert "label_study_tables" in {rule for rule, _ in jobs}  # reads the train labels
    assert "Updated input files: corpus/ratings_gold_standard/arousal/train_1.arff" in result.output


def quieter(path: Path, target: Path | None = None) -> None:
    """Write `path`'s audio at half the level to `target` (default: over itself): new content, same size."""
    rate, data = wavfile.read(path)
    wavfile.write(target or path, rate, (data // 2).astype(np.int16))


def test_replaced_wav_reruns_its_partition(work):
    audio = work / "corpus" / "recordings_audio"
    quieter(audio / "dev_1.wav")
    result = snakemake_in(work, *CHEAP_TARGETS, "-n")
    assert feature_partitions(planned(result)) == ["dev"], result.tail()
    assert "corpus/recordings_audio/dev_1.wav" in result.output


def test_new_content_under_an_old_modification_time_reruns_its_partition(work):
    """A corrected corpus copied back with `cp -p` or `rsync -a` keeps the old mtime: the content digest,
    a param of the features job, still reruns the partition."""
    wav = work / "corpus" / "recordings_audio" / "train_2.wav"
    before = wav.stat()
    quieter(wav)
    os.utime(wav, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert wav.stat().st_mtime_ns == before.st_mtime_ns and wav.stat().st_size == before.st_size
    result = snakemake_in(work, "features", "-n")
    assert feature_partitions(planned(result)) == ["train"], result.tail()


@pytest.mark.parametrize("copy", ["content", "path"])
def test_one_audio_file_in_two_partitions_is_named_and_refused_on_request(work, copy):
    """By default the run plans and names both recordings; shared_audio=error stops it before any job."""
    corpus = work / "corpus"
    train = corpus / "recordings_audio" / "train_1.wav"
    if copy == "content":  # a copy of a training recording under a dev name
        shutil.copyfile(train, corpus / "recordings_audio" / "dev_2.wav")
        config = ("data_dir=corpus",)
        words = ["dev_2.wav: same content as", "train_1.wav", "one recording in two places"]
    else:  # a manifest naming one file for a train and a dev recording
        sources = [s for p in ("train", "dev", "test") for s in index.index_partition(p, ["arousal", "valence"],
                                                                                        data_dir=corpus)]
        sources = [replace(s, audio=train) if s.name == "dev_2" else s for s in sources]
        write_manifest(work / "corpus.csv", sources, ["arousal", "valence"])
        config = ("manifest=corpus.csv",)
        words = ["train_1.wav: the same audio file is", "dev recording dev_2", "train recording train_1"]
    warned = snakemake_in(work, "features", "-n", config=config)
    assert warned.returncode == 0, warned.tail()
    warnings = [line for line in warned.output.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == 1 and all(word in warnings[0] for word in words), warnings
    assert "dev" in feature_partitions(planned(warned)), warned.tail()  # the changed partition is planned
    refused = snakemake_in(work, "features", "-n", config=config + ("shared_audio=error",))
    assert refused.returncode != 0
    for word in words + ["shared_audio: error"]:
        assert word in refused.output, (word, refused.tail())
    assert not re.search(r"^(?:local)?rule \w+:", refused.output, re.M), refused.tail()


def test_added_recording_changes_the_input_set(work):
    """train_3 added as copies that keep their old times: only the changed input set can trigger."""
    corpus = work / "corpus"
    added = corpus / "recordings_audio" / "train_3.wav"
    quieter(corpus / "recordings_audio" / "train_1.wav", added)  # its own audio (the same file would leak)
    shutil.copystat(corpus / "recordings_audio" / "train_1.wav", added)  # and train_1's old times
    for dimension in ("arousal", "valence"):
        folder = corpus / "ratings_gold_standard" / dimension
        shutil.copy2(folder / "train_1.arff", folder / "train_3.arff")
    assert list_changes_input(work) == feature_outputs("train")
    result = snakemake_in(work, "features", "-n")
    assert feature_partitions(planned(result)) == ["train"], result.tail()
    summary = snakemake_in(work, "--summary")
    rows = {line.split("\t")[0]: line for line in summary.output.splitlines() if "\t" in line}
    assert "set of input files changed" in rows["results/features/train/labels.csv"]
    assert "set of input files changed" not in rows["results/features/dev/labels.csv"]


def test_removed_recording_changes_the_input_set(work):
    corpus = work / "corpus"
    (corpus / "recordings_audio" / "dev_2.wav").unlink()
    for dimension in ("arousal", "valence"):
        (corpus / "ratings_gold_standard" / dimension / "dev_2.arff").unlink()
    assert list_changes_input(work) == feature_outputs("dev")
    assert feature_partitions(planned(snakemake_in(work, "features", "-n"))) == ["dev"]


def test_renamed_audio_file_changes_the_input_set(work):
    """Same bytes and time, new name (upper-case extension): the job's inputs differ."""
    audio = work / "corpus" / "recordings_audio"
    (audio / "test_1.wav").rename(audio / "test_1.WAV")
    assert list_changes_input(work) == feature_outputs("test")


# ---- defect 5: any working folder, --directory, module ---------------------------------------------


def test_dry_run_from_another_folder_uses_the_repository_config(tmp_path):
    """No --configfile: the repository's config.yaml is found from any folder; results go to this folder."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = snakemake_in(elsewhere, "-n", configfiles=(), config=())
    jobs = planned(result)
    assert {"synthetic_corpus", "extract_features", "summary"} <= {rule for rule, _ in jobs}
    assert "output: results/corpus" in result.output
    assert not (elsewhere / "results").exists()


def test_directory_option_points_the_run_at_the_users_folder(work, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = snakemake_in(elsewhere, *CHEAP_TARGETS, "-n", "--directory", work)
    assert result.returncode == 0, result.tail()
    assert "Nothing to be done" in result.output, result.tail()
    assert not (elsewhere / "results").exists() and not (elsewhere / ".snakemake").exists()


def test_workflow_runs_as_a_module_of_another_workflow(work):
    """The user's Snakefile imports every rule; their config gives only what differs from ours.
    Same outputs as the direct run (nothing to do), and one job really runs through the module."""
    config = {"data_dir": "corpus", **TINY_CFG}
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    (work / "Snakefile").write_text(
        'configfile: "config.yaml"\n\n\n'
        f'module longterm:\n    snakefile:\n        "{SNAKEFILE}"\n    config:\n        config\n\n\n'
        "use rule * from longterm\n"
    )

    def run(*args) -> Result:
        cmd = [sys.executable, "-m", "snakemake", *args]
        proc = subprocess.run(cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
        return Result(proc.returncode, proc.stdout)

    dry = run(*CHEAP_TARGETS, "-n")
    assert dry.returncode == 0 and "Nothing to be done" in dry.output, dry.tail()
    everything = run("-n")  # the module's default target: the whole paper
    assert {"sweep_length", "train_model", "summary"} <= {rule for rule, _ in planned(everything)}
    spectrum = work / "results" / "label_study" / "spectrum.csv"
    before = spectrum.stat().st_mtime_ns
    real = run("label_study", "--cores", "1", "--forcerun", "label_study_tables")
    assert real.returncode == 0, real.tail()
    assert re.search(r"^(?:local)?rule label_study_tables:", real.output, re.M), real.tail()
    assert spectrum.stat().st_mtime_ns > before


# ---- defects 6 and 7: settings rejected at load, naming the key -------------------------------------


def assert_rejected_at_load(result: Result, *words):
    assert result.returncode != 0
    for word in words:
        assert word in result.output, (word, result.tail())
    assert not re.search(r"^(?:local)?rule \w+:", result.output, re.M), result.tail()
    assert len(result.output.splitlines()) < 30, "the problem must not be buried"


@pytest.mark.parametrize(
    "results_dir, words",
    [
        ("", ["config key results_dir: empty", "file-system root"]),
        ("/", ["config key results_dir: '/' is the file-system root"]),
        ("./corpus/../corpus/results", ["config key results_dir: './corpus/../corpus/results' is inside data_dir 'corpus'"]),
    ],  # more cases (equal to data_dir, through a link) in test_config.py
)
def test_results_dir_that_would_write_to_root_or_corpus_is_rejected(work, results_dir, words):
    override = work / "override.yaml"
    override.write_text(yaml.safe_dump({"results_dir": results_dir}))
    before = sorted(p.relative_to(work) for p in (work / "corpus").rglob("*"))
    result = snakemake_in(work, *CHEAP_TARGETS, "-n", configfiles=(TINY, override))
    assert_rejected_at_load(result, *words)
    assert sorted(p.relative_to(work) for p in (work / "corpus").rglob("*")) == before


@pytest.mark.parametrize(
    "override, words",
    [
        (  # every problem is listed, not only the first
            {"sweep": {"fft_size": 64}, "features": {"low_freq": 8000.0}},
            ["config key sweep.fft_size: 64 must exceed the longest of sweep.filter_lengths (64)",
             "config key features.low_freq: 8000 Hz is outside [0, 8000) Hz"],
        ),
        ({"features": {"high_freq": -8000.0}}, ["config key features.high_freq: -8000", "= 0 Hz"]),
        ({"features": {"low_freq": 4000.0, "high_freq": 3000.0}}, ["config key features.high_freq: 3000 Hz is not above features.low_freq"]),
        ({"features": {"num_mel_bins": 200}}, ["config key features.num_mel_bins: 200 mel bins", "126 fit, 127 do not"]),
    ],
)
def test_settings_that_would_fail_in_a_job_are_rejected_at_load(work, override, words):
    path = work / "override.yaml"
    path.write_text(yaml.safe_dump(override))
    assert_rejected_at_load(snakemake_in(work, *CHEAP_TARGETS, "-n", configfiles=(TINY, path)), *words)
