"""The hooks in .pre-commit-hooks.yaml, run by the real pre-commit against temporary repositories.

pre-commit installs this repository into its own virtual environment (from
the package registry), once per test session.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PAT, REPOSITORY_ROOT, git, write_files

GITIGNORE = ".env\n.env.local\n"


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(repo: Path, home: Path, hook: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``pre-commit try-repo`` for one hook of this repository."""
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    environment.pop("PYTHONPATH", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPOSITORY_ROOT), hook, *args],
        cwd=repo,
        env=environment,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )


def test_staged_token_blocked(repo: Path, pre_commit_home: Path) -> None:
    write_files(
        repo,
        {".gitignore": GITIGNORE, "app.py": f'T = "{PAT}"\n', "with space.py": "x = 1\n"},
    )
    git(repo, "add", ".")
    run = try_repo(repo, pre_commit_home, "ttai-guard")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "app.py:1:6: TTAI101 [error]" in run.stdout
    assert PAT not in run.stdout
    assert "with space.py" not in run.stdout


def test_clean_commit_passes(repo: Path, pre_commit_home: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "ok file.py": "x = 1\n", "web/a.js": "let a;\n"})
    git(repo, "add", ".")
    run = try_repo(repo, pre_commit_home, "ttai-guard")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Passed" in run.stdout


def test_thousands_of_files_report_once(repo: Path, pre_commit_home: Path) -> None:
    files = {f"pkg {i // 100}/module number {i}.py": "x = 1\n" for i in range(3000)}
    files["pkg 7/leak.py"] = f'T = "{PAT}"\n'
    files[".gitignore"] = GITIGNORE
    write_files(repo, files)
    git(repo, "add", ".")
    run = try_repo(repo, pre_commit_home, "ttai-guard")
    assert run.returncode == 1, run.stdout[-2000:] + run.stderr[-2000:]
    assert run.stdout.count("pkg 7/leak.py:1:6: TTAI101") == 1
    assert "TTAI401" not in run.stdout


def test_repository_hook_runs_once(repo: Path, pre_commit_home: Path) -> None:
    write_files(repo, {".gitignore": "node_modules/\n", "api/.env": "TTAI_ORG_ID=org_1\n"})
    git(repo, "add", ".")
    run = try_repo(repo, pre_commit_home, "ttai-guard-repo")
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.count("TTAI402") == 1
    assert run.stdout.count("TTAI401") == 2
    assert "api/.env:1:1: TTAI402 [error]" in run.stdout
