"""TTAI401 env-not-ignored and TTAI402 env-file-tracked: repository rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ttai_guard import usedpaths
from ttai_guard.discovery import Workspace
from ttai_guard.filekinds import is_env_file_name, is_env_template

#: Files every directory with dotenv files must ignore, besides each
#: existing ``.env.*.local`` file.
REQUIRED_IGNORES = (".env", ".env.local")


@dataclass(frozen=True)
class RepositoryHit:
    """A repository rule's report: a file, a 1-based line, and a message.

    ``missing`` lists the ignore entries a TTAI401 fix would add, relative
    to the directory of ``path``.
    """

    rule: str
    path: Path
    line: int
    message: str
    identity: str
    missing: tuple[str, ...] = ()


def _required_names(env_names: Iterable[str]) -> list[str]:
    names = list(REQUIRED_IGNORES)
    for name in sorted(env_names):
        is_local = name.startswith(".env.") and name.endswith(".local")
        if is_local and name not in names and not is_env_template(name):
            names.append(name)
    return names


def _gitignore_line(path: Path) -> int:
    """Return the line a new entry would go after: the last line, or 1."""
    usedpaths.watch(path)
    try:
        if path.is_symlink() or not path.is_file():
            return 1
        lines = path.read_bytes().splitlines()
    except OSError:
        return 1
    return max(len(lines), 1)


def check_env_ignored(
    workspace: Workspace, env_files: Iterable[Path], include_root: bool = True
) -> Iterator[RepositoryHit]:
    """Report each directory whose ``.env`` files git would not ignore.

    Every directory that contains a ``.env*`` file is checked, and the
    repository root too when ``include_root`` is true (the scan covers it).
    """
    by_directory: dict[str, set[str]] = {"": set()} if include_root else {}
    for path in env_files:
        relative = workspace.relative(path)
        if relative is None:
            continue
        parent = str(PurePosixPath(relative).parent)
        by_directory.setdefault("" if parent == "." else parent, set()).add(path.name)
    for directory in sorted(by_directory):
        missing = []
        for name in _required_names(by_directory[directory]):
            relative = f"{directory}/{name}" if directory else name
            if not workspace.ignore.is_ignored(relative, False):
                missing.append(name)
        if not missing:
            continue
        gitignore = _nearest_gitignore(workspace, directory)
        where = f"`{directory}/`" if directory else "the repository root"
        listed = ", ".join(f"`{name}`" for name in missing)
        pronoun = "it" if len(missing) == 1 else "them"
        yield RepositoryHit(
            rule="TTAI401",
            path=gitignore,
            line=_gitignore_line(gitignore),
            message=f"Git would not ignore {listed} in {where}. Add {pronoun} to .gitignore.",
            identity=f"{directory}:{','.join(missing)}",
            missing=tuple(missing),
        )


def _nearest_gitignore(workspace: Workspace, directory: str) -> Path:
    """Return the nearest ``.gitignore`` at or above ``directory``, or the root's."""
    parts = PurePosixPath(directory).parts if directory else ()
    for end in range(len(parts), -1, -1):
        candidate = workspace.root.joinpath(*parts[:end], ".gitignore")
        usedpaths.watch(candidate)
        if candidate.is_file() and not candidate.is_symlink():
            return candidate
    return workspace.root / ".gitignore"


def tracked_env_files(workspace: Workspace, within: Iterable[Path]) -> list[Path]:
    """Return tracked ``.env*`` files (templates excluded) under any of ``within``."""
    if workspace.repository is None:
        return []
    scopes = [path for path in within]
    found = []
    for relative in sorted(workspace.repository.tracked):
        name = relative.rsplit("/", 1)[-1]
        if not is_env_file_name(name) or is_env_template(name):
            continue
        path = workspace.root / relative
        if any(scope == path or scope in path.parents for scope in scopes):
            found.append(path)
    return found


def check_env_tracked(
    workspace: Workspace, files_with_values: Iterable[Path]
) -> Iterator[RepositoryHit]:
    """Report tracked ``.env*`` files that hold at least one value."""
    for path in files_with_values:
        relative = workspace.relative(path) or path.name
        yield RepositoryHit(
            rule="TTAI402",
            path=path,
            line=1,
            message=(
                f"`{relative}` is tracked by git and contains values. "
                f"Run `git rm --cached {relative}`, ignore it, and rotate any token it holds: "
                "git keeps every committed version."
            ),
            identity=relative,
        )
