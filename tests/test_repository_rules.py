"""TTAI401 env-not-ignored and TTAI402 env-file-tracked on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import git, write_files
from test_rules import scan

from ttai_guard.runner import ScanOptions, run_scan


def repository_findings(root: Path) -> list[tuple[str, str, int, int]]:
    return [f for f in scan(root) if f[0] in ("TTAI401", "TTAI402")]


def messages(root: Path, rule: str) -> list[str]:
    result = run_scan(ScanOptions(paths=(str(root),), jobs=1))
    return [f.message for f in result.findings if f.rule == rule]


IGNORE_CASES = [
    pytest.param({".gitignore": ".env\n.env.local\n"}, [], id="both-listed"),
    pytest.param({".gitignore": ".env*\n"}, [], id="wildcard"),
    pytest.param(
        {".gitignore": "node_modules/\n"}, [("TTAI401", ".gitignore", 1, 1)], id="missing"
    ),
    pytest.param({}, [("TTAI401", ".gitignore", 1, 1)], id="no-gitignore"),
    pytest.param({".gitignore": ""}, [("TTAI401", ".gitignore", 1, 1)], id="empty"),
    pytest.param(
        {".gitignore": "dist/\n.env\n"}, [("TTAI401", ".gitignore", 2, 1)], id="local-missing"
    ),
    pytest.param(
        {".gitignore": ".env*\n!.env.local\n"}, [("TTAI401", ".gitignore", 2, 1)], id="negated"
    ),
    pytest.param(
        {".gitignore": ".env/\n.env.local/\n"}, [("TTAI401", ".gitignore", 2, 1)], id="dir-only"
    ),
    pytest.param(
        {".gitignore": "/.env\n/.env.local\n", "web/.env.local": "A=1\n"},
        [("TTAI401", ".gitignore", 2, 1)],
        id="anchored-root-only",
    ),
    pytest.param(
        {
            ".gitignore": ".env\n.env.local\n",
            "web/.gitignore": "!.env.local\n",
            "web/.env.local": "A=1\n",
        },
        [("TTAI401", "web/.gitignore", 1, 1)],
        id="nested-negation",
    ),
    pytest.param(
        {".gitignore": ".env\n.env.local\n", "web/.env.production.local": "A=1\n"},
        [("TTAI401", ".gitignore", 2, 1)],
        id="env-star-local",
    ),
    pytest.param(
        {".gitignore": ".env\n.env.local\n*.local\n", "web/.env.production.local": "A=1\n"},
        [],
        id="star-local",
    ),
]


@pytest.mark.parametrize(("files", "expected"), IGNORE_CASES)
def test_env_not_ignored(repo: Path, files: dict[str, str], expected: list) -> None:
    write_files(repo, files)
    findings = [f for f in repository_findings(repo) if f[0] == "TTAI401"]
    assert findings == expected


def test_env_not_ignored_names_every_pattern(repo: Path) -> None:
    write_files(repo, {".gitignore": "dist/\n", "app/.env.test.local": "A=1\n"})
    found = messages(repo, "TTAI401")
    assert len(found) == 2
    assert found[0].startswith("Git would not ignore `.env`, `.env.local` in the repository root")
    assert "`.env`, `.env.local`, `.env.test.local` in `app/`" in found[1]


def test_env_not_ignored_outside_git(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": "x\n", ".env": "A=1\n"})
    assert repository_findings(tmp_path) == [("TTAI401", ".gitignore", 1, 1)]


def test_info_exclude_does_not_count(repo: Path) -> None:
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text(".env\n.env.local\n")
    assert [f[0] for f in repository_findings(repo)] == ["TTAI401"]


def test_tracked_env_file_reported(repo: Path) -> None:
    write_files(repo, {".gitignore": ".env\n.env.local\n", "api/.env": "TTAI_ORG_ID=org_1\n"})
    git(repo, "add", "-f", "api/.env")
    assert ("TTAI402", "api/.env", 1, 1) in repository_findings(repo)


@pytest.mark.parametrize(
    "name", [".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults"]
)
def test_tracked_template_silent(repo: Path, name: str) -> None:
    write_files(repo, {".gitignore": ".env\n.env.local\n", name: "TTAI_ORG_ID=org_1\n"})
    git(repo, "add", name)
    assert repository_findings(repo) == []


def test_tracked_env_without_values_silent(repo: Path) -> None:
    write_files(repo, {".gitignore": ".env\n.env.local\n", ".env": "# fill in\nTTAI_TOKEN=\n"})
    git(repo, "add", "-f", ".env")
    assert repository_findings(repo) == []


def test_tracked_env_deleted_from_work_tree(repo: Path) -> None:
    write_files(repo, {".gitignore": ".env\n.env.local\n", ".env": "A=1\n"})
    git(repo, "add", "-f", ".env")
    (repo / ".env").unlink()
    assert repository_findings(repo) == [("TTAI402", ".env", 1, 1)]


def test_tracked_outside_git_not_checked(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": ".env\n.env.local\n", ".env": "A=1\n"})
    result = run_scan(ScanOptions(paths=(str(tmp_path),), jobs=1))
    assert result.findings == []
    assert any("TTAI402 was not checked" in notice for notice in result.notices)


def test_file_arguments_skip_repository_rules(repo: Path) -> None:
    write_files(repo, {"app.py": "x = 1\n", ".env": "A=1\n"})
    git(repo, "add", "-f", ".env")
    assert scan(repo, "app.py") == []


def test_subdirectory_scan_skips_root_check(repo: Path) -> None:
    write_files(repo, {"src/app.py": "x = 1\n"})
    assert scan(repo, "src") == []


def test_subdirectory_scan_checks_its_env_dirs(repo: Path) -> None:
    write_files(repo, {"src/.env": "A=1\n"})
    assert scan(repo, "src") == [("TTAI401", ".gitignore", 1, 1)]


def test_ignored_directory_scan_skips_repository_rules(repo: Path) -> None:
    write_files(repo, {".gitignore": "vendor/\n", "vendor/.env": "A=1\n", "vendor/a.py": ""})
    assert scan(repo, "vendor") == []


def test_outside_git_without_env_files_silent(tmp_path: Path) -> None:
    write_files(tmp_path, {"pkg/mod.py": "x = 1\n"})
    assert repository_findings(tmp_path) == []
