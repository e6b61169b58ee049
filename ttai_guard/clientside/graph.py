"""The reverse import graph, explored on demand from one file.

Placing one file needs only the files that import it, transitively, up to
the nearest module that is client (or server) code by itself. The first
query reads every candidate file once and indexes the words of its text, as
split at quotes, slashes and other characters that end a path segment. A
file can only import ``lib/ttai.ts`` if it contains the word ``ttai``, or
the directory name for an ``index.*`` file, or an alias or package name that
resolves to it. So a query parses only the files the index lists for its
target's words. Each file is parsed and its imports resolved at most once,
and every resolved edge is kept, so a whole search is linear in the files it
touches. A breadth-first search over importers yields the shortest chain
from a seed module to the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ttai_guard.clientside.classify import Label
from ttai_guard.facts import Import, Module

#: Chains longer than this many hops are shown with the middle files counted.
SHOWN_HOPS = 3

# Characters that cannot occur inside one segment of an import specifier as
# written in source or markup: quotes, path separators, the start of a query
# or fragment, and the punctuation around a specifier.
_WORD_SEPARATORS = re.compile(r"[\s'\"`/\\?#<>=(),;{}]+")


def words_of(text: str) -> set[str]:
    """Return the path segments ``text`` may name, each also without its last suffix.

    ``import x from "../lib/api.js"`` yields ``api.js`` and ``api`` among others.
    """
    found: set[str] = set()
    for token in _WORD_SEPARATORS.split(text):
        if not token:
            continue
        found.add(token)
        stem, dot, _ = token.rpartition(".")
        if dot and stem:
            found.add(stem)
    return found


def _needle_word(needle: str) -> str | None:
    """Return the index word an import containing ``needle`` must contain."""
    tokens = [token for token in _WORD_SEPARATORS.split(needle) if token]
    return tokens[-1] if tokens else None


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
    """Importers of files, found through a word index and confirmed by parsing.

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
        self._index: dict[str, list[Path]] | None = None
        self._processed: set[Path] = set()
        self._edges: dict[Path, list[Edge]] = {}
        self._answered: set[Path] = set()

    def modules_of(self, path: Path) -> list[Module]:
        """Return the modules of ``path``, parsing it at most once."""
        cached = self._module_cache.get(path)
        if cached is None:
            cached = list(self._modules(path))
            self._module_cache[path] = cached
        return cached

    def importers(self, targets: Iterable[Path]) -> dict[Path, list[Edge]]:
        """Return the edges into each target, parsing only files the index lists."""
        wanted = list(dict.fromkeys(targets))
        index = self._word_index()
        for target in wanted:
            if target in self._answered:
                continue
            self._answered.add(target)
            for needle in sorted(self._needles(target)):
                word = _needle_word(needle)
                for candidate in index.get(word, ()) if word is not None else ():
                    if candidate != target:
                        self._add_edges(candidate)
        return {target: self._edges.get(target, []) for target in wanted}

    def _word_index(self) -> dict[str, list[Path]]:
        """Map each word to the code files containing it, reading each file once."""
        if self._index is None:
            index: dict[str, list[Path]] = {}
            for path in self.code_paths:
                text = self._text(path)
                if text is None:
                    continue
                for word in words_of(text):
                    index.setdefault(word, []).append(path)
            self._index = index
        return self._index

    def _add_edges(self, path: Path) -> None:
        """Parse ``path`` once and record every import of it that resolves to a file."""
        if path in self._processed:
            return
        self._processed.add(path)
        for index, module in enumerate(self.modules_of(path)):
            for item in module.imports:
                resolved = self._resolve(item, path)
                if resolved is not None and resolved != path:
                    self._edges.setdefault(resolved, []).append(Edge(path, index, module, item))

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
