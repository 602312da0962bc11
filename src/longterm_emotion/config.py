"""Config validation with short messages that name the offending key."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml


class ConfigError(ValueError):
    """The config does not match the schema; the message names every bad key."""


def problems(config: dict, schema_path) -> list[str]:
    """One line per schema violation: 'config key a.b.c: what is wrong'."""
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    lines = []
    for error in sorted(validator.iter_errors(config), key=lambda e: list(map(str, e.absolute_path))):
        key = ".".join(str(part) for part in error.absolute_path) or "(top level)"
        if error.validator == "additionalProperties":
            lines.append(f"config key {key}: {error.message.split('(')[-1].rstrip(')')} (unknown key)")
        else:
            lines.append(f"config key {key}: {error.message}")
    return lines


def check(config: dict, schema_path) -> None:
    """Raise ConfigError listing every problem, before any job runs."""
    found = problems(config, schema_path)
    if found:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(found))
