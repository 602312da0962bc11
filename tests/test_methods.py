"""Printed names, colours, table rows and comparison pairs of the methods (methods.py)."""

from longterm_emotion import methods


def test_table_rows_are_the_references_then_the_networks_sorted():
    assert methods.table_methods(["downup", "blstm"]) == ["linear_context", "best_filter", "avec_baseline",
                                                          "blstm", "downup"]


def test_comparisons_keep_configured_pairs_of_this_run_then_every_network_against_the_references():
    pairs = methods.comparisons(["dilated", "downup"], [("downup", "dilated"), ("dilated", "blstm")])
    assert pairs == [("downup", "dilated"), ("dilated", "best_filter"), ("downup", "best_filter"),
                     ("dilated", "avec_baseline"), ("downup", "avec_baseline")]


def test_labels_and_colours():
    assert methods.label("best_filter") == "Single best filter (sweep)"
    assert methods.label("not_a_method") == "not_a_method"
    methods.describe({"mynet": {"label": "My network", "color": "#123456"}})
    assert methods.label("mynet") == "My network"
    assert methods.color("mynet", 0) == "#123456"
    assert methods.color("unknown_network", 13) == "C3"


def test_network_label_does_not_depend_on_what_was_imported_before():
    """In a fresh process that imported only `methods`, a package network gets its printed label, without torch."""
    import subprocess
    import sys

    code = ("import sys; from longterm_emotion import methods; print(methods.label('dilated')); "
            "assert 'torch' not in sys.modules")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    from longterm_emotion.nets import registry

    assert out.stdout.strip() == registry.NETWORKS["dilated"].label != "dilated"
