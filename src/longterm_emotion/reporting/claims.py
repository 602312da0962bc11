"""The claims scorecard: each of the paper's claims, the statistic that decides it, and a verdict.

The claims and their directions are pre-registered in the config (`claims.paper`); this module only
computes. Kinds:

- greater (A beats B): one-sided exact permutation test over recordings of CCC(A) - CCC(B), one row per
  dimension;
- not_worse (A at least as good as B): sign-flip test of the frame-weighted mean per-recording
  CCC(A) - CCC(B) against -margin (non-inferiority);
- smoother (A's predictions change less from frame to frame than B's): sign-flip test of the
  per-recording difference of mean absolute frame-to-frame change;
- sweep_gain (a long filter beats a short one, Sec. 4): one-sided permutation test over the sweep's runs
  (seeds) of the dev CCC at length `long` against length `short`; the note says how much longer filters add
  and, with control runs (evidence.control_sweeps), where each control corpus's sweep peaks;
- label_power, downsampling, faster: descriptive (a threshold on a measured number, no test).

Claims about methods the paper does not have (`claims.beyond_paper`, e.g. the Transformer of
config/transformer.yaml) are tested the same way as a family of their own, so the paper's verdicts do
not depend on them.

Verdicts, by rules the README states: a tested claim is *reproduced* when its Holm-adjusted one-sided
p-value (over all tested rows of its family: the paper's claims, or those beyond the paper) is below alpha, *not reproduced* when the adjusted p of
the opposite direction is, and *inconclusive* otherwise. A descriptive claim is reproduced or not by its
threshold. Tests use the test partition where every method has its labels, dev otherwise (then the row
says that dev chose epochs and settings).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis import bootstrap, paired_tests
from ..settings import ClaimTests, Evidence
from ..methods import label as _label
from .tables import write_table

TESTED = ("greater", "not_worse", "smoother", "sweep_gain")
DESCRIPTIVE = ("label_power", "downsampling", "faster")
KINDS = TESTED + DESCRIPTIVE
REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE, NOT_TESTED = "reproduced", "not reproduced", "inconclusive", "not tested"
DEV_NOTE = "on dev, which chose epochs and settings (optimistic): no test partition of 2 or more labelled recordings"
COLUMNS = ["claim", "section", "statement", "dimension", "partition", "statistic", "estimate", "low", "high",
           "p_value", "p_holm", "power", "verdict", "note"]


def _labelled(frame: pd.DataFrame, partition: str) -> pd.DataFrame | None:
    part = frame[frame["partition"] == partition]
    return part if len(part) and not part["gold"].isna().any() else None


def _partition(frames: list[pd.DataFrame]) -> str | None:
    """test where every method has it labelled with 2 or more recordings (a test needs 2), else dev."""
    labelled = {p: [_labelled(f, p) for f in frames] for p in ("test", "dev")}
    if all(part is not None for part in labelled["test"]) and labelled["test"][0]["recording"].nunique() > 1:
        return "test"
    if all(part is not None for part in labelled["dev"]):
        return "dev"
    return "test" if all(part is not None for part in labelled["test"]) else None


def _row(claim: dict, **values) -> dict:
    row = dict.fromkeys(COLUMNS, np.nan)
    row.update(claim=claim["id"], section=claim["section"], statement=claim["statement"], dimension="", partition="",
               note="")
    row.update(values)
    return row


def _mean_step(values: np.ndarray, recordings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean absolute frame-to-frame change per recording and the frame counts."""
    steps, counts = [], []
    for rec in pd.unique(recordings):
        y = values[recordings == rec]
        steps.append(np.abs(np.diff(y)).mean() if len(y) > 1 else np.nan)
        counts.append(len(y))
    return np.array(steps), np.array(counts, dtype=np.float64)


