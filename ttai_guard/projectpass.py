"""The project pass: client-side rules (TTAI201-203) after every file is scanned.

Per-file scans reduce each parsed JavaScript, TypeScript, markup and
``.env*`` file to a :class:`~ttai_guard.rules.clientside.ClientFacts`
record. :class:`ProjectInput` collects those records while the reports stream
by, and :func:`run_project_pass` turns them into findings:

1. Find candidates: requests to API hosts, reads of token variables,
   ``.env*`` bindings of token variables, modules that export an API URL,
   and parsed bundler configuration files. Without one the pass ends there,
   so a scan of many unrelated files pays for nothing else.
2. Take a second look at files the scan did not parse (it parses only files
   that contain a trigger word): files that import an exported API URL are
   analyzed again with the imported values, and files that mention a public
   token variable from a ``.env*`` file are parsed for their reads of it.
3. Build the :class:`~ttai_guard.clientside.Project` and ask where each
   candidate module runs, then run the rules and turn hits into findings the
   way per-file scans do, inline suppressions included.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ttai_guard import filekinds, usedpaths
from ttai_guard.analysis import FileReport, _to_findings, analyze_text
from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.decoding import decode
from ttai_guard.facts import Facts, Module
from ttai_guard.finding import Finding, Level
from ttai_guard.rules import FileContext, Hit
from ttai_guard.rules.clientside import (
    MODULE_KINDS,
    ClientFacts,
    LeveledHit,
    ProjectView,
    TokenVariables,
    bound_values,
    check_api_calls,
    check_env_definitions,
    check_env_references,
    check_exposure,
    reexported_values,
    summarize,
)

if TYPE_CHECKING:
    from ttai_guard.runner import ScanOptions

CLIENT_RULES = ("TTAI201", "TTAI202", "TTAI203")


@dataclass
class ProjectInput:
    """The per-file results the pass needs, collected while reports stream by.

    ``paths`` lists every scanned file, ``kinds`` their file kinds, and
    ``facts`` the client facts of the files that have any.
    """

    paths: list[Path] = field(default_factory=list)
    kinds: dict[Path, str] = field(default_factory=dict)
    facts: dict[Path, ClientFacts] = field(default_factory=dict)
    #: Files recorded as (path text, kind) and not yet in ``paths``: a string
    #: takes a fraction of a Path's memory, and most scans never need them.
    pending: list[tuple[str, str]] = field(default_factory=list)

    def record(self, reports: Iterable[FileReport]) -> Iterator[FileReport]:
        """Yield ``reports`` unchanged, keeping what the pass needs from each scanned file."""
        for report in reports:
            if not (report.vanished or report.error or report.skipped):
                self.pending.append((str(report.path), report.kind))
                if report.client_facts is not None:
                    self.facts[report.path] = report.client_facts
            yield report

    def expand(self) -> None:
        """Move the recorded files into ``paths`` and ``kinds``."""
        for text, kind in self.pending:
            path = Path(text)
            self.paths.append(path)
            self.kinds[path] = kind
        self.pending = []


@dataclass
class PassResult:
    """Findings of the pass, the suppression markers they used as (path, line), and notices."""

    findings: list[Finding] = field(default_factory=list)
    used_markers: set[tuple[Path, int]] = field(default_factory=set)
    notices: list[str] = field(default_factory=list)


def _is_bundler_config(path: Path) -> bool:
    return ".config." in path.name


def has_candidates(project_input: ProjectInput, variables: TokenVariables) -> bool:
    """Tell whether any collected fact could produce a client-side finding."""
    for path, facts in project_input.facts.items():
        if facts.requests:
            return True
        if any(variables.marks_token(d.name) for d in facts.env_definitions):
            return True
        for module in facts.modules:
            if module.exports:
                return True
            if any(variables.marks_token(ref.name) for ref in module.env_refs):
                return True
        if facts.modules and _is_bundler_config(path):
            return True
    return False


def _read_text(path: Path, max_size: int) -> str | None:
    """Decode a regular file from disk, or return ``None`` when it cannot be read."""
    usedpaths.watch(path)
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            data = handle.read(max_size + 1)
    except OSError:
        return None
    if len(data) > max_size:
        return None
    decoded = decode(data)
    return None if decoded.degraded else decoded.text


class _Pass:
    """One run of the pass: memoised file texts and on-demand parses."""

    def __init__(self, project_input: ProjectInput, options: ScanOptions) -> None:
        self.input = project_input
        self.options = options
        self.settings: AnalyzerSettings = options.settings
        self.texts: dict[Path, str | None] = {}
        self.parsed: dict[Path, ClientFacts | None] = {}
        token_valued = frozenset(
            definition.name
            for facts in project_input.facts.values()
            for definition in facts.env_definitions
            if definition.token_value
        )
        self.variables = TokenVariables(self.settings.token_names, token_valued)
        #: Resolves (importer, specifier) to a scanned file; the project's
        #: resolver replaces the relative-only default when it is built.
        self.resolver: Callable[[Path, str], Path | None] = self.resolve
        self._known: set[Path] | None = None

    def text(self, path: Path) -> str | None:
        if path not in self.texts:
            self.texts[path] = _read_text(path, self.options.max_file_size)
        return self.texts[path]

    def kind(self, path: Path) -> str:
        return self.input.kinds.get(path) or filekinds.kind_of(path)

    def parse(
        self, path: Path, imported_values: tuple[tuple[str, str], ...] = ()
    ) -> ClientFacts | None:
        """Analyze a module file now, with ``imported_values`` for its imports."""
        kind = self.kind(path)
        text = self.text(path) if kind in MODULE_KINDS else None
        if text is None:
            return None
        settings = replace(self.settings, imported_values=imported_values)
        try:
            facts = analyze_text(kind, text, settings, path.suffix.lower())
        except (AnalysisError, RecursionError, ValueError):
            return None
        return summarize(kind, text, facts, settings) or ClientFacts()

    def modules(self, path: Path) -> list[Module]:
        """Return a file's modules, parsing it when the scan did not (memoised)."""
        known = self.input.facts.get(path)
        if known is not None and known.modules:
            return known.modules
        if path not in self.parsed:
            self.parsed[path] = self.parse(path)
        parsed = self.parsed[path]
        return parsed.modules if parsed is not None else []

    def universe(self, root: Path) -> list[Path]:
        """List the files of the project at ``root`` that the placement may read.

        When a scanned directory contains ``root``, the scan listed them
        already. Otherwise ``root`` is walked the way the scan walks, with
        the default and configured excludes and ``.gitignore`` applied.
        """
        scanned = list(self.input.paths)
        for argument in self.options.paths or ["."]:
            directory = Path(os.path.abspath(argument))
            if directory.is_dir() and root.is_relative_to(directory):
                return scanned
        from ttai_guard.discovery import DiscoveryError, discover

        # Build output is left out: it contains bundles, not the sources that import each other.
        walk = replace(self.options.discovery_options(), include_build=False)
        try:
            found = discover([str(root)], walk)
        except DiscoveryError:
            return scanned
        return scanned + [entry.path for entry in found.files]

    def fallback(self, path: Path) -> Module:
        """Return a module spanning the whole file, for files without module facts."""
        text = self.text(path) or ""
        return Module(start=0, end=len(text))

    # --- Second look -----------------------------------------------------------

    def module_paths(self) -> list[Path]:
        return [path for path in self.input.paths if self.input.kinds.get(path) in MODULE_KINDS]

    def resolve(self, importer: Path, specifier: str) -> Path | None:
        """Resolve a relative import specifier to a scanned file.

        This is the default of :attr:`resolver`, for projects that offer no
        resolver of their own. Path aliases (`@/lib`, `$lib`) are not resolved.
        """
        from ttai_guard.clientside.resolve import EXTENSIONS

        if not specifier.startswith("."):
            return None
        base = Path(os.path.normpath(importer.parent / specifier))
        known = self._known_paths()
        candidates = [base, *(base.with_name(base.name + s) for s in EXTENSIONS)]
        candidates.extend(base / f"index{suffix}" for suffix in EXTENSIONS)
        # TypeScript projects import `./config.js` for the file `config.ts`.
        if base.suffix in (".js", ".mjs", ".cjs", ".jsx"):
            stem = base.with_suffix("")
            candidates.extend(stem.with_name(stem.name + s) for s in EXTENSIONS)
        return next((candidate for candidate in candidates if candidate in known), None)

    def _known_paths(self) -> set[Path]:
        if self._known is None:
            self._known = set(self.input.paths)
        return self._known

    def resolve_imported_values(self) -> None:
        """Analyze files again that import a static API URL from another module."""
        exporters = {
            path: {
                name: literal.value for m in facts.modules for name, literal in m.exports.items()
            }
            for path, facts in self.input.facts.items()
            if any(module.exports for module in facts.modules)
        }
        if not exporters:
            return
        exporters = reexported_values(
            exporters, self.module_paths(), self.text, self.modules, self.resolver
        )
        words: set[str] = set()
        for path, exports in exporters.items():
            words.update(name.split(".", 1)[0] for name in exports)
            words.add(path.stem)
        words.discard("default")
        for path in self.module_paths():
            if path in exporters:
                continue
            text = self.text(path)
            if text is None or not any(word in text for word in words):
                continue
            values = self._imported_values(path, exporters)
            if values:
                refreshed = self.parse(path, values)
                if refreshed is not None:
                    self.input.facts[path] = refreshed

    def _imported_values(
        self, path: Path, exporters: dict[Path, dict[str, str]]
    ) -> tuple[tuple[str, str], ...]:
        values: list[tuple[str, str]] = []
        for module in self.modules(path):
            for item in module.imports:
                if item.type_only:
                    continue
                target = self.resolver(path, item.specifier)
                exports = exporters.get(target) if target is not None else None
                if not exports:
                    continue
                for imported, local in item.names:
                    values.extend(bound_values(imported, local, exports))
        return tuple(dict.fromkeys(values))

    def find_public_token_reads(self) -> None:
        """Parse unparsed files that mention a variable some ``.env*`` file binds to a token."""
        names = self.variables.token_valued
        if not names:
            return
        for path in self.module_paths():
            if path in self.input.facts:
                continue
            text = self.text(path)
            if text is None or not any(name in text for name in names):
                continue
            parsed = self.parse(path)
            if parsed is not None and (parsed.modules or parsed.requests):
                self.input.facts[path] = parsed


