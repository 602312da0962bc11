"""Shared fixtures: the config's feature settings and one small synthetic corpus with features."""

from pathlib import Path

import pytest
import torch
import yaml

from longterm_emotion.data import corpus
from longterm_emotion.data import features
from longterm_emotion.data import synthetic
from workflow_run import snakemake

ROOT = Path(__file__).resolve().parents[1]
DIMENSIONS = ["arousal", "valence"]

# A small corpus shaped like the real release: train and dev labelled, test unlabelled.
SMALL_SYNTHETIC = {
    "seed": 11,
    "sample_rate": 16000,
    "duration_s": 30.0,
    "recordings": {"train": 2, "dev": 2, "test": 2},
    "test_labels": False,
    "label_rate": 25.0,
}


@pytest.fixture(scope="session")
def features_cfg() -> dict:
    """The `features` section of config.yaml."""
    return yaml.safe_load((ROOT / "config.yaml").read_text())["features"]


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory, features_cfg):
    """{'corpus': corpus dir, 'features': features root with train/dev/test, 'cfg': synthetic section}."""
    root = tmp_path_factory.mktemp("small_corpus")
    synthetic.write_corpus(root / "corpus", SMALL_SYNTHETIC, workers=2)
    for partition in corpus.PARTITIONS:
        features.extract_partition(root / "corpus", partition, DIMENSIONS, features_cfg, root / "features" / partition)
    return {"corpus": root / "corpus", "features": root / "features", "cfg": SMALL_SYNTHETIC}


@pytest.fixture
def deterministic_single_thread():
    """Deterministic kernels and one thread (tiny models only lose from threading); restored after."""
    previous = torch.are_deterministic_algorithms_enabled(), torch.get_num_threads()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    yield
    torch.use_deterministic_algorithms(previous[0])
    torch.set_num_threads(previous[1])


# ---- one run of the whole workflow on the tiny config (tests/configs/tiny.yaml), shared by the test files ----


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """The whole DAG on the tiny synthetic config, once per session."""
    results = tmp_path_factory.mktemp("tiny") / "results"
    result = snakemake(results_dir=results, options=["--cores", "2"])
    return results, result


@pytest.fixture(scope="session")
def tiny(tiny_run):
    results, result = tiny_run
    assert result.returncode == 0, result.tail()
    return results
