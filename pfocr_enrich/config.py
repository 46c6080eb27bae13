"""The run's settings: config values coerced to the schema's types and checked with messages a
person reads, and the settings files through which Snakemake reruns what a changed setting changes.

Snakemake hands `--config` values over as text when they are nested (`enrichment={"alpha": 0.01}`
arrives as `'0.01'`) and as numbers when they look like numbers (`release=20240101`), so values
are read as YAML scalars where the schema wants a number, boolean or null, and numbers become
their text where it wants a string.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml


def _validator(schema: Mapping):
    from jsonschema import Draft202012Validator  # Snakemake's own dependency; imported when checking

    return Draft202012Validator(schema)


def _fits(value: Any, schema: Mapping) -> bool:
    return _validator(schema).is_valid(value)


def _branches(schema: Mapping) -> Iterator[Mapping]:
    """The schema and the alternatives it allows (oneOf/anyOf)."""
    yield schema
    for key in ("oneOf", "anyOf"):
        yield from schema.get(key, [])


def _parse_scalar(text: str) -> Any:
    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if isinstance(parsed, str):
        try:  # YAML 1.1 reads 1e-3 as text; a number was meant
            return float(parsed)
        except ValueError:
            return parsed
    return parsed if parsed is None or isinstance(parsed, bool | int | float) else text


def coerce_to_schema(value: Any, schema: Mapping) -> Any:
    """`value` with text read as YAML scalars, and numbers as text, wherever that makes it fit `schema`."""
    if isinstance(value, Mapping):
        for branch in _branches(schema):
            properties = branch.get("properties")
            if properties is not None:
                return {key: coerce_to_schema(item, properties.get(key, {})) for key, item in value.items()}
        return dict(value)
    if isinstance(value, list):
        for branch in _branches(schema):
            if "items" in branch:
                return [coerce_to_schema(item, branch["items"]) for item in value]
        return value
    if isinstance(value, str) and value in ("null", "Null", "NULL", "~") and _fits(None, schema):
        return None  # `--config id_map=null`: YAML's null, not a file named "null"
    if _fits(value, schema):
        return value
    if isinstance(value, str):
        parsed = _parse_scalar(value)
        return parsed if _fits(parsed, schema) else value
    if isinstance(value, bool | int | float) and _fits(str(value), schema):
        return str(value)
    return value


def config_problems(config: Mapping, schema: Mapping) -> list[str]:
    """One line per way `config` breaks `schema`, naming the key: 'enrichment.alpha: ...'."""
    problems = []
    for error in sorted(_validator(schema).iter_errors(config), key=lambda e: list(map(str, e.absolute_path))):
        key = ".".join(map(str, error.absolute_path)) or "(top level)"
        message = error.message
        if error.validator in ("oneOf", "anyOf"):
            message = f"{error.instance!r} is not one of the accepted forms (README, 'Configuration')"
        problems.append(f"config '{key}': {message}")
    return problems


def write_settings(path: Path, values: Mapping) -> bool:
    """Write `values` as JSON unless the file already holds exactly them; True when written.

    A settings file is an input of the jobs that use its values: rewritten only when a value
    changes, it makes Snakemake rerun exactly those jobs (and what depends on them).
    """
    text = json.dumps(values, indent=2, sort_keys=True, default=str) + "\n"
    path = Path(path)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)  # atomic: a parallel reader never sees half a file
    return True


def read_settings(path: Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))
