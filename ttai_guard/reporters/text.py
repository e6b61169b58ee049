"""The text format: ``path:line:col: ID [level] message``, an excerpt, a summary."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from ttai_guard.reporters import display_path, printable, summary_line
from ttai_guard.rules.catalog import RULES
from ttai_guard.runner import ScanResult
from ttai_guard.tokens import redact_text

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_RESET = "\033[0m"


def write_text(
    result: ScanResult, stream: TextIO, *, color: bool = False, quiet: bool = False
) -> None:
    """Write one line per finding with its excerpt, then the summary line."""
    for finding in result.findings:
        location = printable(f"{display_path(finding.path)}:{finding.line}:{finding.column}:")
        level = f"[{finding.level}]"
        if color:
            location = f"{_BOLD}{location}{_RESET}"
            level = f"{_COLORS[finding.level]}{level}{_RESET}"
        message = printable(finding.message)
        stream.write(redact_text(f"{location} {finding.rule} {level} {message}") + "\n")
        if finding.snippet and not quiet:
            excerpt = redact_text(printable(f"    {finding.line} | {finding.snippet}"))
            stream.write((f"{_DIM}{excerpt}{_RESET}" if color else excerpt) + "\n")
    if not quiet or result.findings or result.errors:
        stream.write(summary_line(result) + "\n")


def write_statistics(result: ScanResult, stream: TextIO) -> None:
    """Write one line per rule with its count of findings, most frequent first."""
    counts = Counter(finding.rule for finding in result.findings)
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = RULES[rule_id]
        stream.write(f"{count:>6}  {rule_id}  [{rule.level}]  {rule.name}\n")
    stream.write(summary_line(result) + "\n")
