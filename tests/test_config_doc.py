"""config/README.md is the rendering of the schema and config.yaml, every key is described, every default is config.yaml's."""

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


def schema_properties(schema: dict):
    """Dotted paths of every named property (free-form mappings and list entries aside)."""

    def walk(node, path):
        node = resolve(node, schema)
        for name, sub in (node.get("properties") or {}).items():
            yield [*path, name]
            yield from walk(sub, [*path, name])

    yield from walk(schema, [])


def test_the_schema_holds_no_default_config_yaml_holds_them_all(schema, shipped):
    """The one-place rule: every default is config.yaml's value. The schema has no `default` keyword, and every
    key it names is in config.yaml (so nothing a run reads is missing once config.yaml fills in the rest)."""
    found = []

    def walk(node, path):
        if isinstance(node, dict):
            if "default" in node:  # a schema keyword here: properties are walked by name below
                found.append(path or "(top level)")
            for key, value in node.items():
                if key != "properties":
                    walk(value, f"{path}/{key}")
            for key, value in (node.get("properties") or {}).items():
                walk(value, f"{path}.{key}" if path else key)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(schema, "")
    assert not found, f"schema defaults (give the value in config.yaml instead): {found}"
    absent = object()
    missing = []
    for path in schema_properties(schema):
        value = shipped
        for part in path:
            value = value.get(part, absent) if isinstance(value, dict) else absent
        if value is absent:
            missing.append(".".join(path))
    assert not missing, f"schema keys config.yaml leaves out (give each its default there): {missing}"


def test_the_defaults_shown_are_config_yaml_s():
    """config/README.md's default column is rendered from config.yaml: another value there shows, a section shows
    "(its keys)", whose rows give theirs."""
    defaults = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    shown = config_doc.render(defaults=defaults)
    assert f"| `evidence.resamples` | integer, ≥ 100 | `{defaults['evidence']['resamples']}` |" in shown
    defaults["evidence"]["resamples"] = 4321
    assert "| `evidence.resamples` | integer, ≥ 100 | `4321` |" in config_doc.render(defaults=defaults)
    assert "| `evidence` | mapping | (its keys) |" in shown
