"""Tree snapshots: a re-run that reuses the whole last result, through the real command line."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest
from conftest import CACHE_STATISTICS, PAT, SK, Run, check_cached, git, write_files

from ttai_guard import snapshot, usedpaths
from ttai_guard.runner import ScanOptions

_REUSED = "nothing changed, so the last result was reused"

FILES = {
    "app/main.py": "import os\n\nprint(os.environ.get('HOME'))\n",
    "app/util.js": "export const add = (a, b) => a + b;\n",
    "web/index.html": "<p>hello</p>\n",
    "config/settings.toml": "[server]\nport = 8080\n",
}


def _age(root: Path) -> None:
    """Date back everything written under ``root`` (and ``root``) in the last half minute.

    Snapshots are not stored while a path's modification time is within two
    seconds of the scan, because a change in the same timestamp tick could
    go unnoticed.
    """
    old = time.time() - 60
    for path in [root, *root.rglob("*")]:
        if path.lstat().st_mtime > old + 30:
            os.utime(path, (old, old), follow_symlinks=False)


def _reused(run: Run) -> bool:
    assert CACHE_STATISTICS.search(run.stderr) is not None, run.stderr
    return _REUSED in run.stderr


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    write_files(root, FILES)
    _age(root)
    return root


def test_unchanged_tree_reused(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    first = check_cached(tree, cache_dir)
    second = check_cached(tree, cache_dir)
    assert not _reused(first)
    assert _reused(second)
    assert second.json() == first.json()
    assert "4 files unchanged, 0 scanned, 0 stored" in second.stderr


def test_edited_file_rescanned(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    write_files(tree, {"app/util.js": f'export const key = "{SK}";\n'})
    _age(tree)
    second = check_cached(tree, cache_dir)
    assert not _reused(second)
    assert second.findings() == [("TTAI101", "app/util.js", 1, 21)]


def test_restored_mtime_rescanned(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    target = tree / "app" / "util.js"
    before = target.stat()
    # Same size, modification time put back: only the status change time moves.
    target.write_text("export const add = (a, b) => b + a;\n", encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert not _reused(check_cached(tree, cache_dir))


def test_new_file_rescanned(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    write_files(tree, {"app/deep/new.py": f'TOKEN = "{PAT}"\n'})
    _age(tree)
    second = check_cached(tree, cache_dir)
    assert not _reused(second)
    assert second.findings() == [("TTAI101", "app/deep/new.py", 1, 10)]


def test_deleted_file_rescanned(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    first = check_cached(tree, cache_dir)
    (tree / "web" / "index.html").unlink()
    _age(tree)
    second = check_cached(tree, cache_dir)
    assert not _reused(second)
    assert first.json()["summary"]["files_scanned"] == 4
    assert second.json()["summary"]["files_scanned"] == 3


def test_new_gitignore_rescanned(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    write_files(tree, {"app/.env": "TTAI_TOKEN=placeholder-value\n"})
    _age(tree)
    first = check_cached(tree, cache_dir)
    write_files(tree, {".gitignore": ".env\n.env.local\n"})
    _age(tree)
    second = check_cached(tree, cache_dir)
    assert not _reused(second)
    assert [f for f in first.findings() if f[0] == "TTAI401"] == [("TTAI401", ".gitignore", 1, 1)]
    assert [f for f in second.findings() if f[0] == "TTAI401"] == []


def test_recent_file_not_stored(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    write_files(tree, {"app/fresh.py": "x = 1\n"})
    check_cached(tree, cache_dir)
    assert not _reused(check_cached(tree, cache_dir))


def test_secret_result_not_stored(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    write_files(tree, {"app/leak.py": f'TOKEN = "{PAT}"\n'})
    _age(tree)
    first = check_cached(tree, cache_dir)
    second = check_cached(tree, cache_dir)
    assert first.findings() == [("TTAI101", "app/leak.py", 1, 10)]
    assert not _reused(second)
    with sqlite3.connect(cache_dir / "results-v1.sqlite3") as connection:
        (count,) = connection.execute("SELECT count(*) FROM snapshots").fetchone()
    assert count == 0


def test_other_options_not_reused(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    assert not _reused(check_cached(tree, cache_dir, "--select", "TTAI1"))
    assert _reused(check_cached(tree, cache_dir, "--select", "TTAI1"))
    # The number of worker processes does not change findings.
    assert _reused(check_cached(tree, cache_dir, "--select", "TTAI1", "--jobs", "1"))


def test_no_cache_skips_snapshot(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    run = check_cached(tree, cache_dir, "--no-cache")
    assert CACHE_STATISTICS.search(run.stderr) is None


def test_staged_env_file_rescanned(repo: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    write_files(repo, {".gitignore": "node_modules/\n", ".env": "TTAI_TOKEN=placeholder-value\n"})
    git(repo, "add", ".gitignore")
    _age(repo)
    first = check_cached(repo, cache_dir)
    git(repo, "add", "-f", ".env")
    _age(repo)
    second = check_cached(repo, cache_dir)
    assert not _reused(second)
    assert ("TTAI402", ".env", 1, 1) not in first.findings()
    assert ("TTAI402", ".env", 1, 1) in second.findings()


def test_new_repository_rescanned(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    first = check_cached(tree, cache_dir)
    git(tree, "init", "-q")
    _age(tree)
    second = check_cached(tree, cache_dir)
    assert not _reused(second)
    assert "is not inside a git work tree" in first.stderr
    assert "is not inside a git work tree" not in second.stderr


def test_key_ignores_jobs_and_set_order() -> None:
    base = ScanOptions(paths=("a",), ignore=frozenset({"TTAI1", "TTAI2", "TTAI3"}))
    same = ScanOptions(paths=("a",), ignore=frozenset({"TTAI3", "TTAI2", "TTAI1"}), jobs=3)
    other = ScanOptions(paths=("b",), ignore=frozenset({"TTAI1", "TTAI2", "TTAI3"}))
    assert snapshot._key(base) == snapshot._key(same)
    assert snapshot._key(base) != snapshot._key(other)


def _committed_repo(repo: Path) -> None:
    write_files(repo, {".gitignore": ".env\n.env.local\n", "a.py": "x = 1\n"})
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first")
    _age(repo)


def test_head_rewritten_rescanned(repo: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _committed_repo(repo)
    check_cached(repo, cache_dir)
    head = repo / ".git" / "HEAD"
    # Written in place, so the .git directory itself does not change.
    with open(head, "r+", encoding="utf-8") as handle:
        handle.write("garbage\n")
    second = check_cached(repo, cache_dir)
    assert not _reused(second)
    assert second.code == 2


def test_git_config_edited_rescanned(repo: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _committed_repo(repo)
    check_cached(repo, cache_dir)
    with open(repo / ".git" / "config", "a", encoding="utf-8") as handle:
        handle.write("[core]\n\tbare = true\n")
    second = check_cached(repo, cache_dir)
    assert not _reused(second)
    assert second.code == 2


def test_global_git_config_edited_rescanned(repo: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _committed_repo(repo)
    global_config = Path(os.environ["HOME"]) / ".gitconfig"
    global_config.write_text("[user]\n\tname = Test\n", encoding="utf-8")
    _age(global_config.parent)
    check_cached(repo, cache_dir)
    assert _reused(check_cached(repo, cache_dir))
    with open(global_config, "a", encoding="utf-8") as handle:
        handle.write("[safe]\n\tdirectory = *\n")
    assert not _reused(check_cached(repo, cache_dir))


def test_dangling_link_not_stored(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    root = tmp_path / "web"
    write_files(
        root,
        {
            "pages/index.tsx": (
                "export default function Home() {\n"
                '  fetch("https://api.toughtongueai.com/api/public/sessions");\n'
                "  return null;\n"
                "}\n"
            )
        },
    )
    (root / "package.json").symlink_to("../shared/package.json")
    _age(root)
    first = check_cached(root, cache_dir)
    write_files(tmp_path, {"shared/package.json": '{"dependencies": {"next": "14"}}\n'})
    second = check_cached(root, cache_dir)
    assert first.findings() == []
    assert not _reused(second)
    assert second.findings() == [("TTAI201", "pages/index.tsx", 2, 3)]


def test_missing_path_covered_by_earlier_directory() -> None:
    fingerprints = {
        "/t/a": 11,
        "/t/a/.gitignore": usedpaths.MISSING,
        "/t/b/.gitignore": usedpaths.MISSING,
        "/t/b": 12,
        "/t/c/x": usedpaths.MISSING,
    }
    # /t/b was fingerprinted after its .gitignore was found missing: a
    # .gitignore created in between is already part of that fingerprint, so
    # the path keeps a check of its own.
    assert snapshot._uncovered_missing(fingerprints) == ["/t/b/.gitignore", "/t/c/x"]
