"""config/README.md is the schema's rendering, every key is described, the schema's defaults are config.yaml's."""

from pathlib import Path

import pytest
import yaml

from longterm_emotion import config_doc

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "workflow" / "schemas" / "config.schema.yaml"
README = ROOT / "config" / "README.md"
REGENERATE = "python -m longterm_emotion.config_doc"


@pytest.fixture(scope="module")
def schema() -> dict:
    return yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shipped() -> dict:
    return yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))


def resolve(node: dict, schema: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        node = {**schema["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def test_readme_is_the_rendering_of_the_schema():
    assert README.exists(), f"config/README.md is missing; write it with `{REGENERATE}`"
    assert README.read_text(encoding="utf-8") == config_doc.render(), (
        f"config/README.md is stale (the schema or a registry changed); regenerate it with `{REGENERATE}`")


def test_check_exits_1_with_one_line_on_a_stale_file(tmp_path, capsys):
    target = tmp_path / "README.md"
    assert config_doc.main(["--output", str(target)]) == 0
    assert config_doc.main(["--check", "--output", str(target)]) == 0
    target.write_text(target.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    capsys.readouterr()
    assert config_doc.main(["--check", "--output", str(target)]) == 1
    message = capsys.readouterr().err
    assert message.count("\n") == 1 and "stale" in message and REGENERATE in message


def described_nodes(schema: dict):
    """(path, node) of every property at every level: properties, the values of free-form mappings
    (additionalProperties schemas), the objects of arrays, and every $defs entry with its properties."""

    def walk(node, path):
        node = resolve(node, schema)
        for name, sub in (node.get("properties") or {}).items():
            yield f"{path}.{name}".lstrip("."), resolve(sub, schema)
            yield from walk(sub, f"{path}.{name}")
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and path:
            yield f"{path}.<*>", resolve(extra, schema)
            yield from walk(extra, f"{path}.<*>")
        items = node.get("items")
        if isinstance(items, dict) and resolve(items, schema).get("properties"):
            yield f"{path}[]", resolve(items, schema)
            yield from walk(items, f"{path}[]")

    yield from walk(schema, "")
    for name, definition in schema["$defs"].items():
        yield f"$defs.{name}", definition
        yield from walk(definition, f"$defs.{name}")


def test_every_key_of_the_schema_has_a_description(schema):
    found = list(described_nodes(schema))
    assert len(found) > 150  # the walk reaches every level
    missing = [path for path, node in found if not str(node.get("description") or "").strip()]
    assert not missing, f"schema keys without a description (config/README.md is made of them): {missing}"


def documented_key(path: list[str], schema: dict) -> str | None:
    """The row of config/README.md that documents config key `path` (free-form keys as their placeholder), or
    None below a free-form mapping whose keys the registries define (models.<network>.<dimension>.net)."""
    node, shown = schema, ""
    for part in path:
        node = resolve(node, schema)
        if part in (node.get("properties") or {}):
            node = node["properties"][part]
            shown = f"{shown}.{part}".lstrip(".")
        elif isinstance(node.get("additionalProperties"), dict) and shown:
            node = node["additionalProperties"]
            shown = f"{shown}.{config_doc.placeholder(shown)}"
        else:
            return None
    return shown


def config_keys(section: dict, prefix=()):
    """Every key path of config.yaml; list values are leaves (only the key itself)."""
    for key, value in section.items():
        yield [*prefix, key]
        if isinstance(value, dict):
            yield from config_keys(value, (*prefix, key))


def test_every_key_of_config_yaml_is_documented(schema, shipped):
    text = README.read_text(encoding="utf-8")
    undocumented = []
    for path in config_keys(shipped):
        row = documented_key(path, schema)
        if row is None:  # a network's setting: a row of that network's table
            network, setting = path[1], path[-1]
            section = text.split(f"### `{network}`:", 1)[-1].split("\n### ", 1)[0]
            if f"| `{setting}` |" not in section:
                undocumented.append(".".join(path))
        elif f"| `{row}` |" not in text:
            undocumented.append(".".join(path))
    assert not undocumented, f"config.yaml keys missing from config/README.md: {undocumented}"


def schema_defaults(schema: dict):
    """(path, default) of every property with a default, and of every key inside such a default whose own
    property has none (e.g. sweep.optim.lr from sweep.optim's default)."""
    missing = object()

    def walk(node, path, inherited):
        node = resolve(node, schema)
        for name, sub in (node.get("properties") or {}).items():
            value = sub.get("default", inherited.get(name, missing) if isinstance(inherited, dict) else missing)
            if value is not missing:
                yield [*path, name], value
            yield from walk(sub, [*path, name], value)

    yield from walk(schema, [], missing)


def test_every_schema_default_is_config_yaml_s_value(schema, shipped):
    """The one-place rule: the schema's defaults fill what a config leaves out and never disagree with config.yaml
    (what runs); a default {} of a section is filled by its keys' defaults, compared one by one."""
    absent = object()
    disagree = []
    for path, default in schema_defaults(schema):
        value = shipped
        for part in path:
            value = value.get(part, absent) if isinstance(value, dict) else absent
        if value is absent or (default in ({}, []) and isinstance(value, (dict, list))):
            continue  # a free-form section (models, grid.space, claims.paper): its values live in config.yaml alone
        if default != value:
            disagree.append(f"{'.'.join(path)}: schema {default!r}, config.yaml {value!r}")
    assert not disagree, "schema defaults that differ from config.yaml (set the schema's to config.yaml's): " + \
        "; ".join(disagree)
