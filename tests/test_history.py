"""check --history (TTAI501) against real git histories in temporary directories."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from conftest import PAT, SK, git, run_cli, write_files

import ttai_guard.bytescan as bytescan

GITIGNORE = ".env\n.env.local\n"


def commit_all(repo: Path, message: str, date: str = "2026-03-02T10:00:00+00:00") -> str:
    git(repo, "add", "-A")
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(
        ["git", "commit", "-q", "--allow-empty", "-m", message], cwd=repo, env=env, check=True
    )
    return git(repo, "rev-parse", "--short", "HEAD").strip()


def history_findings(repo: Path, *args: str) -> list[dict]:
    run = run_cli(repo, "check", "--history", "--select", "TTAI501", "--format", "json", *args)
    assert run.code in (0, 1), run.stderr
    return run.json()["findings"]


@pytest.fixture
def leaked(repo: Path) -> tuple[Path, str]:
    """A token committed in app.py, then replaced by an environment lookup."""
    write_files(repo, {".gitignore": GITIGNORE, "app.py": f'import os\n\nTOKEN = "{PAT}"\n'})
    first = commit_all(repo, "add client", "2026-03-02T10:00:00+00:00")
    write_files(repo, {"app.py": 'import os\n\nTOKEN = os.environ["TTAI_TOKEN"]\n'})
    commit_all(repo, "read from env", "2026-03-05T10:00:00+00:00")
    return repo, first


def test_history_reports_removed_token(leaked: tuple[Path, str]) -> None:
    repo, first = leaked
    findings = history_findings(repo)
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in findings] == [
        ("TTAI501", "app.py", 3, 10)
    ]
    assert findings[0]["message"] == (
        "Token `ttai_pat_Zq4L…(44 chars)` was committed in "
        f"{first} (2026-03-02) and is no longer in the tree; it stays in git history, "
        "so revoke and rotate it."
    )
    assert findings[0]["end_column"] == 10 + len(PAT)


def test_history_redacts_everywhere(leaked: tuple[Path, str]) -> None:
    repo, _ = leaked
    for output_format in ("text", "json", "sarif", "github", "junit", "gitlab"):
        run = run_cli(repo, "check", "--history", "--format", output_format)
        assert run.code == 1
        assert PAT not in run.stdout
        assert PAT[12:] not in run.stdout


def test_history_sarif_relative_uri(leaked: tuple[Path, str]) -> None:
    repo, _ = leaked
    run = run_cli(repo, "check", "--history", "--format", "sarif")
    result = run.json()["runs"][0]["results"][0]
    assert result["ruleId"] == "TTAI501"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app.py"
    assert location["region"]["startLine"] == 3


def test_history_fingerprint_stable(leaked: tuple[Path, str]) -> None:
    repo, _ = leaked
    first = history_findings(repo)[0]["fingerprint"]
    second = history_findings(repo)[0]["fingerprint"]
    assert first == second


def test_history_token_still_in_tree(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "app.py": f'TOKEN = "{PAT}"\n'})
    commit_all(repo, "one")
    run = run_cli(repo, "check", "--history", "--format", "json")
    assert run.findings() == [("TTAI101", "app.py", 1, 10)]


def test_history_suppressed_tree_copy(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "fixture.py": f'T = "{PAT}"\n'})
    commit_all(repo, "one")
    write_files(repo, {"fixture.py": f'T = "{PAT}"  # ttai-guard: ignore\n'})
    commit_all(repo, "two")
    assert run_cli(repo, "check", "--history", "--format", "json").findings() == []


def test_history_ignored_env_copy_counts(leaked: tuple[Path, str]) -> None:
    repo, _ = leaked
    write_files(repo, {".env": f"TTAI_TOKEN={PAT}\n"})
    findings = history_findings(repo)
    assert [(f["rule"], f["path"]) for f in findings] == [("TTAI501", "app.py")]


def test_history_deleted_file(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "old/secrets.txt": f"key: {SK}\n"})
    commit_all(repo, "one")
    git(repo, "rm", "-q", "-r", "old")
    commit_all(repo, "two")
    findings = history_findings(repo)
    assert [(f["path"], f["line"], f["column"]) for f in findings] == [("old/secrets.txt", 1, 6)]
    assert not (repo / "old").exists()


def test_history_oldest_commit_wins(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "a.py": f'A = "{PAT}"\n'})
    oldest = commit_all(repo, "one", "2026-01-01T00:00:00+00:00")
    write_files(repo, {"b.py": f'\n\nB = "{PAT}"\n'})
    commit_all(repo, "two", "2026-02-01T00:00:00+00:00")
    git(repo, "rm", "-q", "a.py", "b.py")
    commit_all(repo, "three", "2026-03-01T00:00:00+00:00")
    findings = history_findings(repo)
    assert [(f["path"], f["line"], f["column"]) for f in findings] == [("a.py", 1, 6)]
    assert f"committed in {oldest} (2026-01-01)" in findings[0]["message"]


def test_history_unmerged_branch(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "app.py": "x = 1\n"})
    commit_all(repo, "one")
    git(repo, "checkout", "-q", "-b", "experiment")
    write_files(repo, {"try.py": f'T = "{SK}"\n'})
    branch_commit = commit_all(repo, "experiment")
    git(repo, "checkout", "-q", "main")
    findings = history_findings(repo)
    assert [(f["path"], f["line"], f["column"]) for f in findings] == [("try.py", 1, 6)]
    assert branch_commit in findings[0]["message"]


def test_history_tag_only_commit(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "app.py": "x = 1\n"})
    commit_all(repo, "one")
    git(repo, "checkout", "-q", "-b", "release")
    write_files(repo, {"release.cfg": f"token = {PAT}\n"})
    commit_all(repo, "release")
    git(repo, "tag", "v1")
    git(repo, "checkout", "-q", "main")
    git(repo, "branch", "-q", "-D", "release")
    findings = history_findings(repo)
    assert [(f["path"], f["line"], f["column"]) for f in findings] == [("release.cfg", 1, 9)]


def test_history_binary_blob(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "data.bin": b"\0\x02\nx " + SK.encode()})
    commit_all(repo, "one")
    git(repo, "rm", "-q", "data.bin")
    commit_all(repo, "two")
    findings = history_findings(repo)
    assert [(f["path"], f["line"], f["column"]) for f in findings] == [("data.bin", 2, 3)]


def test_history_large_blob_chunked(repo: Path) -> None:
    padding = b"a" * 5000 + b"\n"
    write_files(repo, {".gitignore": GITIGNORE, "dump.sql": padding * 3 + b"-- " + PAT.encode()})
    commit_all(repo, "one")
    git(repo, "rm", "-q", "dump.sql")
    commit_all(repo, "two")
    findings = history_findings(repo, "--max-file-size", "1000")
    assert [(f["path"], f["line"], f["column"]) for f in findings] == [("dump.sql", 4, 4)]


def test_search_stream_chunk_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bytescan, "CHUNK", 64)
    monkeypatch.setattr(bytescan, "OVERLAP", 48)
    data = b"x\n" * 10 + b"y" * 30 + b" " + SK.encode() + b"\n" + b"z" * 100 + b"=" + PAT.encode()
    stream = io.BytesIO(data)
    found = [(m.token, m.line, m.column) for m in bytescan.search_stream(stream.read)]
    assert found == [(SK, 11, 32), (PAT, 12, 102)]


def test_history_placeholders_silent(repo: Path) -> None:
    # A mask-character placeholder as long as a real token, built here so the
    # repository holds no token-shaped text.
    placeholder = "ttai_" + "pat_" + "x" * 20
    write_files(repo, {".gitignore": GITIGNORE, "README.md": f"Set `{placeholder}`\n"})
    commit_all(repo, "one")
    git(repo, "rm", "-q", "README.md")
    commit_all(repo, "two")
    assert history_findings(repo) == []


def test_history_shallow_clone(leaked: tuple[Path, str], tmp_path: Path) -> None:
    repo, _ = leaked
    write_files(repo, {"notes.txt": f"old {SK}\n"})
    commit_all(repo, "three", "2026-03-06T10:00:00+00:00")
    git(repo, "rm", "-q", "notes.txt")
    last = commit_all(repo, "four", "2026-03-07T10:00:00+00:00")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    run = run_cli(clone, "check", "--history", "--format", "json")
    assert run.findings() == []
    assert "shallow clone" in run.stderr
    deeper = tmp_path / "deeper"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo}", str(deeper))
    findings = history_findings(deeper)
    assert [(f["path"], f["line"], f["column"]) for f in findings] == [("notes.txt", 1, 5)]
    assert last not in findings[0]["message"]


def test_history_since_drops_old(leaked: tuple[Path, str]) -> None:
    repo, _ = leaked
    base = git(repo, "rev-parse", "HEAD").strip()
    write_files(repo, {"tmp.py": f'K = "{SK}"\n'})
    commit_all(repo, "three", "2026-03-06T10:00:00+00:00")
    git(repo, "rm", "-q", "tmp.py")
    commit_all(repo, "four", "2026-03-07T10:00:00+00:00")
    findings = history_findings(repo, "--since", base)
    assert [(f["path"], f["line"]) for f in findings] == [("tmp.py", 1)]


def test_history_exclude_config(leaked: tuple[Path, str]) -> None:
    repo, _ = leaked
    write_files(repo, {"pyproject.toml": '[tool.ttai-guard]\nexclude = ["app.py"]\n'})
    assert history_findings(repo) == []


def test_history_baseline(leaked: tuple[Path, str]) -> None:
    repo, _ = leaked
    written = run_cli(repo, "baseline", "--output", "base.json")
    assert written.code == 0
    run = run_cli(repo, "check", "--history", "--baseline", "base.json", "--format", "json")
    assert run.findings() == [("TTAI501", "app.py", 3, 10)]


def test_history_outside_git(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.py": "x = 1\n"})
    run = run_cli(tmp_path, "check", "--history")
    assert run.code == 2
    assert "--history needs a git repository" in run.stderr


def test_history_empty_repository(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE})
    run = run_cli(repo, "check", "--history", "--format", "json")
    assert run.code == 0
    assert run.findings() == []


def test_audit_includes_history(leaked: tuple[Path, str]) -> None:
    repo, first = leaked
    run = run_cli(repo, "audit")
    assert run.code == 1
    assert "C4  FAIL" in run.stdout
    assert (
        f"app.py:3:10: TTAI501 [error] Token `ttai_pat_Zq4L…(44 chars)` was committed in {first}"
        in (run.stdout)
    )


def test_history_narrowed_paths_see_tree(repo: Path) -> None:
    write_files(
        repo,
        {
            ".gitignore": GITIGNORE,
            "web/src/a.py": f'T = "{PAT}"\n',
            "server/b.py": f'T = "{PAT}"\n',
        },
    )
    commit_all(repo, "one")
    write_files(repo, {"web/src/a.py": "T = None\n"})
    commit_all(repo, "two")
    run = run_cli(repo, "check", "--history", "--format", "json", "web/src/a.py")
    assert run.code == 0
    assert run.findings() == []


def test_history_narrowed_paths_removed_token(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "web/a.py": f'T = "{PAT}"\n', "b.py": "X = 1\n"})
    commit_all(repo, "one")
    write_files(repo, {"web/a.py": "T = None\n"})
    commit_all(repo, "two")
    run = run_cli(repo, "check", "--history", "--format", "json", "b.py")
    assert run.findings() == [("TTAI501", "web/a.py", 1, 6)]
