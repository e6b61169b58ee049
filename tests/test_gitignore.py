"""Tests for ttai_guard.gitignore, most of them differential against real git.

Each table case builds a small repository on disk, runs ``git init``, and checks every
listed path both with IgnoreRules and with ``git check-ignore --no-index``. Git runs with
a temporary HOME, no system config and ``core.excludesFile=/dev/null``, and the
repository's ``.git/info/exclude`` is emptied, so only the ``.gitignore`` files decide.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ttai_guard.gitignore import (
    IgnoreMatch,
    IgnoreRules,
    _GlobAutomaton,
    _parse_glob,
    _tokens_to_regex,
    find_worktree_top,
    nearest_gitignore,
)

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


@dataclass(frozen=True)
class Case:
    """A repository to build, the paths to check and the paths git ignores among them.

    A path in ``check`` that ends with "/" is created as a directory. Other paths are
    checked as files and are created only when ``files`` lists them, so a path that is
    missing stands for a file that could be created.
    """

    files: dict[str, str | bytes]
    check: tuple[str, ...]
    ignored: frozenset[str]
    links: dict[str, str] = field(default_factory=dict)


def case(
    case_id: str,
    files: dict[str, str | bytes],
    check: list[str],
    ignored: list[str],
    links: dict[str, str] | None = None,
) -> object:
    unknown = set(ignored) - set(check)
    assert not unknown, f"{case_id}: ignored paths missing from check: {unknown}"
    built = Case(files, tuple(check), frozenset(ignored), links or {})
    return pytest.param(built, id=case_id)


CASES = [
    # Basic matching and anchoring.
    case(
        "basename-any-depth",
        {".gitignore": "*.log\n"},
        ["a.log", "d/b.log", "d/e/c.log", "a.txt", "d/"],
        ["a.log", "d/b.log", "d/e/c.log"],
    ),
    case(
        "name-without-slash-any-depth",
        {".gitignore": "tmp\n"},
        ["tmp", "a/tmp", "a/b/tmp/", "tmpx", "a/"],
        ["tmp", "a/tmp", "a/b/tmp/"],
    ),
    case(
        "leading-slash-anchors",
        {".gitignore": "/root.txt\n"},
        ["root.txt", "d/root.txt"],
        ["root.txt"],
    ),
    case(
        "middle-slash-anchors",
        {".gitignore": "doc/*.txt\n"},
        ["doc/a.txt", "doc/sub/a.txt", "x/doc/a.txt", "doc/"],
        ["doc/a.txt"],
    ),
    case(
        "star-stops-at-slash",
        {".gitignore": "a/*.c\n"},
        ["a/x.c", "a/b/x.c", "a/.c"],
        ["a/x.c", "a/.c"],
    ),
    case(
        "case-sensitive",
        {".gitignore": "*.LOG\nReadme\n"},
        ["a.log", "b.LOG", "readme", "Readme"],
        ["b.LOG", "Readme"],
    ),
    case(
        "non-ascii-literal",
        {".gitignore": "é.txt\n"},
        ["é.txt", "e.txt", "d/é.txt"],
        ["é.txt", "d/é.txt"],
    ),
    # Directory-only patterns.
    case(
        "trailing-slash-only-directories",
        {".gitignore": "cache/\n"},
        ["cache/", "d/cache/", "e/cache", "cache/x"],
        ["cache/", "d/cache/", "cache/x"],
    ),
    case(
        "trailing-slash-never-files",
        {".gitignore": "*.d/\n"},
        ["x.d", "y.d/", "y.d/z"],
        ["y.d/", "y.d/z"],
    ),
    case(
        "anchored-directory",
        {".gitignore": "/build/\n"},
        ["build/", "build/out.o", "src/build/", "build2/"],
        ["build/", "build/out.o"],
    ),
    case(
        "star-slash-all-directories",
        {".gitignore": "*/\n"},
        ["a/", "a/x", "top.txt"],
        ["a/", "a/x"],
    ),
    case(
        "symlink-to-directory-is-file",
        {".gitignore": "target/\n", "real/x": "x"},
        ["target", "real/"],
        [],
        links={"target": "real"},
    ),
    # Double stars.
    case(
        "leading-double-star",
        {".gitignore": "**/logs\n**/cfg/app.ini\n"},
        ["logs/", "a/logs/", "a/b/logs", "cfg/app.ini", "x/cfg/app.ini", "x/app.ini"],
        ["logs/", "a/logs/", "a/b/logs", "cfg/app.ini", "x/cfg/app.ini"],
    ),
    case(
        "trailing-double-star",
        {".gitignore": "abc/**\n"},
        ["abc/", "abc/x", "abc/d/", "abc/d/y", "abcd/x"],
        ["abc/x", "abc/d/", "abc/d/y"],
    ),
    case(
        "middle-double-star",
        {".gitignore": "a/**/b\n"},
        ["a/b", "a/x/b", "a/x/y/b", "ab/b", "a/xb", "c/a/b"],
        ["a/b", "a/x/b", "a/x/y/b"],
    ),
    case(
        "double-star-inside-name",
        {".gitignore": "x/a**b\n"},
        ["x/ab", "x/aZZb", "x/a/b", "x/a/q/b"],
        ["x/ab", "x/aZZb"],
    ),
    case(
        "double-star-after-literal",
        {".gitignore": "d/foo**/bar\n"},
        ["d/foo/bar", "d/foox/bar", "d/foox/q/bar", "d/fo/bar"],
        ["d/foo/bar", "d/foox/bar", "d/foox/q/bar"],
    ),
    case(
        "double-star-escaped-slash",
        {".gitignore": "a/**\\/b\n"},
        ["a/b", "a/x/b", "a/x/y/b"],
        ["a/x/b", "a/x/y/b"],
    ),
    case(
        "double-star-slash-all-directories",
        {".gitignore": "**/\n"},
        ["d/", "d/e/", "f"],
        ["d/", "d/e/"],
    ),
    # Wildcards and bracket expressions.
    case(
        "question-mark-one-byte",
        {".gitignore": "?.txt\n??z\n"},
        ["a.txt", "ab.txt", "é.txt", "abz", "éz", "az"],
        ["a.txt", "abz", "éz"],
    ),
    case(
        "bracket-range",
        {".gitignore": "[a-c].txt\n"},
        ["a.txt", "b.txt", "c.txt", "d.txt"],
        ["a.txt", "b.txt", "c.txt"],
    ),
    case(
        "bracket-negation",
        {".gitignore": "[!a].bang\n[^a].caret\n"},
        ["a.bang", "b.bang", "a.caret", "b.caret"],
        ["b.bang", "b.caret"],
    ),
    case(
        "bracket-literal-edges",
        {".gitignore": "[]a]1\n[a-]2\n[\\]]3\n[z-a]4\n"},
        ["]1", "a1", "-2", "a2", "b2", "]3", "\\3", "a4", "z4"],
        ["]1", "a1", "-2", "a2", "]3", "z4"],
    ),
    case(
        "bracket-character-classes",
        {".gitignore": "[[:digit:]]*\n[[:upper:][:punct:]]x\n"},
        ["1a", "a1", "Ax", "_x", "ax"],
        ["1a", "Ax", "_x"],
    ),
    case(
        "bracket-invalid-matches-nothing",
        {".gitignore": "[[:foo:]]x\na[b\nq[[:]y\n"},
        ["ax", "a[b", "q[y", "q:y", "qy"],
        ["q[y", "q:y"],
    ),
    case(
        "bracket-excludes-slash",
        {".gitignore": "a[/]b\na?c\n"},
        ["a/b", "a/c", "axc"],
        ["axc"],
    ),
    case(
        "escaped-wildcards",
        {".gitignore": "\\*.txt\nq\\?\n"},
        ["*.txt", "a.txt", "q?", "qa"],
        ["*.txt", "q?"],
    ),
    case(
        "many-stars",
        {".gitignore": "*a*a*a*a*a*a*a*b\nd/*x*y*z\n"},
        ["a" * 120, "aaaaaaab", "ab", "d/1x2y3z", "d/xyz", "d/zyx"],
        ["aaaaaaab", "d/1x2y3z", "d/xyz"],
    ),
    # Negation and precedence.
    case(
        "negation-reincludes",
        {".gitignore": "*.log\n!keep.log\n"},
        ["a.log", "keep.log", "d/keep.log"],
        ["a.log"],
    ),
    case(
        "last-match-wins-in-file",
        {".gitignore": "x\n!x\nx\ny\n!y\n"},
        ["x", "y"],
        ["x"],
    ),
    case(
        "negation-before-pattern-loses",
        {".gitignore": "!keep.log\n*.log\n"},
        ["keep.log"],
        ["keep.log"],
    ),
    case(
        "negation-under-ignored-directory",
        {".gitignore": "build/\n!build/keep.txt\n"},
        ["build/", "build/keep.txt", "build/other.txt"],
        ["build/", "build/keep.txt", "build/other.txt"],
    ),
    case(
        "negation-after-directory-contents",
        {".gitignore": "build/*\n!build/keep.txt\n"},
        ["build/", "build/keep.txt", "build/other.txt"],
        ["build/other.txt"],
    ),
    case(
        "negated-directory",
        {".gitignore": "logs/\n!logs/\n"},
        ["logs/", "logs/a.txt"],
        [],
    ),
    case(
        "allow-list",
        {".gitignore": "*\n!*/\n!*.py\n"},
        ["a.py", "a.txt", "d/", "d/b.py", "d/b.txt"],
        ["a.txt", "d/b.txt"],
    ),
    # Nested .gitignore files.
    case(
        "nested-deeper-file-wins",
        {".gitignore": "*.txt\n", "sub/.gitignore": "!keep.txt\n"},
        ["keep.txt", "sub/keep.txt", "sub/x.txt", "sub/d/keep.txt"],
        ["keep.txt", "sub/x.txt"],
    ),
    case(
        "nested-deeper-wins-over-later",
        {".gitignore": "!*.cfg\n", "sub/.gitignore": "*.cfg\n"},
        ["a.cfg", "sub/a.cfg"],
        ["sub/a.cfg"],
    ),
    case(
        "nested-leading-slash-relative",
        {"sub/.gitignore": "/build\n"},
        ["sub/build/", "build/", "sub/x/build/"],
        ["sub/build/"],
    ),
    case(
        "nested-middle-slash-relative",
        {"sub/.gitignore": "a/b\n"},
        ["sub/a/b", "a/b", "sub/x/a/b"],
        ["sub/a/b"],
    ),
    case(
        "nested-directory-pattern",
        {"sub/.gitignore": "out/\n"},
        ["sub/out/", "sub/x/out/", "out/"],
        ["sub/out/", "sub/x/out/"],
    ),
    case(
        "nested-file-in-ignored-directory-unread",
        {".gitignore": "vendor/\n", "vendor/.gitignore": "!keep\n"},
        ["vendor/", "vendor/keep", "vendor/x"],
        ["vendor/", "vendor/keep", "vendor/x"],
    ),
    case(
        "nested-file-cannot-unignore-own-directory",
        {".gitignore": "gen/\n", "gen/.gitignore": "!/\n!*\n"},
        ["gen/", "gen/a"],
        ["gen/", "gen/a"],
    ),
    case(
        "nested-double-star-relative",
        {"pkg/.gitignore": "**/cache\n"},
        ["pkg/cache/", "pkg/a/cache/", "cache/"],
        ["pkg/cache/", "pkg/a/cache/"],
    ),
    # Syntax of the file.
    case(
        "trailing-spaces-trimmed",
        {".gitignore": "foo   \n"},
        ["foo", "foo   "],
        ["foo"],
    ),
    case(
        "escaped-trailing-space",
        {".gitignore": "foo\\ \n"},
        ["foo ", "foo"],
        ["foo "],
    ),
    case(
        "trailing-tab-kept",
        {".gitignore": "foo\t\n"},
        ["foo", "foo\t"],
        ["foo\t"],
    ),
    case(
        "comment-line",
        {".gitignore": "#note\n"},
        ["#note", "note"],
        [],
    ),
    case(
        "escaped-hash",
        {".gitignore": "\\#note\n"},
        ["#note"],
        ["#note"],
    ),
    case(
        "hash-inside-pattern",
        {".gitignore": "foo #bar\n"},
        ["foo #bar", "foo"],
        ["foo #bar"],
    ),
    case(
        "escaped-bang",
        {".gitignore": "x\n\\!x\n"},
        ["!x", "x"],
        ["!x", "x"],
    ),
    case(
        "blank-and-space-lines",
        {".gitignore": "\n\n   \nfoo\n\n"},
        ["foo", "bar"],
        ["foo"],
    ),
    case(
        "crlf-line-endings",
        {".gitignore": "a.txt\r\nb.txt  \r\n!a.txt\r\n"},
        ["a.txt", "b.txt", "c.txt"],
        ["b.txt"],
    ),
    case(
        "no-final-newline",
        {".gitignore": "a\nb"},
        ["a", "b"],
        ["a", "b"],
    ),
    case(
        "utf8-bom-skipped",
        {".gitignore": "\ufeffsecret.txt\n\ufeffother.txt\n"},
        ["secret.txt", "other.txt", "\ufeffother.txt"],
        ["secret.txt", "\ufeffother.txt"],
    ),
    case(
        "trailing-backslash-matches-nothing",
        {".gitignore": "foo\\\n"},
        ["foo", "foo\\"],
        [],
    ),
    case(
        "nul-byte-ends-pattern",
        {".gitignore": b"foo\0bar\n"},
        ["foo", "foobar"],
        ["foo"],
    ),
    case(
        "slash-and-bang-alone",
        {".gitignore": "/\n!\n//\n"},
        ["a", "b/"],
        [],
    ),
    # How git treats the .gitignore file itself.
    case(
        "symlinked-gitignore-not-read",
        {"patterns.txt": "secret.txt\n", "sub/patterns.txt": "*.key\n"},
        ["secret.txt", "sub/a.key"],
        [],
        links={".gitignore": "patterns.txt", "sub/.gitignore": "patterns.txt"},
    ),
    # The .env files that TTAI401 checks, which need not exist.
    case(
        "env-files-hypothetical",
        {".gitignore": ".env\n.env.*.local\n"},
        [".env", ".env.local", "app/.env", "app/.env.production.local", "app/"],
        [".env", "app/.env", "app/.env.production.local"],
    ),
    case(
        "env-files-negated-example",
        {".gitignore": ".env*\n!.env.example\n", "web/.gitignore": "!.env.local\n"},
        [".env", ".env.example", ".env.local", "web/.env", "web/.env.local"],
        [".env", ".env.local", "web/.env"],
    ),
    case(
        "env-anchored-only-at-root",
        {".gitignore": "/.env\n"},
        [".env", "api/.env"],
        [".env"],
    ),
]


# --- Running real git ------------------------------------------------------------------


@pytest.fixture(scope="session")
def git_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Return an environment in which no user or system git configuration applies."""
    home = tmp_path_factory.mktemp("git-home")
    env = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    env["HOME"] = str(home)
    env["XDG_CONFIG_HOME"] = str(home / ".config")
    env["GIT_CONFIG_NOSYSTEM"] = "1"
    return env


