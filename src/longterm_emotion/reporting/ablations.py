"""Tables of target ablations: tables/ablations (every variant's dev and test CCC, what dev chose) and
tables/ablation_claims (the scorecard rows of the paper's "not needed" claims and its speed claim).

Verdicts (README, "Ablations"): for label delay, post-processing, segmenting and the richer front end the
claim is that the extra step is not needed, decided by an equivalence test (two one-sided sign-flip tests
over recordings at +-``claims.equivalence_margin``, ``analysis.equivalence``): *reproduced* when the
Holm-adjusted p_TOST (over the tested rows of this table) is below ``claims.alpha``, *not reproduced* when
the Holm-adjusted p of "the step gains more than the margin" is, *inconclusive* otherwise. The speed row is
the ratio of median epoch times (BLSTM of about the conv net's size / conv net) with a bootstrap interval
over the repeated epochs: reproduced when the interval lies above ``ablations.speed.min_ratio``, not
reproduced when it lies below, inconclusive otherwise.

The test gold standard enters here only, from the fbank features' labels.csv, after every prediction of the
ablations was written by the jobs before.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..analysis import bootstrap, equivalence, paired_tests
from ..settings import Ablations, ClaimTests, Evidence, SpeedTiming
from ..methods import label as _label
from ..experiments import ablations as abl
from .claims import COLUMNS, INCONCLUSIVE, NOT_REPRODUCED, NOT_TESTED, REPRODUCED, _partition, _weighted_interval
from .tables import write_table

CLAIMS = {
    "label_delay": ("no_label_delay", "2",
                    "No special handling of the raters' lag: label delay compensation (d chosen on dev) gains "
                    "less than the margin"),
    "postprocessing": ("no_postprocessing", "2",
                       "No post-processing: [9]'s chain (median filter, centring, scaling, time shift, each chosen "
                       "on dev) gains less than the margin"),
    "segments": ("no_segmenting", "2, 6.1",
                 "Whole recordings, no segmenting: training on fixed-length segments gains less than the margin"),
    "frontend": ("fbank_suffices", "2",
                 "40 log-mel bins suffice: a richer front end (eGeMAPS) gains less than the margin"),
    "speed": ("conv_faster_matched", "6.2",
              "The conv nets train much faster than a BLSTM of about equal size (paper: 13 s vs 10 min per epoch)"),
}
TABLE_COLUMNS = ["study", "network", "dimension", "variant", "chosen", "setting", "dev_ccc", "dev_low", "dev_high",
                 "test_ccc", "test_low", "test_high", "epoch_s", "note"]


def attach_gold(frames: pd.DataFrame, labels: dict[str, pd.DataFrame], dimension: str) -> pd.DataFrame:
    """frames' gold column from the partitions' labels.csv (row for row, recordings checked): the only place the
    test gold standard enters the ablations."""
    frames = frames.copy()
    for partition, part in frames.groupby("partition", sort=False):
        if partition not in labels:
            continue
        table = labels[partition]
        if len(table) != len(part) or not (table["recording"].to_numpy() == part["recording"].to_numpy()).all():
            raise ValueError(f"predictions of {partition} do not match its labels.csv row for row")
        frames.loc[part.index, "gold"] = table[dimension].to_numpy(dtype=np.float64)
    return frames


def _intervals(frames: dict[str, pd.DataFrame], column: dict[str, str], partition: str, evidence: Evidence):
    """{variant: Interval} of the ensemble CCC on one partition (shared resamples), or {} when unlabelled."""
    first = next(iter(frames.values()))
    part = first[first["partition"] == partition]
    if part.empty or part["gold"].isna().any():
        return {}
    gold, recs = part["gold"].to_numpy(), part["recording"].to_numpy()
    preds = {v: f.loc[f["partition"] == partition, column[v]].to_numpy() for v, f in frames.items()}
    return bootstrap.ccc_intervals(gold, preds, recs, evidence)


def _epoch_seconds(chosen_yaml) -> float:
    if chosen_yaml is None:
        return np.nan
    return float(yaml.safe_load(Path(chosen_yaml).read_text()).get("median_epoch_seconds", np.nan))


def _study_rows(study, network, dimension, frames, column, settings, chosen_variant, chosen_files, evidence):
    dev = _intervals(frames, column, "dev", evidence)
    test = _intervals(frames, column, "test", evidence)
    rows = []
    for v in frames:
        row = dict.fromkeys(TABLE_COLUMNS, np.nan)
        row.update(study=study, network=_label(network), dimension=dimension, variant=v,
                   chosen=v == chosen_variant, setting=settings[v], note="",
                   epoch_s=_epoch_seconds(chosen_files.get(v)))
        for prefix, found in (("dev", dev), ("test", test)):
            if v in found:
                row.update({f"{prefix}_ccc": found[v].estimate, f"{prefix}_low": found[v].low,
                            f"{prefix}_high": found[v].high})
        rows.append(row)
    return rows


def _claim_row(study: str, **values) -> dict:
    claim_id, section, statement = CLAIMS[study]
    row = dict.fromkeys(COLUMNS, np.nan)
    row.update(claim=claim_id, section=section, statement=statement, dimension="", partition="", note="")
    row.update(values)
    return row


def _equivalence_row(study, network, dimension, with_frames, with_col, without_frames, without_col, what, margin,
                     alpha, evidence: Evidence) -> dict:
    a = with_frames.rename(columns={with_col: "ensemble"})
    b = without_frames.rename(columns={without_col: "ensemble"})
    partition = _partition([a, b])
    statistic = (f"mean per-recording CCC({_label(network)}, {what}) − CCC({_label(network)}, without), "
                 f"margin ±{margin:g}")
    if partition is None:
        return _claim_row(study, dimension=dimension, statistic=statistic, verdict=NOT_TESTED,
                          note="no labelled dev or test partition")
    pa, pb = a[a["partition"] == partition], b[b["partition"] == partition]
    recs = pa["recording"].to_numpy()
    if len(pd.unique(recs)) < 2:
        return _claim_row(study, dimension=dimension, partition=partition, statistic=statistic, verdict=NOT_TESTED,
                          note=f"1 recording on {partition}: no test")
    gold = pa["gold"].to_numpy()
    d, n = paired_tests.per_recording_differences(gold, pa["ensemble"].to_numpy(), pb["ensemble"].to_numpy(), recs)
    test = equivalence.tost_differences(d, n, margin)
    low, high = _weighted_interval(d, n, evidence)
    note = f"{_label(network)}: {what}; p(lower) {test.p_lower:.3g}, p(upper) {test.p_upper:.3g}"
    if partition == "dev":
        note += "; on dev, which chose the step (optimistic): no test partition of 2 or more labelled recordings"
    return _claim_row(study, dimension=dimension, partition=partition, statistic=statistic, estimate=test.estimate,
                      low=low, high=high, p_value=test.p_value, power=equivalence.tost_power(d, n, margin, alpha),
                      exceeds=test.p_exceeds, below=test.p_below, note=note)


def _speed_rows(timing: dict[str, str], section: SpeedTiming, evidence: Evidence):
    table_rows, claim_rows = [], []
    for network, path in timing.items():
        table = pd.read_csv(path)
        estimate, low, high = abl.speed_ratio(table, network, evidence.resamples, evidence.seed, evidence.confidence)
        med = table.groupby("model")["seconds_per_epoch"].median()
        params = table.groupby("model")["parameters"].first()
        hidden = int(table.loc[table["model"] == "blstm", "hidden"].iloc[0])
        device, repeats = table["device"].iloc[0], int(table["repeat"].nunique())
        for model, setting in ((network, f"{params[network]} parameters"),
                               ("blstm", f"BLSTM {hidden} units per direction, {params['blstm']} parameters")):
            row = dict.fromkeys(TABLE_COLUMNS, np.nan)
            row.update(study="speed", network=_label(network), dimension="", variant=model, chosen=False,
                       setting=setting, epoch_s=float(med[model]),
                       note=f"median of {repeats} epochs on {device}" + (
                           f"; BLSTM / {_label(network)} = {estimate:.2f} [{low:.2f}, {high:.2f}]"
                           if model == "blstm" else ""))
            table_rows.append(row)
        threshold = section.min_ratio
        verdict = (REPRODUCED if low > threshold else NOT_REPRODUCED if high < threshold else INCONCLUSIVE) \
            if np.isfinite(low) else (REPRODUCED if estimate > threshold else NOT_REPRODUCED)
        claim_rows.append(_claim_row(
            "speed", partition="train", statistic=f"epoch time BLSTM (matched) / {_label(network)}", estimate=estimate,
            low=low, high=high, verdict=verdict,
            note=f"descriptive: median of {repeats} interleaved epochs each, {params[network]} vs {params['blstm']} "
                 f"parameters ({hidden} BLSTM units), on {device}; threshold {threshold:g} (the interval above it: "
                 f"reproduced; below: not reproduced); paper: about 46"))
    return table_rows, claim_rows


def _verdicts(table: pd.DataFrame, alpha: float) -> pd.DataFrame:
    for column in ("exceeds", "below"):
        if column not in table:
            table[column] = np.nan
    table["verdict"] = table["verdict"].astype(object)
    table["p_holm"] = paired_tests.holm(table["p_value"].to_numpy(dtype=np.float64))
    exceeds = paired_tests.holm(table["exceeds"].to_numpy(dtype=np.float64))
    below = paired_tests.holm(table["below"].to_numpy(dtype=np.float64))
    for i in table.index:
        if not pd.isna(table.at[i, "verdict"]):
            continue
        if table.at[i, "p_holm"] < alpha:
            table.at[i, "verdict"] = REPRODUCED
        elif exceeds[i] < alpha:
            table.at[i, "verdict"] = NOT_REPRODUCED
        else:
            table.at[i, "verdict"] = INCONCLUSIVE
            if below[i] < alpha:
                table.at[i, "note"] += ("; the step loses more than the margin (Holm-adjusted p "
                                        f"{below[i]:.3g}): not needed, but not equivalent")
    return table


def ablation_tables(*, runs: dict, postprocessing: dict, timing: dict, labels: dict, variants: dict,
                    ablations: dict | Ablations, settings: dict | ClaimTests, evidence: Evidence, dimensions) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(tables/ablations rows, scorecard rows). runs: {variant: {'<network>_<dimension>': run folder}};
    postprocessing: {'<network>_<dimension>': (frames csv, chain json)}; timing: {network: csv};
    labels: {partition: labels.csv}; variants: {name: Variant dict}."""
    variants = {k: abl.Variant(**v) for k, v in variants.items()}
    label_tables = {p: pd.read_csv(path) for p, path in labels.items()}
    ablations, settings = Ablations.of(ablations), ClaimTests.of(settings)
    margin, alpha = settings.equivalence_margin, settings.alpha
    table_rows, claim_rows = [], []
    for network in ablations.networks:
        for dimension in dimensions:
            key = f"{network}_{dimension}"
            gold_of = {p: t[["recording", dimension]] for p, t in label_tables.items()}

            def load(variant):
                frames = pd.read_csv(Path(runs[variant][key]) / "predictions.csv")
                return attach_gold(frames, gold_of, dimension)

            files = {v: Path(runs[v][key]) / "chosen.yaml" for v in runs}
            reference = load(abl.REFERENCE)
            # 1. label delay: d chosen on dev (the runs' dev gold), compared with d = 0
            delays = {0.0: abl.REFERENCE, **{variants[v].delay_s: v for v in runs if variants[v].study == "label_delay"}}
            frames = {name: (reference if name == abl.REFERENCE else load(name)) for name in delays.values()}
            best, _ = abl.choose_delay({d: frames[name] for d, name in delays.items()})
            chosen = delays[best]
            setting = {name: f"d = {d:g} s" for d, name in delays.items()}
            table_rows += _study_rows("label_delay", network, dimension, frames, dict.fromkeys(frames, "ensemble"),
                                      setting, chosen, files, evidence)
            claim_rows.append(_equivalence_row("label_delay", network, dimension, frames[chosen], "ensemble",
                                               reference, "ensemble", f"label delay d = {best:g} s (chosen on dev)",
                                               margin, alpha, evidence))
            # 2. post-processing of the final runs' ensemble
            frames_csv, chain_json = postprocessing[key]
            pp = pd.read_csv(frames_csv).assign(gold=np.nan)
            pp = attach_gold(pp, gold_of, dimension)
            chain = json.loads(Path(chain_json).read_text())
            both = {"raw": pp.assign(ensemble=pp["raw"]), "chain": pp.assign(ensemble=pp["processed"])}
            table_rows += _study_rows("postprocessing", network, dimension, both, dict.fromkeys(both, "ensemble"),
                                      {"raw": "final runs' ensemble", "chain": chain["text"]}, "chain", {}, evidence)
            claim_rows.append(_equivalence_row("postprocessing", network, dimension, pp, "processed", pp, "raw",
                                               f"post-processing {chain['text']}", margin, alpha, evidence))
            # 3. segments and 4. front end, each against the reference
            for study in ("segments", "frontend"):
                names = [v for v in runs if variants[v].study == study]
                if not names:
                    claim_rows.append(_claim_row(study, dimension=dimension, verdict=NOT_TESTED,
                                                 note="no variant: the front end compared is the configured one"))
                    continue
                name = names[0]
                var = variants[name]
                frames = {abl.REFERENCE: reference, name: load(name)}
                what = (f"{var.segment_s:g} s segments" if study == "segments" else f"front end {var.frontend}")
                setting = {abl.REFERENCE: f"whole recordings, {variants[abl.REFERENCE].frontend}", name: what}
                table_rows += _study_rows(study, network, dimension, frames, dict.fromkeys(frames, "ensemble"),
                                          setting, name, files, evidence)
                claim_rows.append(_equivalence_row(study, network, dimension, frames[name], "ensemble", reference,
                                                   "ensemble", what, margin, alpha, evidence))
    speed_table, speed_claims = _speed_rows(timing, ablations.speed, evidence)
    table = pd.DataFrame(table_rows + speed_table, columns=TABLE_COLUMNS)
    claims = _verdicts(pd.DataFrame(claim_rows + speed_claims), alpha)
    return table, claims[COLUMNS]


