"""The robustness report: ensemble CCC per network, dimension and condition with recording-level intervals, the
drop from clean, paired tests of whether one network's drop is smaller than another's, and two figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis import bootstrap, paired_tests
from ..settings import Evidence
from ..methods import label as _label
from ..errors import InputDataError
from ..reporting.tables import write_table
from .conditions import Condition, gold_column, prediction_column


def load_frames(files: dict[str, str], conditions: list[Condition], dimensions) -> dict[str, pd.DataFrame]:
    """{condition id: frames} with the same recordings, frames and gold standard in every condition."""
    frames = {c.id: pd.read_csv(files[c.id]) for c in conditions}
    clean = frames[conditions[0].id]
    for c in conditions[1:]:
        other = frames[c.id]
        same = (len(other) == len(clean) and np.array_equal(other["recording"], clean["recording"])
                and all(np.array_equal(other[gold_column(d)], clean[gold_column(d)]) for d in dimensions))
        if not same:
            raise InputDataError(files[c.id], "recordings or gold standard differ from the clean condition's")
    return frames


def ccc_table(frames, conditions: list[Condition], networks, dimensions, evidence: Evidence) -> pd.DataFrame:
    """One row per network, dimension and condition: ensemble CCC with its bootstrap interval over recordings
    (the same resamples for every condition), and the drop (CCC clean minus CCC degraded) with its paired interval."""
    clean_id = conditions[0].id
    rows = []
    for dimension in dimensions:
        base = frames[clean_id]
        gold, recordings = base[gold_column(dimension)].to_numpy(), base["recording"].to_numpy()
        for network in networks:
            column = prediction_column(network, dimension)
            preds = {c.id: frames[c.id][column].to_numpy() for c in conditions}
            intervals = bootstrap.ccc_intervals(gold, preds, recordings, evidence)
            for c in conditions:
                drop = bootstrap.paired_difference(gold, preds[clean_id], preds[c.id], recordings, evidence)
                rows.append({"network": _label(network), "dimension": dimension, "condition": c.label,
                             "ccc": intervals[c.id].estimate, "low": intervals[c.id].low,
                             "high": intervals[c.id].high, "drop": drop.estimate, "drop_low": drop.low,
                             "drop_high": drop.high, "recordings": len(set(recordings)),
                             "network_id": network, "condition_id": c.id, "kind": c.kind,
                             "noise": c.settings.get("noise", ""), "snr_db": c.settings.get("snr_db", np.nan)})
    return pd.DataFrame(rows)


DROP_TEST_COLUMNS = ["dimension", "condition", "comparison", "drop_a", "drop_b", "difference",
                     "mean_recording_difference", "p_value", "p_holm", "recordings", "method_a", "method_b",
                     "condition_id"]


def drop_tests(frames, conditions: list[Condition], dimensions, comparisons, evidence: Evidence) -> pd.DataFrame:
    """Per dimension, degraded condition and pair (A, B): does A lose less CCC than B?

    Per recording r, drop_X(r) = CCC_r(X, clean) - CCC_r(X, degraded); the frame-weighted mean of
    drop_A(r) - drop_B(r) is tested one-sided (H1: below 0, A degrades less) by the sign-flip test over
    recordings (paired_tests.sign_flip_test; H0: the per-recording differences are symmetric about 0),
    Holm-adjusted over the conditions of each dimension and pair."""
    clean_id = conditions[0].id
    rows = []
    for dimension in dimensions:
        base = frames[clean_id]
        gold, recordings = base[gold_column(dimension)].to_numpy(), base["recording"].to_numpy()
        for a, b in comparisons:
            family = []
            for c in conditions[1:]:
                deg = frames[c.id]
                drop_a, n = paired_tests.per_recording_differences(
                    gold, base[prediction_column(a, dimension)], deg[prediction_column(a, dimension)], recordings)
                drop_b, _ = paired_tests.per_recording_differences(
                    gold, base[prediction_column(b, dimension)], deg[prediction_column(b, dimension)], recordings)
                test = paired_tests.sign_flip_test(drop_a - drop_b, n, "less", seed=evidence.seed)
                concat = {x: bootstrap.paired_difference(gold, base[prediction_column(x, dimension)],
                                                         deg[prediction_column(x, dimension)], recordings,
                                                         evidence).estimate for x in (a, b)}
                family.append({"dimension": dimension, "condition": c.label,
                               "comparison": f"{_label(a)} vs {_label(b)}",
                               "drop_a": concat[a], "drop_b": concat[b], "difference": concat[a] - concat[b],
                               "mean_recording_difference": test.estimate, "p_value": test.p_value,
                               "recordings": len(n), "method_a": a, "method_b": b, "condition_id": c.id})
            if family:
                adjusted = paired_tests.holm([row["p_value"] for row in family])
                for row, p in zip(family, adjusted):
                    row["p_holm"] = p
            rows += family
    # the columns even when no pair is compared (a run without both networks of every pair)
    return pd.DataFrame(rows, columns=DROP_TEST_COLUMNS)


def partition_words(partition: str) -> str:
    return f"the {partition} recordings"


def write_report(*, condition_files: dict[str, str], conditions, networks, comparisons, dimensions, evidence, partition: str,
                 corpus_name: str, table_stem, tests_stem, snr_figure, conditions_figure) -> pd.DataFrame:
    """Rule robustness_report: tables/robustness and tables/robustness_comparisons (csv, md, tex) and the figures."""
    from ..reporting import plots

    conditions = [Condition.of(c) for c in conditions]
    evidence = Evidence.of(evidence)
    frames = load_frames(condition_files, conditions, dimensions)
    table = ccc_table(frames, conditions, networks, dimensions, evidence)
    level = f"{evidence.confidence:.0%}"
    shown = table[["network", "dimension", "condition", "ccc", "low", "high", "drop", "drop_low", "drop_high"]].assign(
        partition=partition)
    write_table(
        shown, table_stem, f"Robustness: ensemble CCC of each network on degraded {partition} audio", corpus_name,
        notes=[f"Every network's bundle (the models `longterm-emotion predict` uses) on {partition_words(partition)} "
               f"({table['recordings'].iloc[0]}), each degraded as the condition says (seeded; config section "
               "robustness), its features computed once per condition for every network.",
               f"ccc: the ensemble's CCC on the recordings concatenated; low/high: {level} percentile interval over "
               f"{evidence.resamples} resamples of the recordings (seed {evidence.seed}; the same resamples for "
               "every condition).",
               "drop: CCC clean minus CCC under the condition (positive: a loss); drop_low/drop_high: its paired "
               "interval (both scored on the same resampled recordings).",
               "SNR: mean power of the whole recording (pauses included) over that of the noise. babble: a mix of "
               "other recordings of the corpus, never the recording itself. level +20 dB is clipped at full scale.",
               "The clean row reproduces the pipeline's own ensemble CCC on this partition (tests/test_robustness.py)."],
    )
    tests = drop_tests(frames, conditions, dimensions, [tuple(pair) for pair in comparisons], evidence)
    write_table(
        tests.drop(columns=["method_a", "method_b", "condition_id"]).assign(partition=partition), tests_stem,
        "Robustness: does Down/Up lose less CCC than Dilated under each degradation?", corpus_name,
        notes=["drop_a, drop_b: CCC clean minus CCC degraded of network A and of network B (recordings "
               "concatenated; positive: a loss); difference: drop_a - drop_b (negative: A loses less).",
               "mean_recording_difference: the frame-weighted mean over recordings of A's per-recording drop minus "
               "B's, the statistic tested.",
               "p_value: one-sided sign-flip test over recordings of that mean (H1: A loses less; H0: the "
               "per-recording differences are symmetric about 0; all 2^R sign patterns, R <= 16). With R recordings "
               "the smallest p is 1/2^R (1/512 for 9).",
               "p_holm: Holm's adjustment over the conditions of each dimension (one family per dimension).",
               "The recordings are the unit: the test says whether the difference holds across recordings of this "
               "corpus, not across corpora or training seeds (the ensembles average the seeds)."],
        floatfmt=".4f",
    )
    plots.plot_robustness_snr(table, snr_figure, corpus_name, partition, evidence.confidence)
    plots.plot_robustness_conditions(table, conditions_figure, corpus_name, partition, evidence.confidence)
    return table