# The global excludes file is set to /dev/null so that no user file can apply.
CHECK_IGNORE = [GIT or "git", "-c", "core.excludesFile=/dev/null", "check-ignore", "--no-index"]


def git_init(repo: Path, env: dict[str, str]) -> None:
    subprocess.run([GIT or "git", "init", "-q", str(repo)], env=env, check=True)
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("")


def git_check_ignore(repo: Path, path: str, env: dict[str, str]) -> bool:
    """Return whether ``git check-ignore --no-index -q`` reports ``path`` as ignored."""
    result = subprocess.run(
        [*CHECK_IGNORE, "-q", "--", path],
        cwd=repo,
        env=env,
        capture_output=True,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode == 0


def git_check_ignore_verbose(
    repo: Path, path: str, env: dict[str, str]
) -> tuple[str, int, str] | None:
    """Return the (source, line, pattern) that ``git check-ignore -v`` prints, or None."""
    result = subprocess.run(
        [*CHECK_IGNORE, "-v", "-n", "--stdin", "-z"],
        cwd=repo,
        env=env,
        input=os.fsencode(path) + b"\0",
        capture_output=True,
    )
    fields = result.stdout.split(b"\0")
    assert len(fields) == 5, (result.stdout, result.stderr)
    source, line, pattern = fields[0], fields[1], fields[2]
    if not source:
        return None
    return os.fsdecode(source), int(line), os.fsdecode(pattern)


def build_repository(root: Path, built: Case, env: dict[str, str]) -> None:
    git_init(root, env)
    for path, contents in built.files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(contents, bytes):
            target.write_bytes(contents)
        else:
            target.write_bytes(contents.encode("utf-8"))
    for path, destination in built.links.items():
        link = root / path
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(destination)
    for path in built.check:
        if path.endswith("/"):
            (root / path).mkdir(parents=True, exist_ok=True)
        else:
            (root / path).parent.mkdir(parents=True, exist_ok=True)


def split_check_path(path: str) -> tuple[str, bool]:
    return path.rstrip("/"), path.endswith("/")


# --- Differential tests -----------------------------------------------------------------


@needs_git
@pytest.mark.parametrize("built", CASES)
def test_is_ignored_matches_git(built: Case, tmp_path: Path, git_env: dict[str, str]) -> None:
    build_repository(tmp_path, built, git_env)
    rules = IgnoreRules.load(tmp_path)

    ours = {}
    git = {}
    for check_path in built.check:
        path, is_dir = split_check_path(check_path)
        ours[check_path] = rules.is_ignored(path, is_dir)
        git[check_path] = git_check_ignore(tmp_path, path, git_env)

    assert git == {path: path in built.ignored for path in built.check}
    assert ours == git


@needs_git
@pytest.mark.parametrize("built", CASES)
def test_match_matches_git_verbose(built: Case, tmp_path: Path, git_env: dict[str, str]) -> None:
    build_repository(tmp_path, built, git_env)
    rules = IgnoreRules.load(tmp_path)

    ours = {}
    git = {}
    for check_path in built.check:
        path, is_dir = split_check_path(check_path)
        found = rules.match(path, is_dir)
        ours[check_path] = None if found is None else (found.source, found.line, found.pattern)
        git[check_path] = git_check_ignore_verbose(tmp_path, path, git_env)

    assert ours == git


@needs_git
@pytest.mark.parametrize("built", CASES)
def test_match_source_matches_git(built: Case, tmp_path: Path, git_env: dict[str, str]) -> None:
    build_repository(tmp_path, built, git_env)
    rules = IgnoreRules.load(tmp_path)

    ours = {}
    git = {}
    for check_path in built.check:
        path, is_dir = split_check_path(check_path)
        ours[check_path] = rules.match_source(path, is_dir)
        verbose = git_check_ignore_verbose(tmp_path, path, git_env)
        git[check_path] = None if verbose is None else verbose[:2]

    assert ours == git


def test_case_table_size() -> None:
    assert len(CASES) >= 40


# --- Source lines, negation and matches ---------------------------------------------------


def write(root: Path, files: dict[str, str]) -> None:
    for path, contents in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(contents)


@needs_git
def test_match_source_line_numbers(tmp_path: Path, git_env: dict[str, str]) -> None:
    git_init(tmp_path, git_env)
    write(
        tmp_path,
        {
            ".gitignore": "# generated\n\n*.log\r\n!keep.log\n",
            "sub/.gitignore": "\ufeff\n*.tmp\n",
        },
    )
    rules = IgnoreRules.load(tmp_path)

    assert rules.match_source("a.log", False) == (".gitignore", 3)
    assert rules.match_source("keep.log", False) == (".gitignore", 4)
    assert rules.match_source("sub/x.tmp", False) == ("sub/.gitignore", 2)
    assert rules.match_source("sub/x.txt", False) is None


def test_match_reports_negation(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "*.log\n!keep.log\n"})
    rules = IgnoreRules.load(tmp_path)

    found = rules.match("keep.log", False)

    assert found == IgnoreMatch(source=".gitignore", line=2, pattern="!keep.log", negated=True)
    assert found is not None and not found.ignored
    assert not rules.is_ignored("keep.log", False)


