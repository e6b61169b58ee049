"""``--unsafe-fixes``: move hardcoded tokens (TTAI101) from code into ``.env``.

For each TTAI101 finding in server-side Python or JavaScript/TypeScript,
the literal is rewritten to read an environment variable
(:mod:`ttai_guard.unsafe_python`, :mod:`ttai_guard.unsafe_javascript`).
``NAME=<token>`` is appended to the ``.env`` file at the root of the git
work tree (outside git: the scanned directory). ``.env`` gets a
``.gitignore`` entry when git would not ignore it yet.

The variable is named after the variable, keyword argument or key the
literal is assigned to when that name is token-named, else ``TTAI_TOKEN``.
A name that ``.env`` already binds to another value gets a suffix
(``TTAI_TOKEN_2``). A token that ``.env`` already holds keeps its name there.

The fix is unsafe because the program then needs the variable at run time,
and because moving a token does not make it secret again: every moved token
must still be rotated. Nothing is moved while ``.env`` is tracked by git or
is a symbolic link (the link is not replaced, and its target is not written).
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ttai_guard import filekinds
from ttai_guard.analyzers.envfile import parse_env
from ttai_guard.decoding import decode
from ttai_guard.finding import Finding
from ttai_guard.fixes import FileEdit
from ttai_guard.gitignore import IgnoreRules
from ttai_guard.gitrepo import GitError, Repository, find_work_tree
from ttai_guard.reporters import display_path
from ttai_guard.runner import ScanOptions, ScanResult
from ttai_guard.textindex import LineIndex
from ttai_guard.tokens import redact
from ttai_guard.unsafe_python import NameChooser, SiteOutcome, TokenSite, env_name_for

# Directories whose JavaScript runs in the browser in the usual project
# layouts, and the ones that hold server code even below such a directory.
_CLIENT_DIRECTORIES = frozenset(
    {
        "components",
        "pages",
        "public",
        "static",
        "client",
        "frontend",
        "browser",
        "hooks",
        "views",
        "widgets",
        "popup",
        "extension",
    }
)
_SERVER_DIRECTORIES = frozenset(
    {"api", "server", "backend", "functions", "lambda", "netlify", "serverless"}
)
_USE_CLIENT = re.compile(r"""^(?:\s|//[^\n]*\n|/\*.*?\*/)*['"]use client['"]""", re.S)


def client_reason(path: Path, root: Path, text: str, options: ScanOptions) -> str:
    """Return why a JavaScript/TypeScript file runs on users' devices, or "" for server code.

    TODO: switch to the project placement of ``ttai_guard.clientside`` once
    it provides one; until then this reads the file's path and directive only.
    """
    try:
        relative = path.relative_to(options.pattern_root or root).as_posix()
    except ValueError:
        relative = path.name
    if any(fnmatch.fnmatchcase(relative, pattern) for pattern in options.server_paths):
        return ""
    if any(fnmatch.fnmatchcase(relative, pattern) for pattern in options.client_paths):
        return "it matches client-paths in the configuration"
    if _USE_CLIENT.match(text):
        return "it starts with 'use client'"
    parts = PurePosixPath(relative).parts[:-1]
    if ".server." in path.name or any(part in _SERVER_DIRECTORIES for part in parts):
        return ""
    client_parts = [part for part in parts if part in _CLIENT_DIRECTORIES]
    if client_parts:
        return f"it is under `{client_parts[0]}/`, where code usually runs in the browser"
    if path.suffix.lower() in (".jsx", ".tsx"):
        return "it is a JSX component file"
    return ""


@dataclass
class _EnvFile:
    """The ``.env`` at one root: what it binds, and what this run adds."""

    path: Path
    old: str
    bound: dict[str, str]
    added: dict[str, str] = field(default_factory=dict)
    blocked: str = ""

    def name_for(self, token: str, wanted: str) -> str:
        for name, value in (*self.bound.items(), *self.added.items()):
            if value == token:
                return name
        name, number = wanted, 1
        while name in self.bound or name in self.added:
            number += 1
            name = f"{wanted}_{number}"
        self.added[name] = token
        return name

    def edit(self) -> FileEdit | None:
        if not self.added:
            return None
        newline = "\r\n" if "\r\n" in self.old else "\n"
        new = self.old
        if new and not new.endswith(("\n", "\r")):
            new += newline
        new += "".join(f"{name}={value}{newline}" for name, value in self.added.items())
        return FileEdit(self.path, self.old, new, ())


@dataclass
class UnsafeFixPlan:
    """The edits of ``--unsafe-fixes``, the ``.gitignore`` entries it needs, and messages.

    ``edits`` rewrite source files and ``env_edits`` the ``.env`` files. The
    ``.env`` files are written first, so a failure there leaves the sources
    unchanged.

    ``gitignore_fixes`` pairs a ``.gitignore`` path with the names to add,
    for :func:`~ttai_guard.fixes.plan_gitignore_fixes`.
    """

    edits: list[FileEdit] = field(default_factory=list)
    env_edits: list[FileEdit] = field(default_factory=list)
    gitignore_fixes: list[tuple[Finding, tuple[str, ...]]] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)


