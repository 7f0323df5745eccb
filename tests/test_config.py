"""The configuration: a user's file is checked on its own against the schema, which is the one
place defaults live; config/README.md shows every key with its default; the template names no
demo file."""

from __future__ import annotations

import json
import re

import yaml

from conftest import REPO

SCHEMA = yaml.safe_load((REPO / "schemas" / "config.schema.yaml").read_text())
README = (REPO / "config" / "README.md").read_text()
TEMPLATE = yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def schema_keys(schema: dict, prefix: str = "") -> dict[str, dict]:
    """Every leaf key of the schema as dotted path -> its sub-schema."""
    keys = {}
    for name, sub in schema.get("properties", {}).items():
        path = prefix + name
        if sub.get("type") == "object" and "properties" in sub:
            keys.update(schema_keys(sub, path + "."))
        else:
            keys[path] = sub
    return keys


def as_documented(value) -> str:
    """A default as config/README.md writes it: YAML/JSON spelling in backticks."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(item) for item in value) + "]"
    if value == "":
        return '""'
    return str(value)


def documented_rows() -> dict[str, str]:
    return {key: default for key, default in re.findall(r"^\| `([\w.]+)` \| ([^|]+) \|", README, re.MULTILINE)}


def test_only_samples_and_reference_are_required():
    assert SCHEMA["required"] == ["samples", "reference"]
    assert all("default" not in SCHEMA["properties"][key] for key in SCHEMA["required"])


def test_every_optional_key_has_its_default_in_the_schema():
    for key, sub in schema_keys(SCHEMA).items():
        if key not in SCHEMA["required"]:
            assert "default" in sub, f"config key {key} has no default in schemas/config.schema.yaml"


def test_config_readme_shows_every_key_with_the_schema_default():
    rows = documented_rows()
    for key, sub in schema_keys(SCHEMA).items():
        assert key in rows, f"config/README.md does not document {key}"
        if "default" in sub:
            assert rows[key].strip() == f"`{as_documented(sub['default'])}`", (
                f"config/README.md gives {key} the default {rows[key].strip()}, "
                f"the schema {as_documented(sub['default'])}")
        else:
            assert rows[key].startswith("none: required")


def test_config_readme_documents_no_key_the_schema_does_not_know():
    assert set(documented_rows()) <= set(schema_keys(SCHEMA))


def test_the_template_names_no_demo_file_and_sets_nothing_else():
    # A user who copies the template and forgets a path is told so; nothing is filled in for them.
    assert TEMPLATE == {"samples": "", "reference": ""}


def test_objects_with_defaults_get_their_members_defaults():
    # Snakemake's validate(set_default=True) fills nested defaults only below an object default.
    for name, sub in SCHEMA["properties"].items():
        if sub.get("type") == "object":
            assert sub.get("default") == {}, f"config key {name}: an object needs default {{}}"
