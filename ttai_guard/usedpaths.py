"""The paths a scan reads or lists, each with a fingerprint of its stat result.

The walk, the ignore rules, the git helpers, the results cache and the
client-side pass call :func:`watch` (or :func:`note`) before they use a path.
Outside :func:`record` these calls do nothing. :mod:`ttai_guard.snapshot`
records a scan this way and stores its result with the fingerprints. This
module imports nothing of the package, so every module can call it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: The fingerprint of a path that does not exist. hash() never returns -1.
MISSING = -1


def fingerprint(info: os.stat_result) -> int:
    """Return a hash of the mode, size, modification and change times, inode and device.

    Integer tuples hash alike in every process of one Python version, so a
    stored fingerprint is compared only under the same version.
    """
    return hash(
        (info.st_mode, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
    )


class Recorder:
    """The paths a scan used, each with its fingerprint when first used."""

    def __init__(self) -> None:
        #: Path to fingerprint, in the order of first use.
        self.fingerprints: dict[str, int] = {}
        self.newest_mtime_ns = 0
        #: False once a path could not be fingerprinted reliably.
        self.usable = True

    def watch(self, path: str) -> None:
        if path in self.fingerprints:
            return
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            if os.path.lexists(path):
                # A dangling link: creating its target changes another directory.
                self.usable = False
                return
            self.fingerprints[path] = MISSING
            return
        except (OSError, ValueError):
            # Unreadable now, so perhaps readable next time: nothing to reuse.
            self.usable = False
            return
        self.note(path, info)

    def note(self, path: str, info: os.stat_result) -> None:
        if path not in self.fingerprints:
            self.fingerprints[path] = fingerprint(info)
            self.newest_mtime_ns = max(self.newest_mtime_ns, info.st_mtime_ns)


_active: Recorder | None = None


def watch(path: str | Path) -> None:
    """Record that the running scan reads or lists ``path`` (absolute or relative to the cwd)."""
    if _active is not None:
        text = os.fspath(path)
        _active.watch(text if os.path.isabs(text) else os.path.abspath(text))


def note(path: Path, info: os.stat_result) -> None:
    """Record a stat result the running scan took of the absolute ``path`` before using it."""
    if _active is not None:
        _active.note(os.fspath(path), info)


def recording() -> bool:
    """Tell whether a scan is recording the paths it uses."""
    return _active is not None


@contextmanager
def record() -> Iterator[Recorder]:
    """Record the paths used inside the ``with`` block."""
    global _active
    recorder = Recorder()
    _active = recorder
    try:
        yield recorder
    finally:
        _active = None
