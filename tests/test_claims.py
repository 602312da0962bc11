"""The claims scorecard: verdict rules, Holm over the tested rows, dev flagged, missing inputs said."""

import numpy as np
import pandas as pd
import pytest
import yaml

from longterm_emotion.settings import ClaimTests, Evidence
from longterm_emotion.config import semantic_problems
from longterm_emotion.reporting import claims

SETTINGS = ClaimTests(alpha=0.05, margin=0.02, effect=0.03, equivalence_margin=0.02)
EVIDENCE = Evidence(500, 0, 0.95)


def _predictions(path, gold, recs, noise, seed, partition="test", smooth=1):
    rng = np.random.default_rng(seed)
    pred = gold + rng.normal(scale=noise, size=gold.size)
    if smooth > 1:
        pred = np.convolve(pred, np.ones(smooth) / smooth, mode="same")
    frame = pd.DataFrame({"partition": partition, "recording": recs, "gold": gold, "ensemble": pred})
    frame.to_csv(path, index=False)
    return str(path)


def _gold(recordings=9, frames=300, seed=0):
    rng = np.random.default_rng(seed)
    gold = np.concatenate([np.cumsum(rng.normal(size=frames)) * 0.05 for _ in range(recordings)])
    return gold, np.repeat([f"rec{r}" for r in range(recordings)], frames)


def _claim(**fields):
    return {"id": fields.pop("id", "c"), "section": "6.2", "statement": "s", **fields}


def test_a_clear_gain_is_reproduced_its_reverse_not_and_a_tie_inconclusive(tmp_path):
    gold, recs = _gold()
    files = {"arousal": {"good": _predictions(tmp_path / "g.csv", gold, recs, 0.05, 1),
                         "bad": _predictions(tmp_path / "b.csv", gold, recs, 0.5, 2),
                         "same": _predictions(tmp_path / "s.csv", gold, recs, 0.05, 3)}}
    table = claims.scorecard(claims=[_claim(id="win", kind="greater", a="good", b="bad"),
                                     _claim(id="lose", kind="greater", a="bad", b="good"),
                                     _claim(id="tie", kind="greater", a="same", b="good")],
                             settings=SETTINGS, predictions=files, inputs={}, evidence=EVIDENCE)
    verdict = dict(zip(table["claim"], table["verdict"]))
    assert verdict == {"win": claims.REPRODUCED, "lose": claims.NOT_REPRODUCED, "tie": claims.INCONCLUSIVE}
    win = table.set_index("claim").loc["win"]
    # all 9 recordings favour A: the smallest one-sided p, 1/512; Holm over the 3 tested rows
    assert win["p_value"] == pytest.approx(1 / 512) and win["p_holm"] == pytest.approx(3 / 512)
    assert win["partition"] == "test" and win["low"] > 0 and 0 <= win["power"] <= 1


def test_not_worse_and_smoother_and_dev_is_flagged(tmp_path):
    gold, recs = _gold()
    files = {"valence": {"rough": _predictions(tmp_path / "r.csv", gold, recs, 0.05, 1, "dev"),
                         "smooth": _predictions(tmp_path / "m.csv", gold, recs, 0.05, 1, "dev", smooth=9),
                         "bad": _predictions(tmp_path / "b.csv", gold, recs, 0.6, 2, "dev")}}
    table = claims.scorecard(claims=[_claim(id="nw", kind="not_worse", a="smooth", b="rough"),
                                     _claim(id="nw_bad", kind="not_worse", a="bad", b="rough"),
                                     _claim(id="sm", kind="smoother", a="smooth", b="rough")],
                             settings=SETTINGS, predictions=files, inputs={}, evidence=EVIDENCE).set_index("claim")
    assert table.loc["nw", "verdict"] == claims.REPRODUCED
    assert table.loc["nw_bad", "verdict"] == claims.NOT_REPRODUCED
    assert table.loc["sm", "verdict"] == claims.REPRODUCED and table.loc["sm", "estimate"] > 0
    assert (table["partition"] == "dev").all() and table["note"].str.contains("optimistic").all()


def test_descriptive_and_sweep_rows(tmp_path):
    spectrum = tmp_path / "spectrum.csv"
    pd.DataFrame({"dimension": ["arousal", "valence"], "recording": "ALL", "cutoff_hz": 1.0,
                  "share_below": [0.97, 0.9]}).to_csv(spectrum, index=False)
    down = tmp_path / "down.csv"
    pd.DataFrame({"dimension": ["arousal"], "factor": [64], "spline": ["cubic"], "relative_loss": [0.03]}).to_csv(
        down, index=False)
    runs = tmp_path / "runs.csv"
    pd.DataFrame({"dimension": "arousal", "filter_length": [2] * 5 + [512] * 5 + [2048] * 5,
                  "dev_ccc": [0.1, 0.12, 0.11, 0.09, 0.1, 0.5, 0.52, 0.51, 0.49, 0.5, 0.51, 0.5, 0.5, 0.52, 0.5]}
                 ).to_csv(runs, index=False)
    table = claims.scorecard(
        claims=[_claim(id="power", kind="label_power", threshold=0.95),
                _claim(id="down", kind="downsampling", factor=64, threshold=0.05),
                _claim(id="down128", kind="downsampling", factor=128, threshold=0.05),
                _claim(id="sweep", kind="sweep_gain", short=2, long=512)],
        settings=SETTINGS, predictions={}, inputs={"spectrum": spectrum, "downsampling": down, "sweep_runs": runs},
        evidence=EVIDENCE)
    assert list(table["verdict"]) == [claims.REPRODUCED, claims.NOT_REPRODUCED, claims.REPRODUCED,
                                      claims.NOT_TESTED, claims.REPRODUCED]
    sweep = table.iloc[-1]
    assert sweep["p_value"] == pytest.approx(1 / 252) and "diminishing returns hold" in sweep["note"]
    assert "smallest possible p 1/252" in sweep["note"]
    assert "no factor 128" in table.iloc[3]["note"]


