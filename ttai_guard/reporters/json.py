"""The JSON format: findings, skipped files and a summary in one document."""

from __future__ import annotations

import json
from typing import Any, TextIO

from ttai_guard import __version__
from ttai_guard.finding import fingerprint
from ttai_guard.reporters import display_path, summary_counts
from ttai_guard.rules.catalog import RULES
from ttai_guard.runner import ScanResult
from ttai_guard.tokens import redact_text


def build_json(result: ScanResult) -> dict[str, Any]:
    findings = []
    for finding in result.findings:
        path = display_path(finding.path)
        rule = RULES[finding.rule]
        findings.append(
            {
                "rule": finding.rule,
                "name": rule.name,
                "level": finding.level,
                "path": path,
                "line": finding.line,
                "column": finding.column,
                "end_line": finding.end_line,
                "end_column": finding.end_column,
                "message": redact_text(finding.message),
                "snippet": redact_text(finding.snippet),
                "checklist": rule.checklist,
                "fingerprint": fingerprint(finding, path),
                "fixable": finding.fixable,
            }
        )
    skipped = [{"path": display_path(item.path), "reason": item.reason} for item in result.skipped]
    unreadable = [
        {"path": display_path(item.path), "reason": item.reason} for item in result.errors
    ]
    return {
        "version": __version__,
        "findings": findings,
        "skipped": skipped,
        "errors": unreadable,
        "notices": [redact_text(notice) for notice in result.notices],
        "summary": {**summary_counts(result), "complete": not result.partial},
    }


def write_json(result: ScanResult, stream: TextIO) -> None:
    # One write: json.dump writes each of the encoder's many small pieces.
    stream.write(json.dumps(build_json(result), indent=2, ensure_ascii=False) + "\n")
