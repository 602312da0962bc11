"""Registries of the toolkit's extension points (networks, front ends), and typed settings.

An entry registers under a name; everything else (the config schema's per-entry checks, table
labels, the rules' wildcards, bundles and predict) looks it up by that name. Settings are frozen
dataclasses whose fields carry their documentation and JSON-schema constraints (``setting``), so
one class is the single place of an entry's settings: their types, ranges, defaults and help.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Entries by name, in registration order."""

    def __init__(self, kind: str):
        self.kind = kind
        self._entries: dict[str, T] = {}

    def add(self, name: str, entry: T) -> T:
        if name in self._entries and self._entries[name] is not entry:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._entries[name] = entry
        return entry

    def __getitem__(self, name: str) -> T:
        try:
            return self._entries[name]
        except KeyError:
            raise KeyError(f"unknown {self.kind} {name!r}; registered: {', '.join(self._entries) or 'none'}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def names(self) -> list[str]:
        return list(self._entries)


def setting(default: Any = dataclasses.MISSING, *, help: str, **schema) -> Any:  # noqa: A002 (the field's help)
    """A settings field: its default (none: required), a one-line help text and its JSON-schema constraints
    (type, minimum, enum, ...), which the config schema and config/README.md are made from."""
    if isinstance(default, (list, dict)):
        value = default
        return dataclasses.field(default_factory=lambda: type(value)(value), metadata={"help": help, "schema": schema})
    return dataclasses.field(default=default, metadata={"help": help, "schema": schema})


def settings_schema(cls: type, description: str | None = None) -> dict:
    """The JSON schema of a settings dataclass: an object with one property per field (its constraints and
    help), fields without a default required, nothing else allowed."""
    properties, required = {}, []
    for item in dataclasses.fields(cls):
        meta = item.metadata
        properties[item.name] = {**meta.get("schema", {}), "description": meta.get("help", "")}
        if item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING:
            required.append(item.name)
    schema = {"type": "object", "additionalProperties": False, "properties": properties,
              "description": description or (cls.__doc__ or "").strip().splitlines()[0]}
    if required:
        schema["required"] = required
    return schema


def list_schema(value_schema: dict) -> dict:
    """A search space's list of values, each checked as the setting itself is."""
    return {"type": "array", "minItems": 1, "items": {k: v for k, v in value_schema.items() if k != "description"},
            "description": value_schema.get("description", "")}


def build_settings(cls: type, values: dict):
    """An instance of a settings dataclass from a config mapping (unknown keys: TypeError naming them)."""
    names = {item.name for item in dataclasses.fields(cls)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise TypeError(f"{cls.__name__}: unknown settings {unknown}; valid: {sorted(names)}")
    return cls(**values)


def as_config(settings) -> dict:
    """A settings dataclass instance as a plain config mapping."""
    return dataclasses.asdict(settings)
