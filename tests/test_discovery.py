"""Discovery: excludes, build output, symlinks, ignores and command-line paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import PAT, git, write_files

from ttai_guard.discovery import DiscoveryError, DiscoveryOptions, discover


def relative(root: Path, paths: list[Path]) -> list[str]:
    return sorted(os.path.relpath(path, root).replace(os.sep, "/") for path in paths)


def skipped(root: Path, discovery) -> dict[str, str]:
    return {
        os.path.relpath(item.path, root).replace(os.sep, "/"): item.reason
        for item in discovery.skipped
    }


def test_default_excludes(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "app.py": "",
            "node_modules/a/index.js": "",
            "__pycache__/x.pyc": "",
            ".tox/y.py": "",
            "env/pyvenv.cfg": "",
            "env/lib/site.py": "",
            ".git2/keep.txt": "",
        },
    )
    found = discover([str(tmp_path)])
    assert relative(tmp_path, [f.path for f in found.files]) == [".git2/keep.txt", "app.py"]
    reasons = skipped(tmp_path, found)
    assert reasons["node_modules"] == "excluded by default"
    assert reasons["env"] == "excluded by default (virtual environment)"


def test_build_output_skipped_then_included(tmp_path: Path) -> None:
    write_files(tmp_path, {".next/static/chunk.js": "", "dist/app.js": "", "src/a.js": ""})
    default = discover([str(tmp_path)])
    assert relative(tmp_path, [f.path for f in default.files]) == ["src/a.js"]
    assert skipped(tmp_path, default)["dist"] == "build output (scan it with --include-build)"
    included = discover([str(tmp_path)], DiscoveryOptions(include_build=True))
    build = sorted(os.path.relpath(f.path, tmp_path) for f in included.files if f.build)
    assert build == [".next/static/chunk.js", "dist/app.js"]


def test_gitignore_skips_but_env_read(repo: Path) -> None:
    write_files(
        repo,
        {".gitignore": "*.log\n.env*\nsecrets/\n", "a.log": "", ".env.local": "", "secrets/k": ""},
    )
    found = discover([str(repo)])
    assert relative(repo, [f.path for f in found.files]) == [".env.local", ".gitignore"]
    assert skipped(repo, found)["a.log"] == "ignored by .gitignore"
    assert skipped(repo, found)["secrets"] == "ignored by .gitignore"


def test_tracked_file_in_ignored_dir_scanned(repo: Path) -> None:
    write_files(repo, {".gitignore": "vendor/\n", "vendor/keep.py": "", "vendor/other.py": ""})
    git(repo, "add", "-f", "vendor/keep.py")
    found = discover([str(repo)])
    assert relative(repo, [f.path for f in found.files]) == [".gitignore", "vendor/keep.py"]


def test_gitignore_applies_outside_git(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": "*.log\n", "a.log": "", "b.py": ""})
    found = discover([str(tmp_path)])
    assert relative(tmp_path, [f.path for f in found.files]) == [".gitignore", "b.py"]


def test_symlinks_listed_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    write_files(outside, {"secret.py": f'T = "{PAT}"\n'})
    write_files(root, {"app.py": ""})
    (root / "out").symlink_to(outside)
    (root / "loop").symlink_to(root)
    (root / "dangling").symlink_to(root / "missing")
    (root / "zero").symlink_to("/dev/zero")
    found = discover([str(root)])
    assert relative(root, [f.path for f in found.files]) == ["app.py"]
    reasons = skipped(root, found)
    assert reasons["out"] == f"symbolic link to {outside} (not followed)"
    assert reasons["loop"] == f"symbolic link to {root} (not followed)"
    assert reasons["dangling"] == f"dangling symbolic link to {root / 'missing'}"
    assert reasons["zero"] == "symbolic link to /dev/zero (not followed)"


def test_fifo_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    found = discover([str(tmp_path)])
    assert skipped(tmp_path, found)["pipe"] == "not a regular file"


def test_missing_argument_raises(tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match=r"path not found: .*nope"):
        discover([str(tmp_path / "nope")])


def test_duplicate_arguments_scanned_once(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.py": ""})
    found = discover([str(tmp_path), str(tmp_path / "a.py"), str(tmp_path / "a.py")])
    assert relative(tmp_path, [f.path for f in found.files]) == ["a.py"]


def test_explicit_file_scanned_even_if_ignored(repo: Path) -> None:
    write_files(repo, {".gitignore": "*.log\n", "a.log": ""})
    found = discover([str(repo / "a.log")])
    assert relative(repo, [f.path for f in found.files]) == ["a.log"]


def test_ignored_directory_argument_is_own_root(repo: Path) -> None:
    write_files(repo, {".gitignore": "vendor/\n", "vendor/.gitignore": "*.log\n"})
    write_files(repo, {"vendor/lib.py": "", "vendor/debug.log": ""})
    found = discover([str(repo / "vendor")])
    assert relative(repo, [f.path for f in found.files]) == ["vendor/.gitignore", "vendor/lib.py"]
    assert any("git ignores this directory" in notice for notice in found.notices)


def test_include_build_reads_ignored_build_dir(repo: Path) -> None:
    write_files(repo, {".gitignore": "dist/\n*.map\n", "dist/assets/a.js": "", "dist/a.js.map": ""})
    found = discover([str(repo)], DiscoveryOptions(include_build=True))
    build = relative(repo, [f.path for f in found.files if f.build])
    assert build == ["dist/a.js.map", "dist/assets/a.js"]


def test_git_failure_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    write_files(root, {"a.py": ""})
    git(root, "init", "-q")
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    found = discover([str(root)])
    assert [item.reason for item in found.errors] == [
        "cannot read the git repository: git is not installed or not on PATH"
    ]
    assert relative(root, [f.path for f in found.files]) == ["a.py"]
