"""The self-supervised front end through Snakemake on the tiny corpus, with tiny randomly initialised
checkpoints saved in the Hugging Face format (tests/ssl_checkpoints.py; nothing is downloaded):
wav2vec 2.0 features train the Transformer (search, training, bundle) and `longterm-emotion predict`
computes the same features (HuBERT and WavLM checkpoints: tests/test_ssl.py)."""

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

from conftest import shared
from longterm_emotion.serving import bundles
from snakemake_runner import REPO, TINY, run_ok, snakemake
from ssl_checkpoints import write_tiny_checkpoint



MATRIX = REPO / "tests" / "configs" / "matrix.yaml"
CLI = [str(Path(sys.executable).with_name("longterm-emotion"))]
HIDDEN = 32  # ssl_checkpoints.TINY's hidden size


def ssl_overlay(checkpoint: Path, **network) -> dict:
    return {
        "features": {"frontend": "ssl", "ssl": {"checkpoint": str(checkpoint), "layer": 2, "chunk_s": 8.0,
                                                 "context_s": 1.0, "device": "cpu"}},
        "networks": ["transformer"],
        "figure5": {"networks": ["transformer"]},
        "models": {"transformer": {"arousal": {"net": {"width": 16, "layers": 1, "heads": 2, "window": 32, **network},
                                               "optim": {"lr": 0.001, "l2": 0.0}}}},
    }


def copy_tiny(tiny: Path, results: Path) -> None:
    for folder in ("corpus", "features"):
        shutil.copytree(tiny / folder, results / folder)


@pytest.fixture(scope="session")
def ssl_run(tiny, tmp_path_factory):
    """`snakemake models` with features.frontend: ssl (a random wav2vec2 checkpoint) and networks: [transformer]."""

    def build(root):
        checkpoint = write_tiny_checkpoint(root / "wav2vec2", "wav2vec2")
        results = root / "results"
        copy_tiny(tiny, results)
        overlay = root / "ssl.yaml"
        overlay.write_text(yaml.safe_dump(ssl_overlay(checkpoint)))
        result = run_ok("models", results_dir=results, configfiles=(TINY, MATRIX, overlay), options=["--cores", "2"],
                        timeout=1200)
        assert "rule extract_features" not in result.output
        return results

    return shared(tmp_path_factory, "ssl", build)


@pytest.mark.slow
def test_ssl_features_are_aligned_to_the_label_rows(ssl_run):
    labels = pd.read_csv(ssl_run / "ssl" / "dev" / "labels.csv")
    stacked = kaldiio.load_scp(str(ssl_run / "ssl" / "dev" / "stacked.scp"))
    for recording, rows in labels.groupby("recording").size().items():
        assert stacked[recording].shape == (rows, 2 * HIDDEN)  # 2 frames of 20 ms per 40 ms label row
        assert abs(float(np.mean(stacked[recording]))) < 0.1  # normalised per recording


@pytest.mark.slow
def test_transformer_on_ssl_features_is_bundled_and_predicts_the_pipelines_numbers(ssl_run, tiny, tmp_path):
    bundle = bundles.load_bundle(ssl_run / "models" / "transformer_arousal.pt")
    assert bundle["network"] == "transformer" and bundle["features"]["frontend"] == "ssl"
    assert bundle["in_dim"] == 2 * HIDDEN
    audio = tiny / "corpus" / "recordings_audio" / "dev_1.wav"
    out = tmp_path / "predicted"
    proc = subprocess.run([*CLI, "predict", "--models", str(ssl_run), "--out", str(out), "--dimensions", "arousal",
                           str(audio)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    frames = pd.read_csv(ssl_run / "train" / "transformer" / "arousal" / "predictions.csv")
    reference = frames.loc[frames["recording"] == "dev_1", "ensemble"].to_numpy()
    np.testing.assert_allclose(pd.read_csv(out / "dev_1.csv")["arousal"], reference, rtol=0, atol=1e-5)


def test_missing_checkpoint_stops_at_start_with_one_line(tmp_path):
    overlay = tmp_path / "ssl.yaml"
    overlay.write_text(yaml.safe_dump(ssl_overlay(tmp_path / "nowhere")))
    result = snakemake("-n", results_dir=tmp_path / "results", configfiles=(TINY, overlay))
    assert result.returncode != 0
    line = next(line for line in result.output.splitlines() if "features.ssl" in line)
    assert str(tmp_path / "nowhere") in line and "download" in line


def test_readme_quotes_the_committed_ssl_bench_output():
    """The README's SSL speed and memory figures are bench/ssl_extraction.py's committed output, not typed by hand."""
    import re

    block = re.search(r"<!-- ssl-bench -->\n```text\n(.*?)\n```\n<!-- /ssl-bench -->", (REPO / "README.md").read_text(),
                      re.S)
    assert block, "README has no ssl-bench block"
    assert block.group(1) == (REPO / "bench" / "results" / "ssl_extraction.txt").read_text().rstrip("\n")
