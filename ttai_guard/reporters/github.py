"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from typing import TextIO

from ttai_guard.reporters import display_path, summary_line
from ttai_guard.rules.catalog import RULES
from ttai_guard.runner import ScanResult
from ttai_guard.tokens import redact_text

_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def _escape_data(text: str) -> str:
    """Escape a message the way the Actions runner decodes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(result: ScanResult, stream: TextIO) -> None:
    """Write ``::error file=…,line=…,col=…,title=…::message`` lines, then the summary."""
    for finding in result.findings:
        properties = {
            "file": display_path(finding.path),
            "line": str(finding.line),
            "col": str(finding.column),
            "endLine": str(finding.end_line),
            "endColumn": str(finding.end_column),
            "title": f"{finding.rule} {RULES[finding.rule].name}",
        }
        listed = ",".join(f"{key}={_escape_property(value)}" for key, value in properties.items())
        message = _escape_data(redact_text(finding.message))
        stream.write(f"::{_COMMANDS[finding.level]} {listed}::{message}\n")
    stream.write(summary_line(result) + "\n")