def _method_rows(claim: dict, predictions: dict, settings: ClaimTests, evidence: Evidence) -> list[dict]:
    a, b, kind = claim["a"], claim["b"], claim["kind"]
    rows = []
    for dimension, files in predictions.items():
        if a not in files or b not in files:
            rows.append(_row(claim, dimension=dimension, verdict=NOT_TESTED,
                             note=f"this run has no {_label(a) if a not in files else _label(b)} predictions"))
            continue
        frame_a, frame_b = pd.read_csv(files[a]), pd.read_csv(files[b])
        partition = _partition([frame_a, frame_b])
        if partition is None:
            rows.append(_row(claim, dimension=dimension, verdict=NOT_TESTED, note="no labelled dev or test partition"))
            continue
        part_a, part_b = _labelled(frame_a, partition), _labelled(frame_b, partition)
        gold, recs = part_a["gold"].to_numpy(), part_a["recording"].to_numpy()
        pa, pb = part_a["ensemble"].to_numpy(), part_b["ensemble"].to_numpy()
        note = DEV_NOTE if partition == "dev" else ""
        if len(pd.unique(recs)) < 2:
            rows.append(_row(claim, dimension=dimension, partition=partition, verdict=NOT_TESTED,
                             note=f"1 recording on {partition}: no test and no interval"))
            continue
        if kind == "greater":
            statistic = f"CCC({_label(a)}) − CCC({_label(b)})"
            test = paired_tests.permutation_test(gold, pa, pb, recs, "greater", seed=evidence.seed)
            opposite = paired_tests.permutation_test(gold, pa, pb, recs, "less", seed=evidence.seed)
            diff = bootstrap.paired_difference(gold, pa, pb, recs, evidence)
            low, high = diff.low, diff.high
            d, n = paired_tests.per_recording_differences(gold, pa, pb, recs)
            power = paired_tests.sign_flip_power(d, n, settings.effect, settings.alpha)
        elif kind == "not_worse":
            margin = settings.margin
            statistic = f"mean per-recording CCC({_label(a)}) − CCC({_label(b)}), margin −{margin:g}"
            test = paired_tests.margin_test(gold, pa, pb, recs, margin, "greater")
            d, n = paired_tests.per_recording_differences(gold, pa, pb, recs)
            opposite = paired_tests.sign_flip_test(d, n, "less", -margin)
            low, high = _weighted_interval(d, n, evidence)
            power = paired_tests.sign_flip_power(d, n, margin, settings.alpha)  # at a true difference of 0
        else:  # smoother: B's mean step minus A's
            step_a, n = _mean_step(pa, recs)
            step_b, _ = _mean_step(pb, recs)
            d = step_b - step_a
            statistic = f"mean |Δ| per frame, {_label(b)} − {_label(a)}"
            test = paired_tests.sign_flip_test(d, n, "greater")
            opposite = paired_tests.sign_flip_test(d, n, "less")
            low, high = _weighted_interval(d, n, evidence)
            power = np.nan
        rows.append(_row(claim, dimension=dimension, partition=partition, statistic=statistic,
                         estimate=test.estimate, low=low, high=high, p_value=test.p_value, power=power,
                         opposite=opposite.p_value, note=note))
    return rows


def _weighted_interval(d, n, evidence: Evidence) -> tuple[float, float]:
    """Percentile bootstrap interval over recordings of the frame-weighted mean of per-recording values."""
    counts = bootstrap.resample_counts(len(d), evidence.resamples, evidence.seed)
    means = (counts @ (n * d)) / (counts @ n)
    low, high = bootstrap.percentile_interval(means, evidence.confidence)
    return float(low), float(high)


def _best_lengths(controls: list[pd.DataFrame], dimension: str, best: int) -> str:
    """Where each control corpus's sweep (sweep.summarise's table) peaks, against this corpus's `best`."""
    parts = []
    for table in controls:
        rows = table[table["dimension"] == dimension]
        if rows.empty:
            continue
        length = int(rows.loc[rows["dev_ccc_mean"].idxmax(), "filter_length"])
        steps = math.log2(length / best)
        shift = ("the same" if steps == 0 else
                 f"{2 ** abs(steps):g}x {'longer' if steps > 0 else 'shorter'}")
        parts.append(f"{table['corpus'].iloc[0]}: {length} ({shift})")
    return ("; best length on the control corpora (descriptive, the argmax of mean dev CCC): " + "; ".join(parts)
            if parts else "")


