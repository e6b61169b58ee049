"""The github, junit and gitlab output formats."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from conftest import PAT, SK, run_cli, write_files

GITIGNORE = ".env\n.env.local\n"


def project(root: Path) -> None:
    write_files(
        root,
        {
            ".gitignore": GITIGNORE,
            "app.py": f'A = "{PAT}"\nB = "{PAT}"\n',
            "web/main.js": 'fetch("http://status.acme-corp.io/100%,done:");\n',
        },
    )


def test_github_annotations(tmp_path: Path) -> None:
    project(tmp_path)
    run = run_cli(tmp_path, "check", "--format", "github")
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith(
        "::error file=app.py,line=1,col=6,endLine=1,endColumn=50,"
        "title=TTAI101 hardcoded-token::Hardcoded ToughTongue token"
    )
    assert lines[2].startswith(
        "::warning file=web/main.js,line=1,col=8,endLine=1,endColumn=44,"
        "title=TTAI302 insecure-request-url::"
    )
    assert lines[-1].startswith("Found 3 findings")


def test_github_escapes_property_values(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": GITIGNORE, "a,b:c.py": f'T = "{PAT}"\n'})
    run = run_cli(tmp_path, "check", "--format", "github")
    assert run.stdout.startswith("::error file=a%2Cb%3Ac.py,line=1,")


def test_junit_one_case_per_finding(tmp_path: Path) -> None:
    project(tmp_path)
    run = run_cli(tmp_path, "check", "--format", "junit")
    root = ElementTree.fromstring(run.stdout)
    assert root.tag == "testsuites"
    assert root.get("tests") == "3"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert sorted(suites) == ["app.py", "web/main.js"]
    cases = suites["app.py"].findall("testcase")
    assert [case.get("name") for case in cases] == [
        "TTAI101 hardcoded-token at 1:6",
        "TTAI101 hardcoded-token at 2:6",
    ]
    assert cases[0].find("failure").get("type") == "TTAI101"


def test_junit_clean_run(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": GITIGNORE, "ok.py": "x = 1\n"})
    run = run_cli(tmp_path, "check", "--format", "junit")
    assert run.code == 0
    root = ElementTree.fromstring(run.stdout)
    assert root.get("tests") == "0"
    assert root.findall("testsuite") == []


def test_gitlab_code_quality(tmp_path: Path) -> None:
    project(tmp_path)
    issues = json.loads(run_cli(tmp_path, "check", "--format", "gitlab").stdout)
    assert [issue["check_name"] for issue in issues] == [
        "TTAI101 hardcoded-token",
        "TTAI101 hardcoded-token",
        "TTAI302 insecure-request-url",
    ]
    assert issues[0]["severity"] == "critical"
    assert issues[2]["severity"] == "major"
    assert issues[0]["location"] == {"path": "app.py", "lines": {"begin": 1, "end": 1}}
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == 3


@pytest.mark.parametrize("output_format", ["github", "junit", "gitlab"])
def test_ci_formats_redact(tmp_path: Path, output_format: str) -> None:
    write_files(tmp_path, {".gitignore": GITIGNORE, "app.py": f'A = "{PAT}"\nB = "{SK}"'})
    run = run_cli(tmp_path, "check", "--format", output_format)
    assert run.code == 1
    for secret in (PAT, SK, PAT[9:], SK[8:]):
        assert secret not in run.stdout