def test_match_inside_ignored_directory(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "*.txt\ndist/\n!dist/keep.txt\n"})
    rules = IgnoreRules.load(tmp_path)

    found = rules.match("dist/keep.txt", False)

    assert found == IgnoreMatch(source=".gitignore", line=2, pattern="dist/", negated=False)


# --- Outside a repository and below its top ------------------------------------------------


def test_outside_repository_uses_root(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write(project, {".gitignore": "*.log\n/out/\n", "lib/.gitignore": "!debug.log\n"})
    if find_worktree_top(project) is not None:
        pytest.skip("the temporary directory lies inside a git work tree")

    rules = IgnoreRules.load(project)

    assert rules.top == Path(os.path.realpath(project))
    assert rules.is_ignored("a.log", False)
    assert rules.is_ignored("out", True)
    assert not rules.is_ignored("lib/debug.log", False)
    assert rules.match_source("lib/debug.log", False) == ("lib/.gitignore", 1)
    assert rules.nearest_gitignore("lib/deep") == "lib/.gitignore"


@needs_git
def test_scan_root_below_top(tmp_path: Path, git_env: dict[str, str]) -> None:
    git_init(tmp_path, git_env)
    write(
        tmp_path,
        {
            ".gitignore": "/app/gen/\n*.log\n",
            "app/.gitignore": "!keep.log\n",
            "app/src/main.py": "",
        },
    )

    rules = IgnoreRules.load(tmp_path / "app")

    assert rules.top == Path(os.path.realpath(tmp_path))
    assert rules.is_ignored("gen", True)
    assert rules.is_ignored("gen/a.py", False)
    assert rules.is_ignored("src/x.log", False)
    assert not rules.is_ignored("keep.log", False)
    assert not rules.is_ignored("src/main.py", False)
    assert rules.match_source("src/x.log", False) == ("../.gitignore", 2)
    assert rules.match_source("keep.log", False) == (".gitignore", 1)
    assert rules.nearest_gitignore("src") == ".gitignore"


@needs_git
def test_scan_root_inside_ignored_directory(tmp_path: Path, git_env: dict[str, str]) -> None:
    git_init(tmp_path, git_env)
    write(tmp_path, {".gitignore": "build/\n", "build/lib/a.py": ""})

    rules = IgnoreRules.load(tmp_path / "build" / "lib")

    assert rules.is_ignored("a.py", False)
    assert rules.is_ignored("", True)
    assert rules.match_source("a.py", False) == ("../../.gitignore", 1)


@needs_git
def test_info_exclude_not_read(tmp_path: Path, git_env: dict[str, str]) -> None:
    git_init(tmp_path, git_env)
    (tmp_path / ".git" / "info" / "exclude").write_text("secret.txt\n")

    rules = IgnoreRules.load(tmp_path)

    assert not rules.is_ignored("secret.txt", False)


def test_worktree_top_from_gitfile(tmp_path: Path) -> None:
    (tmp_path / "checkout" / "deep").mkdir(parents=True)
    (tmp_path / "checkout" / ".git").write_text("gitdir: /elsewhere/.git/worktrees/x\n")

    top = find_worktree_top(tmp_path / "checkout" / "deep")

    assert top == Path(os.path.realpath(tmp_path / "checkout"))


@pytest.mark.parametrize("path", ["/etc/passwd", "../x", "a/../../b"])
def test_rejects_paths_outside_root(tmp_path: Path, path: str) -> None:
    rules = IgnoreRules.load(tmp_path)

    with pytest.raises(ValueError, match="invalid path"):
        rules.is_ignored(path, False)


def test_normalizes_dot_and_slashes(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "a/b\n"})
    rules = IgnoreRules.load(tmp_path)

    assert rules.is_ignored("./a//b/", False)


