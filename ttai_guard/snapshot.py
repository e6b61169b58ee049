"""Tree snapshots: a whole scan's result, reused while nothing it read has changed.

A scan that uses the results cache runs under :func:`ttai_guard.usedpaths.record`,
which fingerprints every path the scan reads or lists before it is used. These
are the directories it walks, the files it scans, the ``.gitignore`` files,
the ``.git`` entries, the repository's ``HEAD``, ``config`` and index, git's
global and system configuration, and the files the client-side pass opens.
Paths it looked for and did not find are recorded as missing.

After the scan, the result and the fingerprints are stored under a key. The
key covers the configuration (including the tool's own source), the scan
options, the working directory, the Python version and the environment
variables that change what git and the tool read. The next run with the same key stats the
same paths. When every fingerprint matches (a new file changes its
directory's, an edit changes the file's), it returns the stored result
without walking the tree or reading any file.

A snapshot is not stored when a path's modification time lies within the
cache's racy interval of the scan's start (an edit in the same timestamp
tick could go unnoticed), when a path could not be stat'ed for a reason
other than its absence, when a used path is a dangling symbolic link (its
target can appear in another directory), when a file could not be read, or
when the result contains a secret (a TTAI101 or TTAI102 finding, or
token-shaped bytes).

NOTE: the racy test reads modification times only. A same-size edit whose
modification time is then put back, made within one timestamp tick of the
scan's stat of that file, would keep its fingerprint; the status change
time in the fingerprint catches every later one.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import sys
import time
import zlib
from array import array
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ttai_guard import cache
from ttai_guard.tokens import find_token_bytes
from ttai_guard.usedpaths import MISSING, Recorder, fingerprint, record

if TYPE_CHECKING:
    from ttai_guard.runner import ScanOptions, ScanResult

# Snapshots beyond this count are evicted, least recently used first.
MAX_SNAPSHOTS = 32
# Environment variables that change which files git or the tool reads.
_ENVIRONMENT = ("HOME", "PATH", "XDG_CONFIG_HOME")
_ENVIRONMENT_PREFIXES = ("GIT_",)
# Bumped when the stored layout changes.
_LAYOUT = 3


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
            sys.version,
            cache.configuration_key(options.settings, options.max_file_size).hex(),
            # The number of worker processes and the cache switch do not change findings.
            _canonical(replace(options, jobs=0, use_cache=True)),
            os.getcwd(),
            environment,
        )
    )
    return hashlib.sha256(material.encode("utf-8", "surrogateescape")).digest()


def _unchanged(paths: list[str], fingerprints: array[int], missing: list[str]) -> bool:
    """Tell whether every path still has its fingerprint and every missing path is still missing."""
    try:
        # One C-level loop of stat calls: per path, the system call is most of the cost.
        for info, expected in zip(map(os.stat, paths), fingerprints, strict=True):
            if fingerprint(info) != expected:
                return False
    except (OSError, ValueError):
        # Removed, or now unreadable.
        return False
    return not any(os.path.lexists(path) for path in missing)


def reuse(options: ScanOptions) -> ScanResult | None:
    """Return the stored result of the last identical scan if nothing it used has changed.

    A cache that cannot be opened returns None; the scan that follows reports why.
    """
    opened = cache.open_database([])
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
            joined, packed, missing, files, result = pickle.loads(zlib.decompress(found[0]))
            paths = joined.split("\0")
            fingerprints = array("q")
            fingerprints.frombytes(packed)
        except Exception:
            # A snapshot of an older layout, or a damaged one: scan again.
            return None
        if len(paths) != len(fingerprints) or not _unchanged(paths, fingerprints, missing):
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
    with record() as recorder:
        result: ScanResult = scan()
    _store(options, recorder, result, started)
    return result


def _uncovered_missing(fingerprints: dict[str, int]) -> list[str]:
    """Return the missing paths that their directory's fingerprint does not cover.

    A path cannot appear without changing its directory's fingerprint, so a
    missing path needs no check of its own when that fingerprint was taken
    before the path was found missing (the dict keeps the order of first use).
    """
    order = {path: number for number, path in enumerate(fingerprints)}
    uncovered = []
    for path, found in fingerprints.items():
        if found != MISSING:
            continue
        directory = os.path.dirname(path)
        covered = fingerprints.get(directory, MISSING) != MISSING and order[directory] < order[path]
        if not covered:
            uncovered.append(path)
    return uncovered


def _store(options: ScanOptions, recorder: Recorder, result: ScanResult, started: int) -> None:
    if not recorder.usable or result.errors or result.cache is None:
        return
    if any(f.rule in cache.SECRET_IDENTITY_RULES and f.identity for f in result.findings):
        return
    if started - recorder.newest_mtime_ns <= cache.RACY_NS:
        return

    files = result.cache.hits + result.cache.misses
    stored_cache, result.cache = result.cache, None
    try:
        present = {p: f for p, f in recorder.fingerprints.items() if f != MISSING}
        missing = _uncovered_missing(recorder.fingerprints)
        joined = "\0".join(present)
        packed = array("q", present.values()).tobytes()
        blob = pickle.dumps(
            (joined, packed, missing, files, result), protocol=pickle.HIGHEST_PROTOCOL
        )
    finally:
        result.cache = stored_cache
    if next(iter(find_token_bytes(blob)), None) is not None:
        return

    data = zlib.compress(blob, 1)
    # The scan has already reported a cache that cannot be opened.
    opened = cache.open_database([])
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
