"""The reverse import search reads and parses each file at most once.

A chain of imports thousands of files long must not make the search read
the tree once per level: the word index is built in one pass and each
candidate file is parsed once.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from conftest import write_files

from ttai_guard import filekinds
from ttai_guard.analysis import analyze_text
from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.clientside import CLIENT, Project, ProjectFiles
from ttai_guard.facts import Module

LENGTH = 2000


class CountingFiles:
    """Real files and real parses, counting each read and each parse per file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.reads: Counter[Path] = Counter()
        self.parses: Counter[Path] = Counter()

    def text(self, path: Path) -> str | None:
        self.reads[path] += 1
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def modules(self, path: Path) -> list[Module]:
        self.parses[path] += 1
        text = path.read_text(encoding="utf-8")
        return analyze_text(filekinds.kind_of(path), text, AnalyzerSettings()).modules


def chain_files() -> dict[str, str]:
    files = {
        "package.json": '{"name": "chain"}',
        "src/m0.ts": "'use client';\nimport { f1 } from './m1';\nexport const f0 = f1;\n",
    }
    for number in range(1, LENGTH - 1):
        files[f"src/m{number}.ts"] = (
            f"import {{ f{number + 1} }} from './m{number + 1}';\n"
            f"export const f{number} = f{number + 1};\n"
        )
    files[f"src/m{LENGTH - 1}.ts"] = f"export const f{LENGTH - 1} = 1;\n"
    return files


def test_chain_reads_once(tmp_path: Path) -> None:
    files = chain_files()
    write_files(tmp_path, files)
    counting = CountingFiles(tmp_path)
    paths = tuple(sorted(tmp_path / name for name in files))
    project = Project.build(
        ProjectFiles(paths, counting.text, counting.modules), pattern_root=tmp_path
    )
    last = tmp_path / "src" / f"m{LENGTH - 1}.ts"
    module = Module(start=0, end=len(files[f"src/m{LENGTH - 1}.ts"]))
    placement = project.placement(last, module)
    assert placement.side == CLIENT
    assert placement.reason == (
        "`src/m0.ts` starts with 'use client' and imports `src/m1.ts`, which imports "
        f"`src/m2.ts`, which leads to `src/m{LENGTH - 1}.ts` via {LENGTH - 4} more files"
    )
    assert max(counting.reads.values()) == 1
    assert max(counting.parses.values()) == 1
    assert len(counting.parses) == LENGTH - 1


def test_nothing_read_before_query(tmp_path: Path) -> None:
    files = chain_files()
    write_files(tmp_path, {name: files[name] for name in ("package.json", "src/m0.ts")})
    counting = CountingFiles(tmp_path)
    Project.build(
        ProjectFiles((tmp_path / "src" / "m0.ts",), counting.text, counting.modules),
        pattern_root=tmp_path,
    )
    assert sum(counting.reads.values()) == 0
    assert sum(counting.parses.values()) == 0
