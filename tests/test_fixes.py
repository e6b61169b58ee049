"""check --fix and --diff for TTAI401, verified with the real git."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import run_cli, write_files


def git_ignores(repo: Path, path: str) -> bool:
    completed = subprocess.run(
        ["git", "-c", "core.excludesFile=/dev/null", "check-ignore", "-q", "--no-index", path],
        cwd=repo,
        capture_output=True,
    )
    return completed.returncode == 0


def test_fix_appends_and_is_idempotent(repo: Path) -> None:
    write_files(repo, {".gitignore": "node_modules/", "app.py": "x = 1\n"})
    run = run_cli(repo, "check", "--fix")
    assert run.code == 0
    assert "fixed 1 finding by adding entries to 1 .gitignore file" in run.stderr
    assert (repo / ".gitignore").read_text() == "node_modules/\n.env\n.env.local\n"
    assert git_ignores(repo, ".env")
    assert git_ignores(repo, ".env.local")
    again = run_cli(repo, "check", "--fix")
    assert again.code == 0
    assert "fixed" not in again.stderr
    assert (repo / ".gitignore").read_text() == "node_modules/\n.env\n.env.local\n"


def test_fix_keeps_crlf(repo: Path) -> None:
    write_files(repo, {".gitignore": "dist/\r\n.env\r\n"})
    run_cli(repo, "check", "--fix")
    assert (repo / ".gitignore").read_bytes() == b"dist/\r\n.env\r\n.env.local\r\n"


def test_fix_creates_gitignore(repo: Path) -> None:
    write_files(repo, {"app.py": "x = 1\n"})
    run_cli(repo, "check", "--fix")
    assert (repo / ".gitignore").read_text() == ".env\n.env.local\n"


def test_fix_overrides_nested_negation(repo: Path) -> None:
    write_files(
        repo,
        {
            ".gitignore": ".env\n.env.local\n",
            "web/.gitignore": "!.env.local\n",
            "web/.env.local": "A=1\n",
            "web/.env.production.local": "B=2\n",
        },
    )
    run = run_cli(repo, "check", "--fix")
    assert run.code == 0
    assert (repo / "web" / ".gitignore").read_text() == (
        "!.env.local\n.env.local\n.env.production.local\n"
    )
    assert git_ignores(repo, "web/.env.local")
    assert git_ignores(repo, "web/.env.production.local")


def test_diff_shows_and_changes_nothing(repo: Path) -> None:
    write_files(repo, {".gitignore": "dist/\n"})
    run = run_cli(repo, "check", "--diff")
    assert run.code == 1
    assert run.stdout == (
        "--- a/.gitignore\n+++ b/.gitignore\n@@ -1 +1,3 @@\n dist/\n+.env\n+.env.local\n"
    )
    assert (repo / ".gitignore").read_text() == "dist/\n"


def test_diff_clean_exits_zero(repo: Path) -> None:
    write_files(repo, {".gitignore": ".env*\n"})
    run = run_cli(repo, "check", "--diff")
    assert run.code == 0
    assert run.stdout == ""


def test_symlinked_gitignore_not_written(repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "shared-ignore"
    target.write_text("dist/\n")
    (repo / ".gitignore").symlink_to(target)
    run = run_cli(repo, "check", "--fix")
    assert "not a regular file, so it was not changed" in run.stderr
    assert target.read_text() == "dist/\n"
    assert run.code == 1