# --- nearest_gitignore ---------------------------------------------------------------------


@needs_git
def test_nearest_gitignore(tmp_path: Path, git_env: dict[str, str]) -> None:
    git_init(tmp_path, git_env)
    write(tmp_path, {".gitignore": "", "a/.gitignore": "x\n", "a/b/c/file": ""})
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / ".gitignore").symlink_to("../a/.gitignore")

    assert nearest_gitignore(tmp_path, "a/b/c") == "a/.gitignore"
    assert nearest_gitignore(tmp_path, "a") == "a/.gitignore"
    assert nearest_gitignore(tmp_path, "") == ".gitignore"
    assert nearest_gitignore(tmp_path, "d") == ".gitignore"
    assert nearest_gitignore(tmp_path / "a" / "b", "c") == "../.gitignore"


def test_nearest_gitignore_missing(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    if find_worktree_top(tmp_path) is not None:
        pytest.skip("the temporary directory lies inside a git work tree")

    assert nearest_gitignore(tmp_path, "a") is None


# --- .gitignore files that are not read -----------------------------------------------------


def run_with_deadline(function: Callable[[], object], seconds: float = 10.0) -> object:
    """Run ``function`` in a thread and fail the test if it does not return in time."""
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(function()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the call did not return: it is blocked reading a file"
    return results[0]


def test_symlinked_gitignore_warns(tmp_path: Path) -> None:
    write(tmp_path, {"patterns.txt": "secret.txt\n"})
    (tmp_path / ".gitignore").symlink_to("patterns.txt")
    rules = IgnoreRules.load(tmp_path)

    assert not rules.is_ignored("secret.txt", False)
    assert len(rules.warnings) == 1
    assert rules.warnings[0].startswith(".gitignore is a symbolic link, which git does not")


def test_gitignore_symlink_to_dev_zero(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").symlink_to("/dev/zero")
    rules = IgnoreRules.load(tmp_path)

    ignored = run_with_deadline(lambda: rules.is_ignored("a", False))

    assert ignored is False
    assert len(rules.warnings) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_gitignore_fifo_not_opened(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    os.mkfifo(tmp_path / "sub" / ".gitignore")
    rules = IgnoreRules.load(tmp_path)

    ignored = run_with_deadline(lambda: rules.is_ignored("sub/a", False))

    assert ignored is False
    assert rules.warnings == ["sub/.gitignore is not a regular file, so it was not read."]


def test_gitignore_directory_not_read(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").mkdir()
    rules = IgnoreRules.load(tmp_path)

    assert not rules.is_ignored("a", False)
    assert rules.warnings == [".gitignore is not a regular file, so it was not read."]


def test_symlinked_directory_gitignore_not_read(tmp_path: Path) -> None:
    write(tmp_path, {"real/.gitignore": "*\n"})
    (tmp_path / "link").symlink_to("real")
    rules = IgnoreRules.load(tmp_path)

    assert not rules.is_ignored("link/a", False)
    assert rules.is_ignored("real/a", False)


def test_unreadable_gitignore_warns(tmp_path: Path) -> None:
    if os.name != "posix" or os.geteuid() == 0:
        pytest.skip("file permissions do not stop this user from reading")
    write(tmp_path, {".gitignore": "*.log\n", "sub/.gitignore": "*.tmp\n"})
    (tmp_path / "sub" / ".gitignore").chmod(0)
    try:
        rules = IgnoreRules.load(tmp_path)
        sub_ignored = rules.is_ignored("sub/a.tmp", False)
        log_ignored = rules.is_ignored("sub/a.log", False)
    finally:
        (tmp_path / "sub" / ".gitignore").chmod(stat.S_IRUSR | stat.S_IWUSR)

    assert sub_ignored is False
    assert log_ignored is True
    assert rules.warnings == [
        "sub/.gitignore could not be read (Permission denied), so its patterns do not apply."
    ]


UNREADABLE_CHILD = """
import json, sys
from pathlib import Path
from ttai_guard.gitignore import IgnoreRules
rules = IgnoreRules.load(Path(sys.argv[1]))
print(json.dumps({
    "sub": rules.is_ignored("sub/a.tmp", False),
    "log": rules.is_ignored("sub/a.log", False),
    "warnings": rules.warnings,
}))
"""


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """Yield a temporary directory that other users can enter."""
    directory = Path(tempfile.mkdtemp(prefix="ttai-gitignore-"))
    directory.chmod(0o755)
    try:
        yield directory
    finally:
        shutil.rmtree(directory)


def test_unreadable_gitignore_as_other_user(shared_tmp: Path) -> None:
    setpriv = shutil.which("setpriv")
    if os.name != "posix" or os.geteuid() != 0 or setpriv is None:
        pytest.skip("needs root and setpriv to read as an unprivileged user")
    write(shared_tmp, {".gitignore": "*.log\n", "sub/.gitignore": "*.tmp\n"})
    for directory in (shared_tmp, shared_tmp / "sub"):
        directory.chmod(0o755)
    (shared_tmp / ".gitignore").chmod(0o644)
    (shared_tmp / "sub" / ".gitignore").chmod(0)
    package_parent = Path(__file__).resolve().parents[1]

    result = subprocess.run(
        [
            *(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"),
            *(sys.executable, "-c", UNREADABLE_CHILD, str(shared_tmp)),
        ],
        env={"PYTHONPATH": str(package_parent), "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["sub"] is False
    assert output["log"] is True
    assert output["warnings"] == [
        "sub/.gitignore could not be read (Permission denied), so its patterns do not apply."
    ]


# --- Caching ---------------------------------------------------------------------------------


def test_gitignore_read_once(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "*.log\n", "sub/.gitignore": "*.tmp\n"})
    rules = IgnoreRules.load(tmp_path)
    assert rules.is_ignored("sub/a.tmp", False)

    (tmp_path / "sub" / ".gitignore").write_text("")
    (tmp_path / ".gitignore").write_text("")

    assert rules.is_ignored("sub/b.tmp", False)
    assert rules.is_ignored("c.log", False)


def test_directory_decision_reused(tmp_path: Path) -> None:
    write(tmp_path, {".gitignore": "node_modules/\n"})
    rules = IgnoreRules.load(tmp_path)

    assert rules.is_ignored("web/node_modules", True)
    assert rules.is_ignored("web/node_modules/react/index.js", False)
    assert not rules.is_ignored("web/node_modules", False)


# --- The two glob matchers agree ---------------------------------------------------------------

GLOB_PIECES = st.sampled_from(
    ["a", "b", "/", "*", "**", "?", "[ab]", "[!a]", "\\*", "**/", "/**", "/**/", "é", "[[:alpha:]]"]
)
TEXT_PIECES = st.sampled_from(["a", "b", "/", "*", "é", "ab", "x"])


@settings(max_examples=300, deadline=None)
@given(
    glob=st.lists(GLOB_PIECES, min_size=1, max_size=6).map("".join),
    text=st.lists(TEXT_PIECES, max_size=6).map("".join),
    pathname=st.booleans(),
)
def test_automaton_agrees_with_regex(glob: str, text: str, pathname: bool) -> None:
    tokens = _parse_glob(glob.encode(), pathname)
    assert tokens is not None
    subject = text.encode()

    by_regex = re.fullmatch(_tokens_to_regex(tokens), subject, re.DOTALL) is not None
    by_automaton = _GlobAutomaton(tokens).fullmatch(subject)

    assert by_automaton == by_regex
