"""The network registry: every model the pipeline can search, train, compare and bundle, looked up by name.

A network is one module: its class (an ``EnsembleModel``) registers itself with
``@register("name", label=..., settings=SettingsDataclass)``. The settings dataclass
is the typed list of the constructor's keyword arguments with their defaults (the
one place they are written); each field's ``metadata["schema"]`` is the JSON schema
its values must satisfy (checked at config load, for ``models`` and ``grid.space``
alike). Networks outside the package register the same way from a module named in
the config's ``plugins`` list (see ``plugins.load``).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Sequence
from dataclasses import dataclass

_TYPES = {int: "integer", float: "number", bool: "boolean", str: "string"}


@dataclass(frozen=True)
class NetworkEntry:
    """One registered network: its name, printed label, class and settings dataclass."""

    name: str
    label: str
    model: type
    settings: type
    color: str | None = None

    def defaults(self) -> dict:
        """The settings' default values (fields without a default are left out)."""
        values = {}
        for f in dataclasses.fields(self.settings):
            if f.default is not dataclasses.MISSING:
                values[f.name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                values[f.name] = f.default_factory()
        return values

    def field_names(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self.settings)]

    def schema(self) -> dict:
        """JSON schema of the constructor settings (models.<network>.<dimension>.net)."""
        fields = dataclasses.fields(self.settings)
        return {
            "type": "object",
            "additionalProperties": False,
            "required": [f.name for f in fields
                         if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING],
            "properties": {f.name: f.metadata.get("schema", {}) for f in fields},
        }


NETWORKS: dict[str, NetworkEntry] = {}


def register(name: str, *, label: str, settings: type, color: str | None = None):
    """Class decorator: register an EnsembleModel under `name`. The settings dataclass must list exactly
    the constructor's keyword arguments besides in_dim and seeds (checked here, once)."""

    def decorate(cls):
        if not dataclasses.is_dataclass(settings):
            raise TypeError(f"network {name!r}: settings must be a dataclass, got {settings!r}")
        arguments = set(inspect.signature(cls).parameters) - {"in_dim", "seeds"}
        fields = {f.name for f in dataclasses.fields(settings)}
        if arguments != fields:
            raise TypeError(f"network {name!r}: settings {settings.__name__} has fields {sorted(fields)}, "
                            f"the constructor of {cls.__name__} takes {sorted(arguments)}")
        if name in NETWORKS and NETWORKS[name].model.__qualname__ != cls.__qualname__:
            raise ValueError(f"network {name!r} is registered twice ({NETWORKS[name].model.__module__} and "
                             f"{cls.__module__})")
        NETWORKS[name] = NetworkEntry(name, label, cls, settings, color)
        return cls

    return decorate


def entry(name: str) -> NetworkEntry:
    if name not in NETWORKS:
        raise ValueError(f"unknown network {name!r}; registered: {', '.join(sorted(NETWORKS))} "
                         "(a network of your own: name its module in the config's plugins list)")
    return NETWORKS[name]


def build(name: str, in_dim: int, seeds: Sequence[int], **settings):
    """The network `name` with `seeds` members; settings missing from `settings` take their defaults."""
    found = entry(name)
    return found.model(in_dim=in_dim, seeds=seeds, **{**found.defaults(), **settings})


def label(method: str) -> str:
    """Printed name of a network (its registered label); other methods' names as given."""
    return NETWORKS[method].label if method in NETWORKS else method


def setting(kind, *, default=dataclasses.MISSING, **schema):
    """A settings field with its JSON schema: `setting(int, default=32, minimum=1)`.

    `kind` is a Python type (int, float, bool, str) or a JSON schema dict for values of several shapes."""
    described = dict(kind) if isinstance(kind, dict) else {"type": _TYPES[kind]}
    described.update(schema)
    if default is dataclasses.MISSING:
        return dataclasses.field(metadata={"schema": described})
    return dataclasses.field(default=default, metadata={"schema": described})
