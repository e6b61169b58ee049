"""Safe fixes: add the missing dotenv entries to ``.gitignore`` (TTAI401).

Entries are appended to the ``.gitignore`` each finding points at (created
when missing), keeping the file's line endings and ending it with a line
break. Only entries git does not already honour are added, so running the
fix twice changes nothing the second time.
"""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ttai_guard.finding import Finding

_GLOB_SPECIALS = "*?[\\"


@dataclass(frozen=True)
class FileEdit:
    """The new text of one file, and the findings the edit fixes."""

    path: Path
    old: str
    new: str
    fixed: tuple[Finding, ...]

    def diff(self, shown_path: str) -> str:
        """Return a unified diff of the edit, with ``shown_path`` as the file name."""
        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            fromfile=f"a/{shown_path}",
            tofile=f"b/{shown_path}",
        )
        return "".join(lines)


def _pattern(name: str) -> str:
    """Return a .gitignore line that matches ``name`` literally."""
    escaped = "".join(f"\\{char}" if char in _GLOB_SPECIALS else char for char in name)
    if escaped.startswith(("#", "!")):
        escaped = "\\" + escaped
    return escaped


def plan_gitignore_fixes(
    fixes: list[tuple[Finding, tuple[str, ...]]],
) -> tuple[list[FileEdit], list[str]]:
    """Return the edits that fix TTAI401 findings, and notes on findings left unfixed."""
    wanted: dict[Path, list[str]] = {}
    fixed: dict[Path, list[Finding]] = {}
    problems: list[str] = []
    for finding, missing in fixes:
        path = finding.path
        if os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode):
            problems.append(f"{path}: not a regular file, so it was not changed")
            continue
        entries = wanted.setdefault(path, [])
        for name in missing:
            if name not in entries:
                entries.append(name)
        fixed.setdefault(path, []).append(finding)
    edits = []
    for path, names in wanted.items():
        old = _read_exact(path)
        newline = "\r\n" if "\r\n" in old else "\n"
        # Appended lines come last, so they also override an earlier negation.
        additions = [_pattern(name) for name in names]
        new = old
        if new and not new.endswith(("\n", "\r")):
            new += newline
        new += newline.join(additions) + newline
        edits.append(FileEdit(path, old, new, tuple(fixed[path])))
    return edits, problems


def _read_exact(path: Path) -> str:
    """Read ``path`` keeping its line endings ("" for a missing file)."""
    if not path.exists():
        return ""
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        return handle.read()


def apply_edits(edits: list[FileEdit]) -> None:
    """Write each edit, replacing the file in one step."""
    for edit in edits:
        temporary = edit.path.with_name(f".{edit.path.name}.tmp{os.getpid()}")
        temporary.write_text(edit.new, encoding="utf-8", errors="surrogateescape", newline="")
        if edit.path.exists():
            os.chmod(temporary, stat.S_IMODE(os.stat(edit.path).st_mode))
        os.replace(temporary, edit.path)
