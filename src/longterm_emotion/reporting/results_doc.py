"""docs/results.md: the README's results section, generated from one results folder.

Every number of the README's results section comes from this text; the README holds it between
the markers ``<!-- results -->`` and ``<!-- /results -->`` and tests/test_results_doc.py fails
when they differ. Figures are referenced as ``docs/figures/<name>``: the rule copies the run's
figures there next to the text, so text and figures come from the same run.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..layout import Layout
from ..constants import PAPER_MAX_CCC_LOSS, PAPER_POWER_SHARE, PAPER_TABLE_NUMBER
from .tables import format_interval

BEGIN, END = "<!-- results -->", "<!-- /results -->"
# Figures of the results section (results/figures/<name>, copied to docs/figures/<name>).
FIGURES = ("figure1_filter_length.png", "figure4_downsampling.png", "figure5_predictions.png", "per_recording_ccc.png")
# With control runs (config evidence.control_sweeps): Figure 1 of every corpus and the controls' sweep tables.
CONTROL_FIGURE = "figure1_corpora.png"


# With the robustness report (config robustness.in_results): CCC against SNR, and per other condition.
ROBUSTNESS_FIGURES = ("robustness_snr.png", "robustness_conditions.png")


def figures(controls: int, robustness: bool = False) -> tuple[str, ...]:
    """Names of the figures of the results section (in results/figures/ and docs/figures/)."""
    return FIGURES + ((CONTROL_FIGURE,) if controls else ()) + (ROBUSTNESS_FIGURES if robustness else ())


def results_files(results_dir, dimensions, controls: int | None = None,
                  robustness: bool | None = None) -> dict[str, str]:
    """The files of a results folder the results section is made from, by name (the rule's inputs).

    `controls`: how many control runs' sweeps the run compared its own with (evidence.control_sweeps);
    `robustness`: whether the section shows the robustness report (robustness.in_results);
    None: as many as the folder holds copies of control sweep tables; whether it holds the robustness table."""
    results = Layout(str(results_dir))
    copies = results.control_sweeps(controls)
    if robustness is None:
        robustness = Path(results.table("robustness", ".csv")).is_file()
    files = {"sweep": results.sweep(".csv"), "spectrum": results.label_study("spectrum.csv"),
             "downsampling": results.label_study("downsampling.csv"),
             "comparisons": results.table("comparisons", ".csv"), "claims": results.table("claims", ".csv"),
             "timing": results.table("training_time", ".csv"), "search": results.table("search", ".csv")}
    files |= {f"table_{d}": results.table(d, ".md") for d in dimensions}
    files |= {f"figure_{Path(name).stem}": results.figure(name) for name in figures(len(copies), robustness)}
    files |= {f"control_sweep_{number}": path for number, path in enumerate(copies, 1)}
    if robustness:
        files["robustness"] = results.table("robustness", ".csv")
        files["robustness_tests"] = results.table("robustness_comparisons", ".csv")
    return files


def robustness_lines(table: pd.DataFrame, tests: pd.DataFrame, alpha: float, figures_link: str) -> list[str]:
    """The robustness report: ensemble CCC per condition (drop from clean in brackets), the drop tests' verdicts
    and both figures."""
    partition = str(table["partition"].iloc[0])
    columns = list(dict.fromkeys(zip(table["network"], table["dimension"])))
    lines = [f"**Robustness** (`results/tables/robustness.md`, target `robustness`): each network's bundle (what "
             f"`longterm-emotion predict` uses) on the {partition} recordings degraded as the condition says; "
             "ensemble CCC and, in brackets, its drop from clean (positive: a loss). Synthetic speech and synthetic "
             "noise: the drops say how these models' features react, not how they fare on field recordings.", "",
             "| condition | " + " | ".join(f"{n} {d}" for n, d in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for condition, rows in table.groupby("condition", sort=False):
        cells = rows.set_index(["network", "dimension"])
        lines.append(f"| {condition} | " + " | ".join(
            f"{cells.loc[c, 'ccc']:.3f} ({cells.loc[c, 'drop']:+.3f})" for c in columns) + " |")
    lines.append("")
    if tests.empty:  # no pair of this run's networks is compared (robustness.comparisons)
        lines.append("- No pair of this run's networks is compared (`robustness.comparisons`).")
    for (comparison, dimension), rows in tests.groupby(["comparison", "dimension"], sort=False):
        a, b = comparison.split(" vs ")
        held = rows[rows["p_holm"] < alpha]
        lines.append(f"- {dimension}, does {a} lose less CCC than {b}? One-sided sign-flip test over "
                     f"{int(rows['recordings'].iloc[0])} recordings per condition, Holm over {len(rows)} conditions "
                     f"(`results/tables/robustness_comparisons.md`): yes at p < {alpha:g} in {len(held)} of "
                     f"{len(rows)} conditions" + (f" ({', '.join(held['condition'])})." if len(held) else
                                                  f"; smallest adjusted p {rows['p_holm'].min():.3f}."))
    return lines + ["", f"![Robustness to noise]({figures_link}/robustness_snr.png)", "",
                    f"![Robustness to other degradations]({figures_link}/robustness_conditions.png)"]


def _our_table(md_text: str) -> list[str]:
    """The lines of a Table 1/2 Markdown file up to the paper's RECOLA block (kept out of the README)."""
    ours = md_text.split("**RECOLA, numbers printed in the paper**")[0].strip().splitlines()
    lines = [line for line in ours if not line.startswith("### ")]
    while lines and not lines[0].strip():
        lines.pop(0)
    return lines


def claims_lines(scorecard: pd.DataFrame) -> list[str]:
    """The claims scorecard as a Markdown table (rows cited in prose by their claim id)."""
    lines = ["**Claims scorecard** (`results/tables/claims.md`; rules in the README's *Claims scorecard* "
             "section): each of the paper's claims tested one-sided in its stated direction, Holm's adjustment "
             "over the tested rows; rows of section \"not in the paper\" (claims.beyond_paper) are adjusted as a "
             "family of their own.", "",
             "| claim | section | statement | dimension | partition | statistic | estimate [interval] | p (Holm) | power "
             "| verdict |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for _, row in scorecard.iterrows():
        p = "—" if pd.isna(row["p_holm"]) else f"{row['p_holm']:.3f}"
        power = "—" if pd.isna(row["power"]) else f"{row['power']:.2f}"
        dimension = "" if pd.isna(row["dimension"]) else row["dimension"]
        partition = "" if pd.isna(row["partition"]) else row["partition"]
        estimate = format_interval(row["estimate"], row["low"], row["high"]) if not pd.isna(row["estimate"]) else "—"
        statistic = "" if pd.isna(row["statistic"]) else row["statistic"]
        lines.append(f"| `{row['claim']}` | {row['section']} | {row['statement']} | {dimension} | {partition} "
                     f"| {statistic} | {estimate} | {p} | {power} | **{row['verdict']}** |")
    noted = scorecard.dropna(subset=["note"])
    noted = noted[noted["note"] != ""].drop_duplicates("note")
    return lines + [""] + [f"- `{row.claim}`: {row.note}" for row in noted.itertuples()] + [""]


def results_text(files: dict[str, str], dimensions, figures_link: str = "docs/figures", alpha: float = 0.05,
                 shared_audio: Sequence[str] = ()) -> str:
    """The results section (Markdown) from the files named by ``results_files``; `alpha`: the level of the
    robustness verdicts (config claims.alpha); `shared_audio`: the corpus's recordings whose audio backs
    another recording (data.digests.shared_audio), named in a warning at the top."""
    sweep = pd.read_csv(files["sweep"])
    spectrum = pd.read_csv(files["spectrum"])
    down = pd.read_csv(files["downsampling"])
    comparisons = pd.read_csv(files["comparisons"])
    timing = pd.read_csv(files["timing"])
    search = pd.read_csv(files["search"])
    corpus = str(sweep["corpus"].iloc[0])
    level = "95 %"
    lines = [
        "<!-- generated by rule results_doc (src/longterm_emotion/reporting/results_doc.py); do not edit -->",
        f"All numbers in this section were computed by this pipeline on the **{corpus}**; the paper's "
        "numbers are RECOLA's and appear only where labelled so. The figures in "
        f"`{figures_link}/` come from the same run.",
        "",
    ] + _shared_audio_lines(shared_audio) + claims_lines(pd.read_csv(files["claims"], dtype={"section": str})) + [
        f"**Filter-length sweep (Figure 1):** mean dev CCC over {int(sweep['runs'].iloc[0])} runs and, in "
        f"brackets, the {level} t-interval of that mean (seed-to-seed variation only; every run is scored "
        "on the same dev recordings).",
        "",
        "| L (frames) | " + " | ".join(str(n) for n in sorted(sweep["filter_length"].unique())) + " |",
        "|---|" + "---|" * sweep["filter_length"].nunique(),
    ]
    for dimension, rows in sweep.groupby("dimension", sort=False):
        rows = rows.sort_values("filter_length")
        cells = [format_interval(m, lo, hi) for m, lo, hi in zip(rows["dev_ccc_mean"], rows["dev_ccc_low"], rows["dev_ccc_high"])]
        best = rows.loc[rows["dev_ccc_mean"].idxmax()]
        lines.append(f"| {dimension} (best L={int(best['filter_length'])}) | " + " | ".join(cells) + " |")
        lines.append(f"| {dimension}: train CCC at the best epoch | "
                     + " | ".join(f"{v:.3f}" for v in rows["train_ccc_mean"]) + " |")
        lines.append(f"| {dimension}: median best epoch, runs at cap | "
                     + " | ".join(f"{e:g}, {c:.0%}" for e, c in zip(rows["median_best_epoch"], rows["share_at_cap"]))
                     + " |")
    lines += ["", f"![Figure 1]({figures_link}/figure1_filter_length.png)", ""]
    controls = [pd.read_csv(files[key]) for key in sorted((k for k in files if k.startswith("control_sweep_")),
                                                                key=lambda k: int(k.rsplit("_", 1)[1]))]
    if controls:
        lines += ["**The same sweep on control corpora** (`config/control_*.yaml`, each a run into its own folder, "
                  "named by `evidence.control_sweeps`): best filter length per dimension on each corpus (mean dev "
                  "CCC over runs):", "",
                  "| corpus | " + " | ".join(dimensions) + " |", "|---|" + "---|" * len(dimensions)]
        for table in [sweep, *controls]:
            cells = []
            for dimension in dimensions:
                rows = table[table["dimension"] == dimension]
                best = rows.loc[rows["dev_ccc_mean"].idxmax()]
                cells.append(f"L={int(best['filter_length'])} ({best['context_s']:g} s): {best['dev_ccc_mean']:.3f}")
            lines.append(f"| {table['corpus'].iloc[0]} | " + " | ".join(cells) + " |")
        lines += ["", f"![Figure 1 on {len(controls) + 1} corpora]({figures_link}/figure1_corpora.png)", ""]
    lines += ["**Label study (Section 5.2, Figure 4):**"]
    for _, row in spectrum[spectrum["recording"] == "ALL"].iterrows():
        lines.append(f"{row['share_below']:.1%} of the {row['dimension']} gold standard's fluctuation power lies below "
                     f"{row['cutoff_hz']:g} Hz (paper, RECOLA: more than {PAPER_POWER_SHARE:.0%}).")
    for dimension, rows in down.groupby("dimension", sort=False):
        ok = rows[rows["relative_loss"] < PAPER_MAX_CCC_LOSS]["factor"]
        limit = int(ok.max()) if len(ok) else "none"
        lines.append(f"Downsampling and spline reconstruction of {dimension} loses less than "
                     f"{PAPER_MAX_CCC_LOSS:.0%} CCC up to factor {limit} (paper, RECOLA: up to 64).")
    lines += ["", f"![Figure 4]({figures_link}/figure4_downsampling.png)", ""]
    lines += [f"**Model search** (`results/tables/search.md`): every network searched on dev with the same budget, "
              f"{int(search['points'].iloc[0])} grid points x {int(search['runs_per_point'].iloc[0])} seeds per "
              "dimension, one job per point; the chosen point's mean dev CCC (± std over its seeds), the worst "
              "point's, and the search runs' convergence.", "",
              "| network | dimension | chosen | dev CCC | worst point | median best epoch | runs at cap | training s "
              "| on the edge of the grid |",
              "|---|---|---|---|---|---|---|---|---|"]
    for _, row in search.iterrows():
        edge = row.get("on_edge", "")
        lines.append(f"| {row['network']} | {row['dimension']} | {row['chosen']} "
                     f"| {row['dev_ccc']:.3f} ± {row['dev_ccc_std']:.3f} | {row['dev_ccc_worst_point']:.3f} "
                     f"| {row['median_best_epoch']:g} | {row['share_at_cap']:.0%} | {row['train_seconds']:.0f} "
                     f"| {'' if pd.isna(edge) else edge} |")
    lines += ["", "A value on the edge of its grid is the best of the grid, not an optimum: the optimum may lie "
              "outside the searched range.", ""]
    lines += [""]
    for dimension in dimensions:
        text = Path(files[f"table_{dimension}"]).read_text(encoding="utf-8")
        lines += [f"**Table {PAPER_TABLE_NUMBER.get(dimension, '')} ({dimension}):**", ""] + _our_table(text) + [""]
    lines += [
        f"**Paired comparisons** (`results/tables/comparisons.md`): ensemble CCC of A minus B on the same "
        f"recordings, {level} bootstrap interval over recordings, two-sided exact permutation p over recordings "
        f"and Holm's adjustment over all rows. Dev chose epochs and settings: its rows are optimistic. The paper's "
        f"claims are decided in the claims scorecard above, not here.",
        "",
        "| dimension | partition | comparison | difference [interval] | p | p (Holm) |",
        "|---|---|---|---|---|---|",
    ]
    for _, row in comparisons.iterrows():
        p, holm = ("—" if np.isnan(row[c]) else f"{row[c]:.3f}" for c in ("p_value", "p_holm"))
        lines.append(f"| {row['dimension']} | {row['partition']} | {row['comparison']} "
                     f"| {format_interval(row['difference'], row['low'], row['high'])} | {p} | {holm} |")
    lines += ["", f"![CCC per recording]({figures_link}/per_recording_ccc.png)", "",
              f"![Figure 5]({figures_link}/figure5_predictions.png)", "",
              "**Training time** (`results/tables/training_time.md`, one seed, whole training partition, median of "
              f"{int(timing['epochs_timed'].iloc[0])} epochs after a warm-up, no other job running):", "",
              "| model | parameters | device | seconds per epoch |", "|---|---|---|---|"]
    for _, row in timing.iterrows():
        lines.append(f"| {row['model']} | {row['parameters']} | {row['device']} | {row['seconds_per_epoch']:.2f} |")
    if "robustness" in files:
        lines += [""] + robustness_lines(pd.read_csv(files["robustness"]), pd.read_csv(files["robustness_tests"]),
                                         alpha, figures_link)
    return "\n".join(lines) + "\n"


def _shared_audio_lines(shared: Sequence[str]) -> list[str]:
    if not shared:
        return []
    return [f"**Warning: {len(shared)} recording(s) of this corpus share their audio with another recording**, so "
            "a score may be on audio the model was trained on (config shared_audio):", ""] + [
        f"- {line}" for line in shared] + [""]


def write_results_doc(*, files: dict[str, str], dimensions, out, figures_dir, alpha: float = 0.05,
                      shared_audio: Sequence[str] = ()) -> str:
    """Rule results_doc: write the results section to `out` and copy the run's figures to `figures_dir`."""
    text = results_text(files, dimensions, alpha=alpha, shared_audio=shared_audio)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    figures_dir = Path(figures_dir)
    figures_dir.mkdir(parents=True, exist_ok=True)
    for name in figures(sum(k.startswith("control_sweep_") for k in files), "robustness" in files):
        shutil.copyfile(files[f"figure_{Path(name).stem}"], figures_dir / name)
    return text


def readme_block(readme_text: str) -> str | None:
    """The README's text between the results markers (None when it has no such block)."""
    if BEGIN not in readme_text or END not in readme_text:
        return None
    return readme_text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"
