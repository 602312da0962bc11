"""config/README.md: every config key with its type, default and meaning, rendered from the config schema.

The text comes from workflow/schemas/config.schema.yaml (each property's ``description`` and
constraints) and config.yaml, the one place of the defaults (the schema holds none), plus the settings of the built-in networks and the options of the
built-in front ends from their registries (``longterm_emotion.nets.NETWORKS``,
``longterm_emotion.frontends.FRONTENDS``), whose keys the schema leaves free-form
(``models.<network>.<dimension>.net``, ``grid.space.<network>.net``, ``features.<frontend>``).

    python -m longterm_emotion.config_doc           # writes config/README.md
    python -m longterm_emotion.config_doc --check   # exits 1 when config/README.md is stale
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
DEFAULTS = ROOT / "config.yaml"
OUTPUT = ROOT / "config" / "README.md"
COMMAND = "python -m longterm_emotion.config_doc"

# Names shown for the keys of free-form mappings (a schema's additionalProperties), by the mapping's dotted path.
PLACEHOLDERS = {
    "features": "frontend",
    "models": "network",
    "models.<network>": "dimension",
    "grid.space": "network",
    "grid.space.<network>.net": "setting",
    "grid.space.<network>.optim": "key",
}
LONG_DEFAULT = 60  # characters; a longer default is summarised (its full value is config.yaml's)
ABSENT = object()


def load_schema(path=SCHEMA) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def resolve(node: dict, schema: dict) -> dict:
    """`node` with its $ref (a "#/$defs/<name>") merged in; the node's own keywords win over the definition's."""
    while isinstance(node, dict) and "$ref" in node:
        target = schema
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = {**target, **{key: value for key, value in node.items() if key != "$ref"}}
    return node


def placeholder(path: str) -> str:
    return f"<{PLACEHOLDERS.get(path, 'name')}>"


@dataclasses.dataclass(frozen=True)
class Key:
    """One documented key: its dotted path, the (resolved) schema node, its default (ABSENT: none) and whether
    its parent requires it."""

    path: str
    node: dict
    default: object
    required: bool = False


def keys(schema: dict, defaults: dict) -> list[Key]:
    """Every key of the schema, depth first in the schema's order: properties, the keys of free-form mappings
    (``path.<placeholder>``) and the properties of the objects of arrays (``path[].key``); a key's default is
    its value in `defaults` (config.yaml)."""
    found: list[Key] = []

    def walk(node: dict, path: str, inherited):
        node = resolve(node, schema)
        required = set(node.get("required", ()))
        for name, sub in (node.get("properties") or {}).items():
            sub_path = f"{path}.{name}" if path else name
            own = inherited.get(name, ABSENT) if isinstance(inherited, dict) else ABSENT
            found.append(Key(sub_path, resolve(sub, schema), own, name in required))
            walk(sub, sub_path, own)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and path:
            sub_path = f"{path}.{placeholder(path)}"
            found.append(Key(sub_path, resolve(extra, schema), ABSENT))
            walk(extra, sub_path, ABSENT)
        items = node.get("items")
        if isinstance(items, dict) and resolve(items, schema).get("properties"):
            walk(items, f"{path}[]", ABSENT)

    walk(schema, "", defaults)
    return found


# ---- rendering of types, defaults and text -----------------------------------------------------------------


def value_text(value) -> str:
    """A value as YAML writes it in config.yaml (null, true, [2, 4], {lr: 0.05})."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {value_text(v)}" for k, v in value.items()) + "}"
    return str(value) if not isinstance(value, float) else repr(value)


def default_text(key: Key) -> str:
    if key.default is ABSENT:
        return "required" if key.required else "—"
    if isinstance(key.default, dict) and key.node.get("properties"):
        return "(its keys)"  # a section: each key's row gives its default
    text = value_text(key.default)
    if len(text) <= LONG_DEFAULT:
        return f"`{text}`"
    if isinstance(key.default, dict):
        return f"`{{{', '.join(key.default)}}}` with the values of config.yaml"
    return f"{len(key.default)} entries, those of config.yaml"


