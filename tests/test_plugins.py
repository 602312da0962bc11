"""A network and a front end defined outside the package (the README's two examples, copied from it) run
through Snakemake by a config overlay alone: search, training, tables, bundles and `longterm-emotion predict`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from conftest import shared
from longterm_emotion import plugins
from longterm_emotion.config import ConfigError, check
from longterm_emotion.frontends import pipeline
from longterm_emotion.nets import registry as networks
from longterm_emotion.serving import bundles
from snakemake_runner import REPO, TINY, run_ok, snakemake

MATRIX = REPO / "tests" / "configs" / "matrix.yaml"
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"
CLI = [str(Path(sys.executable).with_name("longterm-emotion"))]


def readme_example(name: str) -> str:
    """The code block between <!-- example-<name> --> markers of the README."""
    text = (REPO / "README.md").read_text()
    block = re.search(rf"<!-- example-{name} -->\n```python\n(.*?)```\n<!-- /example-{name} -->", text, re.S)
    assert block, f"README has no example-{name} block"
    return block.group(1)


def write_plugins(folder):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tcn.py").write_text(readme_example("network"))
    (folder / "energy.py").write_text(readme_example("frontend"))
    return folder / "tcn.py", folder / "energy.py"


def overlay(tcn, energy) -> dict:
    return {
        "plugins": [str(tcn), str(energy)],
        "networks": ["tcn"],
        "figure5": {"networks": ["tcn"]},
        "features": {"frontend": "energy", "energy": {"shift_ms": 20.0}},
        "models": {"tcn": {"arousal": {"net": {"width": 8, "levels": 3}, "optim": {"lr": 0.003, "l2": 0.0}}}},
        "grid": {"space": {"tcn": {"optim": {"lr": [0.003]}}}},
    }


@pytest.fixture(scope="session")
def plugin_run(tiny, tmp_path_factory):
    """`snakemake tables models` with the plugin network and front end on a results folder holding the tiny run's corpus
    and features, on the tiny and matrix configs."""

    def build(root):
        tcn, energy = write_plugins(root / "plugins")
        results = root / "results"
        for folder in ("corpus", "features", "egemaps"):
            shutil.copytree(tiny / folder, results / folder)
        settings = root / "plugins.yaml"
        settings.write_text(yaml.safe_dump(overlay(tcn, energy)))
        result = run_ok("tables", "models", results_dir=results, configfiles=(TINY, MATRIX, settings),
                        options=["--cores", "2"], timeout=1200)
        return results, result.output

    return shared(tmp_path_factory, "plugins", build)


@pytest.mark.slow
def test_plugin_network_and_front_end_run_the_whole_pipeline(plugin_run, tiny):
    results, output = plugin_run
    assert "rule extract_features" not in output  # the fbank features (and label alignment) were reused
    frames = results / "energy" / "dev" / "stacked.scp"
    assert frames.is_file()
    table = pd.read_csv(results / "tables" / "arousal.csv")
    assert "TCN (plugin example)" in set(table["method"]) and table["dev_ccc"].notna().all()
    comparisons = pd.read_csv(results / "tables" / "comparisons.csv")
    assert set(comparisons["method_a"]) == {"tcn"} and set(comparisons["method_b"]) == {"best_filter", "avec_baseline"}
    bundle = bundles.load_bundle(results / "models" / "tcn_arousal.pt")
    assert bundle["network"] == "tcn" and bundle["features"]["frontend"] == "energy"
    assert bundle["in_dim"] == 2 * 2  # 2 columns, 2 frames of 20 ms per 40 ms label row
    assert len(bundle["plugins"]) == 2
    search = pd.read_csv(results / "tune" / "tcn_arousal_grid.csv")
    assert len(search) == 1


@pytest.mark.slow
def test_predict_with_a_plugin_bundle_gives_the_pipelines_numbers(plugin_run, tiny, tmp_path):
    """`longterm-emotion predict` in a fresh process imports the plugins the bundle records."""
    results, _ = plugin_run
    audio = tiny / "corpus" / "recordings_audio" / "dev_1.wav"
    out = tmp_path / "predicted"
    proc = subprocess.run([*CLI, "predict", "--models", str(results), "--out", str(out), "--dimensions", "arousal",
                           str(audio)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    predicted = pd.read_csv(out / "dev_1.csv")["arousal"].to_numpy()
    frames = pd.read_csv(results / "train" / "tcn" / "arousal" / "predictions.csv")
    reference = frames.loc[frames["recording"] == "dev_1", "ensemble"].to_numpy()
    np.testing.assert_allclose(predicted, reference, rtol=0, atol=1e-5)


def test_plugin_front_end_stacks_to_the_label_rate(tmp_path):
    _, energy = write_plugins(tmp_path)
    plugins.load([str(energy)])
    samples = np.random.default_rng(0).normal(0, 3000, 16000 * 3)
    stacked = pipeline.stacked_samples(samples, {"frontend": "energy", "sample_rate": 16000, "std_floor": 1e-6},
                                       25.0)
    assert stacked.shape == (3 * 25 + 1, 4)
    np.testing.assert_allclose(stacked.mean(axis=0), 0.0, atol=0.1)


def test_plugin_network_settings_are_checked_at_load(tmp_path):
    tcn, energy = write_plugins(tmp_path)
    plugins.load([str(tcn), str(energy)])
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    extra = overlay(tcn, energy)
    config.update({k: v for k, v in extra.items() if k not in ("models", "grid", "features", "figure5")})
    config["features"].update(extra["features"])
    config["figure5"]["networks"] = ["tcn"]
    config["models"]["tcn"] = {d: {"net": {"widht": 8}, "optim": {"lr": 0.001, "l2": 0.0}} for d in ("arousal", "valence")}
    config["grid"]["space"]["tcn"] = {"net": {"levels": [0, 4]}}
    with pytest.raises(ConfigError) as info:
        check(config, SCHEMA)
    lines = str(info.value).splitlines()[1:]
    assert "config key models.tcn.arousal.net: unknown setting(s) widht of tcn (its settings: width, levels, kernel_size)" in lines[0]
    assert any("grid.space.tcn.net.levels[0]: 0 is less than the minimum of 1" in line for line in lines)
    pair, single = networks.build("tcn", 6, [3, 4]), networks.build("tcn", 6, [4])
    x = torch.randn(1, 6, 50)
    assert pair(x).shape == (1, 2, 50)
    torch.testing.assert_close(pair(x)[:, 1], single(x)[:, 0])  # members independent, seeded by their own seed


def test_unknown_network_names_the_registry_and_the_plugins_key(tmp_path):
    results = tmp_path / "results"
    result = snakemake("-n", results_dir=results, config=["networks=[wavenet]"])
    assert result.returncode != 0
    assert "config key networks[0]: 'wavenet' is not a registered network (blstm, dilated, downup, single_filter" in result.output
    assert "plugins" in result.output