def write_ablations(*, table_stem, claims_stem, corpus_name: str, evidence: dict | Evidence,
                    ablations: dict | Ablations, settings: dict | ClaimTests, docs=None, **inputs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rule ablations_tables: tables/ablations.{csv,md,tex} and tables/ablation_claims.{csv,md,tex}, and with
    `docs` both Markdown tables in one file (docs/ablations.md: the README's ablations section pastes it)."""
    evidence, ablations, settings = Evidence.of(evidence), Ablations.of(ablations), ClaimTests.of(settings)
    table, claims = ablation_tables(evidence=evidence, ablations=ablations, settings=settings, **inputs)
    seeds, protocol = ablations.training.seeds, ablations.training.protocol
    write_table(table, table_stem, "Ablations: what the paper says its networks do not need", corpus_name,
                floatfmt=".3f", notes=[
                    "Ensemble CCC of the dev and the test recordings concatenated, with the percentile bootstrap "
                    f"interval over recordings ({evidence.confidence:.0%}, {evidence.resamples} resamples); "
                    "`chosen`: the variant dev chose (label delay) or the one compared with the reference.",
                    f"Trained variants: the settings the dev search chose, seeds {list(seeds)}, at most "
                    f"{protocol.max_epochs} epochs with patience {protocol.patience}; the reference (d = 0, "
                    "whole recordings, the configured front end) is trained alike. Post-processing is applied to "
                    "the final runs' ensembles (no training). epoch_s: median seconds of a training epoch "
                    "(dev evaluation included) as the job ran; speed rows: one epoch alone, interleaved repeats.",
                ])
    tested = int(claims["p_value"].notna().sum())
    write_table(claims, claims_stem, "Ablation claims: what the networks do not need, and their speed", corpus_name,
                floatfmt=".4g", notes=[
                    "Equivalence rows: two one-sided sign-flip tests over recordings of the frame-weighted mean "
                    f"per-recording CCC difference (with the step − without) at ±{settings.equivalence_margin:g}; "
                    f"p_value = max of the two; Holm's adjustment over the {tested} tested rows (p_holm). Reproduced "
                    f"when p_holm < {settings.alpha:g}; not reproduced when the Holm-adjusted p of 'gains more "
                    "than the margin' is; inconclusive otherwise. power: share of simulated partitions with a true "
                    f"difference of 0 (centred per-recording differences resampled) where p_TOST < {settings.alpha:g}.",
                    "low/high: percentile bootstrap interval over recordings of the mean difference "
                    f"({evidence.confidence:.0%}); speed: of the epoch-time ratio over the repeated epochs.",
                ])
    if docs is not None:
        parts = [Path(f"{stem}.md").read_text().strip() for stem in (claims_stem, table_stem)]
        Path(docs).parent.mkdir(parents=True, exist_ok=True)
        Path(docs).write_text("\n\n".join(parts) + "\n")
    return table, claims