def _build_project(state: _Pass, options: ScanOptions) -> ProjectView:
    from ttai_guard.clientside import Project, ProjectFiles

    files = ProjectFiles(
        paths=tuple(state.input.paths),
        text=state.text,
        modules=state.modules,
        universe=state.universe,
        scan_roots=tuple(Path(os.path.abspath(path)) for path in options.paths or ["."]),
    )
    project = Project.build(
        files,
        client_paths=options.client_paths,
        server_paths=options.server_paths,
        public_env_prefixes=options.public_env_prefixes,
        pattern_root=options.pattern_root,
    )

    def resolve(importer: Path, specifier: str) -> Path | None:
        return project.resolver.resolve(specifier, importer, project.profile_for(importer))

    state.resolver = resolve
    return project


ProjectFactory = Callable[["_Pass", "ScanOptions"], ProjectView]


def run_project_pass(
    project_input: ProjectInput,
    options: ScanOptions,
    enabled: Callable[[str], bool],
    build: ProjectFactory = _build_project,
) -> PassResult:
    """Run TTAI201-203 over the collected facts and return their findings."""
    result = PassResult()
    if not any(enabled(rule) for rule in CLIENT_RULES):
        return result
    state = _Pass(project_input, options)
    if not has_candidates(project_input, state.variables):
        return result
    project_input.expand()
    project = build(state, options)
    state.resolve_imported_values()
    state.find_public_token_reads()
    hits = _collect_hits(state, project, enabled)
    for path, leveled in hits.items():
        _add_findings(state, path, leveled, result)
    result.notices.extend(getattr(project, "notices", ()))
    return result


