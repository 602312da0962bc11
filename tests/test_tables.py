"""Result tables' shared pieces (reporting/tables.py): the interval format and the three table files."""

import numpy as np
import pandas as pd

from longterm_emotion.reporting.tables import format_interval, write_table


def test_format_interval():
    assert format_interval(0.51234, 0.4, 0.6) == "0.512 [0.400, 0.600]"
    assert format_interval(0.5, np.nan, np.nan) == "0.500"  # no interval computed
    assert format_interval(np.nan, 0.1, 0.2) == "—"


def test_write_table_names_the_corpus_in_every_file(tmp_path):
    paths = write_table(pd.DataFrame({"a": [0.12345]}), tmp_path / "t", "Title", "my corpus")
    assert [p.name for p in paths] == ["t.csv", "t.md", "t.tex"]
    assert pd.read_csv(paths[0])["corpus"].tolist() == ["my corpus"]
    assert "my corpus" in paths[1].read_text() and "0.123" in paths[1].read_text()
