"""check --fix and --diff for TTAI401, verified with the real git."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import PAT, run_cli, write_files

from ttai_guard.fixes import FileEdit


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


def test_diff_no_final_newline_applies(repo: Path) -> None:
    write_files(repo, {".gitignore": "dist/"})
    run = run_cli(repo, "check", "--diff")
    assert run.stdout == (
        "--- a/.gitignore\n+++ b/.gitignore\n@@ -1 +1,3 @@\n-dist/\n"
        "\\ No newline at end of file\n+dist/\n+.env\n+.env.local\n"
    )
    patch = repo.parent / "fix.patch"
    patch.write_text(run.stdout)
    check = subprocess.run(
        ["git", "apply", "--check", str(patch)], cwd=repo, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    subprocess.run(["git", "apply", str(patch)], cwd=repo, check=True)
    assert (repo / ".gitignore").read_text() == "dist/\n.env\n.env.local\n"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((), 1),
        (("--fail-on", "error"), 1),
        (("--exit-zero",), 0),
        (("--select", "TTAI401"), 0),
    ],
)
def test_diff_exit_with_findings(repo: Path, args: tuple[str, ...], code: int) -> None:
    write_files(repo, {".gitignore": ".env*\n", "a.py": f'X = "{PAT}"\n'})
    run = run_cli(repo, "check", "--diff", *args)
    assert run.stdout == ""
    assert run.code == code


def test_diff_masked_diff_redacts_found_secret(tmp_path: Path) -> None:
    secret = "Hq3Zm8Vt1Lw5Rb9Xk2Pd7Nc4"
    edit = FileEdit(tmp_path / "a.py", f'K = "{secret}"\n', 'K = os.environ["K"]\n', ())
    text = edit.masked_diff("a.py", {secret})
    assert text == (
        '--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-K = "Hq…(24 chars)"\n+K = os.environ["K"]\n'
    )


def test_utf16_bom_utf8_text_searched(tmp_path: Path) -> None:
    data = b"\xff\xfe" + f'X = "{PAT}"\n'.encode()
    (tmp_path / "a.txt").write_bytes(data)
    run = run_cli(tmp_path, "check", "--no-cache", "--format", "json")
    assert run.findings() == [("TTAI101", "a.txt", 1, 6)]


def test_cache_relative_dir_rejected(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("X = 1\n")
    run = run_cli(tmp_path, "check", "a.py", env={"TTAI_GUARD_CACHE_DIR": "cache"})
    assert run.code == 0
    assert (
        "results cache not used: TTAI_GUARD_CACHE_DIR=cache is a relative path; "
        "set it to an absolute path"
    ) in run.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.py"]


def test_cache_path_is_file_notice(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("X = 1\n")
    (tmp_path / "cachefile").write_text("")
    run = run_cli(
        tmp_path, "check", "a.py", env={"TTAI_GUARD_CACHE_DIR": str(tmp_path / "cachefile")}
    )
    assert "cannot be used ([Errno 17] File exists" in run.stderr
    assert "Delete the file" not in run.stderr
