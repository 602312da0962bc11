"""Target ablations (issue #21): the equivalence test, the training variants' data, the post-processing chain,
the matched-size timing, the scorecard's verdicts, that no choice reads test labels, and a tiny run through
Snakemake on a copy of the session's tiny results."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from longterm_emotion.analysis import equivalence, paired_tests
from longterm_emotion.experiments import ablations as abl
from longterm_emotion.experiments import avec_baseline
from longterm_emotion.nets.training import Recording
from longterm_emotion.reporting import ablations as report
from snakemake_runner import REPO, TINY, run_ok

CONFIG = yaml.safe_load((REPO / "config.yaml").read_text())


def _recordings(rng, n_rec=9, T=400, noise=0.3, offset=0.0):
    """Gold standard of n_rec recordings and a prediction of it (noise), with the recording ids per frame."""
    gold = np.concatenate([np.sin(np.linspace(0, 6 + r, T)) + 0.1 * rng.standard_normal(T) for r in range(n_rec)])
    recs = np.repeat([f"r{r}" for r in range(n_rec)], T)
    return gold, gold + noise * rng.standard_normal(len(gold)) + offset, recs


# ---- the equivalence test ---------------------------------------------------------------------------------


def test_tost_is_the_larger_of_the_two_margin_tests():
    rng = np.random.default_rng(0)
    gold, a, recs = _recordings(rng)
    b = gold + 0.32 * rng.standard_normal(len(gold))
    result = equivalence.tost(gold, a, b, recs, 0.05)
    lower = paired_tests.margin_test(gold, a, b, recs, 0.05, "greater")
    upper = paired_tests.margin_test(gold, a, b, recs, 0.05, "less")
    assert result.p_lower == lower.p_value and result.p_upper == upper.p_value
    assert result.p_value == max(lower.p_value, upper.p_value)
    assert result.estimate == pytest.approx(lower.estimate)


def test_identical_methods_are_equivalent_at_the_smallest_p():
    rng = np.random.default_rng(1)
    gold, a, recs = _recordings(rng)
    result = equivalence.tost(gold, a, a, recs, 0.02)
    assert result.estimate == 0 and result.p_value == pytest.approx(1 / 512)
    assert result.p_exceeds == 1.0 and result.p_below == 1.0


def test_a_true_difference_of_zero_with_a_large_margin_is_reproduced_and_a_large_gain_is_not():
    rng = np.random.default_rng(2)
    gold, a, recs = _recordings(rng)
    same = gold + 0.3 * rng.standard_normal(len(gold))  # another draw of the same quality: true difference 0
    equal = equivalence.tost(gold, same, a, recs, 0.2)
    assert equal.p_value < 0.01 and equal.p_exceeds > 0.5
    better = gold + 0.02 * rng.standard_normal(len(gold))  # far better than a: gains much more than the margin
    gain = equivalence.tost(gold, better, a, recs, 0.02)
    assert gain.p_value > 0.5 and gain.p_exceeds == pytest.approx(1 / 512)
    table = pd.DataFrame([{"p_value": equal.p_value, "exceeds": equal.p_exceeds, "below": equal.p_below},
                          {"p_value": gain.p_value, "exceeds": gain.p_exceeds, "below": gain.p_below},
                          {"p_value": 0.3, "exceeds": 0.4, "below": 0.3}])
    table["verdict"], table["note"] = np.nan, ""
    verdicts = report._verdicts(table, 0.05)["verdict"].tolist()
    assert verdicts == ["reproduced", "not reproduced", "inconclusive"]


def test_tost_holds_its_level_at_the_margin():
    """Per-recording differences symmetric about +margin (the null's edge): rejection at most alpha."""
    rng = np.random.default_rng(3)
    margin, rejections, trials = 0.02, 0, 400
    for _ in range(trials):
        d = margin + 0.01 * rng.standard_normal(9)
        rejections += equivalence.tost_differences(d, np.ones(9), margin).p_value < 0.05
    assert rejections / trials <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / trials)


def test_tost_power_is_high_for_small_noise_and_low_for_large():
    n = np.ones(9)
    assert equivalence.tost_power(0.001 * np.arange(-4, 5), n, 0.02, replicates=100) > 0.9
    assert equivalence.tost_power(0.05 * np.arange(-4, 5), n, 0.02, replicates=100) < 0.2


# ---- what the training loop is given ----------------------------------------------------------------------


