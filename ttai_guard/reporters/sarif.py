"""The SARIF 2.1.0 format, shaped for GitHub code scanning."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from ttai_guard import __version__
from ttai_guard.finding import fingerprint
from ttai_guard.reporters import display_path
from ttai_guard.rules.catalog import RULES, Rule
from ttai_guard.runner import ScanResult
from ttai_guard.tokens import redact_text

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/ttai-guard/"


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.summary},
        "help": {"text": rule.doc, "markdown": rule.doc},
        "defaultConfiguration": {"level": rule.level},
        "properties": {
            "tags": [*rule.tags, f"checklist-{rule.checklist}"],
            "security-severity": rule.security_severity,
            "precision": "high" if rule.level == "error" else "medium",
        },
    }


def _notification(text: str, level: str) -> dict[str, Any]:
    return {"message": {"text": redact_text(text)}, "level": level}


def build_sarif(result: ScanResult, *, failure: str = "") -> dict[str, Any]:
    """Return a SARIF log for ``result``; ``failure`` marks a run that did not finish."""
    rule_ids = list(RULES)
    results = []
    for finding in result.findings:
        path = display_path(finding.path)
        region: dict[str, Any] = {
            "startLine": max(1, finding.line),
            "startColumn": max(1, finding.column),
            "endLine": max(finding.line, finding.end_line),
            "endColumn": max(1, finding.end_column),
        }
        if region["endLine"] == region["startLine"]:
            region["endColumn"] = max(region["endColumn"], region["startColumn"])
        if finding.snippet:
            region["snippet"] = {"text": redact_text(finding.snippet)}
        results.append(
            {
                "ruleId": finding.rule,
                "ruleIndex": rule_ids.index(finding.rule),
                "level": finding.level,
                "message": {"text": redact_text(finding.message)},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {
                                "uri": quote(path, safe="/", errors="surrogateescape"),
                                "uriBaseId": "%SRCROOT%",
                            },
                            "region": region,
                        }
                    }
                ],
                "partialFingerprints": {"ttaiGuardFingerprint/v1": fingerprint(finding, path)},
            }
        )
    notifications = [
        _notification(f"{item.path}: {item.reason}", "error") for item in result.errors
    ]
    notifications += [_notification(notice, "note") for notice in result.notices]
    if failure:
        notifications.append(_notification(failure, "error"))
    invocation: dict[str, Any] = {
        "executionSuccessful": not failure and not result.partial,
        "toolExecutionNotifications": notifications,
    }
    run = {
        "tool": {
            "driver": {
                "name": "ttai-guard",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(RULES[rule_id]) for rule_id in rule_ids],
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def write_sarif(result: ScanResult, stream: TextIO, *, failure: str = "") -> None:
    json.dump(build_sarif(result, failure=failure), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
