"""Config validation with short messages that name the offending key."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml

# Keys of earlier versions and where their settings live now.
MOVED_KEYS = {
    ("training",): "compute (device, gpus_per_job, threads)",
    ("sweep", "lr"): "sweep.optim.lr",
    ("sweep", "l2"): "sweep.optim.l2",
    ("sweep", "max_epochs"): "sweep.protocol.max_epochs",
    ("sweep", "patience"): "sweep.protocol.patience",
    ("sweep", "shuffle_seed"): "sweep.protocol.shuffle_seed",
    ("train", "max_epochs"): "train.protocol.max_epochs",
    ("train", "patience"): "train.protocol.patience",
    ("train", "shuffle_seed"): "train.protocol.shuffle_seed",
}
OPTIMISER_KEYS = ("lr", "l2")
NETWORK_KEYS = ("width", "depth", "kernel_size", "dilation_base", "activation", "dropout", "n_down", "factor",
                "n_intermediate", "up_kernel", "hidden", "layers")


class ConfigError(ValueError):
    """The config does not match the schema; the message names every bad key."""


def moved_keys(config: dict) -> list[str]:
    """One line per key of an earlier config layout, naming its new place."""
    lines = []
    for path, new_place in MOVED_KEYS.items():
        section = config
        for part in path[:-1]:
            section = section.get(part) if isinstance(section, dict) else None
        if isinstance(section, dict) and path[-1] in section:
            lines.append(f"config key {'.'.join(path)}: moved; set it as {new_place}")
    for network, by_dimension in (config.get("models") or {}).items():
        for dimension, settings in (by_dimension or {}).items() if isinstance(by_dimension, dict) else ():
            flat = sorted(set(settings) & {*OPTIMISER_KEYS, *NETWORK_KEYS}) if isinstance(settings, dict) else []
            for key in flat:
                group = "optim" if key in OPTIMISER_KEYS else "net"
                lines.append(f"config key models.{network}.{dimension}.{key}: moved; set it as "
                             f"models.{network}.{dimension}.{group}.{key}")
    return lines


def problems(config: dict, schema_path) -> list[str]:
    """One line per problem: keys of an earlier layout first, then schema violations ('config key a.b.c: ...')."""
    lines = moved_keys(config)
    if lines:
        return lines
    schema = yaml.safe_load(Path(schema_path).read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
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
