"""Baselines: accepted findings, stored as keyed fingerprints.

A baseline file lists, per finding, the rule, the path relative to the
baseline's directory, and a fingerprint of the rule, that path and the
secret or the normalised code (never the line number, never the secret).
Lines can move and files can be reformatted without making an entry stale;
a different secret on the same line is a new finding. Entries are sorted, so
rewriting an unchanged baseline gives an identical file.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ttai_guard.finding import Finding, fingerprint
from ttai_guard.outputfile import write_output_file
from ttai_guard.tokens import redact_text

FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file is missing or invalid; the message names the file."""


@dataclass(frozen=True, order=True)
class Entry:
    path: str
    rule: str
    fingerprint: str


def _entry(finding: Finding, base: Path) -> Entry:
    relative = Path(os.path.relpath(finding.path, base)).as_posix()
    return Entry(redact_text(relative), finding.rule, fingerprint(finding, relative))


def write_baseline(findings: list[Finding], path: Path) -> int:
    """Write the baseline for ``findings`` to ``path``; return the number of entries."""
    base = path.resolve().parent
    counts = Counter(_entry(finding, base) for finding in findings)
    entries = [
        {"rule": entry.rule, "path": entry.path, "fingerprint": entry.fingerprint, "count": count}
        for entry, count in sorted(counts.items())
    ]
    document = {"tool": "ttai-guard", "version": FORMAT_VERSION, "findings": entries}
    text = json.dumps(document, indent=2) + "\n"
    write_output_file(path, lambda stream: stream.write(text))
    return sum(counts.values())


def read_baseline(path: Path) -> Counter[Entry]:
    """Read a baseline file into a multiset of entries."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"{path}: cannot read: {error.strerror}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path}: invalid JSON: {error}") from None
    entries: Counter[Entry] = Counter()
    items = document.get("findings") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise BaselineError(f"{path}: not a ttai-guard baseline (no `findings` list)")
    for number, item in enumerate(items, start=1):
        try:
            entry = Entry(str(item["path"]), str(item["rule"]), str(item["fingerprint"]))
            count = int(item.get("count", 1))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise BaselineError(f"{path}: entry {number} is invalid") from None
        entries[entry] += max(count, 1)
    return entries


def apply_baseline(findings: list[Finding], path: Path) -> tuple[list[Finding], list[Entry]]:
    """Drop the findings the baseline accepts; return the rest and the stale entries."""
    remaining = read_baseline(path)
    base = path.resolve().parent
    kept = []
    for finding in findings:
        entry = _entry(finding, base)
        if remaining[entry] > 0:
            remaining[entry] -= 1
        else:
            kept.append(finding)
    stale = sorted(entry for entry, count in remaining.items() if count > 0)
    return kept, stale
