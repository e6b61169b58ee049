"""The audit command: formats, output file and exit codes."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from conftest import PAT, run_cli, write_files

GITIGNORE = ".env\n.env.local\n"


def test_audit_clean_repository_exits_zero(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "app.py": "x = 1\n"})
    run = run_cli(repo, "audit")
    assert run.code == 0
    assert "C1  PASS" in run.stdout
    assert "C2  PASS" in run.stdout
    assert "C5  MANUAL" in run.stdout


def test_audit_failing_item_exits_one(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "app.py": f'T = "{PAT}"\n'})
    run = run_cli(repo, "audit", "--format", "markdown")
    assert run.code == 1
    assert "| C1 |" in run.stdout
    assert PAT not in run.stdout


def test_audit_html_file(repo: Path) -> None:
    write_files(repo, {".gitignore": "node_modules/\n", "app.py": f'T = "{PAT}"\n'})
    run = run_cli(repo, "audit", "--format", "html", "--output", "audit.html")
    assert run.code == 1
    assert run.stdout == ""
    page = (repo / "audit.html").read_text(encoding="utf-8")
    ElementTree.fromstring(page.split("\n", 1)[1] if page.startswith("<!DOCTYPE") else page)
    for item in ("C1", "C2", "C3", "C4", "C5", "C6", "C7"):
        assert f'id="{item}"' in page
    assert PAT[9:] not in page
