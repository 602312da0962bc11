"""Target robustness: the report's tables and tests on made-up predictions, and a tiny run through Snakemake
on a copy of the session's tiny results."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest
import yaml
from snakemake_runner import REPO, TINY, run_ok

from longterm_emotion.settings import Evidence
from longterm_emotion.metrics import ccc
from longterm_emotion.robustness import conditions as cond
from longterm_emotion.robustness import report

SECTION = yaml.safe_load((REPO / "config.yaml").read_text())["robustness"]
NETWORKS = ["dilated", "downup", "blstm"]
DIMENSIONS = ["arousal", "valence"]


def made_up_frames(conditions, recordings=9, rows=300, seed=0):
    """Frames of every condition: each network is the gold standard plus noise; under a degradation Dilated's
    noise grows three times as much as Down/Up's, on every recording."""
    rng = np.random.default_rng(seed)
    names = np.repeat([f"test_{r + 1}" for r in range(recordings)], rows)
    t = np.arange(len(names))
    gold = {d: np.sin(t / (40.0 + 10 * i)) + 0.3 * rng.standard_normal(len(t)) for i, d in enumerate(DIMENSIONS)}
    base_noise = {(n, d): rng.standard_normal(len(t)) for n in NETWORKS for d in DIMENSIONS}
    frames = {}
    for k, c in enumerate(conditions):
        table = pd.DataFrame({"recording": names, "frame": np.tile(np.arange(rows), recordings)})
        for d in DIMENSIONS:
            table[f"gold_{d}"] = gold[d]
        for n in NETWORKS:
            growth = {"dilated": 0.3, "downup": 0.1, "blstm": 0.2}[n] * (k > 0)
            for d in DIMENSIONS:
                extra = growth * rng.standard_normal(len(t)) * (1 + k)
                table[f"{n}_{d}"] = gold[d] + 0.4 * base_noise[(n, d)] + extra
        frames[c.id] = table
    return frames


def test_report_tables_on_made_up_predictions(tmp_path):
    conditions = cond.conditions({**SECTION, "conditions": ["noise"], "noise_kinds": ["white", "pink"],
                                  "snr_db": [10, 0]})
    frames = made_up_frames(conditions)
    files = {}
    for c in conditions:
        files[c.id] = tmp_path / f"{c.id}.csv"
        frames[c.id].to_csv(files[c.id], index=False)
    evidence = Evidence(resamples=200, seed=0, confidence=0.95)
    table = report.write_report(condition_files=files, conditions=[c.as_dict() for c in conditions], networks=NETWORKS, comparisons=[("downup", "dilated")],
                                dimensions=DIMENSIONS, evidence=evidence, partition="test", corpus_name="made-up corpus",
                                table_stem=tmp_path / "tables" / "robustness",
                                tests_stem=tmp_path / "tables" / "robustness_comparisons",
                                snr_figure=tmp_path / "snr.png", conditions_figure=tmp_path / "conditions.png")
    assert len(table) == len(NETWORKS) * len(DIMENSIONS) * len(conditions)
    clean = table[table["condition_id"] == "clean"]
    assert np.allclose(clean["drop"], 0.0)
    for _, row in clean.iterrows():
        f = frames["clean"]
        assert row["ccc"] == pytest.approx(ccc(f[f"gold_{row['dimension']}"], f[f"{row['network_id']}_{row['dimension']}"]),
                                           abs=1e-12)
        assert row["low"] <= row["ccc"] <= row["high"]
    degraded = table[table["condition_id"] != "clean"]
    assert (degraded["drop"] > 0).all()
    tests = pd.read_csv(tmp_path / "tables" / "robustness_comparisons.csv")
    assert len(tests) == len(DIMENSIONS) * (len(conditions) - 1)
    assert (tests["difference"] < 0).all()  # Down/Up loses less, as made up
    assert np.allclose(tests["p_value"], 1 / 2**9, rtol=1e-4) and (tests["p_holm"] <= 4 / 2**9 * 1.001).all()
    md = (tmp_path / "tables" / "robustness.md").read_text()
    assert "made-up corpus" in md and "white noise, 0 dB SNR" in md
    assert (tmp_path / "snr.png").stat().st_size > 0 and (tmp_path / "conditions.png").stat().st_size > 0


def test_no_compared_pair_gives_an_empty_table_the_results_section_reads(tmp_path):
    """A run without both networks of any pair (e.g. one network): the comparisons table keeps its columns, empty,
    and the README's results section says that no pair is compared."""
    from longterm_emotion.reporting import results_doc

    conditions = cond.conditions({**SECTION, "conditions": ["noise"], "noise_kinds": ["white"], "snr_db": [0]})
    evidence = Evidence(resamples=50, seed=0, confidence=0.95)
    tests = report.drop_tests(made_up_frames(conditions), conditions, DIMENSIONS, [], evidence)
    assert tests.empty and {"comparison", "dimension", "p_holm"} <= set(tests.columns)
    table = pd.DataFrame({"network": ["Dilated"], "dimension": ["arousal"], "condition": ["clean"], "ccc": [0.5],
                          "drop": [0.0], "partition": ["dev"]})
    lines = results_doc.robustness_lines(table, tests, 0.05, "docs/figures")
    assert "- No pair of this run's networks is compared (`robustness.comparisons`)." in lines