def test_the_sweep_row_says_where_each_control_corpus_peaks(tmp_path):
    runs = tmp_path / "runs.csv"
    pd.DataFrame({"dimension": "arousal", "filter_length": [2] * 3 + [512] * 3,
                  "dev_ccc": [0.1, 0.12, 0.11, 0.5, 0.52, 0.51]}).to_csv(runs, index=False)
    controls = []
    for name, peak in (("no lag", 128), ("fast, lag", 512), ("long", 2048)):
        path = tmp_path / f"{name}.csv"
        pd.DataFrame({"dimension": "arousal", "corpus": name, "filter_length": [2, 128, 512, 2048],
                      "dev_ccc_mean": [0.9 if length == peak else 0.2 for length in (2, 128, 512, 2048)]}
                     ).to_csv(path, index=False)
        controls.append(path)
    row = claims.scorecard(claims=[_claim(id="sweep", kind="sweep_gain", short=2, long=512)], settings=SETTINGS,
                           predictions={}, inputs={"sweep_runs": runs, "control_sweeps": controls},
                           evidence=EVIDENCE).iloc[0]
    assert "no lag: 128 (4x shorter); fast, lag: 512 (the same); long: 2048 (4x longer)" in row["note"]
    alone = claims.scorecard(claims=[_claim(id="sweep", kind="sweep_gain", short=2, long=512)], settings=SETTINGS,
                             predictions={}, inputs={"sweep_runs": runs}, evidence=EVIDENCE).iloc[0]
    assert "control" not in alone["note"] and row["p_value"] == alone["p_value"]


def test_missing_method_and_one_recording_are_not_tested(tmp_path):
    gold, recs = _gold(recordings=1)
    files = {"arousal": {"a": _predictions(tmp_path / "a.csv", gold, recs, 0.1, 1),
                         "b": _predictions(tmp_path / "b.csv", gold, recs, 0.2, 2)}}
    table = claims.scorecard(claims=[_claim(id="one", kind="greater", a="a", b="b"),
                                     _claim(id="gone", kind="greater", a="a", b="c")],
                             settings=SETTINGS, predictions=files, inputs={}, evidence=EVIDENCE)
    assert list(table["verdict"]) == [claims.NOT_TESTED] * 2
    assert "1 recording on test" in table.iloc[0]["note"] and "no c predictions" in table.iloc[1]["note"]


def test_config_claims_are_checked_at_load():
    from pathlib import Path

    cfg = yaml.safe_load((Path(__file__).parents[1] / "config.yaml").read_text())
    cfg["claims"]["paper"] += [
        {"id": "context_helps", "section": "4", "statement": "x", "kind": "sweep_gain", "short": 2, "long": 8},
        {"id": "tcn", "section": "x", "statement": "x", "kind": "greater", "a": "tcn", "b": "blstm"},
        {"id": "nofield", "section": "x", "statement": "x", "kind": "downsampling", "factor": 4},
    ]
    found = "\n".join(semantic_problems(cfg))
    assert "claims.paper[11] (context_helps): id given twice" in found
    assert "unknown method 'tcn'" in found
    assert "kind downsampling needs threshold" in found


def test_claims_beyond_the_paper_are_a_family_of_their_own(tmp_path):
    gold, recs = _gold()
    files = {"arousal": {m: _predictions(tmp_path / f"{m}.csv", gold, recs, noise, seed)
                         for m, noise, seed in (("good", 0.05, 1), ("bad", 0.5, 2), ("new", 0.05, 3))}}
    paper = [_claim(id="win", kind="greater", a="good", b="bad"), _claim(id="tie", kind="greater", a="new", b="good")]
    beyond = [_claim(id="new_win", kind="greater", a="new", b="bad"),
              _claim(id="new_worse", kind="greater", a="bad", b="new")]
    alone = claims.scorecard(claims=paper, settings=SETTINGS, predictions=files, inputs={}, evidence=EVIDENCE)
    both = claims.scorecard(claims=paper, beyond=beyond, settings=SETTINGS, predictions=files, inputs={},
                            evidence=EVIDENCE).set_index("claim")
    # the paper's rows keep their Holm-adjusted p and verdicts; the new rows are adjusted over their own 2
    assert list(both.index) == ["win", "tie", "new_win", "new_worse"]
    assert both.loc[["win", "tie"], "p_holm"].tolist() == alone["p_holm"].tolist()
    assert both.loc["new_win", "p_holm"] == pytest.approx(2 / 512)
    assert both.loc["new_win", "verdict"] == claims.REPRODUCED and both.loc["new_worse", "verdict"] == claims.NOT_REPRODUCED


def test_claims_beyond_the_paper_are_checked_at_load():
    from pathlib import Path

    cfg = yaml.safe_load((Path(__file__).parents[1] / "config.yaml").read_text())
    cfg["claims"]["beyond_paper"] = [
        {"id": "dilated_beats_avec", "section": "x", "statement": "x", "kind": "greater", "a": "dilated",
         "b": "avec_baseline"},
        {"id": "t", "section": "x", "statement": "x", "kind": "greater", "a": "tcn", "b": "blstm"}]
    found = "\n".join(semantic_problems(cfg))
    assert "config key claims.beyond_paper[0] (dilated_beats_avec): id given twice" in found
    assert "config key claims.beyond_paper[1] (t): unknown method 'tcn'" in found
