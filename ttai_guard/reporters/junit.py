"""JUnit XML: one test case per finding, one test suite per file."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from typing import TextIO

from ttai_guard.reporters import display_path, findings_by_path
from ttai_guard.rules.catalog import RULES
from ttai_guard.runner import ScanResult
from ttai_guard.tokens import redact_text


def build_junit(result: ScanResult) -> ElementTree.Element:
    root = ElementTree.Element(
        "testsuites",
        name="ttai-guard",
        tests=str(len(result.findings)),
        failures=str(len(result.findings)),
        errors=str(len(result.errors)),
    )
    for path, findings in findings_by_path(result.findings).items():
        shown = display_path(path)
        suite = ElementTree.SubElement(
            root, "testsuite", name=shown, tests=str(len(findings)), failures=str(len(findings))
        )
        for finding in findings:
            position = f"{finding.line}:{finding.column}"
            case = ElementTree.SubElement(
                suite,
                "testcase",
                name=f"{finding.rule} {RULES[finding.rule].name} at {position}",
                classname=shown,
                file=shown,
                line=str(finding.line),
            )
            failure = ElementTree.SubElement(
                case, "failure", message=redact_text(finding.message), type=finding.rule
            )
            failure.text = redact_text(
                f"{shown}:{finding.line}:{finding.column}: {finding.message}\n{finding.snippet}"
            )
    if result.errors:
        suite = ElementTree.SubElement(root, "testsuite", name="unreadable paths", errors="1")
        case = ElementTree.SubElement(suite, "testcase", name="scan complete")
        error = ElementTree.SubElement(case, "error", message="some paths could not be read")
        error.text = "\n".join(f"{display_path(e.path)}: {e.reason}" for e in result.errors)
    return root


def write_junit(result: ScanResult, stream: TextIO) -> None:
    tree = build_junit(result)
    ElementTree.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ElementTree.tostring(tree, encoding="unicode"))
    stream.write("\n")
