"""Ask the real ``git`` about the work tree: its root and the tracked files."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# Settings for every git call, so that no setting of the scanned repository
# makes git run a program (fsmonitor hooks) or page its output.
_SAFE_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.quotePath=false")


class GitError(Exception):
    """A git command failed; the message contains the command and git's output."""


def _run_git(args: list[str], cwd: Path) -> bytes:
    git = shutil.which("git")
    if git is None:
        raise GitError("git is not installed or not on PATH")
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    try:
        completed = subprocess.run(
            [git, *_SAFE_CONFIG, *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GitError(f"git {' '.join(args)} failed: {error}") from error
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {' '.join(args)} failed: {message}")
    return completed.stdout


def _has_git_marker(directory: Path) -> bool:
    """Tell whether ``directory`` or a parent contains a ``.git`` entry."""
    candidates = (directory, *directory.parents)
    return any(os.path.lexists(candidate / ".git") for candidate in candidates)


def find_work_tree(start: Path) -> Path | None:
    """Return the top of the git work tree containing ``start``, or ``None``.

    Raises GitError when a ``.git`` entry exists above ``start`` but git
    fails there (not installed, or it rejects the repository's owner), so
    a repository is never mistaken for a plain directory.
    """
    directory = start if start.is_dir() else start.parent
    try:
        output = _run_git(["rev-parse", "--show-toplevel"], directory)
    except GitError:
        if _has_git_marker(Path(os.path.abspath(directory))):
            raise
        return None
    top = output.decode("utf-8", "surrogateescape").strip()
    return Path(top) if top else None


@dataclass
class Repository:
    """A git work tree and the paths git tracks in it (relative, POSIX style)."""

    root: Path
    tracked: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, root: Path) -> Repository:
        output = _run_git(["ls-files", "-z", "--cached", "--full-name"], root)
        names = output.decode("utf-8", "surrogateescape").split("\0")
        return cls(root=root, tracked={name for name in names if name})

    def is_tracked(self, path: Path) -> bool:
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            return False
        return relative in self.tracked
