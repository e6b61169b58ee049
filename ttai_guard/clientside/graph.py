"""The reverse import graph, explored on demand from one file.

Placing one file needs only the files that import it, transitively, up to
the nearest module that is client (or server) code by itself. The graph
finds a file's importers without parsing the tree: a file can only import
``lib/ttai.ts`` if its text contains ``ttai`` (or the directory name for an
``index.*`` file, or an alias or package name that resolves to it), so only
files that pass that substring test are parsed and their imports resolved.
Each file's importers are found once and kept. A breadth-first search over
importers yields the shortest chain from a seed module to the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ttai_guard.clientside.classify import Label
from ttai_guard.facts import Import, Module

#: Chains longer than this many hops are shown with the middle files counted.
SHOWN_HOPS = 3


@dataclass(frozen=True)
class Edge:
    """``item`` in module ``index`` of ``importer`` loads the target file."""

    importer: Path
    index: int
    module: Module
    item: Import


@dataclass(frozen=True)
class Chain:
    """A seed module's label and the import steps from its file to the target.

    ``steps`` pairs each import kind with the file it reaches, in order, so
    the last step's file is the target.
    """

    seed: Label
    steps: tuple[tuple[str, Path], ...]


class ImportGraph:
    """Importers of files, found lazily by a substring test and confirmed by parsing.

    ``code_paths`` lists the files that may import others. ``resolve(item,
    importer)`` returns the file an import loads, and ``needles(path)`` the
    strings that every import of ``path`` contains.
    """

    def __init__(
        self,
        code_paths: Iterable[Path],
        text: Callable[[Path], str | None],
        modules: Callable[[Path], list[Module]],
        resolve: Callable[[Import, Path], Path | None],
        needles: Callable[[Path], set[str]],
    ) -> None:
        self.code_paths = tuple(code_paths)
        self._text = text
        self._modules = modules
        self._resolve = resolve
        self._needles = needles
        self._module_cache: dict[Path, list[Module]] = {}
        self._targets: dict[Path, list[tuple[int, Module, Import, Path]]] = {}
        self._importers: dict[Path, list[Edge]] = {}

    def modules_of(self, path: Path) -> list[Module]:
        """Return the modules of ``path``, parsing it at most once."""
        cached = self._module_cache.get(path)
        if cached is None:
            cached = list(self._modules(path))
            self._module_cache[path] = cached
        return cached

    def importers(self, targets: Iterable[Path]) -> dict[Path, list[Edge]]:
        """Return the edges into each target, scanning the tree once for all new targets."""
        wanted = list(dict.fromkeys(targets))
        pending = {
            target: self._needles(target) for target in wanted if target not in self._importers
        }
        if pending:
            for target in pending:
                self._importers[target] = []
            for candidate in self.code_paths:
                text = self._text(candidate)
                if text is None:
                    continue
                if not any(
                    target != candidate and any(needle in text for needle in needles)
                    for target, needles in pending.items()
                ):
                    continue
                for index, module, item, resolved in self._resolved_imports(candidate):
                    if resolved in pending and resolved != candidate:
                        edge = Edge(candidate, index, module, item)
                        self._importers[resolved].append(edge)
        return {target: self._importers[target] for target in wanted}

    def _resolved_imports(self, path: Path) -> list[tuple[int, Module, Import, Path]]:
        cached = self._targets.get(path)
        if cached is None:
            cached = []
            for index, module in enumerate(self.modules_of(path)):
                for item in module.imports:
                    resolved = self._resolve(item, path)
                    if resolved is not None:
                        cached.append((index, module, item, resolved))
            self._targets[path] = cached
        return cached

    def search(
        self,
        target: Path,
        label_of: Callable[[Edge], Label],
        follows: Callable[[Edge], bool],
        is_seed: Callable[[Label], bool],
        passes: Callable[[Label], bool],
    ) -> Chain | None:
        """Find the shortest chain from a seed module to ``target``.

        An edge counts when ``follows(edge)``. The importing module is a seed
        when ``is_seed`` accepts its label, and the search goes on through its
        file when ``passes`` does. Cycles end because each file is visited once.
        """
        previous: dict[Path, tuple[Path, Edge] | None] = {target: None}
        frontier = [target]
        while frontier:
            found = self.importers(frontier)
            following: list[Path] = []
            for current in frontier:
                for edge in sorted(found[current], key=_edge_order):
                    if not follows(edge):
                        continue
                    label = label_of(edge)
                    if is_seed(label):
                        return Chain(label, _steps(previous, current, edge))
                    if passes(label) and edge.importer not in previous:
                        previous[edge.importer] = (current, edge)
                        following.append(edge.importer)
            frontier = following
        return None


def _edge_order(edge: Edge) -> tuple[str, int, int]:
    return (str(edge.importer), edge.index, edge.item.offset)


def _steps(
    previous: dict[Path, tuple[Path, Edge] | None], current: Path, edge: Edge
) -> tuple[tuple[str, Path], ...]:
    """Return the steps from ``edge``'s importer through ``current`` to the target."""
    steps = [(edge.item.kind, current)]
    link = previous[current]
    while link is not None:
        following, following_edge = link
        steps.append((following_edge.item.kind, following))
        link = previous[following]
    return tuple(steps)


def describe(chain: Chain, shown: Callable[[Path], str]) -> str:
    """Write a chain as a reason: "`a.tsx` starts with 'use client' and imports `b.ts`"."""
    parts = [chain.seed.reason]
    steps = chain.steps
    if len(steps) > SHOWN_HOPS:
        hidden = len(steps) - SHOWN_HOPS
        files = "file" if hidden == 1 else "files"
        head = steps[: SHOWN_HOPS - 1]
        for position, (kind, path) in enumerate(head):
            parts.append(f"{_joiner(position, chain.seed.reason)} {_verb(kind)} `{shown(path)}`")
        parts.append(f", which leads to `{shown(steps[-1][1])}` via {hidden} more {files}")
    else:
        for position, (kind, path) in enumerate(steps):
            parts.append(f"{_joiner(position, chain.seed.reason)} {_verb(kind)} `{shown(path)}`")
    return "".join(parts)


def _joiner(position: int, seed: str) -> str:
    if position > 0:
        return ", which"
    # "X is a route handler, run on the server, and imports Y" keeps the clauses apart.
    return ", and" if "," in seed else " and"


def _verb(kind: str) -> str:
    return "loads" if kind == "script" else "imports"
