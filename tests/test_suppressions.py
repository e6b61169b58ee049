"""Inline suppressions in every comment syntax, and what they leave reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PAT, git, run_cli, write_files
from test_rules import scan

from ttai_guard.suppressions import suppresses


@pytest.mark.parametrize(
    ("line", "rule", "expected"),
    [
        ("x = 1  # ttai-guard: ignore[TTAI101]", "TTAI101", True),
        ("x = 1  # ttai-guard: ignore[TTAI101]", "TTAI301", False),
        ("x = 1  # ttai-guard: ignore", "TTAI301", True),
        ("x = 1  // ttai-guard: ignore[ttai3]", "TTAI302", True),
        ("x = 1  /* ttai-guard: ignore[TTAI102, TTAI301] */", "TTAI301", True),
        ("<a/> <!-- ttai-guard: ignore[TTAI301] -->", "TTAI301", True),
        ("{/* ttai-guard: ignore[TTAI101] */}", "TTAI101", True),
        ("x = 1  # ttai-guard: ignore[]", "TTAI101", False),
        ("x = 1  # ttai-guard ignores nothing here", "TTAI101", False),
    ],
)
def test_suppresses(line: str, rule: str, expected: bool) -> None:
    assert suppresses(line, rule) is expected


SUPPRESSED = [
    ("app.py", f'T = "{PAT}"  # ttai-guard: ignore[TTAI101]\n'),
    ("app.js", f'const t = "{PAT}"; // ttai-guard: ignore\n'),
    ("App.tsx", f'const A = () => <b k="{PAT}" />; {{/* ttai-guard: ignore[TTAI101] */}}\n'),
    ("page.html", f"<p>{PAT}</p> <!-- ttai-guard: ignore[TTAI101] -->\n"),
    ("config.yaml", f"token: {PAT}  # ttai-guard: ignore[TTAI101]\n"),
    (".env.example", f"TTAI_TOKEN={PAT} # ttai-guard: ignore[TTAI101]\n"),
]


@pytest.mark.parametrize(("name", "content"), SUPPRESSED)
def test_suppressed_line_silent(tmp_path: Path, name: str, content: str) -> None:
    write_files(tmp_path, {name: content})
    assert [f for f in scan(tmp_path, name) if f[0] == "TTAI101"] == []


def test_other_rule_still_reported(tmp_path: Path) -> None:
    write_files(
        tmp_path, {"app.py": 'U = "http://api.toughtongueai.com"  # ttai-guard: ignore[TTAI101]\n'}
    )
    assert scan(tmp_path, "app.py") == [("TTAI301", "app.py", 1, 6)]


def test_suppression_only_covers_its_line(tmp_path: Path) -> None:
    write_files(tmp_path, {"app.py": f'# ttai-guard: ignore\nT = "{PAT}"\n'})
    assert scan(tmp_path, "app.py") == [("TTAI101", "app.py", 2, 6)]


def test_repository_finding_suppressed(repo: Path) -> None:
    write_files(
        repo,
        {".gitignore": ".env\n.env.local\n", "api/.env": "A=1 # ttai-guard: ignore[TTAI402]\n"},
    )
    git(repo, "add", "-f", "api/.env")
    assert scan(repo) == []


def test_unused_suppression_reported(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".gitignore": ".env\n.env.local\n",
            "app.py": f'x = 1  # ttai-guard: ignore\nT = "{PAT}"  # ttai-guard: ignore[TTAI101]\n',
        },
    )
    run = run_cli(tmp_path, "check", "--report-unused-ignores")
    assert run.code == 0
    assert "app.py:1: unused suppression" in run.stderr
    assert "app.py:2:" not in run.stderr
    quiet = run_cli(tmp_path, "check")
    assert "unused suppression" not in quiet.stderr
