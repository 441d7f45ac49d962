"""Configuration files: the shipped defaults, and a deployment's YAML or JSON merged over them.

Config files are untrusted input read like tree files: safe YAML only (no tags, anchors or
aliases, one document, duplicate keys refused), at most `MAX_CONFIG_BYTES`, with every
problem reported as ``file:line:column: code: message`` in a `ConfigError`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from okpay_triage.errors import ConfigError, Problem, TreeError, did_you_mean

from .model import REFERENCE_KEY_VARIABLE, Config, merge_settings

__all__ = ["MAX_CONFIG_BYTES", "load_config", "shipped_config_path"]

#: Config files larger than this are refused before parsing.
MAX_CONFIG_BYTES = 256 * 1024


def shipped_config_path() -> Path:
    """Where the shipped defaults (``_config.yaml``) are: in the package, or in a checkout.

    They sit beside the bundled trees, so they are found the way the trees are.
    """
    from okpay_triage.tree.bundled import bundled_tree_dir

    return bundled_tree_dir() / "_config.yaml"


def load_config(
    path: str | Path | None = None, *, overrides: Mapping[str, Any] | None = None
) -> Config:
    """The configuration in a YAML or JSON file, merged over the shipped defaults.

    Args:
        path: a ``.yaml``/``.yml``/``.json`` file naming only the settings that differ from
            the defaults; nested mappings (``channels: {email: {contact: ...}}``) are merged
            key by key, lists replace. None: the shipped defaults alone.
        overrides: settings applied last, in the same form as the file.

    The environment variable ``OKPAY_TRIAGE_REFERENCE_KEY``, when set, gives
    `Config.reference_key` (after the file, before `overrides`).

    Raises:
        ConfigError: the file cannot be read or parsed, or a setting is invalid; every
            problem is listed with file, line and column.
    """
    data: dict[str, Any] = dict(_read(shipped_config_path()))
    name = str(shipped_config_path())
    smap: Any = None
    if path is not None:
        name = str(path)
        given, smap = _read_with_map(Path(path))
        data = merge_settings(data, given)
    key = os.environ.get(REFERENCE_KEY_VARIABLE)
    if key:
        data = merge_settings(data, {"reference_key": key})
    if overrides:
        data = merge_settings(data, dict(overrides))
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        raise ConfigError(_problems(error, name, smap)) from None


@lru_cache(maxsize=1)
def _read_cached(path: Path, mtime_ns: int) -> dict[str, Any]:
    data, _ = _read_with_map(path)
    return data


def _read(path: Path) -> dict[str, Any]:
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    return _read_cached(path, mtime)


def _read_with_map(path: Path) -> tuple[dict[str, Any], Any]:
    from okpay_triage.tree.parse import decode, parse_json, parse_yaml, read_bytes

    name = str(path)
    try:
        if not path.is_file():
            raise ConfigError([Problem("unreadable-file", "no such configuration file", name)])
        text = decode(read_bytes(path, MAX_CONFIG_BYTES), name)
    except TreeError as error:
        raise ConfigError(error.problems) from None
    if path.suffix.lower() == ".json":
        data, smap, problems = parse_json(text, name)
    else:
        data, smap, problems = parse_yaml(text, name)
    problems = [p for p in problems if p.code != "empty-file"]  # empty: all defaults
    if problems:
        raise ConfigError(problems)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            [Problem("not-a-mapping", "a configuration file must be a mapping of keys", name, 1, 1)]
        )
    return data, smap


def _problems(error: ValidationError, name: str, smap: Any) -> list[Problem]:
    from okpay_triage.tree.load import UNKNOWN_KEY_TYPES, error_text

    problems = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and p.startswith("[")))
        where = ".".join(str(p) for p in loc) or "configuration"
        unknown = item["type"] in UNKNOWN_KEY_TYPES
        if unknown:
            hint = did_you_mean(str(loc[-1]), _known_keys(loc[:-1]))
            code, message = "unknown-field", f"{where}: unknown key{hint}"
        else:
            code, message = "invalid-value", f"{where}: {error_text(item)}"
        line, column = smap.locate(loc, key=unknown) if smap else (0, 0)
        problems.append(Problem(code, message, name, line, column))
    return problems


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Config
    for part in loc:
        field = model.model_fields.get(part) if isinstance(part, str) else None
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return sorted(model.model_fields)
