"""The versions table of a run (versions.py)."""

import platform

import pandas as pd

from longterm_emotion import versions


def test_installed_lists_python_and_the_packages_found():
    found = versions.installed()
    assert found["python"] == platform.python_version()
    assert "numpy" in found and "not-a-distribution" not in found


def test_one_column_per_environment_and_a_dash_where_a_package_is_missing(tmp_path):
    versions.write_environment(environment="plots", out_csv=tmp_path / "plots.csv")
    rows = pd.read_csv(tmp_path / "plots.csv", dtype=str)
    assert list(rows.columns) == ["environment", "package", "version"] and set(rows["environment"]) == {"plots"}
    (tmp_path / "tiny.csv").write_text("environment,package,version\ntiny,python,3.0\n")
    table = versions.write_versions(environment_files=[tmp_path / "plots.csv", tmp_path / "tiny.csv"],
                                    snakemake_version="8.1", stem=tmp_path / "out" / "versions")
    assert list(table.columns) == ["snakemake", "plots", "tiny"]
    assert table.loc["snakemake", "snakemake"] == "8.1" and table.loc["python", "tiny"] == "3.0"
    assert table.loc["numpy", "tiny"] == "—"
    assert table.index[1] == "python"  # the table's order, not the files'
    text = (tmp_path / "out" / "versions.md").read_text()
    assert text.startswith("### Versions of this run") and "| numpy |" in text
    assert pd.read_csv(tmp_path / "out" / "versions.csv", index_col="package").shape == table.shape
