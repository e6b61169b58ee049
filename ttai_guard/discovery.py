"""Find the files to scan: command-line paths, walks, excludes and ignores.

Every path the walk meets ends up in exactly one place: scanned
(:attr:`Discovery.files`), skipped with a reason (:attr:`Discovery.skipped`),
or unreadable (:attr:`Discovery.errors`, which makes the run fail with exit
code 2). Symbolic links are never followed during a walk, so a walk cannot
leave the scan root or loop. Each link is listed as skipped with its target.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ttai_guard import usedpaths
from ttai_guard.filekinds import is_env_file_name

if TYPE_CHECKING:
    from ttai_guard.gitignore import IgnoreRules
    from ttai_guard.gitrepo import Repository

#: Directory names never walked into.
DEFAULT_EXCLUDED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "bower_components",
        "jspm_packages",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".hypothesis",
        ".venv",
        ".eggs",
    }
)
#: Build output directories: skipped unless ``--include-build`` requests a
#: token scan of what was built.
BUILD_DIRS = frozenset(
    {
        ".next",
        ".nuxt",
        ".output",
        ".svelte-kit",
        ".vercel",
        ".netlify",
        ".turbo",
        ".parcel-cache",
        ".expo",
        ".astro",
        "dist",
        "build",
        "out",
    }
)


class DiscoveryError(Exception):
    """A command-line path is invalid; the run stops with exit code 2."""


@dataclass(frozen=True)
class FileEntry:
    """A file to scan. ``build`` marks build output, scanned for tokens only."""

    path: Path
    build: bool = False


@dataclass(frozen=True)
class Skipped:
    """A path that was not scanned, or could not be read, and why."""

    path: Path
    reason: str


@dataclass
class Workspace:
    """The repository (or plain directory) that scanned files belong to.

    ``repository`` is ``None`` outside a git work tree; ``.gitignore`` files
    still apply there, relative to ``root``.
    """

    root: Path
    ignore: IgnoreRules
    repository: Repository | None = None
    tracked_dirs: frozenset[str] = frozenset()
    #: git's message when it found the repository but could not read it. The
    #: path is then listed as unreadable and the tracked-file rules do not run.
    git_error: str = ""
    #: True for a directory named on the command line that its repository
    #: ignores: everything in it is ignored already, so repository rules skip it.
    inside_ignored: bool = False

    def relative(self, path: Path) -> str | None:
        """Return ``path`` relative to the root with ``/`` separators, ``"."`` for the root.

        Compares strings, as ``PurePath.relative_to`` does after splitting:
        both paths are absolute and normalized when the walk builds them.
        """
        text = str(path)
        root = str(self.root)
        if text == root:
            return "."
        prefix = root if root.endswith(os.sep) else root + os.sep
        if not text.startswith(prefix) or os.sep != "/":
            try:
                return path.relative_to(self.root).as_posix()
            except ValueError:
                return None
        return text[len(prefix) :]

    def is_tracked(self, path: Path) -> bool:
        return self.repository is not None and self.repository.is_tracked(path)

    def is_ignored(self, path: Path, is_dir: bool = False) -> bool:
        """Tell whether git would ignore ``path`` (tracked files never are)."""
        relative = self.relative(path)
        if relative is None or relative in ("", "."):
            return False
        if not is_dir and self.is_tracked(path):
            return False
        return self.ignore.is_ignored(relative, is_dir)


@dataclass
class Discovery:
    files: list[FileEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[Skipped] = field(default_factory=list)
    workspaces: list[Workspace] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def workspace_for(self, path: Path) -> Workspace | None:
        """Return the innermost workspace that contains ``path``."""
        best: Workspace | None = None
        for workspace in self.workspaces:
            if workspace.relative(path) is not None and (
                best is None or len(workspace.root.parts) > len(best.root.parts)
            ):
                best = workspace
        return best


@dataclass(frozen=True)
class DiscoveryOptions:
    """How to walk. ``exclude_patterns`` are globs from the configuration.

    A pattern without a slash matches any file or directory name; one with a
    slash matches a path relative to ``pattern_root`` (the configuration
    file's directory). Leading and trailing slashes are ignored.
    """

    include_build: bool = False
    respect_gitignore: bool = True
    exclude_dirs: frozenset[str] = DEFAULT_EXCLUDED_DIRS
    exclude_patterns: tuple[str, ...] = ()
    pattern_root: Path | None = None

    def excludes(self, path: Path) -> bool:
        """Tell whether a configured exclude pattern matches ``path`` or a parent.

        Parents count so that a file named on the command line (as
        pre-commit passes them) is excluded with its directory.
        """
        if not self.exclude_patterns:
            return False
        parts: tuple[str, ...] = (path.name,)
        if self.pattern_root is not None:
            try:
                parts = path.relative_to(self.pattern_root).parts
            except ValueError:
                parts = (path.name,)
        prefixes = ["/".join(parts[: end + 1]) for end in range(len(parts))]
        for pattern in self.exclude_patterns:
            pattern = pattern.strip("/")
            if "/" not in pattern:
                if any(fnmatch.fnmatchcase(part, pattern) for part in parts):
                    return True
            elif any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
                return True
        return False


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


class _Walker:
    def __init__(self, options: DiscoveryOptions, result: Discovery) -> None:
        self.options = options
        self.result = result

    def open_workspace(self, path: Path) -> Workspace:
        """Return the workspace of ``path``, opening its repository once."""
        from ttai_guard.gitignore import IgnoreRules
        from ttai_guard.gitrepo import GitError, Repository, find_work_tree

        existing = self.result.workspace_for(path)
        if existing is not None:
            return existing
        git_error = ""
        try:
            top = find_work_tree(path)
        except GitError as error:
            # The tracked-file rules cannot run, so the scan is incomplete.
            git_error = str(error)
            self.result.errors.append(Skipped(path, f"cannot read the git repository: {error}"))
            top = None
        if top is not None:
            root = top
        elif path.is_dir():
            root = path
        else:
            root = path.parent
        root = _absolute(root)
        for workspace in self.result.workspaces:
            if workspace.root == root:
                return workspace
        repository = None
        tracked_dirs: frozenset[str] = frozenset()
        if top is not None:
            try:
                repository = Repository.open(root)
                tracked_dirs = _parent_dirs(repository.tracked)
            except GitError as error:
                git_error = str(error)
                self.result.errors.append(Skipped(root, f"cannot list tracked files: {error}"))
        ignore = IgnoreRules.load(root)
        workspace = Workspace(root, ignore, repository, tracked_dirs, git_error=git_error)
        self.result.workspaces.append(workspace)
        return workspace

    def ignored_directory_workspace(self, path: Path) -> Workspace:
        """Return a workspace for a directory named on the command line that git ignores.

        Naming it is a request to scan it, so it becomes a root of its own: its
        own ``.gitignore`` files apply, the repository's do not.
        """
        from ttai_guard.gitignore import IgnoreRules

        for workspace in self.result.workspaces:
            if workspace.root == path:
                return workspace
        self.result.notices.append(
            f"{path}: git ignores this directory; scanned with only its own .gitignore files"
        )
        workspace = Workspace(path, IgnoreRules(path, path), inside_ignored=True)
        self.result.workspaces.append(workspace)
        return workspace

    def add_path(self, argument: str) -> Iterator[None]:
        """Add the files under ``argument``, pausing after each directory read."""
        path = _absolute(Path(argument))
        usedpaths.watch(path)
        try:
            info = os.stat(path)
        except FileNotFoundError:
            if os.path.islink(path):
                raise DiscoveryError(f"{argument}: dangling symbolic link") from None
            raise DiscoveryError(f"{argument}: no such file or directory") from None
        except OSError as error:
            self.result.errors.append(Skipped(path, f"cannot read: {error.strerror}"))
            return
        workspace = self.open_workspace(path)
        if self.options.excludes(path):
            self.result.skipped.append(Skipped(path, "excluded by configuration"))
            return
        if stat.S_ISDIR(info.st_mode):
            if self.options.respect_gitignore and workspace.is_ignored(path, is_dir=True):
                workspace = self.ignored_directory_workspace(path)
            yield from self.walk(path, workspace)
        elif stat.S_ISREG(info.st_mode):
            self.result.files.append(FileEntry(path))
        else:
            self.result.skipped.append(Skipped(path, "not a regular file"))

    def walk(self, top: Path, workspace: Workspace) -> Iterator[None]:
        stack = [(top, False)]
        while stack:
            directory, in_build = stack.pop()
            usedpaths.watch(directory)
            try:
                with os.scandir(directory) as iterator:
                    entries = sorted(iterator, key=lambda entry: entry.name, reverse=True)
            except OSError as error:
                self.result.errors.append(
                    Skipped(directory, f"cannot read directory: {error.strerror}")
                )
                continue
            for entry in entries:
                child = self.visit(entry, workspace, in_build, _child_path(directory, entry))
                if child is not None:
                    stack.append(child)
            yield

    def visit(
        self,
        entry: os.DirEntry[str],
        workspace: Workspace,
        in_build: bool,
        path: Path | None = None,
    ) -> tuple[Path, bool] | None:
        """Sort one directory entry; return a directory still to walk.

        ``path`` is the entry's path when the caller built it already.
        """
        if path is None:
            path = Path(entry.path)
        if entry.is_symlink():
            self.result.skipped.append(Skipped(path, _describe_link(path)))
            return None
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = entry.is_file(follow_symlinks=False)
        except OSError as error:
            self.result.errors.append(Skipped(path, f"cannot read: {error.strerror}"))
            return None
        if self.options.excludes(path):
            self.result.skipped.append(Skipped(path, "excluded by configuration"))
            return None
        if is_dir:
            # Before its .gitignore is looked for, so that a missing one is
            # covered by the directory's fingerprint.
            usedpaths.watch(path)
            return self.visit_directory(path, workspace, in_build)
        if not is_file:
            self.result.skipped.append(Skipped(path, "not a regular file"))
            return None
        # Dotenv files are read even when ignored: bundlers still load them.
        checks_ignore = (
            self.options.respect_gitignore and not in_build and not is_env_file_name(entry.name)
        )
        if checks_ignore and workspace.is_ignored(path):
            self.result.skipped.append(Skipped(path, "ignored by .gitignore"))
            return None
        self.result.files.append(FileEntry(path, build=in_build))
        return None

    def visit_directory(
        self, path: Path, workspace: Workspace, in_build: bool
    ) -> tuple[Path, bool] | None:
        name = path.name
        if name in self.options.exclude_dirs:
            self.result.skipped.append(Skipped(path, "excluded by default"))
            return None
        # os.path.exists, unlike Path.exists, returns False for an unreadable
        # directory, which then fails in scandir and is listed as unreadable.
        if os.path.exists(path / "pyvenv.cfg"):
            self.result.skipped.append(Skipped(path, "excluded by default (virtual environment)"))
            return None
        if name in BUILD_DIRS and not in_build:
            if not self.options.include_build:
                self.result.skipped.append(
                    Skipped(path, "build output (scan it with --include-build)")
                )
                return None
            # Build output is usually ignored by git; --include-build reads it anyway.
            return path, True
        if in_build:
            return path, True
        if self.options.respect_gitignore and workspace.is_ignored(path, is_dir=True):
            relative = workspace.relative(path) or ""
            if relative not in workspace.tracked_dirs:
                self.result.skipped.append(Skipped(path, "ignored by .gitignore"))
                return None
        return path, in_build


# PurePath._make_child_relpath (CPython 3.10 to 3.12, used by Path.glob)
# appends one name to a parsed path without parsing the whole string again,
# which took a fifth of the walk's time. Other versions parse the entry's path.
_MAKE_CHILD = getattr(Path, "_make_child_relpath", None)


def _child_path(directory: Path, entry: os.DirEntry[str]) -> Path:
    """Return ``directory / entry.name``, equal to ``Path(entry.path)``."""
    if _MAKE_CHILD is None:
        return Path(entry.path)
    child: Path = _MAKE_CHILD(directory, entry.name)
    return child


def _parent_dirs(paths: Iterable[str]) -> frozenset[str]:
    """Return every directory that contains at least one of ``paths``."""
    parents: set[str] = set()
    for path in paths:
        parts = path.split("/")[:-1]
        for end in range(1, len(parts) + 1):
            parents.add("/".join(parts[:end]))
    return frozenset(parents)


def _describe_link(path: Path) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        return "symbolic link (not followed)"
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return f"symbolic link loop through {target}"
        return f"dangling symbolic link to {target}"
    return f"symbolic link to {target} (not followed)"


def discover(paths: Iterable[str], options: DiscoveryOptions | None = None) -> Discovery:
    """Collect the files to scan under ``paths`` (default: the current directory)."""
    result = Discovery()
    for _ in iter_discover(paths, options, result):
        pass
    return result


def iter_discover(
    paths: Iterable[str],
    options: DiscoveryOptions | None,
    result: Discovery,
    keep_all: bool = True,
) -> Iterator[FileEntry]:
    """Yield each file to scan as the walk finds it, and fill ``result`` as :func:`discover` does.

    The skipped paths, errors, workspaces and notices in ``result`` are
    complete once the iterator is exhausted. Without ``keep_all``,
    ``result.files`` keeps only dotenv files, so a caller that consumes the
    files as they come does not hold every path. Raises DiscoveryError
    before yielding anything when a path does not exist.
    """
    walker = _Walker(options or DiscoveryOptions(), result)
    arguments = list(paths) or ["."]
    missing = [argument for argument in arguments if not os.path.lexists(argument)]
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        raise DiscoveryError(f"path not found: {shown}")
    seen: set[Path] = set()
    found: set[str] = set()
    for argument in arguments:
        absolute = _absolute(Path(argument))
        if absolute in seen:
            continue
        seen.add(absolute)
        done = len(result.files)
        for _ in _then_pause(walker.add_path(argument)):
            # A file reached again through overlapping arguments is dropped.
            new = result.files[done:]
            del result.files[done:]
            for entry in new:
                text = str(entry.path)
                if text not in found:
                    found.add(text)
                    if keep_all or is_env_file_name(entry.path.name):
                        result.files.append(entry)
                    yield entry
            done = len(result.files)
    # .gitignore files are read as the walk reaches them, so their warnings
    # are complete only now.
    for workspace in result.workspaces:
        result.notices.extend(workspace.ignore.warnings)


def _then_pause(steps: Iterator[None]) -> Iterator[None]:
    """Yield after every step of ``steps`` and once more when it ends."""
    yield from steps
    yield
