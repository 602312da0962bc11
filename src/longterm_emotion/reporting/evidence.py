"""Evidence tables: paired comparisons of methods (permutation tests and bootstrap intervals over recordings)
and per-recording CCCs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..analysis import bootstrap, paired_tests
from ..settings import Evidence
from ..methods import label as _label
from ..errors import InputDataError
from .tables import write_table

P_VALUE_NOTE = (
    "p_value: two-sided exact permutation test over recordings (A's and B's predictions swapped within each "
    "recording, all 2^R patterns; R > 16: 4,096 seeded patterns): the share of patterns whose CCC(A) - CCC(B) is at "
    "least as large in size as the observed one. Its level is measured in bench/results/calibration.txt. With R "
    "recordings the smallest possible value is 2 / 2^R (1/256 for 9); identical predictions give p = 1."
)
HOLM_NOTE = (
    "p_holm: Holm's adjustment over every row of this table (the family of all comparisons). The paper's "
    "claims are decided, one-sided and adjusted over the claims only, in tables/claims."
)
SELECTION_NOTE = (
    "dev chose the training epochs and every searched setting: dev differences are optimistic and the "
    "selection column says so; test (where labelled) is untouched by any choice."
)


def _labelled(frames: pd.DataFrame, partition: str) -> pd.DataFrame | None:
    part = frames[frames["partition"] == partition]
    return part if len(part) and not part["gold"].isna().any() else None


def comparison_table(prediction_files: dict[str, dict[str, str]], comparisons, evidence: Evidence) -> pd.DataFrame:
    """CCC(A) - CCC(B) of the ensembles, paired by recording, per dimension, labelled partition and comparison.

    `prediction_files` maps dimension -> method -> predictions.csv; `comparisons` is a sequence of (A, B).
    """
    rows = []
    for dimension, files in prediction_files.items():
        frames = {method: pd.read_csv(path) for method, path in files.items()}
        for partition in ("dev", "test"):
            for a, b in comparisons:
                part_a, part_b = _labelled(frames[a], partition), _labelled(frames[b], partition)
                if part_a is None or part_b is None:
                    continue
                if not (np.array_equal(part_a["recording"].to_numpy(), part_b["recording"].to_numpy())
                        and np.allclose(part_a["gold"].to_numpy(), part_b["gold"].to_numpy())):
                    raise InputDataError(files[b], f"{partition} recordings or gold standard differ from those of "
                                         f"{files[a]}; a paired comparison needs the same data")
                test = paired_tests.permutation_test(part_a["gold"].to_numpy(), part_a["ensemble"].to_numpy(),
                                                     part_b["ensemble"].to_numpy(), part_a["recording"].to_numpy(),
                                                     "two-sided", seed=evidence.seed)
                diff = bootstrap.paired_difference(part_a["gold"].to_numpy(), part_a["ensemble"].to_numpy(),
                                                   part_b["ensemble"].to_numpy(), part_a["recording"].to_numpy(),
                                                   evidence)
                rows.append({"dimension": dimension, "partition": partition,
                             "comparison": f"{_label(a)} − {_label(b)}", "method_a": a, "method_b": b,
                             "ccc_a": diff.ccc_a, "ccc_b": diff.ccc_b, "difference": diff.estimate,
                             "low": diff.low, "high": diff.high, "p_value": test.p_value,
                             "recordings": part_a["recording"].nunique(), "resamples": diff.resamples,
                             "selection": "dev chose epochs and settings (optimistic)" if partition == "dev" else ""})
    table = pd.DataFrame(rows)
    if len(table):
        table.insert(table.columns.get_loc("p_value") + 1, "p_holm", paired_tests.holm(table["p_value"].to_numpy()))
    return table


def write_comparisons(*, prediction_files: dict[str, dict[str, str]], comparisons, evidence: dict | Evidence,
                      stem, corpus_name: str) -> pd.DataFrame:
    """Rule comparisons: stem.csv/.md/.tex of the paper's comparisons with intervals and p-values."""
    evidence = Evidence.of(evidence)
    table = comparison_table(prediction_files, [tuple(c) for c in comparisons], evidence)
    level = f"{evidence.confidence:.0%}"
    write_table(
        table, stem, "Paired comparisons: CCC(A) − CCC(B) of the ensembles, permutation tests over recordings", corpus_name,
        notes=[f"difference: CCC of method A minus that of method B, each on its partition's recordings concatenated; "
               f"low/high: {level} percentile interval over {evidence.resamples} resamples of the recordings "
               f"(seed {evidence.seed}), both methods scored on the same resampled recordings.",
               P_VALUE_NOTE, HOLM_NOTE, SELECTION_NOTE,
               "With R recordings only C(2R - 1, R) distinct resamples exist (3 for 2 recordings, 24,310 for 9): "
               "intervals of small partitions are coarse, and percentile intervals over 9 recordings under-cover "
               "(measured coverage in bench/results/calibration.txt); with one recording there are none (NaN).",
               "The interval covers which recordings happen to be in the partition, not the training seeds "
               "(the ensembles average the seeds)."],
    )
    return table


def per_recording_table(prediction_files: dict[str, dict[str, str]]) -> pd.DataFrame:
    """CCC of each method's ensemble on each labelled recording: dimension, method, partition, recording, ccc."""
    parts = []
    for dimension, files in prediction_files.items():
        for method, path in files.items():
            scores = bootstrap.per_recording_ccc(pd.read_csv(path))
            parts.append(scores.assign(dimension=dimension, method=method))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return table[["dimension", "method", "partition", "recording", "ccc"]]


def write_per_recording(*, prediction_files: dict[str, dict[str, str]], csv_path, figure_path,
                        corpus_name: str) -> pd.DataFrame:
    """Rule per_recording: the per-recording CCC table (csv) and its figure."""
    from . import plots

    table = per_recording_table(prediction_files)
    Path(csv_path).parent.mkdir(parents=True, exist_ok=True)
    table.assign(corpus=corpus_name).to_csv(csv_path, index=False, float_format="%.6g")
    plots.plot_per_recording(table, figure_path, corpus_name)
    return table
