"""Writing result tables as CSV, Markdown and LaTeX, each saying which corpus it is on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..layout import TABLE_SUFFIXES


def format_interval(value: float, low: float, high: float) -> str:
    """'0.512 [0.401, 0.598]': an estimate and its interval, the estimate alone where the interval is not
    finite (not computed), '—' where there is no estimate. Every table and text prints intervals so."""
    if np.isnan(value):
        return "—"
    return f"{value:.3f} [{low:.3f}, {high:.3f}]" if np.isfinite(low) else f"{value:.3f}"


def write_table(table: pd.DataFrame, stem, title: str, corpus_name: str, notes=(), floatfmt: str = ".3f") -> list[Path]:
    """Write stem.csv (with a `corpus` column), stem.md and stem.tex; return the paths.

    The Markdown and LaTeX versions start with the title and the corpus; `notes`
    are printed under the table (what the columns mean, where numbers come from).
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    csv_path, md_path, tex_path = (stem.with_suffix(s) for s in TABLE_SUFFIXES)
    table.assign(corpus=corpus_name).to_csv(csv_path, index=False, float_format="%.6g")
    lines = [f"### {title}", "", f"Corpus: **{corpus_name}**", "", table.to_markdown(index=False, floatfmt=floatfmt), ""]
    lines += [f"- {note}" for note in notes]
    md_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    caption = f"{title} (corpus: {corpus_name})"
    tex_path.write_text(
        table.to_latex(index=False, float_format=lambda v: format(v, floatfmt), caption=caption, na_rep="--"),
        encoding="utf-8",
    )
    return [csv_path, md_path, tex_path]
