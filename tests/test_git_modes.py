"""check --staged and --since against real git repositories in temporary directories."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PAT, REPOSITORY_ROOT, SK, git, run_cli, write_files

GITIGNORE = ".env\n.env.local\n"


def commit_all(repo: Path, message: str = "commit") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


@pytest.fixture
def base(repo: Path) -> Path:
    """A repository with one clean commit."""
    write_files(repo, {".gitignore": GITIGNORE, "app.py": "import os\n\nX = 1\n"})
    commit_all(repo, "base")
    return repo


# --staged


def test_staged_token_deleted_in_tree(base: Path) -> None:
    write_files(base, {"config.py": f'TOKEN = "{PAT}"\n'})
    git(base, "add", "config.py")
    (base / "config.py").write_text("TOKEN = None\n")
    run = run_cli(base, "check", "--staged", "--format", "json")
    assert run.code == 1
    assert run.findings() == [("TTAI101", "config.py", 1, 10)]


def test_staged_ignores_unstaged_token(base: Path) -> None:
    write_files(base, {"app.py": f'import os\n\nX = "{PAT}"\n'})
    run = run_cli(base, "check", "--staged", "--format", "json")
    assert run.code == 0
    assert run.findings() == []


def test_staged_partial_hunk(base: Path) -> None:
    lines = [f"A{number} = {number}\n" for number in range(1, 21)]
    write_files(base, {"big.py": "".join(lines)})
    commit_all(base)
    changed = list(lines)
    changed[1] = f'A2 = "{SK}"\n'
    changed[17] = f'A18 = "{PAT}"\n'
    write_files(base, {"big.py": "".join(changed)})
    patch = git(base, "diff", "-U0", "big.py")
    header, *hunks = re.split(r"(?m)^(?=@@ )", patch)
    assert len(hunks) == 2
    # Stage only the first hunk (line 2, the sk_live_ token).
    subprocess.run(
        ["git", "apply", "--cached", "--unidiff-zero", "-"],
        cwd=base,
        input=header + hunks[0],
        text=True,
        check=True,
    )
    run = run_cli(base, "check", "--staged", "--format", "json")
    assert run.findings() == [("TTAI101", "big.py", 2, 7)]
    plain = run_cli(base, "check", "--format", "json")
    assert plain.findings() == [("TTAI101", "big.py", 2, 7), ("TTAI101", "big.py", 18, 8)]


def test_staged_rename_new_name(base: Path) -> None:
    write_files(base, {"old.py": f'T = "{PAT}"  # ttai-guard: ignore\n'})
    commit_all(base)
    git(base, "mv", "old.py", "new.py")
    write_files(base, {"new.py": f'T = "{PAT}"\n'})
    git(base, "add", "new.py")
    run = run_cli(base, "check", "--staged", "--format", "json")
    assert run.findings() == [("TTAI101", "new.py", 1, 6)]


def test_staged_deleted_file_skipped(base: Path) -> None:
    write_files(base, {"gone.py": f'T = "{PAT}"  # ttai-guard: ignore\n'})
    commit_all(base)
    write_files(base, {"gone.py": f'T = "{PAT}"\n'})
    git(base, "rm", "-q", "--cached", "gone.py")
    run = run_cli(base, "check", "--staged", "--format", "json")
    assert run.code == 0
    assert run.findings() == []


def test_staged_gitignore_as_staged(base: Path) -> None:
    write_files(base, {".gitignore": "node_modules/\n"})
    git(base, "add", ".gitignore")
    write_files(base, {".gitignore": GITIGNORE})
    run = run_cli(base, "check", "--staged", "--format", "json")
    assert run.findings() == [("TTAI401", ".gitignore", 1, 1)]
    assert "`.env`, `.env.local`" in run.json()["findings"][0]["message"]


def test_staged_env_file_in_index(base: Path) -> None:
    write_files(base, {"api/.env": "TTAI_TOKEN=abc\n", "api/.gitignore": ""})
    git(base, "add", "-f", "api/.env")
    (base / "api" / ".env").unlink()
    run = run_cli(base, "check", "--staged", "--format", "json")
    assert ("TTAI402", "api/.env", 1, 1) in run.findings()


def test_staged_paths_restrict(base: Path) -> None:
    write_files(base, {"a.py": f'A = "{PAT}"\n', "b.py": f'B = "{SK}"\n'})
    git(base, "add", "a.py", "b.py")
    run = run_cli(base, "check", "--staged", "--format", "json", "b.py")
    assert run.findings() == [("TTAI101", "b.py", 1, 6)]


def test_staged_paths_from_subdirectory(base: Path) -> None:
    write_files(base, {"src/a.py": f'A = "{PAT}"\n'})
    git(base, "add", "src/a.py")
    run = run_cli(base / "src", "check", "--staged", "--format", "json", "a.py")
    assert run.findings() == [("TTAI101", "a.py", 1, 6)]


def test_staged_unstaged_path_notice(base: Path) -> None:
    write_files(base, {"loose.py": f'A = "{PAT}"\n'})
    run = run_cli(base, "check", "--staged", "loose.py")
    assert run.code == 0
    assert "loose.py: not staged in the git index; not scanned" in run.stderr


def test_staged_missing_path_usage(base: Path) -> None:
    run = run_cli(base, "check", "--staged", "nope.py")
    assert run.code == 2
    assert "path not found: nope.py" in run.stderr


def test_staged_outside_git_usage(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.py": "x = 1\n"})
    run = run_cli(tmp_path, "check", "--staged")
    assert run.code == 2
    assert "--staged needs a git repository" in run.stderr


def test_staged_symlink_skipped(base: Path) -> None:
    os.symlink("app.py", base / "link.py")
    git(base, "add", "link.py")
    run = run_cli(base, "check", "--staged", "--format", "json")
    skipped = {item["path"]: item["reason"] for item in run.json()["skipped"]}
    assert skipped["link.py"] == "symbolic link in the index (not followed)"


def test_staged_no_temporary_paths(base: Path) -> None:
    write_files(base, {"x.py": f'A = "{PAT}"\n'})
    git(base, "add", "x.py")
    run = run_cli(base, "check", "--staged", "--format", "sarif")
    assert "ttai-guard-staged-" not in run.stdout
    assert "ttai-guard-staged-" not in run.stderr


def write_hook(repo: Path) -> None:
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\n"
        f'PYTHONPATH="{REPOSITORY_ROOT}" exec "{sys.executable}" -m ttai_guard check --staged -q\n'
    )
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)


def test_pre_commit_hook_refuses(base: Path) -> None:
    write_hook(base)
    write_files(base, {"settings.py": f'TTAI_TOKEN = "{PAT}"\n'})
    git(base, "add", "settings.py")
    completed = subprocess.run(
        ["git", "commit", "-q", "-m", "add settings"], cwd=base, capture_output=True, text=True
    )
    assert completed.returncode != 0
    # git sends the hook's output to stderr.
    assert "settings.py:1:15: TTAI101" in completed.stderr
    assert PAT not in completed.stdout + completed.stderr
    assert git(base, "rev-list", "--count", "HEAD").strip() == "1"


def test_pre_commit_hook_allows_clean(base: Path) -> None:
    write_hook(base)
    write_files(base, {"settings.py": 'TTAI_TOKEN = os.environ["TTAI_TOKEN"]\n'})
    git(base, "add", "settings.py")
    git(base, "commit", "-q", "-m", "add settings")
    assert git(base, "rev-list", "--count", "HEAD").strip() == "2"


# --since


def test_since_keeps_changed_lines(base: Path) -> None:
    write_files(base, {"old.py": f'A = "{PAT}"\n\n\nB = 2\n'})
    commit_all(base)
    write_files(base, {"old.py": f'A = "{PAT}"\n\n\nB = "{SK}"\n'})
    run = run_cli(base, "check", "--since", "HEAD", "--format", "json")
    assert run.findings() == [("TTAI101", "old.py", 4, 6)]


def test_since_untracked_wholly_added(base: Path) -> None:
    write_files(base, {"new.py": f'\nA = "{PAT}"\n'})
    run = run_cli(base, "check", "--since", "HEAD", "--format", "json")
    assert run.findings() == [("TTAI101", "new.py", 2, 6)]


def test_since_rename_not_added(base: Path) -> None:
    body = "".join(f"L{n} = {n}\n" for n in range(10))
    write_files(base, {"old.py": f'A = "{PAT}"\n' + body})
    commit_all(base)
    git(base, "mv", "old.py", "moved.py")
    write_files(base, {"moved.py": f'A = "{PAT}"\n' + body + f'Z = "{SK}"\n'})
    run = run_cli(base, "check", "--since", "HEAD", "--format", "json")
    assert run.findings() == [("TTAI101", "moved.py", 12, 6)]


def test_since_branch_range(base: Path) -> None:
    git(base, "checkout", "-q", "-b", "feature")
    write_files(base, {"app.py": f'import os\n\nX = "{PAT}"\n'})
    commit_all(base, "feature work")
    run = run_cli(base, "check", "--since", "main", "--format", "json")
    assert run.findings() == [("TTAI101", "app.py", 3, 6)]
    git(base, "checkout", "-q", "main")
    assert run_cli(base, "check", "--since", "feature", "--format", "json").findings() == []


def test_since_unknown_revision(base: Path) -> None:
    run = run_cli(base, "check", "--since", "no-such-branch")
    assert run.code == 2
    assert "unknown revision 'no-such-branch'" in run.stderr


def test_since_gitignore_change_kept(base: Path) -> None:
    write_files(base, {".gitignore": "node_modules/\n"})
    run = run_cli(base, "check", "--since", "HEAD", "--format", "json")
    assert run.findings() == [("TTAI401", ".gitignore", 1, 1)]


def test_since_old_gitignore_problem_dropped(repo: Path) -> None:
    write_files(repo, {".gitignore": "node_modules/\n", "app.py": "X = 1\n"})
    commit_all(repo)
    write_files(repo, {"app.py": "X = 2\n"})
    assert run_cli(repo, "check", "--format", "json").findings() == [
        ("TTAI401", ".gitignore", 1, 1)
    ]
    assert run_cli(repo, "check", "--since", "HEAD", "--format", "json").findings() == []


def test_since_directory_gained_env(repo: Path) -> None:
    write_files(repo, {".gitignore": ".env\n.env.local\n", "web/app.js": "x\n"})
    commit_all(repo)
    write_files(repo, {"web/.gitignore": "!.env\n", "web/.env": "A=1\n"})
    commit_all(repo)
    write_files(repo, {"api/.gitignore": "!.env.local\n"})
    commit_all(repo)
    write_files(repo, {"api/.env.local": "B=2\n"})
    run = run_cli(repo, "check", "--since", "HEAD", "--format", "json")
    assert run.findings() == [("TTAI401", "api/.gitignore", 1, 1)]


def test_since_tracked_env_changed(base: Path) -> None:
    write_files(base, {"svc/.env": "A=1\n"})
    git(base, "add", "-f", "svc/.env")
    commit_all(base)
    assert run_cli(base, "check", "--since", "HEAD", "--format", "json").findings() == []
    write_files(base, {"svc/.env": "A=2\n"})
    run = run_cli(base, "check", "--since", "HEAD", "--format", "json")
    assert run.findings() == [("TTAI402", "svc/.env", 1, 1)]


def test_since_with_staged(base: Path) -> None:
    write_files(base, {"app.py": f'import os\n\nX = "{PAT}"\nY = "{SK}"\n'})
    git(base, "add", "app.py")
    write_files(base, {"app.py": f'import os\n\nX = "{PAT}"\nY = 1\n'})
    run = run_cli(base, "check", "--staged", "--since", "HEAD", "--format", "json")
    assert run.findings() == [("TTAI101", "app.py", 3, 6), ("TTAI101", "app.py", 4, 6)]


def test_since_binary_wholly_changed(base: Path) -> None:
    write_files(base, {"blob.dat": b"\0\x01" + PAT.encode() + b"\nline two\n"})
    commit_all(base)
    write_files(base, {"blob.dat": b"\0\x01" + PAT.encode() + b"\nline 2\n"})
    run = run_cli(base, "check", "--since", "HEAD", "--format", "json")
    assert run.findings() == [("TTAI101", "blob.dat", 1, 3)]


@pytest.mark.parametrize(
    "name",
    ["a b.py", "tab\there.py", 'quote"d.py', "caf\u00e9.py", "sp ace/\u00fc ber.py"],
)
def test_since_unusual_file_names(base: Path, name: str) -> None:
    write_files(base, {name: "A = 1\n\n\nB = 2\n"})
    commit_all(base)
    write_files(base, {name: f'A = 1\n\n\nB = "{PAT}"\n'})
    run = run_cli(base, "check", "--since", "HEAD", "--format", "json")
    assert run.findings() == [("TTAI101", name, 4, 6)]


def test_since_added_line_like_header(base: Path) -> None:
    lines = ["A = 1\n", "B = 2\n", "C = 3\n", "D = 4\n", "E = 5\n"]
    write_files(base, {"m.py": "".join(lines)})
    commit_all(base)
    lines[1] = "++ 1\n"
    lines[4] = f'E = "{SK}"\n'
    write_files(base, {"m.py": "".join(lines)})
    diff = git(base, "diff", "--unified=0", "HEAD", "--", "m.py")
    assert "\n+++ 1\n" in diff
    run = run_cli(base, "check", "--since", "HEAD", "--select", "TTAI101", "--format", "json")
    assert run.findings() == [("TTAI101", "m.py", 5, 6)]


@pytest.mark.parametrize("mode", ["--fix", "--diff"])
def test_staged_fix_usage(base: Path, mode: str) -> None:
    write_files(base, {".gitignore": "dist/\n"})
    git(base, "add", ".gitignore")
    run = run_cli(base, "check", "--staged", mode)
    assert run.code == 2
    assert "cannot be combined with --staged" in run.stderr
    assert "then stage the changes with `git add`" in run.stderr
    assert (base / ".gitignore").read_text() == "dist/\n"
