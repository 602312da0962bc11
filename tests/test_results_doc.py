"""docs/results.md, the README's results section, is generated from a results folder (rule
results_doc); the README holds it between <!-- results --> markers, so its numbers cannot drift.

- the tiny run's results.md is what the generator makes of the tiny results folder, and its
  figures are the run's;
- docs/results.md equals the README's block (once the lead has generated it from the full run);
- with README_RESULTS=<results folder> (the folder the README's numbers come from, e.g. results),
  the README's block equals the text generated afresh from that folder.
"""

import os
from pathlib import Path

import pytest

from longterm_emotion import constants
from longterm_emotion.reporting import results_doc

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOC = ROOT / "docs" / "results.md"
DIMENSIONS = list(constants.DIMENSIONS)


def test_readme_block_is_the_text_between_the_markers():
    text = "intro\n<!-- results -->\nline 1\n\nline 2\n<!-- /results -->\nrest\n"
    assert results_doc.readme_block(text) == "line 1\n\nline 2\n"
    assert results_doc.readme_block("no markers\n") is None


@pytest.mark.slow
def test_tiny_run_results_doc_is_generated_from_its_results(tiny):
    text = (tiny / "docs" / "results.md").read_text(encoding="utf-8")
    assert text == results_doc.results_text(results_doc.results_files(tiny, DIMENSIONS), DIMENSIONS)
    for name in results_doc.FIGURES:
        assert (tiny / "docs" / "figures" / name).read_bytes() == (tiny / "figures" / name).read_bytes(), name
        assert f"(docs/figures/{name})" in text
    assert "Dilated − BLSTM" in text and "synthetic RECOLA-layout corpus" in text
    assert "not computed here" not in text  # the paper's RECOLA block stays in the tables, not here


def test_docs_results_md_equals_the_readme_block():
    block = results_doc.readme_block(README.read_text(encoding="utf-8"))
    if block is None and not DOC.exists():
        pytest.skip("no generated results yet: run the pipeline, copy results/docs/ to docs/ and paste "
                    "docs/results.md between the README's <!-- results --> markers")
    assert block is not None, "README.md has no <!-- results --> ... <!-- /results --> block"
    assert DOC.exists(), "docs/results.md is missing (copy results/docs/ of the run the README shows)"
    assert block == DOC.read_text(encoding="utf-8"), "README's results block differs from docs/results.md"


def test_readme_block_equals_the_text_generated_from_the_results_folder():
    folder = os.environ.get("README_RESULTS")
    if not folder:
        pytest.skip("set README_RESULTS to the results folder of the run the README shows")
    block = results_doc.readme_block(README.read_text(encoding="utf-8"))
    assert block is not None, "README.md has no <!-- results --> block"
    fresh = results_doc.results_text(results_doc.results_files(folder, DIMENSIONS), DIMENSIONS)
    assert block == fresh, f"README's results block differs from the text generated from {folder}"
