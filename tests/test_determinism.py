"""Output is the same with and without the cache, and for any number of workers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import PAT, SK, Run, git, run_cli, write_files

# Enough files that the runner starts worker processes.
_FILLER_COUNT = 64


def _tree(root: Path) -> None:
    files: dict[str, str] = {
        "package.json": '{"name": "app", "dependencies": {"next": "15.0.0"}}\n',
        ".env": f"TTAI_TOKEN={PAT}\n",
        ".env.local": f"NEXT_PUBLIC_TTAI_TOKEN={SK}\n",
        "server/client.py": (
            "import requests\n"
            f'TTAI_TOKEN = "{PAT}"\n'
            'requests.get("http://metrics.example.com/report")\n'
        ),
        "server/settings.py": 'toughtongue_password = "hunter2-correct-horse"\n',
        "server/config.yaml": "api_url: http://api.toughtongueai.com/v1\n",
        "app/page.tsx": (
            '"use client";\n'
            "export default function Page() {\n"
            "  fetch('https://api.toughtongueai.com/v1/sessions', {\n"
            "    headers: { Authorization: `Bearer ${process.env.NEXT_PUBLIC_TTAI_TOKEN}` },\n"
            "  });\n"
            "  return null;\n"
            "}\n"
        ),
        "app/widget.tsx": ('"use client";\nexport const token = process.env.TTAI_TOKEN;\n'),
        "app/split.js": 'const token = "sk_" + "live_" + "Q7vR2mXk9LpT4wZa8NcE5bYhD3sF6gJ1";\n',
        "docs/README.md": f"Set the token:\n\n```python\nTOKEN = '{SK}'\n```\n",
    }
    for number in range(_FILLER_COUNT):
        files[f"lib/module_{number:02}.py"] = f"def value_{number}():\n    return {number}\n"
    write_files(root, files)
    git(root, "add", "package.json", ".env", "server", "lib")
    git(root, "commit", "-q", "-m", "initial")
    past = os.stat(root).st_mtime - 60
    for path in root.rglob("*"):
        if ".git" not in path.parts:
            os.utime(path, (past, past))


def _check(root: Path, cache_dir: Path, *args: str) -> Run:
    return run_cli(
        root,
        "check",
        "--format",
        "json",
        *args,
        env={"TTAI_GUARD_CACHE_DIR": str(cache_dir)},
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    root = tmp_path_factory.mktemp("determinism") / "repo"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.invalid")
    _tree(root)
    cache_dir = tmp_path_factory.mktemp("cache")
    return {
        "no cache, jobs 1": _check(root, cache_dir, "--no-cache", "--jobs", "1"),
        "no cache, jobs 2": _check(root, cache_dir, "--no-cache", "--jobs", "2"),
        "no cache, default jobs": _check(root, cache_dir, "--no-cache"),
        "cache, first run": _check(root, cache_dir),
        "cache, second run": _check(root, cache_dir),
        "cache, jobs 1": _check(root, cache_dir, "--jobs", "1"),
    }


def test_tree_triggers_every_rule(runs: dict[str, Run]) -> None:
    reference = runs["no cache, jobs 1"]
    rules = {finding["rule"] for finding in reference.json()["findings"]}
    assert reference.code == 1
    assert rules == {
        "TTAI101",
        "TTAI102",
        "TTAI201",
        "TTAI202",
        "TTAI203",
        "TTAI301",
        "TTAI302",
        "TTAI401",
        "TTAI402",
    }


@pytest.mark.parametrize(
    "name",
    [
        "no cache, jobs 2",
        "no cache, default jobs",
        "cache, first run",
        "cache, second run",
        "cache, jobs 1",
    ],
)
def test_output_identical(runs: dict[str, Run], name: str) -> None:
    reference = runs["no cache, jobs 1"]
    assert runs[name].code == reference.code
    assert runs[name].stdout == reference.stdout


def _secret_free_tree(root: Path) -> None:
    """Write a tree whose findings carry no secret, so its result can be stored whole."""
    files: dict[str, str] = {
        "package.json": '{"name": "app", "dependencies": {"next": "15.0.0"}}\n',
        ".env": "TTAI_TOKEN=\n",
        "server/client.py": 'import requests\nrequests.get("http://metrics.example.com/report")\n',
        "server/config.yaml": "api_url: http://api.toughtongueai.com/v1\n",
        "app/page.tsx": (
            '"use client";\n'
            "export default function Page() {\n"
            "  fetch('https://api.toughtongueai.com/v1/sessions');\n"
            "  return null;\n"
            "}\n"
        ),
    }
    for number in range(_FILLER_COUNT):
        files[f"lib/module_{number:02}.py"] = f"def value_{number}():\n    return {number}\n"
    write_files(root, files)
    git(root, "add", "package.json", "server", "lib")
    git(root, "commit", "-q", "-m", "initial")
    past = os.stat(root).st_mtime - 60
    for path in [root, *root.rglob("*")]:
        os.utime(path, (past, past))


@pytest.fixture(scope="module")
def snapshot_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    root = tmp_path_factory.mktemp("snapshot") / "repo"
    root.mkdir()
    git(root, "init", "-q")
    _secret_free_tree(root)
    cache_dir = tmp_path_factory.mktemp("cache")
    return {
        "no cache, jobs 1": _check(root, cache_dir, "--no-cache", "--jobs", "1"),
        "no cache, jobs 2": _check(root, cache_dir, "--no-cache", "--jobs", "2"),
        "cache, first run": _check(root, cache_dir, "-v"),
        "cache, second run": _check(root, cache_dir, "-v"),
        "cache, jobs 1": _check(root, cache_dir, "-v", "--jobs", "1"),
    }


def test_snapshot_tree_findings(snapshot_runs: dict[str, Run]) -> None:
    reference = snapshot_runs["no cache, jobs 1"]
    rules = {finding["rule"] for finding in reference.json()["findings"]}
    assert reference.code == 1
    assert rules == {"TTAI201", "TTAI301", "TTAI302", "TTAI401"}


@pytest.mark.parametrize(
    ("name", "reused"),
    [
        ("no cache, jobs 2", False),
        ("cache, first run", False),
        ("cache, second run", True),
        ("cache, jobs 1", True),
    ],
)
def test_snapshot_output_identical(snapshot_runs: dict[str, Run], name: str, reused: bool) -> None:
    reference = snapshot_runs["no cache, jobs 1"]
    assert snapshot_runs[name].code == reference.code
    assert snapshot_runs[name].stdout == reference.stdout
    assert ("the last result was reused" in snapshot_runs[name].stderr) is reused