def _collect_hits(
    state: _Pass, project: ProjectView, enabled: Callable[[str], bool]
) -> dict[Path, list[LeveledHit]]:
    hits: dict[Path, list[LeveledHit]] = {}
    exposures: dict[tuple[Path, int, int, str], str] = {}
    for path, facts in state.input.facts.items():
        found: list[LeveledHit] = []
        if facts.requests and enabled("TTAI201"):
            fallback = state.fallback(path)
            found.extend(
                LeveledHit(hit, "error") for hit in check_api_calls(path, facts, project, fallback)
            )
        if facts.env_definitions or facts.modules:
            profile = project.profile_for(path)
            for exposure in profile.exposures:
                exposures.setdefault(exposure[:4], exposure[4])
            if facts.env_definitions:
                found.extend(
                    LeveledHit(hit, "error")
                    for hit in check_env_definitions(facts, profile, state.variables)
                )
        if facts.modules:
            found.extend(
                check_env_references(path, facts, project, state.variables, state.fallback(path))
            )
        if found:
            hits[path] = found
    for (path, start, end, name), reason in exposures.items():
        hit = check_exposure(name, start, end, reason, state.variables)
        if hit is not None:
            hits.setdefault(path, []).append(LeveledHit(hit, "error"))
    # Configuration files outside the scan inform placements but get no findings.
    scanned = set(state.input.paths)
    return {
        path: [item for item in found if enabled(item.hit.rule)]
        for path, found in hits.items()
        if path in scanned
    }


def _add_findings(state: _Pass, path: Path, leveled: list[LeveledHit], result: PassResult) -> None:
    text = state.text(path)
    if text is None or not leveled:
        return
    context = FileContext(path=path, kind=state.kind(path), text=text, settings=state.settings)
    by_level: dict[Level, list[Hit]] = {}
    for item in leveled:
        if item.hit not in by_level.get(item.level, []):
            by_level.setdefault(item.level, []).append(item.hit)
    for level, group in by_level.items():
        used: set[int] = set()
        for finding in _to_findings(context, Facts(), group, used):
            result.findings.append(finding._replace(level=level))
        result.used_markers.update((path, line) for line in used)
