"""``--since REV``: keep the findings that lines changed since REV brought in.

The changed lines come from ``git diff --unified=0 -M REV`` (the work tree
against REV, or with ``--staged`` the index against REV): every line on the
new side of a hunk is added or changed. A renamed file counts only its
changed lines, a file git does not track counts as wholly added, and a
binary file that changed counts as wholly changed.

Repository findings have no changed line of their own. TTAI402 is kept when
the tracked ``.env`` file itself changed. TTAI401 is kept when a
``.gitignore`` in the directory or above it changed, or when the directory
contains a ``.env*`` file that REV did not have.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ttai_guard.filekinds import is_env_file_name
from ttai_guard.finding import Finding
from ttai_guard.gitrepo import run_git, unquote_path

_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_DIFF_OPTIONS = [
    "--no-ext-diff",
    "--no-textconv",
    "--no-color",
    "--no-relative",
    "--ignore-submodules",
    "-M",
]


@dataclass
class Changes:
    """The changes in the work tree at ``root`` since ``commit``.

    ``lines`` maps a path to the new-side line numbers of its hunks,
    ``whole`` contains binary files that changed, ``touched`` every path on
    either side of the diff, and ``tracked`` the files git tracks now (a
    file outside it is new). Paths are POSIX, relative to ``root``.
    """

    root: Path
    commit: str
    staged: bool
    lines: dict[str, set[int]] = field(default_factory=dict)
    whole: set[str] = field(default_factory=set)
    touched: set[str] = field(default_factory=set)
    tracked: set[str] = field(default_factory=set)
    _env_at_commit: dict[str, set[str]] = field(default_factory=dict)

    def relative(self, path: Path) -> str | None:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return None

    def covers(self, relative: str, first_line: int, last_line: int) -> bool:
        """Tell whether any of the lines ``first_line``..``last_line`` of a file changed."""
        if relative in self.whole or relative not in self.tracked:
            return True
        changed = self.lines.get(relative)
        if not changed:
            return False
        return any(line in changed for line in range(first_line, max(first_line, last_line) + 1))

    def env_files_at_commit(self, directory: str) -> set[str]:
        """Return the names of the ``.env*`` files that ``directory`` held at the commit."""
        if directory not in self._env_at_commit:
            arguments = ["ls-tree", "-z", "--name-only", self.commit, "--"]
            if directory:
                arguments.append(f"{directory}/")
            output = run_git(arguments, self.root)
            names = {PurePosixPath(unquote_path(item)).name for item in output.split(b"\0") if item}
            self._env_at_commit[directory] = {name for name in names if is_env_file_name(name)}
        return self._env_at_commit[directory]

    def env_files_now(self, directory: str) -> set[str]:
        """Return the names of the ``.env*`` files in ``directory`` now (staged: in the index)."""
        if self.staged:
            prefix = f"{directory}/" if directory else ""
            return {
                path[len(prefix) :]
                for path in self.tracked
                if path.startswith(prefix)
                and "/" not in path[len(prefix) :]
                and is_env_file_name(PurePosixPath(path).name)
            }
        try:
            names = os.listdir(self.root / directory)
        except OSError:
            return set()
        return {name for name in names if is_env_file_name(name)}


def _parse_patch(output: bytes, changes: Changes) -> None:
    """Record the new-side line numbers of every hunk of a ``--unified=0`` patch.

    A hunk body is exactly as long as its ``@@ -a,b +c,d @@`` header says
    (``\\ No newline`` markers aside), so an added line that starts with
    ``++ `` is read as hunk text, not as a file header.
    """
    current: str | None = None
    old_left = new_left = 0
    for line in output.split(b"\n"):
        if old_left > 0 or new_left > 0:
            if line.startswith(b"+"):
                new_left -= 1
            elif line.startswith(b"-"):
                old_left -= 1
            elif line.startswith(b" "):
                old_left -= 1
                new_left -= 1
            continue
        if line.startswith(b"diff --git "):
            current = None
        elif line.startswith(b"+++ "):
            current = _header_path(line[4:])
            if current is not None:
                changes.lines.setdefault(current, set())
        elif line.startswith(b"@@ "):
            match = _HUNK.match(line)
            if match is None:
                continue
            old_left = int(match.group(2)) if match.group(2) is not None else 1
            start = int(match.group(3))
            new_left = int(match.group(4)) if match.group(4) is not None else 1
            if current is not None:
                changes.lines[current].update(range(start, start + new_left))


def _header_path(target: bytes) -> str | None:
    """Return the path of a ``+++`` header, or None for ``/dev/null``.

    git ends the header with a TAB when the name contains a space, and
    C-quotes a name with a TAB, a quote, a control or a non-ASCII character,
    so a TAB at the end is never part of the name.
    """
    if target.endswith(b"\t"):
        target = target[:-1]
    if target == b"/dev/null":
        return None
    path = unquote_path(target)
    return path[2:] if path.startswith("b/") else path


def _parse_numstat(output: bytes, changes: Changes) -> None:
    """Record every path on either side, and binary files (counted as ``-``)."""
    fields = output.split(b"\0")
    position = 0
    while position < len(fields):
        record = fields[position]
        position += 1
        if not record:
            continue
        added, _, rest = record.partition(b"\t")
        _, _, path = rest.partition(b"\t")
        paths = [path]
        if not path:
            # A rename: the old and the new path follow as separate fields.
            paths = fields[position : position + 2]
            position += 2
        names = [item.decode("utf-8", "surrogateescape") for item in paths]
        changes.touched.update(names)
        if added == b"-":
            changes.whole.add(names[-1])


def read_changes(root: Path, commit: str, staged: bool) -> Changes:
    """Diff the work tree (or with ``staged`` the index) at ``root`` against ``commit``."""
    changes = Changes(root=root, commit=commit, staged=staged)
    base = ["diff", *_DIFF_OPTIONS]
    if staged:
        base.append("--cached")
    patch = run_git(
        [*base, "--unified=0", "--src-prefix=a/", "--dst-prefix=b/", commit, "--"], root
    )
    _parse_patch(patch, changes)
    _parse_numstat(run_git([*base, "--numstat", "-z", commit, "--"], root), changes)
    listed = run_git(["ls-files", "-z", "--cached", "--full-name"], root)
    changes.tracked = {
        item.decode("utf-8", "surrogateescape") for item in listed.split(b"\0") if item
    }
    return changes


def _gitignore_directory(finding: Finding, missing: tuple[str, ...]) -> str | None:
    """Return the directory a TTAI401 finding is about, from its identity ``dir:names``."""
    suffix = ":" + ",".join(missing)
    if not missing or not finding.identity.endswith(suffix):
        return None
    return finding.identity[: -len(suffix)]


def _caused_gitignore_finding(changes: Changes, directory: str) -> bool:
    """Tell whether a change since the commit explains a TTAI401 finding for ``directory``."""
    parts = PurePosixPath(directory).parts if directory else ()
    governing = {"/".join((*parts[:end], ".gitignore")) for end in range(len(parts) + 1)}
    if changes.touched & governing:
        return True
    return bool(changes.env_files_now(directory) - changes.env_files_at_commit(directory))


def keep_finding(changes: Changes, finding: Finding, missing: tuple[str, ...] = ()) -> bool:
    """Tell whether ``finding`` comes from a change since the commit.

    ``missing`` lists the ignore entries of a TTAI401 finding.
    """
    relative = changes.relative(finding.path)
    if relative is None:
        return True
    if finding.rule == "TTAI401":
        directory = _gitignore_directory(finding, missing)
        return directory is None or _caused_gitignore_finding(changes, directory)
    if finding.rule == "TTAI402":
        return relative in changes.touched or relative not in changes.tracked
    return changes.covers(relative, finding.line, finding.end_line)
