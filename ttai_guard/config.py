"""Project configuration: ``[tool.ttai-guard]`` or ``ttai-guard.toml``.

The nearest directory at or above the scanned path that has a configuration
file wins. Within one directory, ``.ttai-guard.toml`` wins over
``ttai-guard.toml``, which wins over a ``pyproject.toml`` that has a
``[tool.ttai-guard]`` table.
Unknown keys and values of the wrong type raise :class:`ConfigError`, which
names the key, the file and the line.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ttai_guard.rules.catalog import RULES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_NAMES = (".ttai-guard.toml", "ttai-guard.toml", "pyproject.toml")
LEVELS = ("error", "warning", "note")


class ConfigError(Exception):
    """The configuration file is invalid; the message gives the place and the reason."""


@dataclass(frozen=True)
class Config:
    """Settings read from a configuration file (all optional).

    ``root`` is the directory of the file; ``exclude``, ``extend_exclude`` and
    ``per_file_ignores`` patterns are relative to it. ``None`` means the key
    was not set, so the built-in default or the command line decides.
    """

    path: Path | None = None
    root: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fail_on: str | None = None
    client_paths: tuple[str, ...] = ()
    server_paths: tuple[str, ...] = ()
    api_hosts: tuple[str, ...] = ()
    token_env_names: tuple[str, ...] = ()
    public_env_prefixes: tuple[str, ...] = ()
    max_file_size: int | None = None
    baseline: str | None = None
    respect_gitignore: bool | None = None


_LIST_KEYS = {
    "select": "select",
    "ignore": "ignore",
    "exclude": "exclude",
    "extend-exclude": "extend_exclude",
    "client-paths": "client_paths",
    "server-paths": "server_paths",
    "api-hosts": "api_hosts",
    "token-env-names": "token_env_names",
    "public-env-prefixes": "public_env_prefixes",
}
_RULE_LIST_KEYS = ("select", "ignore")
KNOWN_KEYS = (
    *_LIST_KEYS,
    "per-file-ignores",
    "fail-on",
    "max-file-size",
    "baseline",
    "respect-gitignore",
)


def _key_line(text: str, key: str) -> int:
    """Return the 1-based line where ``key`` is assigned, or 1 when not found."""
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _error(path: Path, text: str, key: str, problem: str) -> ConfigError:
    return ConfigError(f"{path}:{_key_line(text, key)}: `{key}` {problem}")


def _string_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _check_rule_ids(ids: tuple[str, ...]) -> str | None:
    """Return the first entry that matches no rule ID, or ``None``."""
    for item in ids:
        prefix = item.strip().upper()
        if not prefix.startswith("TTAI") or not any(rule.startswith(prefix) for rule in RULES):
            return item
    return None


def _table(path: Path) -> tuple[dict[str, Any], str] | None:
    """Read the settings table of ``path``, or ``None`` for a pyproject without one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        document = tomllib.loads(text)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if path.name == "pyproject.toml":
        tool = document.get("tool", {})
        table = tool.get("ttai-guard") if isinstance(tool, dict) else None
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.ttai-guard] must be a table")
        return table, text
    return document, text


def find_config(start: Path) -> Path | None:
    """Return the nearest configuration file at or above ``start``."""
    directory = start if start.is_dir() else start.parent
    for candidate_dir in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_dir / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or _has_tool_table(candidate):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return _table(path) is not None
    except ConfigError:
        # An invalid pyproject.toml is reported when it is loaded, if it is chosen.
        return "[tool.ttai-guard]" in path.read_text(encoding="utf-8", errors="replace")


def load_config(path: Path) -> Config:
    """Read and validate the configuration file at ``path``."""
    loaded = _table(path)
    if loaded is None:
        raise ConfigError(f"{path}: no [tool.ttai-guard] table")
    table, text = loaded
    values: dict[str, Any] = {"path": path, "root": path.parent}
    for key, value in table.items():
        if key in _LIST_KEYS:
            items = _string_list(value)
            if items is None:
                raise _error(path, text, key, "must be a list of strings")
            if key in _RULE_LIST_KEYS:
                bad = _check_rule_ids(items)
                if bad is not None:
                    raise _error(path, text, key, f"names an unknown rule {bad!r}")
                items = tuple(item.strip().upper() for item in items)
            values[_LIST_KEYS[key]] = items
        elif key == "per-file-ignores":
            values["per_file_ignores"] = _per_file_ignores(path, text, value)
        elif key == "fail-on":
            if value not in LEVELS:
                raise _error(path, text, key, f"must be one of {', '.join(LEVELS)}")
            values["fail_on"] = value
        elif key == "max-file-size":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise _error(path, text, key, "must be a positive integer (bytes)")
            values["max_file_size"] = value
        elif key == "baseline":
            if not isinstance(value, str):
                raise _error(path, text, key, "must be a string (a file path)")
            values["baseline"] = value
        elif key == "respect-gitignore":
            if not isinstance(value, bool):
                raise _error(path, text, key, "must be true or false")
            values["respect_gitignore"] = value
        else:
            known = ", ".join(KNOWN_KEYS)
            raise _error(path, text, key, f"is not a known setting (known: {known})")
    return Config(**values)


def _per_file_ignores(path: Path, text: str, value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise _error(path, text, "per-file-ignores", "must be a table of glob = [rule IDs]")
    result = {}
    for pattern, ids in value.items():
        items = _string_list(ids)
        if items is None:
            raise _error(path, text, pattern, "must be a list of rule IDs")
        bad = _check_rule_ids(items)
        if bad is not None:
            raise _error(path, text, pattern, f"names an unknown rule {bad!r}")
        result[pattern] = tuple(item.strip().upper() for item in items)
    return result
