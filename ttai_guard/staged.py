"""``--staged``: scan the contents of the git index instead of the work tree.

The index is copied into a temporary directory, and the normal scan runs
there, so every rule judges exactly what the next commit will contain:

* Each regular file in the index within the requested paths is written from
  its blob (``git cat-file --batch``, which applies no filters), plus every
  ``.gitignore`` in the index, so TTAI401 reads the staged ignore rules.
* The copy is made a git work tree of its own (``git init``), and its index
  is filled with the real index entries (``git update-index --index-info``;
  the blobs themselves are not copied). So the copy's tracked files are the
  staged files, and TTAI402 sees what the index holds.
* Symbolic links and submodules in the index are listed as skipped, and
  unmerged paths get a notice. Deleted paths are not in the index, and
  renamed paths are there under their new name only.

Findings, skipped files and notices name the real paths afterwards.
NOTE: TTAI401 checks the root and the directories of staged ``.env*`` files.
A ``.env`` file that exists only in the work tree (ignored or untracked) does
not add its directory to the check.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ttai_guard.discovery import DiscoveryError, Skipped
from ttai_guard.finding import Finding
from ttai_guard.gitrepo import IndexEntry, read_index, read_objects, run_git
from ttai_guard.runner import ScanOptions, ScanResult

_REGULAR_MODES = ("100644", "100755")
_SYMLINK_MODE = "120000"
_GITLINK_MODE = "160000"


@dataclass
class StagedCopy:
    """A temporary copy of the index of the work tree at ``root``.

    ``paths`` are the command-line paths translated into the copy, and
    ``skipped`` and ``notices`` describe index entries that were not copied.
    """

    root: Path
    copy: Path
    paths: tuple[str, ...] = ()
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def to_copy(self, path: Path) -> Path:
        """Return where the real ``path`` (absolute, inside ``root``) is in the copy."""
        return self.copy / path.relative_to(self.root)

    def to_real(self, path: Path) -> Path:
        """Return the real path of ``path``; paths outside the copy come back unchanged."""
        try:
            relative = path.relative_to(self.copy)
        except ValueError:
            return path
        return self.root / relative


def _relative_scope(root: Path, paths: tuple[str, ...]) -> list[str]:
    """Return the command-line paths relative to ``root`` (POSIX, "" for the root itself)."""
    scope = []
    for argument in paths:
        absolute = Path(os.path.abspath(argument))
        try:
            relative = absolute.relative_to(root).as_posix()
        except ValueError:
            raise DiscoveryError(
                f"{argument}: not inside the git work tree {root}; "
                "--staged scans one repository at a time"
            ) from None
        scope.append("" if relative == "." else relative)
    return scope


def _in_scope(path: str, scope: list[str]) -> bool:
    return any(not prefix or path == prefix or path.startswith(prefix + "/") for prefix in scope)


def _check_arguments(paths: tuple[str, ...], scope: list[str], entries: list[IndexEntry]) -> None:
    """Reject a path that is neither on disk nor in the index, as the normal scan does."""
    missing = []
    for argument, prefix in zip(paths, scope, strict=True):
        if os.path.lexists(argument) or not prefix:
            continue
        if not any(_in_scope(entry.path, [prefix]) for entry in entries):
            missing.append(argument)
    if missing:
        raise DiscoveryError(f"path not found: {', '.join(missing)}")


def _safe_target(copy: Path, relative: str) -> Path | None:
    """Return where ``relative`` goes in the copy, or None for a path that would leave it."""
    parts = PurePosixPath(relative).parts
    if not parts or relative.startswith("/") or any(part in ("..", ".git") for part in parts):
        return None
    return copy.joinpath(*parts)


def _write_blobs(root: Path, copy: Path, wanted: dict[str, list[Path]]) -> None:
    """Write each blob of ``wanted`` (blob id to target paths) from ``git cat-file``."""
    for object_id, _, _, stream in read_objects(root, wanted):
        first, *others = wanted[object_id]
        first.parent.mkdir(parents=True, exist_ok=True)
        with open(first, "wb") as handle:
            shutil.copyfileobj(stream, handle, 1 << 20)
        for target in others:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(first, target)


def _select(
    staged: StagedCopy, entries: list[IndexEntry], scope: list[str]
) -> dict[str, list[Path]]:
    """Sort the index entries: blobs to write, and entries listed as skipped or noticed."""
    wanted: dict[str, list[Path]] = {}
    merged = {entry.path for entry in entries if entry.stage == 0}
    unmerged = sorted({entry.path for entry in entries if entry.stage != 0} - merged)
    for path in unmerged:
        staged.notices.append(f"{path}: unmerged in the index (merge conflict); not scanned")
    for entry in entries:
        if entry.stage != 0:
            continue
        is_gitignore = PurePosixPath(entry.path).name == ".gitignore"
        if not (_in_scope(entry.path, scope) or is_gitignore):
            continue
        real = staged.root / entry.path
        if entry.mode == _SYMLINK_MODE:
            staged.skipped.append(Skipped(real, "symbolic link in the index (not followed)"))
            continue
        if entry.mode == _GITLINK_MODE:
            staged.skipped.append(Skipped(real, "git submodule (not scanned)"))
            continue
        target = _safe_target(staged.copy, entry.path)
        if entry.mode not in _REGULAR_MODES or target is None:
            staged.skipped.append(Skipped(real, f"index entry of mode {entry.mode} (not scanned)"))
            continue
        wanted.setdefault(entry.object_id, []).append(target)
    return wanted


def _register_index(copy: Path, entries: list[IndexEntry]) -> None:
    """Make ``copy`` a git work tree whose index lists the same files as the real one."""
    run_git(["init", "-q", str(copy)], copy)
    records = b"".join(
        f"{entry.mode} {entry.object_id}\t".encode("ascii")
        + entry.path.encode("utf-8", "surrogateescape")
        + b"\0"
        for entry in entries
        if entry.stage == 0
    )
    run_git(["update-index", "-z", "--index-info"], copy, records)


def _translate_paths(staged: StagedCopy, paths: tuple[str, ...], scope: list[str]) -> None:
    """Point the command-line paths at the copy; report paths with nothing staged."""
    translated = []
    for argument, prefix in zip(paths, scope, strict=True):
        target = staged.copy / prefix if prefix else staged.copy
        if os.path.isdir(argument):
            # An empty directory still gets the repository rules it asked for.
            target.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(target):
            translated.append(str(target))
        elif not any(item.path == staged.root / prefix for item in staged.skipped):
            staged.notices.append(f"{argument}: not staged in the git index; not scanned")
    staged.paths = tuple(translated)


@contextmanager
def staged_copy(root: Path, paths: tuple[str, ...]) -> Iterator[StagedCopy]:
    """Copy the index of the work tree at ``root`` (limited to ``paths``) into a temporary tree.

    Raises DiscoveryError for a path outside ``root`` or missing from both
    the disk and the index, and GitError when git fails. The copy is removed
    on exit.
    """
    scope = _relative_scope(root, paths)
    entries = read_index(root)
    _check_arguments(paths, scope, entries)
    # The real path, so that git's idea of the copy's top matches ours.
    copy = Path(os.path.realpath(tempfile.mkdtemp(prefix="ttai-guard-staged-")))
    try:
        staged = StagedCopy(root=root, copy=copy)
        wanted = _select(staged, entries, scope)
        _register_index(copy, entries)
        _write_blobs(root, copy, wanted)
        _translate_paths(staged, paths, scope)
        yield staged
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def copy_options(staged: StagedCopy, options: ScanOptions) -> ScanOptions:
    """Return ``options`` for scanning the copy: its paths, patterns relative to it, no cache."""
    pattern_root = options.pattern_root
    if pattern_root is not None:
        absolute = Path(os.path.abspath(pattern_root))
        if absolute == staged.root or staged.root in absolute.parents:
            pattern_root = staged.to_copy(absolute)
    return dataclasses.replace(
        options,
        paths=staged.paths,
        pattern_root=pattern_root,
        staged=False,
        since=None,
        history=False,
        use_cache=False,
    )


def _real_finding(staged: StagedCopy, finding: Finding) -> Finding:
    return finding._replace(path=staged.to_real(finding.path))


def _real_text(staged: StagedCopy, text: str) -> str:
    return text.replace(str(staged.copy), str(staged.root))


def map_back(staged: StagedCopy, result: ScanResult) -> None:
    """Rewrite every path in ``result`` from the copy to the real work tree."""
    result.findings = [_real_finding(staged, finding) for finding in result.findings]
    result.gitignore_fixes = [
        (_real_finding(staged, finding), names) for finding, names in result.gitignore_fixes
    ]
    result.skipped = [
        Skipped(staged.to_real(item.path), _real_text(staged, item.reason))
        for item in result.skipped
    ]
    result.skipped.extend(staged.skipped)
    result.errors = [
        Skipped(staged.to_real(item.path), _real_text(staged, item.reason))
        for item in result.errors
    ]
    result.notes = [(staged.to_real(path), _real_text(staged, note)) for path, note in result.notes]
    result.notices = [_real_text(staged, notice) for notice in result.notices]
    result.notices.extend(staged.notices)