def _sweep_rows(claim: dict, runs: pd.DataFrame, settings: ClaimTests,
                controls: list[pd.DataFrame] = ()) -> list[dict]:
    rows = []
    short, long = int(claim["short"]), int(claim["long"])
    for dimension, group in runs.groupby("dimension", sort=False):
        by_length = {int(k): g["dev_ccc"].to_numpy() for k, g in group.groupby("filter_length")}
        if short not in by_length or long not in by_length:
            rows.append(_row(claim, dimension=dimension, partition="dev", verdict=NOT_TESTED,
                             note=f"the sweep has no length {short if short not in by_length else long}"))
            continue
        x, y = by_length[long], by_length[short]
        test, opposite = _two_sample(x, y, "greater"), _two_sample(x, y, "less")
        means = {length: scores.mean() for length, scores in by_length.items()}
        best = max(means, key=means.get)
        longer = [length for length in means if length > long]
        beyond = max(means[length] for length in longer) - means[long] if longer else np.nan
        note = (f"dev (the sweep scores dev only), {len(x)} vs {len(y)} runs (smallest possible p "
                f"1/{math.comb(len(x) + len(y), len(x))}); best length {best} "
                f"(mean dev CCC {means[best]:.3f}); the best longer than {long} adds "
                + (f"{beyond:+.3f}" if longer else "nothing (none swept)")
                + f" ({'within' if longer and beyond < settings.margin else 'beyond'} the margin "
                f"{settings.margin:g}: diminishing returns {'hold' if longer and beyond < settings.margin else 'do not hold'})"
                + _best_lengths(controls, dimension, best))
        rows.append(_row(claim, dimension=dimension, partition="dev",
                         statistic=f"mean dev CCC at L={long} − at L={short}", estimate=x.mean() - y.mean(),
                         p_value=test, opposite=opposite, note=note))
    return rows


def _two_sample(x: np.ndarray, y: np.ndarray, alternative: str) -> float:
    """Exact two-sample permutation p of mean(x) - mean(y) over all splits of the pooled runs."""
    import itertools

    pooled = np.concatenate([x, y])
    null = np.array([pooled[list(idx)].mean() - np.delete(pooled, list(idx)).mean()
                     for idx in itertools.combinations(range(len(pooled)), len(x))])
    return paired_tests.tail_p_value(x.mean() - y.mean(), null, alternative) if len(x) > 1 and len(y) > 1 else np.nan


def _descriptive_rows(claim: dict, inputs: dict) -> list[dict]:
    kind, rows = claim["kind"], []
    if kind == "label_power":
        spectrum = pd.read_csv(inputs["spectrum"])
        for _, r in spectrum[spectrum["recording"] == "ALL"].iterrows():
            share, threshold = float(r["share_below"]), float(claim["threshold"])
            rows.append(_row(claim, dimension=r["dimension"], partition="labelled partitions",
                             statistic=f"share of label power below {r['cutoff_hz']:g} Hz", estimate=share,
                             verdict=REPRODUCED if share > threshold else NOT_REPRODUCED,
                             note=f"descriptive: threshold {threshold:g}"))
    elif kind == "downsampling":
        table = pd.read_csv(inputs["downsampling"])
        factor, threshold = int(claim["factor"]), float(claim["threshold"])
        table = table[(table["factor"] == factor) & (table["spline"] == "cubic")]
        if table.empty:
            return [_row(claim, verdict=NOT_TESTED, note=f"the label study has no factor {factor} (cubic spline)")]
        for _, r in table.iterrows():
            loss = float(r["relative_loss"])
            rows.append(_row(claim, dimension=r["dimension"], partition="labelled partitions",
                             statistic=f"CCC loss at factor {factor}, cubic spline", estimate=loss,
                             verdict=REPRODUCED if loss < threshold else NOT_REPRODUCED,
                             note=f"descriptive: threshold {threshold:g}"))
    else:  # faster
        timing = {Path(p).stem: pd.read_csv(p).iloc[0] for p in inputs["timing"]}
        slow = claim["b"]
        for fast in claim["a"]:
            if fast not in timing or slow not in timing:
                rows.append(_row(claim, verdict=NOT_TESTED, note=f"no timing of {fast if fast not in timing else slow}"))
                continue
            ratio = float(timing[slow]["seconds_per_epoch"] / timing[fast]["seconds_per_epoch"])
            rows.append(_row(claim, partition="train", statistic=f"epoch time {_label(slow)} / {_label(fast)}",
                             estimate=ratio, verdict=REPRODUCED if ratio > 1 else NOT_REPRODUCED,
                             note=f"descriptive: median of {int(timing[fast]['epochs_timed'])} epochs each, "
                                  f"{timing[fast]['parameters']} vs {timing[slow]['parameters']} parameters, "
                                  f"on {timing[fast]['device']}"))
    return rows