def test_report_refuses_conditions_on_other_recordings(tmp_path):
    conditions = cond.conditions({**SECTION, "conditions": ["reverb"], "rt60_s": [0.3]})
    frames = made_up_frames(conditions, recordings=2, rows=50)
    frames[conditions[1].id] = frames[conditions[1].id].iloc[:-1]
    files = {}
    for c in conditions:
        files[c.id] = tmp_path / f"{c.id}.csv"
        frames[c.id].to_csv(files[c.id], index=False)
    with pytest.raises(Exception, match="differ from the clean condition"):
        report.load_frames({k: str(v) for k, v in files.items()}, conditions, DIMENSIONS)


# ---- the tiny run through Snakemake ---------------------------------------------------------------------

OVERLAY = {"robustness": {"partition": "dev", "conditions": ["noise", "level", "reverb"],
                          "noise_kinds": ["white", "babble"], "snr_db": [0], "level_db": [20], "rt60_s": [0.6]}}


LEARNT = 0.3  # clean dev CCC above which a tiny model counts as having learnt something


@pytest.mark.slow
def test_snakemake_robustness_target(tiny, tmp_path):
    """On a copy of the tiny results: only the robustness jobs run; the clean condition reproduces the pipeline's
    own dev CCC of every network's ensemble, and 0 dB white noise lowers it (for the tiny models that learnt
    something: its 2 epochs leave some near chance, whose CCC noise cannot lower; the default run's table shows
    every network losing)."""
    results = tmp_path / "results"
    shutil.copytree(tiny, results)
    overlay = tmp_path / "robustness.yaml"
    overlay.write_text(yaml.safe_dump(OVERLAY))
    # the copy has no Snakemake metadata, so the report's changed conditions (a params change in the run's own
    # folder) cannot trigger its rerun: force it
    result = run_ok("robustness", results / "docs" / "results.md", results_dir=results, configfiles=(TINY, overlay),
                    options=["--cores", "2", "--forcerun", "robustness_report"])
    ran = set(re.findall(r"^(?:local)?rule (\w+):", result.output, re.M))
    assert ran <= {"robustness_condition", "robustness_report", "robustness", "results_doc"}, ran
    # the tiny run made clean and white_snr0 (tests/configs/tiny.yaml); the overlay adds babble, level and reverb
    assert len(re.findall(r"^(?:local)?rule robustness_condition:", result.output, re.M)) == 3
    table = pd.read_csv(results / "tables" / "robustness.csv")
    clean_frames = pd.read_csv(results / "robustness" / "conditions" / "clean.csv")
    learnt = []
    for network in NETWORKS:
        for dimension in DIMENSIONS:
            frames = pd.read_csv(results / "train" / network / dimension / "predictions.csv")
            dev = frames[frames["partition"] == "dev"]
            pipeline = ccc(dev["gold"], dev["ensemble"])
            rows = table[(table["network"] == report._label(network)) & (table["dimension"] == dimension)]
            ours = rows.set_index("condition")["ccc"]
            assert ours["clean"] == pytest.approx(pipeline, abs=1e-6), (network, dimension)
            np.testing.assert_allclose(clean_frames[f"{network}_{dimension}"], dev["ensemble"], atol=2e-6)
            np.testing.assert_array_equal(clean_frames[f"gold_{dimension}"], dev["gold"])
            noisy = pd.read_csv(results / "robustness" / "conditions" / "white_snr0.csv")[f"{network}_{dimension}"]
            assert np.abs(noisy - clean_frames[f"{network}_{dimension}"]).mean() > 1e-3, (network, dimension)
            if ours["clean"] > LEARNT:  # a model that learnt something (the tiny run trains 2 epochs) loses under noise
                learnt.append((network, dimension))
                assert ours["white noise, 0 dB SNR"] < ours["clean"] - 0.05, (network, dimension)
    assert learnt, "no tiny model reaches a clean dev CCC above LEARNT: nothing to degrade"
    tests = pd.read_csv(results / "tables" / "robustness_comparisons.csv")
    assert len(tests) == len(DIMENSIONS) * 4 and tests["p_holm"].between(0, 1).all()
    for name in ("robustness_snr.png", "robustness_conditions.png"):
        assert (results / "figures" / name).stat().st_size > 0
    assert "synthetic RECOLA-layout corpus" in (results / "tables" / "robustness.md").read_text()
    section = (results / "docs" / "results.md").read_text()  # the README's results section shows the report
    assert "**Robustness**" in section and "| reverberation, RT60 0.6 s |" in section
    for name in ("robustness_snr.png", "robustness_conditions.png"):
        assert f"docs/figures/{name}" in section and (results / "docs" / "figures" / name).stat().st_size > 0
