"""The entry point: where one module of one file runs, and why.

:meth:`Project.build` only records its arguments. Everything else happens on
demand and is kept: the profile of a package when a file of it is placed, a
file's importers when its placement needs them.

A module's placement combines its own label (:mod:`classify`) with the
import graph (:mod:`graph`):

- client, both, and server-only modules keep their own label;
- otherwise a chain of imports from a client or both module makes it client
  code (both when server code also imports it, or when the chain starts at a
  module that runs on both sides);
- otherwise a chain from server code makes it server code;
- otherwise it keeps its own label, usually unknown.

Client code does not reach a module through type-only imports, imports used
only in server-stripped regions (``getServerSideProps``, ``loader``), imports
in Astro frontmatter, or into server-only modules (``'use server'``,
``server-only``, ``.server`` files, ``$lib/server``, Nuxt ``server/``).
"""

from __future__ import annotations

import contextlib
import os
import os.path
from pathlib import Path

from ttai_guard import usedpaths
from ttai_guard.clientside import BOTH, CLIENT, SERVER, UNKNOWN, Placement, ProjectFiles
from ttai_guard.clientside.astro import rendered_components
from ttai_guard.clientside.classify import Label, classify
from ttai_guard.clientside.graph import Chain, Edge, ImportGraph, describe
from ttai_guard.clientside.profile import Profile, load_profile
from ttai_guard.clientside.resolve import EXTENSIONS, Resolver, normalize
from ttai_guard.discovery import DiscoveryOptions
from ttai_guard.facts import Import, Module
from ttai_guard.gitrepo import GitError, find_work_tree

_CODE_SUFFIXES = frozenset((*EXTENSIONS, ".html", ".htm"))
# Files that can hold a framework component an `.astro` page renders.
_COMPONENT_SUFFIXES = frozenset((".jsx", ".tsx", ".js", ".ts", ".vue", ".svelte"))
# Configuration files outside the scanned paths are read from disk up to this size.
_MAX_CONFIG_BYTES = 2_000_000