def _torch_recordings(T=(300, 260), C=3):
    g = torch.Generator().manual_seed(0)
    return [Recording(f"r{i}", torch.randn(1, C, t, generator=g), torch.randn(1, t, generator=g)) for i, t in enumerate(T)]


def test_delay_pairs_features_at_t_with_labels_at_t_plus_d_as_the_avec_baseline_does():
    recs = _torch_recordings()
    for d in (0, 1, 50):
        for rec, out in zip(recs, abl.delayed(recs, d), strict=True):
            x, y = avec_baseline.delay_pairs(rec.x[0].T.numpy(), rec.y[0].numpy(), d)
            np.testing.assert_array_equal(out.x[0].T.numpy(), x)
            np.testing.assert_array_equal(out.y[0].numpy(), y)
    p = np.arange(10.0)
    for d in (0, 3, 12):
        np.testing.assert_array_equal(abl.shift_rows(p, d), avec_baseline.shift_forward(p, d))
    np.testing.assert_array_equal(abl.shift_rows(p, -3), [3, 4, 5, 6, 7, 8, 9, 9, 9, 9])


def test_segments_cover_every_frame_in_batches_of_equal_length():
    assert abl.segment_starts(300, 125) == [0, 125, 175]
    assert abl.segment_starts(250, 125) == [0, 125]
    assert abl.segment_starts(100, 125) == []
    recs = _torch_recordings((300, 260, 80))
    batches = abl.segmented(recs, 125, batch=2, seed=0)
    pieces = batches[:-1]
    assert sum(b.x.shape[0] for b in pieces) == 3 + 3  # 0/125/175 and 0/125/135
    assert all(b.x.shape[-1] == 125 and b.y.shape == (b.x.shape[0], 125) for b in pieces)
    assert batches[-1] is recs[2]  # shorter than a segment: one step of its own
    # every segment is a slice of its recording (features and labels together)
    flat = {tuple(np.round(b.y[i, :3].numpy(), 6)) for b in pieces for i in range(b.x.shape[0])}
    starts = {tuple(np.round(r.y[0, s:s + 3].numpy(), 6)) for r in recs[:2] for s in abl.segment_starts(r.x.shape[-1], 125)}
    assert flat == starts
    assert [b.x.shape[0] for b in abl.segmented(recs, 125, 2, 0)] == [b.x.shape[0] for b in batches]  # seeded


def test_variants_of_the_default_config():
    names = list(abl.variants(CONFIG["ablations"], "fbank"))
    assert names == ["reference", "delay2s", "delay4s", "segments5s", "frontend_egemaps"]
    assert "frontend_egemaps" not in abl.variants(CONFIG["ablations"], "egemaps")


# ---- post-processing --------------------------------------------------------------------------------------


def test_chain_keeps_only_steps_that_raise_dev_ccc():
    rate, section = 25.0, {"median_s": [0.4, 2.0], "shift_s": [-1.0, 1.0, 2.0]}
    rng = np.random.default_rng(4)
    gold = [np.convolve(rng.standard_normal(600), np.ones(50) / 50, "same") for _ in range(3)]
    late = [abl.shift_rows(g, -25) for g in gold]  # predictions 1 s early: a +1 s shift repairs them
    chain, trace = abl.choose_chain(list(zip(gold, late, strict=True)), np.concatenate(gold), section, rate)
    assert ("shift", 1.0) in chain
    kept = [r for r in trace if r["kept"]]
    assert trace[0]["step"] == "none" and len(kept) == len(chain) + 1
    assert all(b["dev_ccc"] > a["dev_ccc"] for a, b in zip(kept, kept[1:]))  # each kept step raised dev CCC
    for step, _ in chain:  # and was the best of its step's grid
        assert max(r["dev_ccc"] for r in trace if r["step"] == step) == next(r for r in kept if r["step"] == step)["dev_ccc"]
    perfect, _ = abl.choose_chain(list(zip(gold, gold, strict=True)), np.concatenate(gold), section, rate)
    assert perfect == [] and abl.chain_text(perfect).startswith("none")
    centred = abl.apply_step([np.array([1.0, 3.0])], "centre", None, 10.0, 1.0, rate)[0]
    np.testing.assert_allclose(centred, [9.0, 11.0])


def _final_predictions(tmp_path, rng):
    rows = []
    for partition in ("train", "dev", "test"):
        for r in range(3):
            gold = np.convolve(rng.standard_normal(400), np.ones(40) / 40, "same")
            rows.append(pd.DataFrame({"partition": partition, "recording": f"{partition}_{r}",
                                      "frameTime": np.arange(400) / 25, "gold": gold,
                                      "ensemble": abl.shift_rows(gold, -20) + 0.05}))
    path = tmp_path / "predictions.csv"
    pd.concat(rows).to_csv(path, index=False)
    return path


