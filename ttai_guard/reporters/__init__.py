"""Reporters render a :class:`~ttai_guard.runner.ScanResult` in one format.

Every reporter writes paths relative to the current directory (POSIX
separators) and only redacted text: messages and excerpts are redacted when
findings are made, and :func:`~ttai_guard.tokens.redact_text` runs again on
every string a reporter emits.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from ttai_guard.finding import Finding
from ttai_guard.runner import ScanResult
from ttai_guard.tokens import redact_text


def display_path(path: Path, base: Path | None = None) -> str:
    """Return ``path`` relative to ``base`` (default: the current directory).

    A token in a file or directory name is redacted like any other.
    """
    try:
        relative = os.path.relpath(path, base or os.getcwd())
    except ValueError:
        # Windows: another drive than the base's.
        relative = os.fspath(path)
    if os.sep != "/":
        relative = relative.replace(os.sep, "/")
    return redact_text(relative)


def summary_counts(result: ScanResult) -> dict[str, int]:
    levels = Counter(finding.level for finding in result.findings)
    return {
        "findings": len(result.findings),
        "errors": levels.get("error", 0),
        "warnings": levels.get("warning", 0),
        "notes": levels.get("note", 0),
        "files_scanned": result.files_scanned,
        "files_skipped": len(result.skipped),
        "files_unreadable": len(result.errors),
    }


# Control characters from file contents or names would drive the terminal
# (an escape sequence in a file name can clear the screen), so text output
# shows them as escapes. Tab is kept.
_CONTROL = {code: f"\\x{code:02x}" for code in (*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F)}


def printable(text: str) -> str:
    """Return ``text`` with control characters written as ``\\xNN`` escapes."""
    return text.translate(_CONTROL)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def summary_line(result: ScanResult) -> str:
    counts = summary_counts(result)
    levels = f"{_count(counts['errors'], 'error')}, {_count(counts['warnings'], 'warning')}"
    if counts["notes"]:
        levels += f", {_count(counts['notes'], 'note')}"
    line = (
        f"Found {_count(counts['findings'], 'finding')} ({levels}) in "
        f"{_count(counts['files_scanned'], 'file')}; {counts['files_skipped']} skipped."
    )
    if result.errors:
        line += f" {len(result.errors)} could not be read: the scan is incomplete."
    return line


def findings_by_path(findings: list[Finding]) -> dict[Path, list[Finding]]:
    grouped: dict[Path, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.path, []).append(finding)
    return grouped
