"""Safe fixes: add the missing dotenv entries to ``.gitignore`` (TTAI401).

Entries are appended to the ``.gitignore`` each finding points at (created
when missing), keeping the file's line endings and ending it with a line
break. Only entries git does not already honour are added, so running the
fix twice changes nothing the second time.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ttai_guard.filekinds import is_env_file_name
from ttai_guard.finding import Finding
from ttai_guard.outputfile import write_file_bytes
from ttai_guard.reporters import display_path
from ttai_guard.tokens import mask_random_runs, redact, redact_text

_GLOB_SPECIALS = "*?[\\"
_NO_NEWLINE = "\\ No newline at end of file\n"
# A dotenv binding in a diff line: the line's marker, an optional `export`,
# the key and `=`, then the value.
_ENV_BINDING = re.compile(r"^([ +-][ \t]*(?:export[ \t]+)?[^=#\s]+[ \t]*=[ \t]*)(.+?)(\r?\n?)$")


class ApplyError(Exception):
    """Writing an edit failed; the files written before it were restored."""


@dataclass(frozen=True)
class FileEdit:
    """The new text of one file, and the findings the edit fixes."""

    path: Path
    old: str
    new: str
    fixed: tuple[Finding, ...]

    def diff(self, shown_path: str) -> str:
        """Return a unified diff of the edit, with ``shown_path`` as the file name.

        A last line without a line break is followed by ``\\ No newline at
        end of file``, as ``diff -u`` prints it, so ``git apply`` accepts it.
        """
        lines = difflib.unified_diff(
            self.old.splitlines(keepends=True),
            self.new.splitlines(keepends=True),
            fromfile=f"a/{shown_path}",
            tofile=f"b/{shown_path}",
        )
        pieces = []
        for line in lines:
            pieces.append(line)
            if not line.endswith("\n"):
                pieces.append("\n" + _NO_NEWLINE)
        return "".join(pieces)

    def masked_diff(self, shown_path: str, secrets: Iterable[str] = ()) -> str:
        """Return :meth:`diff` with secrets masked, for printing.

        In a dotenv file every value is masked. Then each of ``secrets`` (the
        secrets the scan found in the file), every token-shaped run and every
        long random-looking run (hashes too) is replaced by its redacted form,
        as in excerpts. A masked diff applies only where it masked nothing.
        """
        is_env = is_env_file_name(self.path.name)
        pieces = []
        for line in self.diff(shown_path).splitlines(keepends=True):
            if line.startswith(("--- ", "+++ ", "@@ ", "\\ ")):
                pieces.append(redact_text(line))
                continue
            if is_env:
                line = _mask_env_line(line)
            for secret in sorted(set(secrets), key=len, reverse=True):
                if secret:
                    line = line.replace(secret, redact(secret))
            pieces.append(mask_random_runs(redact_text(line)))
        return "".join(pieces)


def _mask_env_line(line: str) -> str:
    match = _ENV_BINDING.match(line)
    if match is None:
        return line
    return f"{match.group(1)}{redact(match.group(2))}{match.group(3)}"


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
    """Write each edit in order, replacing each file in one step.

    A new dotenv file is created readable by its owner only. When one write
    fails, the files written before it get their old contents back (a file
    that did not exist is removed), and ApplyError names the path and the
    OS error.
    """
    written: list[tuple[FileEdit, bool]] = []
    for edit in edits:
        existed = os.path.lexists(edit.path)
        new_mode = 0o600 if is_env_file_name(edit.path.name) else 0o666
        try:
            write_file_bytes(edit.path, edit.new.encode("utf-8", "surrogateescape"), new_mode)
        except OSError as error:
            message = f"cannot write {display_path(edit.path)}: {error.strerror or error}"
            unrestored = _restore(written)
            if unrestored:
                message += "; these files were changed and could not be restored: " + ", ".join(
                    unrestored
                )
            else:
                message += "; no file was changed"
            raise ApplyError(message) from None
        written.append((edit, existed))


def _restore(written: list[tuple[FileEdit, bool]]) -> list[str]:
    """Undo the edits in ``written``; return the paths that could not be undone."""
    failed = []
    for edit, existed in reversed(written):
        try:
            if existed:
                write_file_bytes(edit.path, edit.old.encode("utf-8", "surrogateescape"))
            else:
                os.unlink(edit.path)
        except OSError:
            failed.append(display_path(edit.path))
    return failed
