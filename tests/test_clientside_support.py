"""Helpers for the client-side placement tests: real files, hand-built modules.

Each test writes its files into ``tmp_path`` and lists, per file, the
modules the JavaScript analyzer would report. ``ProjectFiles.modules`` is a
real callable that records every file it is asked to parse, so a test can
check how much of the tree one query reads.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import write_files

from ttai_guard.clientside import Placement, Project, ProjectFiles
from ttai_guard.facts import Import, Module, Region


def imp(specifier: str, kind: str = "import", **flags: bool) -> Import:
    """Build an import of ``specifier`` (``type_only=True``, ``server_only=True``)."""
    return Import(
        specifier, 0, kind, (), flags.get("type_only", False), flags.get("server_only", False)
    )


def mod(
    *imports: str | Import,
    directive: str = "",
    block: str = "",
    regions: tuple[Region, ...] = (),
    client: tuple[str, ...] = (),
    server: tuple[str, ...] = (),
) -> Module:
    """Build a module with the given imports, directive, block and signals."""
    items = [item if isinstance(item, Import) else imp(item) for item in imports]
    return Module(
        block=block,
        directive=directive,
        imports=items,
        server_regions=list(regions),
        client_signals=[(reason, 0) for reason in client],
        server_signals=[(reason, 0) for reason in server],
    )


def package(*dependencies: str, **fields: object) -> str:
    """Return a ``package.json`` text depending on ``dependencies``."""
    document: dict[str, object] = {
        "name": "app",
        "dependencies": dict.fromkeys(dependencies, "1.0.0"),
    }
    document.update(fields)
    return json.dumps(document, indent=2)


class Tree:
    """A project on disk plus the modules of each file, with a parse counter."""

    def __init__(
        self,
        root: Path,
        files: dict[str, str],
        modules: dict[str, list[Module]] | None = None,
        **options: object,
    ) -> None:
        self.root = root
        self.modules = modules or {}
        # Each file's text names the specifiers its modules import, as real
        # source would, so the substring test that finds importers sees them.
        written = dict(files)
        for name, listed in self.modules.items():
            specifiers = [item.specifier for module in listed for item in module.imports]
            written[name] = written.get(name, "") + "".join(f"\n// {s}" for s in specifiers)
        write_files(root, written)
        self.parsed: list[str] = []
        paths = tuple(sorted(root / name for name in written))
        files_view = ProjectFiles(paths, self._text, self._modules)
        self.project = Project.build(files_view, pattern_root=root, **options)  # type: ignore[arg-type]

    def _text(self, path: Path) -> str | None:
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def _modules(self, path: Path) -> list[Module]:
        name = path.relative_to(self.root).as_posix()
        self.parsed.append(name)
        return self.modules.get(name, [Module()])

    def place(self, name: str, index: int = 0, offset: int | None = None) -> Placement:
        """Place module ``index`` of file ``name`` (a default empty module if none is listed)."""
        listed = self.modules.get(name)
        module = listed[index] if listed else Module()
        return self.project.placement(self.root / name, module, offset)
