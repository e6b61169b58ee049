"""Tree snapshots: a whole scan's result, reused while nothing it read has changed.

A scan that uses the results cache records the stat signature of every path
it reads or lists, taken before the path is used. These are the directories
it walks, the files it scans, the ``.gitignore`` files, the ``.git`` entries
and the index git reads, and the files the client-side pass opens. After
the scan, the result is stored with those signatures under a key made of the
configuration (which covers the tool's own source), the scan options, the
working directory and the environment variables that change what git and
the tool read.

The next run with the same key stats the same paths. When every signature is
unchanged (a new file changes its directory's signature, an edit changes the
file's), the stored result is the scan's result, so the run reads no file and
does not walk the tree.

A snapshot is not stored when a path's modification time lies within the
cache's racy interval of the scan's start (an edit in the same timestamp
tick could go unnoticed), when a path could not be stat'ed for a reason
other than its absence, when a path could not be read, or when the result
contains a secret (a TTAI101 or TTAI102 finding, or token-shaped bytes).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ttai_guard import cache
from ttai_guard.tokens import find_token_bytes

if TYPE_CHECKING:
    from ttai_guard.runner import ScanOptions, ScanResult

#: (mode, size, mtime_ns, ctime_ns, inode, device), or None for a missing path.
Signature = tuple[int, int, int, int, int, int] | None

# Snapshots beyond this count are evicted, least recently used first.
MAX_SNAPSHOTS = 32
# Environment variables that change which files git or the tool reads.
_ENVIRONMENT = ("HOME", "PATH", "XDG_CONFIG_HOME")
_ENVIRONMENT_PREFIXES = ("GIT_",)
# Bumped when the stored layout changes.
_LAYOUT = 1


def _signature(info: os.stat_result) -> Signature:
    return (
        info.st_mode,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
        info.st_ino,
        info.st_dev,
    )


class _Recorder:
    """The paths a scan used, each with its signature when first used."""

    def __init__(self) -> None:
        self.signatures: dict[str, Signature] = {}
        self.usable = True

    def watch(self, path: str) -> None:
        if path in self.signatures:
            return
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            self.signatures[path] = None
            return
        except (OSError, ValueError):
            # Unreadable now, so perhaps readable next time: nothing to reuse.
            self.usable = False
            return
        self.signatures[path] = _signature(info)


_active: _Recorder | None = None


def watch(path: str | Path) -> None:
    """Record that the running scan reads or lists ``path`` (absolute or relative to the cwd)."""
    if _active is not None:
        text = os.fspath(path)
        _active.watch(text if os.path.isabs(text) else os.path.abspath(text))


def recording() -> bool:
    """Tell whether a scan is recording the paths it uses."""
    return _active is not None


@contextmanager
def _recording() -> Iterator[_Recorder]:
    global _active
    recorder = _Recorder()
    _active = recorder
    try:
        yield recorder
    finally:
        _active = None


def _canonical(value: Any) -> Any:
    """Return a form of ``value`` whose repr is the same in every process."""
    if is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple((item.name, _canonical(getattr(value, item.name))) for item in fields(value)),
        )
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(_canonical(item)) for item in value)))
    if isinstance(value, dict):
        return (
            "dict",
            tuple(sorted((repr(_canonical(k)), _canonical(v)) for k, v in value.items())),
        )
    if isinstance(value, (list, tuple)):
        return tuple(_canonical(item) for item in value)
    if isinstance(value, Path):
        return ("path", str(value))
    return value


def _key(options: ScanOptions) -> bytes:
    """Hash everything besides the tree that decides a scan's result."""
    environment = sorted(
        (name, value)
        for name, value in os.environ.items()
        if name in _ENVIRONMENT or name.startswith(_ENVIRONMENT_PREFIXES)
    )
    material = repr(
        (
            _LAYOUT,
            cache.configuration_key(options.settings, options.max_file_size).hex(),
            # The number of worker processes and the cache switch do not change findings.
            _canonical(replace(options, jobs=0, use_cache=True)),
            os.getcwd(),
            environment,
        )
    )
    return hashlib.sha256(material.encode("utf-8", "surrogateescape")).digest()


def _unchanged(paths: list[str], signatures: list[Signature]) -> bool:
    for path, stored in zip(paths, signatures, strict=True):
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            if stored is not None:
                return False
            continue
        except (OSError, ValueError):
            return False
        if stored != _signature(info):
            return False
    return True


def reuse(options: ScanOptions, notices: list[str]) -> ScanResult | None:
    """Return the stored result of the last identical scan if nothing it used has changed."""
    opened = cache.open_database(notices)
    if opened is None:
        return None
    connection, _ = opened
    key = _key(options)
    try:
        row = connection.execute("SELECT data, used_at FROM snapshots WHERE key = ?", (key,))
        found = row.fetchone()
        if found is None:
            return None
        try:
            paths, signatures, files, result = pickle.loads(zlib.decompress(found[0]))
        except Exception:
            # A snapshot of an older layout, or a damaged one: scan again.
            return None
        if not _unchanged(paths, signatures):
            return None
        now = time.time_ns()
        if now - found[1] > cache.TOUCH_INTERVAL_NS:
            connection.execute("UPDATE snapshots SET used_at = ? WHERE key = ?", (now, key))
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    result.cache = cache.CacheStatistics(hits=files, reused=True)
    return result


def scan_recorded(options: ScanOptions, scan: Any) -> ScanResult:
    """Run ``scan()`` while recording the paths it uses, then store its result."""
    started = time.time_ns()
    with _recording() as recorder:
        result: ScanResult = scan()
    _store(options, recorder, result, started)
    return result


def _store(options: ScanOptions, recorder: _Recorder, result: ScanResult, started: int) -> None:
    if not recorder.usable or result.errors or result.cache is None:
        return
    if any(f.rule in cache.SECRET_IDENTITY_RULES and f.identity for f in result.findings):
        return
    paths = list(recorder.signatures)
    signatures = list(recorder.signatures.values())
    if any(s is not None and started - s[2] <= cache.RACY_NS for s in signatures):
        return

    files = result.cache.hits + result.cache.misses
    stored_cache, result.cache = result.cache, None
    try:
        blob = pickle.dumps((paths, signatures, files, result), protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        result.cache = stored_cache
    if next(iter(find_token_bytes(blob)), None) is not None:
        return

    data = zlib.compress(blob, 1)
    notices: list[str] = []
    opened = cache.open_database(notices)
    if opened is None:
        return
    connection, _ = opened
    try:
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            cursor.execute(
                "INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?)",
                (_key(options), data, time.time_ns()),
            )
            cursor.execute(
                "DELETE FROM snapshots WHERE key NOT IN "
                "(SELECT key FROM snapshots ORDER BY used_at DESC LIMIT ?)",
                (MAX_SNAPSHOTS,),
            )
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
    except sqlite3.Error:
        # Another run holds the write lock, or the disk is full: the next run scans.
        pass
    finally:
        connection.close()
