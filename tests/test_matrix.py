"""The end-to-end matrix: every way of running that the README documents, through Snakemake, to the
outputs a user looks at (tables, figures, bundles) and a `longterm-emotion predict` call on one file.

| corpus | front end | targets | here |
|---|---|---|---|
| built-in synthetic | fbank | all, predict | the session's tiny run (conftest `tiny`), tests/test_predict.py |
| AVEC 2016 layout (data_dir; 44.1 kHz stereo, no test labels) | fbank | all + predict | `release_run` |
| manifest CSV (FLAC audio, labels at 12.5 Hz, no test partition) | fbank | all + predict | `manifest_run` |
| built-in synthetic | egemaps | models + predict | `egemaps_run` |

plus a dry run of every file in config/ over config.yaml. The runs share the tiny corpus and use
tests/configs/matrix.yaml (one dimension, one filter length: the cells test paths, not accuracy).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import kaldiio
import numpy as np
import pandas as pd
import pytest
import yaml

from longterm_emotion.serving import bundles as bundles_mod
from conftest import shared
from snakemake_runner import REPO, TINY, TINY_CFG, dry_run_jobs, run_ok

pytestmark = pytest.mark.slow

MATRIX = REPO / "tests" / "configs" / "matrix.yaml"
NETWORKS = tuple(yaml.safe_load(MATRIX.read_text())["networks"])
CLI = Path(sys.executable).with_name("longterm-emotion")


def predict_cli(results: Path, audio: Path, out: Path, *options) -> subprocess.CompletedProcess:
    """The user's command: `longterm-emotion predict --models RESULTS --out OUT AUDIO`."""
    return subprocess.run([str(CLI), "predict", "--models", str(results), "--out", str(out), *options, str(audio)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)


def pipeline_ensemble(results: Path, network: str, dimension: str, recording: str) -> np.ndarray:
    frames = pd.read_csv(results / "train" / network / dimension / "predictions.csv")
    return frames.loc[frames["recording"] == recording, "ensemble"].to_numpy()


def check_predict_matches_pipeline(results: Path, audio: Path, recording: str, dimensions, tmp_path: Path,
                                   networks=NETWORKS) -> None:
    """predict on a corpus file gives the pipeline's own ensemble predictions of that recording (every network)."""
    for network in networks:
        out = tmp_path / f"predict-{network}"
        proc = predict_cli(results, audio, out, "--model", network, "--dimensions", ",".join(dimensions))
        assert proc.returncode == 0, proc.stderr
        table = pd.read_csv(out / f"{audio.stem}.csv")
        for dimension in dimensions:
            reference = pipeline_ensemble(results, network, dimension, recording)
            assert len(table) == len(reference), (network, dimension)
            np.testing.assert_allclose(table[dimension], reference, rtol=0, atol=1e-5, err_msg=f"{network} {dimension}")
        assert (out / f"{audio.stem}.png").stat().st_size > 1000


def check_user_outputs(results: Path, dimensions, test: str) -> None:
    """Tables, figures, bundles and the results section of a finished `all`; `test` is 'scored', 'unscored'
    (predicted, no labels) or 'absent' (no test partition)."""
    for dimension in dimensions:
        table = pd.read_csv(results / "tables" / f"{dimension}.csv")
        assert table["dev_ccc"].notna().all(), dimension
        if test == "scored":
            assert table["test_ccc"].notna().all(), dimension
        else:
            assert table["test_ccc"].isna().all(), dimension
            assert "| —" in (results / "tables" / f"{dimension}.md").read_text()
        for network in NETWORKS:
            bundle = bundles_mod.load_bundle(results / "models" / f"{network}_{dimension}.pt")
            assert bundle["dimension"] == dimension
        predictions = pd.read_csv(results / "train" / "dilated" / dimension / "predictions.csv")
        assert ("test" in set(predictions["partition"])) == (test != "absent")
    for name in ("figure1_filter_length.png", "figure4_downsampling.png", "figure5_predictions.png",
                 "per_recording_ccc.png"):
        assert (results / "figures" / name).stat().st_size > 1000, name
    comparisons = pd.read_csv(results / "tables" / "comparisons.csv")
    assert set(comparisons["partition"]) == ({"dev", "test"} if test == "scored" else {"dev"})
    assert (results / "docs" / "results.md").stat().st_size > 0
    assert (results / "summary.md").is_file()


# ---- AVEC 2016 layout: the real release's shape --------------------------------------------


def run_all_shared(tmp_path_factory, name: str, setting: str) -> Path:
    """`snakemake` (target all) on the tiny and matrix configs with one --config setting, once per test run."""

    def build(folder):
        run_ok(results_dir=folder / "results", configfiles=(TINY, MATRIX), config=[setting],
               options=["--cores", "2"], timeout=1200)
        return folder / "results"

    return shared(tmp_path_factory, name, build)


@pytest.fixture(scope="session")
def release_run(real_shape_corpus, tmp_path_factory):
    return run_all_shared(tmp_path_factory, "release", f"data_dir={real_shape_corpus}")


def test_release_layout_runs_all(release_run):
    check_user_outputs(release_run, ["arousal"], test="unscored")
    assert not (release_run / "corpus").exists()  # no synthetic corpus when data_dir is set
    assert (pd.read_csv(release_run / "tables" / "arousal.csv")["corpus"] == "AVEC 2016-layout corpus 'AVEC2016'").all()


@pytest.mark.parametrize("partition", ["train", "dev", "test"])
def test_release_layout_features_match_the_synthetic_originals(release_run, real_shape_corpus, tiny, partition):
    """44.1 kHz stereo (24-bit train, 16-bit dev/test) read back to 16 kHz mono: the normalised features barely
    move; quoted ARFF instance names read alike; the release's test partition has no labels."""
    folder = release_run / "features" / partition
    labels = pd.read_csv(folder / "labels.csv")
    stacked = kaldiio.load_scp(str(folder / "stacked.scp"))
    reference = kaldiio.load_scp(str(tiny / "features" / partition / "stacked.scp"))
    rows = int(TINY_CFG["synthetic"]["duration_s"] * 25) + 1
    assert len(labels) == rows * len(stacked) and set(stacked) == set(reference)
    for recording, matrix in stacked.items():
        assert matrix.shape == (rows, 160), recording
        assert np.corrcoef(matrix.ravel(), reference[recording].ravel())[0, 1] > 0.99, recording
    if partition == "test":
        assert labels["arousal"].isna().all()
    else:
        synthetic = pd.read_csv(tiny / "features" / partition / "labels.csv")
        np.testing.assert_allclose(labels["arousal"], synthetic["arousal"])
    spectrum = pd.read_csv(release_run / "label_study" / "spectrum.csv")
    assert set(spectrum["recording"]) - {"ALL"} == {"train_1", "train_2", "dev_1", "dev_2"}
    written = [p for p in release_run.rglob("*") if p.suffix in {".csv", ".md", ".tex"}]
    assert written and not [p for p in written if str(real_shape_corpus) in p.read_text()]  # no path of this machine


def test_release_layout_predict(release_run, real_shape_corpus, tmp_path):
    audio = real_shape_corpus / "recordings_audio" / "dev_1.wav"  # 44.1 kHz stereo, as the pipeline read it
    check_predict_matches_pipeline(release_run, audio, "dev_1", ["arousal"], tmp_path)


# ---- a manifest corpus: FLAC audio, labels at another rate, no test partition --------------


@pytest.fixture(scope="session")
def manifest_run(manifest_corpus, tmp_path_factory):
    return run_all_shared(tmp_path_factory, "manifest_run", f"manifest={manifest_corpus}")


def test_manifest_runs_all_without_a_test_partition(manifest_run):
    check_user_outputs(manifest_run, ["arousal"], test="absent")
    assert not (manifest_run / "features" / "test").exists()
    log = (manifest_run / "logs" / "extract_features" / "train.log").read_text()
    assert "resampled to 25 Hz" in log  # labels at 12.5 Hz, said in the log
    results_doc = (manifest_run / "docs" / "results.md").read_text()
    assert "1 recording(s) of this corpus share their audio" in results_doc
    assert "train_1.flac: the same audio file is dev recording dev_3 and train recording train_1" in results_doc


def test_manifest_predict_on_flac(manifest_run, manifest_corpus, tmp_path):
    audio = manifest_corpus.parent / "data" / "audio" / "dev_2.flac"
    check_predict_matches_pipeline(manifest_run, audio, "dev_2", ["arousal"], tmp_path)


# ---- eGeMAPS as the networks' front end: bundles predict with eGeMAPS features -------------


@pytest.fixture(scope="session")
def egemaps_run(tiny, tmp_path_factory):
    """`snakemake models` with features.frontend: egemaps, on a results folder holding only the tiny run's corpus
    and features (so the networks are searched and trained afresh on eGeMAPS)."""
    def build(root):
        results = root / "results"
        for folder in ("corpus", "features", "egemaps"):
            shutil.copytree(tiny / folder, results / folder)
        overlay = root / "egemaps.yaml"
        overlay.write_text(yaml.safe_dump({"features": {"frontend": "egemaps"}}))
        result = run_ok("models", results_dir=results, configfiles=(TINY, MATRIX, overlay), options=["--cores", "2"],
                        timeout=1200)
        assert "rule extract_features" not in result.output and "rule frontend_recording" not in result.output
        return results

    return shared(tmp_path_factory, "egemaps", build)


def test_egemaps_bundles_predict_the_pipelines_numbers(egemaps_run, tiny, tmp_path):
    for network in NETWORKS:
        bundle = bundles_mod.load_bundle(egemaps_run / "models" / f"{network}_arousal.pt")
        assert bundle["features"]["frontend"] == "egemaps"
        assert bundle["in_dim"] == 25 * 4  # 25 eGeMAPS descriptors, 4 frames per label row
    audio = tiny / "corpus" / "recordings_audio" / "test_1.wav"
    check_predict_matches_pipeline(egemaps_run, audio, "test_1", ["arousal"], tmp_path)


# ---- every config file, planned over config.yaml ---------------------------------------------


@pytest.mark.parametrize("overlay", sorted(p.name for p in (REPO / "config").glob("*.yaml")))
def test_every_config_file_plans(overlay, real_shape_corpus, tmp_path):
    """`snakemake -n --configfile config.yaml config/<file>` (recola.yaml with data_dir on a release-shaped corpus)."""
    config = [f"results_dir={tmp_path / 'results'}"]
    if overlay == "recola.yaml":
        config.append(f"data_dir={real_shape_corpus}")
    result = run_ok(configfiles=(REPO / "config.yaml", REPO / "config" / overlay), config=config, options=["-n"])
    jobs = dry_run_jobs(result.output)
    assert jobs and "This was a dry-run" in result.output
    assert not (tmp_path / "results").exists()
