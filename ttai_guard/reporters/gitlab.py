"""GitLab Code Quality report: a JSON array of issues."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, TextIO

from ttai_guard.finding import fingerprint
from ttai_guard.reporters import display_path
from ttai_guard.rules.catalog import RULES
from ttai_guard.runner import ScanResult
from ttai_guard.tokens import redact_text

_SEVERITIES = {"error": "critical", "warning": "major", "note": "info"}


def build_gitlab(result: ScanResult) -> list[dict[str, Any]]:
    issues = []
    seen: Counter[str] = Counter()
    for finding in result.findings:
        path = display_path(finding.path)
        key = fingerprint(finding, path)
        # GitLab merges issues with equal fingerprints, so repeats get a suffix.
        seen[key] += 1
        if seen[key] > 1:
            key = f"{key}-{seen[key]}"
        issues.append(
            {
                "description": redact_text(f"{finding.rule} {finding.message}"),
                "check_name": f"{finding.rule} {RULES[finding.rule].name}",
                "fingerprint": key,
                "severity": _SEVERITIES[finding.level],
                "location": {
                    "path": path,
                    "lines": {"begin": finding.line, "end": finding.end_line},
                },
            }
        )
    return issues


def write_gitlab(result: ScanResult, stream: TextIO) -> None:
    json.dump(build_gitlab(result), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