def _bounds(node: dict) -> str:
    low = (f"> {node['exclusiveMinimum']}" if "exclusiveMinimum" in node
           else f"≥ {node['minimum']}" if "minimum" in node else "")
    high = (f"< {node['exclusiveMaximum']}" if "exclusiveMaximum" in node
            else f"≤ {node['maximum']}" if "maximum" in node else "")
    return ", ".join(part for part in (low, high) if part)


def type_text(node: dict, schema: dict | None = None) -> str:
    """The type of a schema node with its constraints, in words ("integer ≥ 1", "list of 2 number ≥ 0")."""
    node = resolve(node, schema) if schema is not None else node
    if "oneOf" in node or "anyOf" in node:
        return " or ".join(type_text(sub, schema) for sub in node.get("oneOf", node.get("anyOf")))
    kinds = node.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    words = []
    for kind in kinds or ([] if "enum" in node else ["any"]):
        if kind == "array":
            items = node.get("items")
            what = "list"
            if isinstance(items, dict):
                inner = type_text(items, schema)
                what += f" of ({inner})" if ("," in inner or " of " in inner) else f" of {inner}"
            counts = []
            if node.get("minItems") is not None and node.get("minItems") == node.get("maxItems"):
                counts.append(f"{node['minItems']} items")
            elif node.get("minItems", 0) >= 1:
                counts.append(f"≥ {node['minItems']} item{'s' if node['minItems'] > 1 else ''}")
            if node.get("uniqueItems"):
                counts.append("unique")
            words.append(what + ("; " + ", ".join(counts) if counts else ""))
        elif kind == "object":
            words.append("mapping")
        elif kind == "null":
            words.append("null")
        else:
            words.append(kind)
    text = " or ".join(words)
    scalar = {k: v for k, v in node.items() if k not in ("items",)}
    extras = []
    if "enum" in scalar:
        extras.append("one of " + ", ".join(value_text(v) for v in scalar["enum"]))
    if _bounds(scalar) and not (kinds == ["array"]):
        extras.append(_bounds(scalar))
    if "pattern" in scalar:
        extras.append(f"matching {scalar['pattern']}")
    if isinstance(scalar.get("not"), dict) and "const" in scalar["not"]:
        extras.append(f"not {value_text(scalar['not']['const'])}")
    return ", ".join(part for part in (text, *extras) if part)


def cell(text: str) -> str:
    """Markdown table cell: one line, pipes escaped, `<word` outside code spans kept literal (not read as an HTML
    tag; inside a code span it is literal already)."""
    parts = " ".join(str(text).split()).replace("|", "\\|").split("`")
    return "`".join(part if i % 2 else re.sub(r"<(?=[A-Za-z])", "&lt;", part) for i, part in enumerate(parts))


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|",
            *("| " + " | ".join(cell(part) for part in row) + " |" for row in rows)]


def key_row(key: Key, schema: dict) -> tuple[str, ...]:
    return (f"`{key.path}`", type_text(key.node, schema), default_text(key), key.node.get("description", ""))


# ---- the registries ----------------------------------------------------------------------------------------


def builtin_networks() -> list:
    """The package's own registered networks (not those of plugins a process may have loaded), by name."""
    from .nets import NETWORKS

    return [NETWORKS[name] for name in sorted(NETWORKS)
            if NETWORKS[name].module.startswith("longterm_emotion.")]


def builtin_frontends() -> list:
    from .frontends import FRONTENDS

    return [FRONTENDS[name] for name in sorted(FRONTENDS)
            if type(FRONTENDS[name]).__module__.startswith("longterm_emotion.")]


def network_section(entry) -> list[str]:
    schema, defaults = entry.schema(), entry.defaults()
    required = set(schema.get("required", ()))
    rows = [(f"`{name}`", type_text(node), f"`{value_text(defaults[name])}`" if name in defaults
             else ("required" if name in required else "—"), node.get("description", "—"))
            for name, node in schema["properties"].items()]
    lines = [f"### `{entry.name}`: {entry.label}", ""]
    if entry.name == "single_filter":
        lines += ["The sweep's network (Section 4), built by the sweep itself, not named in `networks`: "
                  "`filter_length` is one of `sweep.filter_lengths` per job, `fft_size` and `lr_per_length` come "
                  "from `sweep`.", ""]
    else:
        lines += [f"Settings of `models.{entry.name}.<dimension>.net` and `grid.space.{entry.name}.net` "
                  f"(the fields of `{entry.settings.__module__}.{entry.settings.__qualname__}`).", ""]
    return lines + table(("setting", "type", "default", "description"), rows) + [""]


