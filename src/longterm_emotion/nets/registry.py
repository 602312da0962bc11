"""The network registry: every model the pipeline can search, train, compare and bundle, looked up by name.

A network is one module: its class (an ``EnsembleModel``) registers itself with
``@register("name", label=..., settings=SettingsDataclass)``. The package's own are
folders: ``nets/<name>/__init__.py`` declares the name, label and settings with the
class's import path (``declare``), ``nets/<name>/model.py`` holds the class, so that
the workflow reads every network's settings without importing torch. The settings dataclass
is the typed list of the constructor's keyword arguments with their defaults (the
one place they are written); each field's ``metadata["schema"]`` is the JSON schema
its values must satisfy (checked at config load, for ``models`` and ``grid.space``
alike). Networks outside the package register the same way from a module named in
the config's ``plugins`` list (see ``plugins.load``).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Sequence
from dataclasses import dataclass

_TYPES = {int: "integer", float: "number", bool: "boolean", str: "string"}
# A setting several networks share: the activations nets.ensemble.ACTIVATIONS builds.
ACTIVATION_NAMES = ("tanh", "relu", "elu")
ACTIVATION_SCHEMA = {"type": "string", "enum": list(ACTIVATION_NAMES)}


@dataclass(frozen=True)
class NetworkEntry:
    """One network: its name, printed label, class (or the "module:Class" it is imported from on first use),
    settings dataclass and colour."""

    name: str
    label: str
    source: type | str
    settings: type
    color: str | None = None

    @property
    def module(self) -> str:
        """The module that defines the network's class (known without importing it)."""
        return self.source.split(":")[0] if isinstance(self.source, str) else self.source.__module__

    @property
    def model(self) -> type:
        """The network's class; a declared one is imported (and checked against its settings) here, once."""
        if not isinstance(self.source, str):
            return self.source
        key = (self.name, self.source)
        if key not in _IMPORTED:
            module, _, qualname = self.source.partition(":")
            cls = getattr(importlib.import_module(module), qualname)
            _check(self.name, cls, self.settings)
            _IMPORTED[key] = cls
        return _IMPORTED[key]

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
_IMPORTED: dict[tuple[str, str], type] = {}


def _check_dataclass(name: str, settings: type) -> None:
    if not dataclasses.is_dataclass(settings):
        raise TypeError(f"network {name!r}: settings must be a dataclass, got {settings!r}")


def _check(name: str, cls: type, settings: type) -> None:
    """The settings dataclass must list exactly the constructor's keyword arguments besides in_dim and seeds."""
    _check_dataclass(name, settings)
    arguments = set(inspect.signature(cls).parameters) - {"in_dim", "seeds"}
    fields = {f.name for f in dataclasses.fields(settings)}
    if arguments != fields:
        raise TypeError(f"network {name!r}: settings {settings.__name__} has fields {sorted(fields)}, "
                        f"the constructor of {cls.__name__} takes {sorted(arguments)}")


def _add(found: NetworkEntry) -> None:
    if found.name in NETWORKS and _where(NETWORKS[found.name].source) != _where(found.source):
        raise ValueError(f"network {found.name!r} is registered twice ({NETWORKS[found.name].module} and "
                         f"{found.module})")
    NETWORKS[found.name] = found


def _where(source: type | str) -> str:
    return source if isinstance(source, str) else f"{source.__module__}:{source.__qualname__}"


def register(name: str, *, label: str, settings: type, color: str | None = None):
    """Class decorator: register an EnsembleModel under `name`. The settings dataclass must list exactly
    the constructor's keyword arguments besides in_dim and seeds (checked here, once)."""

    def decorate(cls):
        _check(name, cls, settings)
        _add(NetworkEntry(name, label, cls, settings, color))
        return cls

    return decorate


def declare(name: str, *, label: str, settings: type, model: str, color: str | None = None) -> None:
    """Register the network `name` whose class is `model` ("module:Class"), imported when first built; the
    settings are checked against its constructor then."""
    _check_dataclass(name, settings)
    _add(NetworkEntry(name, label, model, settings, color))


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