def test_postprocessing_never_reads_the_test_gold_standard(tmp_path):
    path = _final_predictions(tmp_path, np.random.default_rng(5))
    section = CONFIG["ablations"]["postprocessing"]
    abl.run_postprocessing(predictions_csv=path, section=section, label_rate=25.0, out_csv=tmp_path / "a.csv",
                           out_chain=tmp_path / "a.json")
    frames = pd.read_csv(path)
    test = frames["partition"] == "test"
    frames.loc[test, "gold"] = np.random.default_rng(6).standard_normal(test.sum()) * 100  # scrambled
    frames.to_csv(path, index=False)
    abl.run_postprocessing(predictions_csv=path, section=section, label_rate=25.0, out_csv=tmp_path / "b.csv",
                           out_chain=tmp_path / "b.json")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    assert "shift +0.4 s" in (tmp_path / "a.json").read_text() or "shift +1 s" in (tmp_path / "a.json").read_text()


def _features(root, rng, rows=200, dims=8):
    """A features root with 2 recordings per partition (stacked.scp and labels.csv as data/features.py writes)."""
    import kaldiio

    for partition in ("train", "dev", "test"):
        folder = root / partition
        folder.mkdir(parents=True)
        tables = []
        with kaldiio.WriteHelper(f"ark,scp:{folder / 'stacked.ark'},{folder / 'stacked.scp'}") as writer:
            for r in range(2):
                name = f"{partition}_{r + 1}"
                x = rng.standard_normal((rows, dims)).astype(np.float32)
                writer(name, x)
                y = np.convolve(x[:, 0], np.ones(25) / 25, "same")
                tables.append(pd.DataFrame({"recording": name, "frame": np.arange(rows),
                                            "frameTime": np.arange(rows) / 25, "arousal": y, "valence": -y}))
        pd.concat(tables).to_csv(folder / "labels.csv", index=False)
    return root


def test_a_trained_variant_reads_no_test_labels(tmp_path):
    """run_variant on features whose test labels.csv has no label columns at all: the same predictions."""
    features = _features(tmp_path / "features", np.random.default_rng(8))
    settings = tmp_path / "chosen.yaml"
    settings.write_text(yaml.safe_dump({"settings": {
        "net": {"width": 8, "n_down": 2, "factor": 2, "kernel_size": 3, "n_intermediate": 1, "up_kernel": None,
                "activation": "tanh", "dropout": 0.0}, "optim": {"lr": 0.001, "l2": 0.0}}}))
    section = {"seeds": [0], "protocol": {"max_epochs": 1, "patience": 1, "shuffle_seed": 0},
               "segments": {"length_s": 5.0, "batch": 4, "seed": 0}}
    variant = abl.Variant("delay1s", "label_delay", delay_s=1.0, frontend="fbank").as_dict()

    def run(out):
        abl.run_variant(features_root=features, network="downup", dimension="arousal", settings_file=settings,
                        variant=variant, ablations=section, device="cpu", label_rate=25.0, out_dir=out)
        return pd.read_csv(out / "predictions.csv")

    torch.set_num_threads(1)
    first = run(tmp_path / "a")
    labels = pd.read_csv(features / "test" / "labels.csv")
    labels[["recording"]].to_csv(features / "test" / "labels.csv", index=False)  # label columns gone
    second = run(tmp_path / "b")
    pd.testing.assert_frame_equal(first, second)
    assert second.loc[second["partition"] == "test", "gold"].isna().all()
    chosen = yaml.safe_load((tmp_path / "b" / "chosen.yaml").read_text())
    assert chosen["variant"]["delay_s"] == 1.0 and chosen["epochs"] == 1


def test_delay_choice_uses_dev_only():
    frames = {}
    rng = np.random.default_rng(7)
    gold = rng.standard_normal(50)
    for d, noise in ((0.0, 0.5), (2.0, 0.1), (4.0, 0.1)):
        dev = pd.DataFrame({"partition": "dev", "gold": gold, "ensemble": gold + noise * rng.standard_normal(50)})
        test = pd.DataFrame({"partition": "test", "gold": np.nan, "ensemble": rng.standard_normal(50)})
        frames[d] = pd.concat([dev, test])
    best, scores = abl.choose_delay(frames)
    assert best == max(scores, key=scores.get) and best in (2.0, 4.0)
    tie, _ = abl.choose_delay({0.0: frames[0.0], 3.0: frames[0.0]})
    assert tie == 0.0