def frontend_section(front) -> list[str]:
    lines = [f"### `{front.name}`: {front.label}", ""]
    if front.name == "fbank":
        return lines + ["Its options are the `features` section's own keys (table `features` above).", ""]
    fields = dataclasses.fields(front.options)
    if not fields:
        return lines + [f"No options (`{front.options.__qualname__}` has no fields).", ""]
    doc = inspect.getdoc(front.options) or ""
    rows = []
    for field in fields:
        if field.default is not dataclasses.MISSING:
            default = f"`{value_text(field.default)}`"
        elif field.default_factory is not dataclasses.MISSING:
            default = f"`{value_text(field.default_factory())}`"
        else:
            default = "required"
        rows.append((f"`features.{front.name}.{field.name}`", str(field.type), default))
    lines += [f"Options of `features.{front.name}` (the fields of "
              f"`{front.options.__module__}.{front.options.__qualname__}`):", ""]
    lines += table(("key", "type", "default"), rows) + [""]
    return lines + ([" ".join(doc.split()), ""] if doc else [])


# ---- the document ------------------------------------------------------------------------------------------


def render(schema: dict | None = None, defaults: dict | None = None) -> str:
    """The text of config/README.md."""
    schema = load_schema() if schema is None else schema
    defaults = yaml.safe_load(DEFAULTS.read_text(encoding="utf-8")) if defaults is None else defaults
    every = keys(schema, defaults)
    top = list(schema["properties"])
    lines = [
        "# Configuration keys",
        "",
        f"<!-- Generated from workflow/schemas/config.schema.yaml by `{COMMAND}`; do not edit by hand. -->",
        "",
        f"Generated from the schema, `workflow/schemas/config.schema.yaml`, and `config.yaml` by `{COMMAND}`: "
        "do not edit by hand (tests/test_config_doc.py fails when this file is stale). The defaults are the values "
        "of `config.yaml` at the repository root, their one place (the schema checks keys and holds no defaults): "
        "a file given with `--configfile` or a key given with `--config` overrides them, and a key they leave out "
        "keeps config.yaml's value. A key written `a.<name>` stands for any key of a free-form mapping, `a[].b` for key b of each "
        "entry of list a.",
        "",
        "Sections: " + ", ".join(f"[`{name}`](#{name})" for name in top)
        + ", [networks' settings](#networks-settings), [front ends' options](#front-ends-options).",
        "",
    ]
    for name in top:
        rows = [key_row(key, schema) for key in every if key.path == name or key.path.startswith((f"{name}.",
                                                                                                   f"{name}["))]
        lines += [f"## {name}", ""] + table(("key", "type", "default", "description"), rows) + [""]
    lines += ["## Networks' settings", "",
              "The keys of `models.<network>.<dimension>.net` and `grid.space.<network>.net` are the settings of the "
              "network in the network registry (`longterm_emotion.nets`, `src/longterm_emotion/nets/registry.py`): "
              "the fields of its settings dataclass, whose defaults fill in the settings a config leaves out and "
              "whose constraints are checked when the config loads. The built-in networks:", ""]
    for entry in builtin_networks():
        lines += network_section(entry)
    lines += ["## Front ends' options", "",
              "`features.frontend` names a front end of the front-end registry (`longterm_emotion.frontends`); the "
              "options of a front end other than fbank go in the sub-section `features.<frontend>`, the fields of "
              "its options dataclass, checked when the config loads. The built-in front ends:", ""]
    for front in builtin_frontends():
        lines += frontend_section(front)
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when config/README.md is not the rendering")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="file to write or check (default: %(default)s)")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if current != text:
            print(f"{args.output} is stale: regenerate it with `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