def scorecard(*, claims: list[dict], settings: dict | ClaimTests, predictions: dict, inputs: dict,
              evidence: Evidence, beyond: list[dict] = ()) -> pd.DataFrame:
    """One row per claim (and dimension) with its statistic, Holm-adjusted p and verdict (module docstring): the
    paper's `claims`, then those `beyond` the paper, each list adjusted as a family of its own."""
    settings = ClaimTests.of(settings)
    families = [_family(group, settings, predictions, inputs, evidence) for group in (claims, beyond) if len(group)]
    return pd.concat(families, ignore_index=True)[COLUMNS] if families else pd.DataFrame(columns=COLUMNS)


def _family(claims, settings: ClaimTests, predictions: dict, inputs: dict, evidence: Evidence) -> pd.DataFrame:
    """The rows of one family of claims, Holm-adjusted over its tested rows, with their verdicts."""
    rows = []
    for claim in claims:
        kind = claim["kind"]
        if kind in ("greater", "not_worse", "smoother"):
            rows += _method_rows(claim, predictions, settings, evidence)
        elif kind == "sweep_gain":
            rows += _sweep_rows(claim, pd.read_csv(inputs["sweep_runs"]), settings,
                                [pd.read_csv(path) for path in inputs.get("control_sweeps", ())])
        else:
            rows += _descriptive_rows(claim, inputs)
    table = pd.DataFrame(rows)
    if "opposite" not in table:
        table["opposite"] = np.nan
    table["verdict"] = table["verdict"].astype(object)
    table["p_holm"] = paired_tests.holm(table["p_value"].to_numpy(dtype=np.float64))
    opposite = paired_tests.holm(table["opposite"].to_numpy(dtype=np.float64))
    alpha = settings.alpha
    for i in table.index:
        if not pd.isna(table.at[i, "verdict"]):
            continue
        if table.at[i, "p_holm"] < alpha:
            table.at[i, "verdict"] = REPRODUCED
        elif opposite[i] < alpha:
            table.at[i, "verdict"] = NOT_REPRODUCED
        else:
            table.at[i, "verdict"] = INCONCLUSIVE
    return table[COLUMNS]


def write_claims(*, claims: list[dict], settings: dict | ClaimTests, predictions: dict, inputs: dict,
                 evidence: dict | Evidence, stem, corpus_name: str, beyond: list[dict] = ()) -> pd.DataFrame:
    """Rule claims: tables/claims.{csv,md,tex}."""
    evidence, settings = Evidence.of(evidence), ClaimTests.of(settings)
    table = scorecard(claims=claims, settings=settings, predictions=predictions, inputs=inputs, evidence=evidence,
                      beyond=beyond)
    paper = {claim["id"] for claim in claims}
    tested = table[table["claim"].isin(paper)]["p_value"].notna().sum()
    extra = table[~table["claim"].isin(paper)]["p_value"].notna().sum()
    write_table(
        table, stem, "Claims scorecard: the paper's claims on this corpus", corpus_name, floatfmt=".4g",
        notes=[f"Tested rows: one-sided tests in the claimed direction, Holm's adjustment over the {tested} tested "
               "rows of the paper's claims (p_holm)"
               + (f", and separately over the {extra} tested rows of the claims beyond the paper" if extra else "")
               + f"; reproduced when p_holm < {settings.alpha:g}, not reproduced when the adjusted "
               "p of the opposite direction is, inconclusive otherwise. Descriptive rows compare a measured "
               "number with the paper's threshold.",
               "greater: exact permutation test over recordings (swap the two methods within recordings) of the "
               "concatenated CCC difference; not_worse: sign-flip test of the frame-weighted mean per-recording "
               f"CCC difference against −{settings.margin:g}; smoother: sign-flip test of the per-recording "
               "difference of mean absolute frame-to-frame change; sweep_gain: exact permutation test over the "
               "sweep's runs. low/high: percentile bootstrap interval over recordings "
               f"({evidence.confidence:.0%}, {evidence.resamples} resamples).",
               f"power: share of simulated partitions (recordings' centred differences resampled and shifted to a "
               f"true difference of {settings.effect:g}; for not_worse, a true difference of 0) in which the "
               f"one-sided sign-flip test rejects at {settings.alpha:g}, before adjustment. With 9 recordings "
               "the smallest one-sided p is 1/512; after Holm over many rows only effects that hold on (nearly) "
               "every recording can be reproduced, and a weaker true effect is inconclusive."],
    )
    return table
