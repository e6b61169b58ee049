"""Ask the real ``git`` about the work tree: its root, the tracked files, the index, objects."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from ttai_guard import usedpaths

# Settings for every git call, so that no setting of the scanned repository
# makes git run a program (fsmonitor hooks) or page its output.
_SAFE_CONFIG = ("-c", "core.fsmonitor=false", "-c", "core.quotePath=false")


class GitError(Exception):
    """A git command failed; the message contains the command and git's output."""


def _git_command(args: list[str]) -> list[str]:
    git = shutil.which("git")
    if git is None:
        raise GitError("git is not installed or not on PATH")
    return [git, *_SAFE_CONFIG, *args]


def _git_environment() -> dict[str, str]:
    return dict(os.environ, GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", LC_ALL="C")


def _run_git(args: list[str], cwd: Path, input_data: bytes | None = None) -> bytes:
    """Run git in ``cwd`` and return its stdout; ``input_data`` is written to its stdin."""
    command = _git_command(args)
    try:
        completed = subprocess.run(
            command,
            cwd=cwd,
            env=_git_environment(),
            input=input_data if input_data is not None else b"",
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
    for candidate in (directory, *directory.parents):
        marker = candidate / ".git"
        usedpaths.watch(marker)
        if os.path.lexists(marker):
            return True
    return False


def find_work_tree(start: Path) -> Path | None:
    """Return the top of the git work tree containing ``start``, or ``None``.

    Raises GitError when a ``.git`` entry exists above ``start`` but git
    fails there (not installed, or it rejects the repository's owner), so
    a repository is never mistaken for a plain directory.
    """
    directory = start if start.is_dir() else start.parent
    _watch_configuration()
    try:
        output = _run_git(["rev-parse", "--show-toplevel"], directory)
    except GitError:
        if _has_git_marker(Path(os.path.abspath(directory))):
            raise
        return None
    top = output.decode("utf-8", "surrogateescape").strip()
    if not top:
        return None
    if usedpaths.recording():
        # git looked for `.git` from the directory up to the top it found.
        _has_git_marker(Path(os.path.abspath(directory)))
        _watch_git_directory(Path(top))
    return Path(top)


def _watch_configuration() -> None:
    """Record the global and system configuration files git reads (safe.directory and others).

    NOTE: the system file is taken to be /etc/gitconfig; a git built with
    another prefix reads its own, which is not recorded.
    """
    if not usedpaths.recording():
        return
    home = Path.home()
    configured = os.environ.get("GIT_CONFIG_GLOBAL")
    if configured:
        usedpaths.watch(configured)
    else:
        xdg = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
        usedpaths.watch(Path(xdg) / "git" / "config")
        usedpaths.watch(home / ".gitconfig")
    if not os.environ.get("GIT_CONFIG_NOSYSTEM"):
        usedpaths.watch(os.environ.get("GIT_CONFIG_SYSTEM") or "/etc/gitconfig")


def _git_directory(root: Path) -> Path:
    """Return the git directory of the work tree at ``root``; ``.git`` may be a ``gitdir:`` file."""
    marker = root / ".git"
    try:
        with open(marker, "rb") as handle:
            first = handle.readline(4096)
    except OSError:
        # A directory (or nothing readable): the usual layout.
        return marker
    if first.startswith(b"gitdir: "):
        target = first[len(b"gitdir: ") :].strip().decode("utf-8", "surrogateescape")
        return root / target
    return marker


def _watch_git_directory(root: Path) -> None:
    """Record the files of the repository at ``root`` that git reads to list tracked files."""
    directory = _git_directory(root)
    for name in ("HEAD", "config", "index", "commondir"):
        usedpaths.watch(directory / name)
    try:
        common = (directory / "commondir").read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return
    # A linked work tree shares the main repository's configuration.
    usedpaths.watch(directory / common / "config")


@dataclass
class Repository:
    """A git work tree and the paths git tracks in it (relative, POSIX style)."""

    root: Path
    tracked: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, root: Path) -> Repository:
        if usedpaths.recording():
            _watch_configuration()
            _watch_git_directory(root)
        output = _run_git(["ls-files", "-z", "--cached", "--full-name"], root)
        names = output.decode("utf-8", "surrogateescape").split("\0")
        return cls(root=root, tracked={name for name in names if name})

    def is_tracked(self, path: Path) -> bool:
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            return False
        return relative in self.tracked


def run_git(args: list[str], cwd: Path, input_data: bytes | None = None) -> bytes:
    """Run git with the safe settings and return its stdout; raise GitError when it fails."""
    return _run_git(args, cwd, input_data)


@dataclass(frozen=True)
class IndexEntry:
    """One entry of ``git ls-files --stage``: mode (octal text), blob id, stage, path."""

    mode: str
    object_id: str
    stage: int
    path: str


def read_index(root: Path) -> list[IndexEntry]:
    """Return the entries of the index of the work tree at ``root``, paths relative to it."""
    output = _run_git(["ls-files", "-z", "--stage", "--full-name"], root)
    entries = []
    for record in output.split(b"\0"):
        if not record:
            continue
        header, _, name = record.partition(b"\t")
        mode, object_id, stage = header.decode("ascii").split(" ")
        path = name.decode("utf-8", "surrogateescape")
        entries.append(IndexEntry(mode, object_id, int(stage), path))
    return entries


class _ObjectReader(io.RawIOBase):
    """Reads one object's content from ``git cat-file --batch`` output, and no further."""

    def __init__(self, stream: IO[bytes], size: int) -> None:
        self._stream = stream
        self.remaining = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self.remaining)
        if wanted == 0:
            return 0
        data = self._stream.read(wanted)
        if not data:
            raise GitError("git cat-file --batch ended in the middle of an object")
        buffer[: len(data)] = data
        self.remaining -= len(data)
        return len(data)

    def drain(self) -> None:
        while self.remaining:
            if not self.read(min(self.remaining, 1 << 20)):
                break


