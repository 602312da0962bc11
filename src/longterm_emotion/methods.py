"""Printed names and colours of the methods in tables and figures.

The three references the pipeline computes have fixed names here; networks take
theirs from the network registry (longterm_emotion.nets.registry; the package's own
are declared there without torch). A plugin's network is registered only where its
module is imported, so reporting rules pass the networks' names as a param (`describe`).
"""

from __future__ import annotations

from .nets import registry

# Rows of Tables 1 and 2 that are not networks, in table order, with their printed names.
REFERENCE_LABELS = {
    "linear_context": "Linear regression, stacked context frames",
    "best_filter": "Single best filter (sweep)",
    "avec_baseline": "AVEC 2016 baseline (eGeMAPS + SVR), computed",
}
REFERENCES = tuple(REFERENCE_LABELS)

_described: dict[str, dict] = {}


def describe(networks: dict[str, dict]) -> None:
    """Use these networks' {name: {label, color}} (a reporting job's param `methods`)."""
    _described.update({str(k): dict(v) for k, v in networks.items()})


def _registered(name: str):
    """The registry's entry of `name` (the package's networks are always there), or None."""
    return registry.NETWORKS.get(name)


def label(method: str) -> str:
    """The printed name of a method (a reference, a network), or the name itself when unknown."""
    if method in REFERENCE_LABELS:
        return REFERENCE_LABELS[method]
    if method in _described:
        return _described[method]["label"]
    found = _registered(method)
    return found.label if found is not None else method


def color(network: str, index: int) -> str:
    """A network's colour in figures: its registered one, else matplotlib's cycle by position."""
    chosen = _described.get(network, {}).get("color")
    if chosen is None and (found := _registered(network)) is not None:
        chosen = found.color
    return chosen or f"C{index % 10}"


def table_methods(networks) -> list[str]:
    """Rows of Tables 1 and 2: the references, then the networks in alphabetical order."""
    return [*REFERENCES, *sorted(networks)]


def comparisons(networks, pairs) -> list[tuple[str, str]]:
    """The comparisons table's pairs: the configured network pairs among `networks`, then every network
    against the single best filter, then against the AVEC baseline."""
    chosen = [(a, b) for a, b in pairs if a in networks and b in networks]
    for reference in ("best_filter", "avec_baseline"):
        chosen += [(network, reference) for network in networks]
    return chosen