def _compile_problem(source: bytes, path: Path) -> str:
    """Return why CPython rejects ``source``, or "" when it compiles."""
    try:
        compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as error:
        return f"line {error.lineno}: {error.msg}"
    except ValueError as error:
        return str(error)
    return ""


def _root_of(path: Path, options: ScanOptions) -> Path:
    try:
        top = find_work_tree(path.parent)
    except GitError:
        top = None
    if top is not None:
        return Path(os.path.abspath(top))
    first = Path(os.path.abspath(options.paths[0] if options.paths else "."))
    return first if first.is_dir() else first.parent


def _read_text(path: Path) -> str:
    with open(path, encoding="utf-8", errors="surrogateescape", newline="") as handle:
        return handle.read()


class _Planner:
    def __init__(self, options: ScanOptions, plan: UnsafeFixPlan) -> None:
        self.options = options
        self.plan = plan
        self.env_files: dict[Path, _EnvFile] = {}
        self.names: dict[tuple[Path, str], str] = {}

    def env_file(self, root: Path) -> _EnvFile:
        if root in self.env_files:
            return self.env_files[root]
        path = root / ".env"
        old = _read_text(path) if path.is_file() and not path.is_symlink() else ""
        bound = {entry.key: entry.value for entry in parse_env(old)}
        env = _EnvFile(path, old, bound)
        if os.path.islink(path):
            # Like a symlinked .gitignore, a symlinked .env is not written:
            # replacing the link would detach the file it shares.
            env.blocked = f"{display_path(path)} is a symbolic link; move the token by hand"
            self.env_files[root] = env
            return env
        try:
            if Repository.open(root).is_tracked(path):
                env.blocked = (
                    f"{display_path(path)} is tracked by git; run `git rm --cached "
                    f"{display_path(path)}` first"
                )
        except GitError:
            pass
        self.env_files[root] = env
        return env

    def chooser(self, root: Path) -> NameChooser:
        env = self.env_file(root)

        def choose(token: str, binding: str | None) -> str:
            key = (root, token)
            if key not in self.names:
                wanted = env_name_for(binding, self.options.settings.token_names)
                self.names[key] = env.name_for(token, wanted)
            return self.names[key]

        return choose

    def refuse(self, finding: Finding, reason: str) -> None:
        where = f"{display_path(finding.path)}:{finding.line}:{finding.column}"
        self.plan.messages.append(
            f"{where}: token `{redact(finding.identity)}` was not moved: {reason}"
        )

    def fix_file(self, path: Path, findings: list[Finding]) -> None:
        try:
            data = path.read_bytes()
        except OSError as error:
            for finding in findings:
                self.refuse(finding, f"the file cannot be read ({error.strerror})")
            return
        kind = filekinds.kind_of(path, data[:128])
        if kind != filekinds.PYTHON and kind not in filekinds.JS_DIALECTS:
            for finding in findings:
                self.refuse(finding, "only Python and JavaScript/TypeScript code is rewritten")
            return
        root = _root_of(path, self.options)
        env = self.env_file(root)
        if env.blocked:
            for finding in findings:
                self.refuse(finding, env.blocked)
            return
        sites = {TokenSite(f.identity, f.line, f.column): f for f in findings}
        if kind == filekinds.PYTHON:
            new_data, outcomes = self._python(data, list(sites), root, findings)
        else:
            new_data, outcomes = self._javascript(path, data, kind, list(sites), root, findings)
        if new_data is None:
            return
        fixed = []
        reminders = []
        for outcome in outcomes:
            finding = sites[outcome.site]
            if outcome.reason:
                self.refuse(finding, outcome.reason)
            else:
                fixed.append(finding)
                reminders.append(
                    f"moved token `{redact(finding.identity)}` from {display_path(path)}:"
                    f"{finding.line} to {display_path(env.path)} as {outcome.name}; "
                    "revoke and rotate it, because it was in your files"
                )
        if not fixed or new_data == data:
            return
        if kind == filekinds.PYTHON:
            problem = _compile_problem(new_data, path)
            if problem:
                for finding in fixed:
                    self.refuse(finding, f"the rewritten file would not compile ({problem})")
                return
        old = data.decode("utf-8", "surrogateescape")
        new = new_data.decode("utf-8", "surrogateescape")
        self.plan.edits.append(FileEdit(path, old, new, tuple(fixed)))
        self.plan.fixed.extend(fixed)
        self.plan.reminders.extend(reminders)

    def _python(
        self, data: bytes, sites: list[TokenSite], root: Path, findings: list[Finding]
    ) -> tuple[bytes | None, list[SiteOutcome]]:
        import libcst

        from ttai_guard.unsafe_python import rewrite_python

        try:
            return rewrite_python(data, sites, self.chooser(root))
        except (libcst.ParserSyntaxError, RecursionError):
            for finding in findings:
                self.refuse(finding, "the file is not valid Python")
            return None, []

    def _javascript(
        self,
        path: Path,
        data: bytes,
        kind: str,
        sites: list[TokenSite],
        root: Path,
        findings: list[Finding],
    ) -> tuple[bytes | None, list[SiteOutcome]]:
        from ttai_guard.unsafe_javascript import rewrite_javascript

        text = decode(data).text
        reason = client_reason(path, root, text, self.options)
        if reason:
            for finding in findings:
                self.refuse(
                    finding,
                    f"the file runs on users' devices ({reason}); an environment variable "
                    "would be bundled into it too. Move the API call behind a backend route "
                    "and keep the token on the server",
                )
            return None, []
        index = LineIndex(text)
        new_text, outcomes = rewrite_javascript(
            text, filekinds.JS_DIALECTS[kind], sites, self.chooser(root), index.offset
        )
        return new_text.encode("utf-8", "surrogateescape"), outcomes

    def finish(self) -> None:
        moved = {finding.identity for finding in self.plan.fixed}
        for root, env in self.env_files.items():
            # A file whose rewrite was rejected moves no token.
            env.added = {name: value for name, value in env.added.items() if value in moved}
            edit = env.edit()
            if edit is None:
                continue
            self.plan.env_edits.append(edit)
            if not IgnoreRules.load(root).is_ignored(".env", False):
                gitignore = root / ".gitignore"
                marker = Finding("TTAI401", gitignore, 1, 1, 1, 1, "", "error")
                self.plan.gitignore_fixes.append((marker, (".env",)))


def plan_unsafe_fixes(result: ScanResult, options: ScanOptions) -> UnsafeFixPlan:
    """Plan the rewrites for every TTAI101 finding of ``result``; change nothing."""
    plan = UnsafeFixPlan()
    planner = _Planner(options, plan)
    by_path: dict[Path, list[Finding]] = {}
    for finding in result.findings:
        if finding.rule != "TTAI101" or not finding.identity:
            continue
        if "byte-level search" in finding.message or "file name contains" in finding.message:
            planner.refuse(finding, "it was found outside the code (file name or raw bytes)")
            continue
        by_path.setdefault(finding.path, []).append(finding)
    for path, findings in sorted(by_path.items()):
        planner.fix_file(path, findings)
    planner.finish()
    return plan