def read_objects(root: Path, object_ids: Iterable[str]) -> Iterator[tuple[str, str, int, BinaryIO]]:
    """Yield (id, type, size, content stream) for each object, read by one ``git cat-file --batch``.

    Objects are streamed one at a time: the caller reads as much of each
    stream as it needs before asking for the next object, and whatever it
    leaves is skipped. Missing objects are left out. Object ids are written
    from a thread, so that neither side of the pipe can block the other.
    """
    process = subprocess.Popen(
        _git_command(["cat-file", "--batch"]),
        cwd=root,
        env=_git_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    requests = process.stdin
    failures: list[BaseException] = []

    def write_requests() -> None:
        try:
            for object_id in object_ids:
                requests.write(object_id.encode("ascii") + b"\n")
        except (OSError, ValueError) as error:
            failures.append(error)
        finally:
            with contextlib.suppress(OSError):
                requests.close()

    writer = threading.Thread(target=write_requests, daemon=True)
    writer.start()
    output = process.stdout
    finished = False
    try:
        while header := output.readline():
            fields = header.rstrip(b"\n").split(b" ")
            if len(fields) == 2 and fields[1] == b"missing":
                continue
            if len(fields) != 3:
                raise GitError(f"git cat-file --batch: unexpected output {header[:80]!r}")
            object_id, kind, size = fields[0].decode(), fields[1].decode(), int(fields[2])
            reader = _ObjectReader(output, size)
            yield object_id, kind, size, io.BufferedReader(reader, 1 << 16)
            reader.drain()
            output.read(1)
        finished = True
    finally:
        if process.poll() is None and not finished:
            process.kill()
        code = process.wait()
        writer.join()
        message = process.stderr.read() if process.stderr is not None else b""
        for stream in (output, process.stderr):
            if stream is not None:
                stream.close()
    if code != 0:
        detail = message.decode("utf-8", "replace").strip()
        raise GitError(f"git cat-file --batch failed: {detail or f'exit code {code}'}")
    if failures:
        raise GitError(f"git cat-file --batch failed: {failures[0]}")


_ESCAPES = {
    ord("a"): 7,
    ord("b"): 8,
    ord("t"): 9,
    ord("n"): 10,
    ord("v"): 11,
    ord("f"): 12,
    ord("r"): 13,
    ord('"'): 34,
    ord("\\"): 92,
}


def unquote_path(text: bytes) -> str:
    """Decode a path as git prints it: C-style quoted when it has unusual characters."""
    if not (len(text) >= 2 and text.startswith(b'"') and text.endswith(b'"')):
        return text.decode("utf-8", "surrogateescape")
    body = text[1:-1]
    decoded = bytearray()
    position = 0
    while position < len(body):
        byte = body[position]
        if byte != ord("\\") or position + 1 >= len(body):
            decoded.append(byte)
            position += 1
            continue
        following = body[position + 1]
        if ord("0") <= following <= ord("7"):
            decoded.append(int(body[position + 1 : position + 4], 8))
            position += 4
        else:
            decoded.append(_ESCAPES.get(following, following))
            position += 2
    return bytes(decoded).decode("utf-8", "surrogateescape")


def resolve_commit(root: Path, revision: str) -> str | None:
    """Return the full id of the commit ``revision`` names, or None when it names none.

    Raises GitError when git itself fails (not installed, not a repository).
    """
    arguments = ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"]
    try:
        completed = subprocess.run(
            _git_command(arguments),
            cwd=root,
            env=_git_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
            timeout=300,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GitError(f"git rev-parse failed: {error}") from error
    message = completed.stderr.decode("utf-8", "replace").strip()
    if completed.returncode != 0 and message:
        raise GitError(f"git rev-parse {revision} failed: {message}")
    commit = completed.stdout.decode("ascii", "replace").strip()
    return commit if completed.returncode == 0 and commit else None
