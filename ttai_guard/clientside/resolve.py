"""Resolve module specifiers to files of the scan.

Only files listed in :attr:`ProjectFiles.paths` count: a specifier that
names a file outside the scan, or a package in ``node_modules``, resolves to
``None`` and is not followed.
"""

from __future__ import annotations

import os.path
from collections.abc import Callable, Iterable
from pathlib import Path

from ttai_guard.analyzers import AnalysisError
from ttai_guard.analyzers.jsonfile import JsonNode, parse_json
from ttai_guard.clientside.profile import Profile

#: Suffixes tried, in order, for a specifier written without one.
EXTENSIONS = (
    ".ts",
    ".tsx",
    ".js",
    ".jsx",
    ".mjs",
    ".cjs",
    ".mts",
    ".cts",
    ".vue",
    ".svelte",
    ".astro",
)
# TypeScript lets an import name the JavaScript file its source compiles to.
_COMPILED_SUFFIXES = {
    ".js": (".ts", ".tsx"),
    ".jsx": (".tsx",),
    ".mjs": (".mts",),
    ".cjs": (".cts",),
}
_ENTRY_FIELDS = ("source", "module", "main", "browser")


def normalize(path: Path | str) -> Path:
    """Return ``path`` with ``.`` and ``..`` removed, without touching the disk."""
    return Path(os.path.normpath(path))


class Resolver:
    """Map specifiers to scanned files, given the set of scanned paths."""

    def __init__(self, paths: Iterable[Path], read: Callable[[Path], str | None]) -> None:
        self.paths = frozenset(normalize(path) for path in paths)
        self._read = read
        self._workspaces: dict[str, Path] | None = None
        self._entries: dict[Path, Path | None] = {}

    # --- Probing ------------------------------------------------------------

    def probe(self, base: Path) -> Path | None:
        """Return the file ``base`` names: itself, with a suffix, or a directory index."""
        base = normalize(base)
        if base in self.paths:
            return base
        name = base.name
        suffix = os.path.splitext(name)[1]
        for replacement in _COMPILED_SUFFIXES.get(suffix, ()):
            candidate = base.with_name(name[: -len(suffix)] + replacement)
            if candidate in self.paths:
                return candidate
        for extension in EXTENSIONS:
            candidate = base.with_name(name + extension)
            if candidate in self.paths:
                return candidate
        for extension in EXTENSIONS:
            candidate = base / ("index" + extension)
            if candidate in self.paths:
                return candidate
        return None

    # --- Specifiers -----------------------------------------------------------

    def resolve(self, specifier: str, importer: Path, profile: Profile) -> Path | None:
        """Return the scanned file that ``specifier`` in ``importer`` loads, or ``None``.

        Handles relative and root-absolute specifiers (``/src/main.ts`` from
        an HTML page: the page's directory, the package root, then its
        ``public`` directory), path aliases, ``baseUrl`` and workspace
        package names. Query strings and fragments (``?worker``) are ignored.
        """
        specifier = specifier.split("?", 1)[0].split("#", 1)[0]
        if not specifier:
            return None
        if specifier.startswith(("./", "../")) or specifier in (".", ".."):
            return self.probe(importer.parent / specifier)
        if specifier.startswith("/"):
            relative = specifier.lstrip("/")
            for base in (importer.parent, profile.root, profile.root / "public"):
                found = self.probe(base / relative)
                if found is not None:
                    return found
            return None
        found = self._resolve_alias(specifier, profile)
        if found is not None:
            return found
        if profile.base_url is not None:
            found = self.probe(profile.base_url / specifier)
            if found is not None:
                return found
        return self._resolve_workspace(specifier)

    def _resolve_alias(self, specifier: str, profile: Profile) -> Path | None:
        best: tuple[int, tuple[str, ...], str] | None = None
        for pattern, targets in profile.aliases:
            if "*" not in pattern:
                if specifier == pattern:
                    return self._first(targets, "")
                continue
            prefix, _, suffix = pattern.partition("*")
            if not specifier.startswith(prefix) or not specifier.endswith(suffix):
                continue
            if len(specifier) < len(prefix) + len(suffix):
                continue
            if best is None or len(prefix) > best[0]:
                captured = specifier[len(prefix) : len(specifier) - len(suffix)]
                best = (len(prefix), targets, captured)
        if best is None:
            return None
        return self._first(best[1], best[2])

    def _first(self, targets: tuple[str, ...], captured: str) -> Path | None:
        for target in targets:
            found = self.probe(Path(target.replace("*", captured, 1)))
            if found is not None:
                return found
        return None

    # --- Workspace packages -------------------------------------------------

    def workspaces(self) -> dict[str, Path]:
        """Map each workspace package name to its directory (read once, on first use)."""
        if self._workspaces is None:
            found: dict[str, Path] = {}
            for path in sorted(self.paths):
                if path.name != "package.json" or "node_modules" in path.parts:
                    continue
                document = _json(self._read(path))
                name = document.member("name") if document is not None else None
                if name is not None and name.string:
                    found.setdefault(name.string, path.parent)
            self._workspaces = found
        return self._workspaces

    def _resolve_workspace(self, specifier: str) -> Path | None:
        parts = specifier.split("/")
        count = 2 if specifier.startswith("@") else 1
        name = "/".join(parts[:count])
        rest = "/".join(parts[count:])
        directory = self.workspaces().get(name)
        if directory is None:
            return None
        if not rest:
            return self.package_entry(directory)
        document = _json(self._read(directory / "package.json"))
        exports = document.member("exports") if document is not None else None
        target = _export_target(exports.member("./" + rest)) if exports is not None else None
        if target is not None:
            found = self.probe(directory / target)
            if found is not None:
                return found
        return self.probe(directory / rest) or self.probe(directory / "src" / rest)

    def package_entry(self, directory: Path) -> Path | None:
        """Return the file a bare import of the package in ``directory`` loads."""
        if directory in self._entries:
            return self._entries[directory]
        document = _json(self._read(directory / "package.json"))
        candidates: list[str] = []
        if document is not None:
            exports = document.member("exports")
            if exports is not None:
                main_export = exports if exports.kind == "string" else exports.member(".")
                target = _export_target(main_export)
                if target is None and exports.kind == "object":
                    target = _export_target(exports)
                if target is not None:
                    candidates.append(target)
            for field_name in _ENTRY_FIELDS:
                value = document.member(field_name)
                if value is not None and value.string:
                    candidates.append(value.string)
        candidates.extend(["index", "src/index"])
        found = None
        for candidate in candidates:
            found = self.probe(directory / candidate)
            if found is not None:
                break
        self._entries[directory] = found
        return found

    def package_names_for(self, path: Path) -> list[str]:
        """Return the workspace package names whose bare import loads ``path``."""
        names = []
        for name, directory in self.workspaces().items():
            if self.package_entry(directory) == path:
                names.append(name)
        return names


def _export_target(node: JsonNode | None) -> str | None:
    """Return the file an ``exports`` entry points at, preferring source conditions."""
    for _ in range(8):
        if node is None:
            return None
        if node.kind == "string":
            return node.string
        if node.kind != "object":
            return None
        chosen = None
        for condition in ("source", "import", "browser", "default", "require"):
            chosen = node.member(condition)
            if chosen is not None:
                break
        node = chosen
    return None


def _json(text: str | None) -> JsonNode | None:
    if text is None:
        return None
    try:
        document, _ = parse_json(text, allow_comments=True)
    except AnalysisError:
        return None
    return document if document.kind == "object" else None