# ---- speed ------------------------------------------------------------------------------------------------


def test_matched_blstm_has_about_the_conv_nets_parameters():
    from longterm_emotion.nets import build_model

    for in_dim, h, layers in ((160, 32, 1), (100, 7, 2)):
        built = build_model("blstm", in_dim, [0], hidden=h, layers=layers, dropout=0.0).n_parameters_per_member()
        assert abl.blstm_parameters(in_dim, h, layers) == built
    for target in (43361, 66881):
        h = abl.matched_hidden(160, target, 1, 0.0)
        count = build_model("blstm", 160, [0], hidden=h, layers=1, dropout=0.0).n_parameters_per_member()
        step = build_model("blstm", 160, [0], hidden=h + 1, layers=1, dropout=0.0).n_parameters_per_member() - count
        assert abs(count - target) <= step


def test_speed_ratio_and_its_interval():
    table = pd.DataFrame({"model": ["dilated"] * 5 + ["blstm"] * 5, "repeat": list(range(5)) * 2,
                          "seconds_per_epoch": [1.0, 1.1, 0.9, 1.0, 1.05, 4.0, 4.2, 3.9, 4.1, 4.0]})
    estimate, low, high = abl.speed_ratio(table, "dilated", 500, 0, 0.95)
    assert estimate == pytest.approx(4.0) and low <= estimate <= high and 3 < low and high < 5


# ---- the tiny run through Snakemake -------------------------------------------------------------------------

OVERLAY = {"ablations": {"networks": ["downup"], "seeds": [0], "protocol": {"max_epochs": 2, "patience": 2},
                         "label_delay": {"delay_s": [0.0]}, "postprocessing": {"median_s": [1.0], "shift_s": [1.0]},
                         "segments": {"length_s": 5.0, "batch": 4}, "speed": {"epochs": 2, "warmup": 0}}}
ABLATION_RULES = {"ablation_train", "ablation_postprocess", "ablation_timing", "ablations_tables", "ablations"}


@pytest.mark.slow
def test_snakemake_ablations_target(tiny, tmp_path):
    """On a copy of the tiny results: only the ablation jobs run (3 variants x 2 dimensions of Down/Up, its two
    post-processing jobs, one timing job, the tables), and the tables have every study's rows. The delay grid is
    {0} here (CI time: each job imports torch); test_a_trained_variant_reads_no_test_labels trains a delay."""
    results = tmp_path / "results"
    shutil.copytree(tiny, results)
    overlay = tmp_path / "ablations.yaml"
    overlay.write_text(yaml.safe_dump(OVERLAY))
    result = run_ok("ablations", results_dir=results, configfiles=(TINY, overlay), options=["--cores", "2"])
    ran = set(re.findall(r"^(?:local)?rule (\w+):", result.output, re.M))
    assert ran <= ABLATION_RULES, ran
    assert len(re.findall(r"^(?:local)?rule ablation_train:", result.output, re.M)) == 6
    table = pd.read_csv(results / "tables" / "ablations.csv")
    assert set(table["study"]) == {"label_delay", "postprocessing", "segments", "frontend", "speed"}
    claims = pd.read_csv(results / "tables" / "ablation_claims.csv")
    assert sorted(set(claims["claim"])) == sorted(c[0] for c in report.CLAIMS.values())
    assert claims["verdict"].isin(["reproduced", "not reproduced", "inconclusive", "not tested"]).all()
    # the tiny test partition has one recording: the equivalence rows are decided on dev, and say so
    tested = claims[claims["p_value"].notna()]
    assert len(tested) == 8 and (tested["partition"] == "dev").all()
    assert "synthetic RECOLA-layout corpus" in (results / "tables" / "ablations.md").read_text()
    docs = (results / "docs" / "ablations.md").read_text()  # the README's section: both tables
    assert docs.startswith("### Ablation claims") and "### Ablations: what the paper" in docs


def test_readme_quotes_the_generated_ablations_section():
    """The README's ablation tables are docs/ablations.md, which rule ablations_tables writes, copied unedited."""
    block = re.search(r"<!-- ablations -->\n(.*?)<!-- /ablations -->", (REPO / "README.md").read_text(), re.S)
    assert block, "README has no ablations block"
    assert block.group(1) == (REPO / "docs" / "ablations.md").read_text()