class Project:
    """Placement queries over one scan's files; see the module documentation."""

    def __init__(
        self,
        files: ProjectFiles,
        client_paths: tuple[str, ...],
        server_paths: tuple[str, ...],
        public_env_prefixes: tuple[str, ...],
        pattern_root: Path | None,
    ) -> None:
        self.files = files
        self.client_paths = client_paths
        self.server_paths = server_paths
        self.public_env_prefixes = public_env_prefixes
        self.pattern_root = pattern_root
        self._root: Path | None = None
        self._resolver: Resolver | None = None
        self._graph: ImportGraph | None = None
        self._directories: dict[Path, list[Path]] | None = None
        self._package_directories: dict[Path, Path | None] = {}
        self._profiles: dict[Path, Profile] = {}
        self._labels: dict[tuple[Path, int], Label] = {}
        self._client_chains: dict[Path, Chain | None] = {}
        self._server_chains: dict[Path, Chain | None] = {}
        self._placements: dict[tuple[Path, int], tuple[Module, Placement]] = {}
        self._reads: dict[Path, str | None] = {}
        self._hydration: dict[Path, dict[str, str]] = {}

    @classmethod
    def build(
        cls,
        files: ProjectFiles,
        *,
        client_paths: tuple[str, ...] = (),
        server_paths: tuple[str, ...] = (),
        public_env_prefixes: tuple[str, ...] = (),
        pattern_root: Path | None = None,
    ) -> Project:
        """Prepare placement queries over ``files``; this reads nothing yet.

        ``client_paths`` and ``server_paths`` are globs, relative to
        ``pattern_root``, that override every other test (client first).
        ``public_env_prefixes`` are extra prefixes of variables that bundlers
        inline into client code.
        """
        return cls(files, client_paths, server_paths, public_env_prefixes, pattern_root)

    # --- Public queries -----------------------------------------------------

    @property
    def root(self) -> Path:
        """The project root, which reasons name paths from.

        The git work tree that contains the scan, else the nearest directory
        at or above the scanned paths that contains a ``package.json`` (or the
        scanned directory itself), else ``pattern_root`` when that lies above.
        Naming single files or a subdirectory therefore gives the same root as
        scanning the whole project.
        """
        if self._root is None:
            self._root = self._find_root()
        return self._root

    def _scan_base(self) -> Path:
        named = [normalize(path) for path in self.files.scan_roots]
        if not named:
            named = [normalize(path) for path in self.files.paths]
        if not named:
            return normalize(self.pattern_root) if self.pattern_root is not None else Path(os.sep)
        common = Path(os.path.commonpath([str(path) for path in named]))
        if common in named and not common.is_dir():
            return common.parent
        return common

    def _find_root(self) -> Path:
        base = self._scan_base()
        try:
            top = find_work_tree(base) if base.exists() else None
        except GitError:
            top = None
        if top is not None:
            return normalize(top)
        pattern_root = normalize(self.pattern_root) if self.pattern_root is not None else None
        if pattern_root is not None and not base.is_relative_to(pattern_root):
            pattern_root = None
        # The walk stops at the configuration's directory, and it never takes
        # a home directory as the project: a stray `~/package.json` is common.
        root = base
        home = normalize(Path.home())
        current = base
        while True:
            usedpaths.watch(current / "package.json")
            if (current / "package.json").is_file() and current != home:
                root = current
                break
            if current == pattern_root or current.parent == current:
                break
            current = current.parent
        return pattern_root if pattern_root is not None else root

    def profile_for(self, path: Path) -> Profile:
        """Return the profile of the package nearest above ``path`` (monorepo-aware)."""
        directory = self._package_directory(normalize(path).parent)
        key = directory if directory is not None else self.root
        profile = self._profiles.get(key)
        if profile is None:
            package_json = key / "package.json" if directory is not None else None
            profile = load_profile(
                key,
                package_json,
                read=self._read,
                listing=self._listing(key),
                extra_prefixes=self.public_env_prefixes,
                display=self.display_path,
            )
            self._profiles[key] = profile
        return profile

    @property
    def notices(self) -> list[str]:
        """Problems found in the configuration read so far, such as an invalid ``package.json``."""
        found: dict[str, None] = {}
        for profile in self._profiles.values():
            found.update(dict.fromkeys(profile.notices))
        return list(found)

    def placement(self, path: Path, module: Module, offset: int | None = None) -> Placement:
        """Return where ``module`` of the file at ``path`` runs, and why.

        With ``offset``, a position inside one of the module's
        ``server_regions`` is server code, with the region's label as reason.
        """
        path = normalize(path)
        if offset is not None:
            for region in module.server_regions:
                if region.start <= offset < region.end:
                    return Placement(SERVER, region.label)
        key = (path, id(module))
        cached = self._placements.get(key)
        if cached is not None and cached[0] is module:
            return cached[1]
        placement = self._place(path, self._label(path, module))
        self._placements[key] = (module, placement)
        return placement

    def display_path(self, path: Path) -> str:
        """Return ``path`` as reasons show it: relative to the project root, with ``/``."""
        try:
            return normalize(path).relative_to(self.root).as_posix()
        except ValueError:
            return normalize(path).as_posix()

    # --- Placement ----------------------------------------------------------

    def _place(self, path: Path, label: Label) -> Placement:
        if label.side in (CLIENT, BOTH):
            return Placement(label.side, label.reason, label.target)
        if label.hard:
            return Placement(label.side, label.reason)
        chain = self._client_chain(path)
        if chain is not None:
            reason = describe(chain, self.display_path)
            target = chain.seed.target
            both = label.side == SERVER or chain.seed.side == BOTH
            if both or self._server_chain(path) is not None:
                return Placement(BOTH, reason, target)
            return Placement(CLIENT, reason, target)
        if label.side == SERVER:
            return Placement(SERVER, label.reason)
        chain = self._server_chain(path)
        if chain is not None:
            return Placement(SERVER, describe(chain, self.display_path))
        return Placement(UNKNOWN, label.reason)

    def _client_chain(self, path: Path) -> Chain | None:
        if path not in self._client_chains:
            self._client_chains[path] = self.graph.search(
                path,
                label_of=self._edge_label,
                follows=_client_follows,
                is_seed=lambda label: label.side in (CLIENT, BOTH),
                passes=lambda label: not label.hard,
            )
        return self._client_chains[path]

    def _server_chain(self, path: Path) -> Chain | None:
        if path not in self._server_chains:
            self._server_chains[path] = self.graph.search(
                path,
                label_of=self._edge_label,
                follows=lambda edge: not edge.item.type_only,
                is_seed=lambda label: label.side in (SERVER, BOTH) and label.bundled,
                passes=lambda label: label.side == UNKNOWN,
            )
        return self._server_chains[path]

    def _edge_label(self, edge: Edge) -> Label:
        key = (edge.importer, edge.index)
        label = self._labels.get(key)
        if label is None:
            label = self._label(edge.importer, edge.module)
            self._labels[key] = label
        return label

    def _label(self, path: Path, module: Module) -> Label:
        override = self._override(path)
        if override is not None:
            return override
        profile = self.profile_for(path)
        try:
            relative = path.relative_to(profile.root).as_posix()
        except ValueError:
            relative = path.name
        label = classify(module, relative, profile, self.display_path(path))
        if profile.has("astro") and _astro_may_decide(path, label):
            return self._astro_label(path) or label
        return label

    def _astro_label(self, path: Path) -> Label | None:
        """Label a component by how ``.astro`` files render it.

        Astro runs a framework component only on the server unless a page
        renders it with a ``client:*`` directive, which hydrates it in the
        browser.
        """
        edges = self.graph.importers([path])[path]
        rendered_by: Path | None = None
        for edge in sorted(edges, key=lambda edge: (str(edge.importer), edge.item.offset)):
            module = edge.module
            if edge.importer.suffix != ".astro" or module.block != "frontmatter":
                continue
            if edge.item.type_only:
                continue
            rendered = self._rendered(edge.importer)
            for _, local in edge.item.names:
                directive = rendered.get(local)
                if directive:
                    shown = self.display_path(edge.importer)
                    reason = f"`{shown}` renders `{local}` with `client:{directive}`"
                    return Label(CLIENT, reason)
                if directive is not None and rendered_by is None:
                    rendered_by = edge.importer
        if rendered_by is None:
            return None
        reason = (
            f"`{self.display_path(path)}` is rendered by `{self.display_path(rendered_by)}` "
            "without a `client:*` directive"
        )
        return Label(SERVER, reason)

    def _rendered(self, path: Path) -> dict[str, str]:
        """Map each component an ``.astro`` file renders to its ``client:*`` directive, or ""."""
        cached = self._hydration.get(path)
        if cached is None:
            cached = rendered_components(self._read(path) or "")
            self._hydration[path] = cached
        return cached

    def _override(self, path: Path) -> Label | None:
        """Apply ``client-paths`` and ``server-paths``, matched like ``exclude`` patterns.

        A pattern without a slash matches any file or directory name, one with
        a slash matches a path relative to ``pattern_root`` (else the project
        root), and a pattern that matches a directory covers every file below.
        """
        if not self.client_paths and not self.server_paths:
            return None
        base = normalize(self.pattern_root) if self.pattern_root is not None else self.root
        name = f"`{self.display_path(path)}`"
        for option, patterns, side in (
            ("client-paths", self.client_paths, CLIENT),
            ("server-paths", self.server_paths, SERVER),
        ):
            for pattern in patterns:
                matcher = DiscoveryOptions(exclude_patterns=(pattern,), pattern_root=base)
                if matcher.excludes(path):
                    reason = f"{name} matches `{option}` pattern `{pattern}`"
                    return Label(side, reason, hard=side == SERVER)
        return None

    # --- Files, packages and resolution --------------------------------------

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            paths = set(self.files.paths)
            if self.files.universe is not None:
                paths.update(self.files.universe(self.root))
            self._resolver = Resolver(paths, self._read)
        return self._resolver

    @property
    def graph(self) -> ImportGraph:
        if self._graph is None:
            code = sorted(path for path in self.resolver.paths if path.suffix in _CODE_SUFFIXES)
            self._graph = ImportGraph(
                code, self.files.text, self.files.modules, self._resolve_import, self._needles
            )
        return self._graph

    def resolve(self, specifier: str, importer: Path) -> Path | None:
        """Return the scanned file that ``specifier`` in ``importer`` loads, or ``None``."""
        importer = normalize(importer)
        return self.resolver.resolve(specifier, importer, self.profile_for(importer))

    def _resolve_import(self, item: Import, importer: Path) -> Path | None:
        specifier = item.specifier
        if item.kind == "script" and _is_document_relative(specifier):
            # A browser resolves `<script src="js/app.js">` against the page's URL,
            # so a bare path there is relative to the HTML file.
            specifier = "./" + specifier
        return self.resolve(specifier, importer)

    def _needles(self, path: Path) -> set[str]:
        """Return strings that every import of ``path`` contains."""
        stem = path.name.rsplit(".", 1)[0] if "." in path.name else path.name
        needles = {path.parent.name if stem == "index" else stem}
        profile = self.profile_for(path)
        for pattern, targets in profile.aliases:
            if "*" in pattern:
                continue
            if any(self.resolver.probe(Path(target)) == path for target in targets):
                needles.add(pattern)
        needles.update(self.resolver.package_names_for(path))
        # NOTE: an `index.*` file imported as "." or ".." contains no needle,
        # so such importers are not found.
        return {needle for needle in needles if needle}

    def _package_directory(self, directory: Path) -> Path | None:
        """Return the nearest directory at or above ``directory`` with a ``package.json``."""
        visited = []
        current: Path | None = directory
        found: Path | None = None
        while current is not None:
            if current in self._package_directories:
                found = self._package_directories[current]
                break
            visited.append(current)
            if self._exists(current / "package.json"):
                found = current
                break
            if current == self.root or current.parent == current:
                break
            current = current.parent
        for seen in visited:
            self._package_directories[seen] = found
        return found

    def _exists(self, path: Path) -> bool:
        if path in self.resolver.paths:
            return True
        usedpaths.watch(path)
        return path.is_file()

    def _listing(self, directory: Path) -> list[Path]:
        if self._directories is None:
            self._directories = {}
            for path in self.resolver.paths:
                self._directories.setdefault(path.parent, []).append(path)
        names = {path.name for path in self._directories.get(directory, [])}
        usedpaths.watch(directory)
        with contextlib.suppress(OSError):
            names.update(entry.name for entry in os.scandir(directory) if entry.is_file())
        return [directory / name for name in sorted(names)]

    def _read(self, path: Path) -> str | None:
        """Return a configuration file's text, from the scan or else from disk."""
        path = normalize(path)
        if path in self._reads:
            return self._reads[path]
        text: str | None = None
        if path in self.resolver.paths:
            text = self.files.text(path)
        else:
            usedpaths.watch(path)
            try:
                if path.is_file() and path.stat().st_size <= _MAX_CONFIG_BYTES:
                    text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = None
        self._reads[path] = text
        return text


def _astro_may_decide(path: Path, label: Label) -> bool:
    """Tell whether how ``.astro`` files render ``path`` decides where it runs."""
    if path.suffix not in _COMPONENT_SUFFIXES or label.hard:
        return False
    if label.side == UNKNOWN or label.heuristic:
        return True
    # Vue and Svelte components are labelled as rendered in the browser, which
    # in Astro holds only with a `client:*` directive.
    return label.side == BOTH and path.suffix in (".vue", ".svelte")


def _is_document_relative(specifier: str) -> bool:
    """Tell whether a `src` or `href` value is a path relative to its page."""
    if not specifier or specifier.startswith(("/", ".", "#", "?")):
        return False
    scheme = specifier.split("/", 1)[0]
    return ":" not in scheme


def _client_follows(edge: Edge) -> bool:
    """Tell whether client code that runs ``edge.module`` also loads the import."""
    item = edge.item
    if item.type_only or item.server_only or edge.module.block == "frontmatter":
        return False
    return not any(
        region.start <= item.offset < region.end for region in edge.module.server_regions
    )
