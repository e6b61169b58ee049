"""The results cache: per-file reports kept between runs.

A report is stored under (configuration, path, SHA-256 of the file's bytes).
The configuration is a hash of the tool version, the package's own source
files (so an edited checkout never reuses old results), the analyzer
settings, ``max-file-size`` and the job's build and ``secrets_belong_here``
flags. A second table maps a path to the stat signature (size, the later of
the modification and status change times, inode, device) it had when its
digest was taken, so an unchanged re-run stats files but reads none. The
change time catches an edit whose modification time was put back
(``touch -r``, ``cp -p``), because setting a time updates it.

Storage is one SQLite database in write-ahead-log mode under the user cache
directory (``TTAI_GUARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/ttai-guard``, else
``~/.cache/ttai-guard``). SQLite serializes concurrent writers itself, and a
run that cannot get the write lock within the busy timeout skips its write
with a notice. Reports are stored as pickles, so the cache is used only when
its directory belongs to the current user and no one else can write to it.

No stored report contains a whole secret: a report whose findings carry a
token or credential as their identity (TTAI101, TTAI102) is not stored, and
every pickle is searched for token-shaped bytes before it is written.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ttai_guard import __version__, usedpaths
from ttai_guard.tokens import find_token_bytes

if TYPE_CHECKING:
    from ttai_guard.analysis import FileJob, FileReport
    from ttai_guard.analyzers import AnalyzerSettings

# Paths are stored as the bytes the file system uses (os.fsencode), because a
# name that is not valid UTF-8 has no SQLite text form.
DATABASE_NAME = "results-v1.sqlite3"
#: Stored reports beyond this count are evicted, least recently used first.
MAX_ENTRIES = 200_000
# A file modified within this many nanoseconds of its stat may change again
# within the file system's timestamp granularity without changing its
# signature, so its stat signature is not recorded (git calls this "racy").
RACY_NS = 2_000_000_000
_BUSY_TIMEOUT_S = 5.0
# Rules whose finding identity is the secret itself.
SECRET_IDENTITY_RULES = frozenset({"TTAI101", "TTAI102"})
# Packages whose version changes what the analyzers extract.
_PARSER_PACKAGES = ("libcst", "tree_sitter", "tree_sitter_javascript", "tree_sitter_typescript")
# Up to this many paths are looked up by name in one query, and more are read
# as a range. SQLite allows 32,766 parameters since 3.32 and 999 before.
_NAMED_LOOKUPS = 500
# A report read again within this many nanoseconds of its last recorded use
# keeps its old `used_at`, so an unchanged re-run writes nothing. Eviction
# order is then exact to within this interval.
TOUCH_INTERVAL_NS = 3600 * 1_000_000_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (
    path BLOB PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL,
    device INTEGER NOT NULL,
    digest BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
    configuration BLOB NOT NULL,
    path BLOB NOT NULL,
    digest BLOB NOT NULL,
    report BLOB NOT NULL,
    used_at INTEGER NOT NULL,
    PRIMARY KEY (configuration, path, digest)
);
CREATE INDEX IF NOT EXISTS reports_used_at ON reports (used_at);
CREATE TABLE IF NOT EXISTS snapshots (
    key BLOB PRIMARY KEY,
    data BLOB NOT NULL,
    used_at INTEGER NOT NULL
);
"""


def cache_directory() -> Path:
    """Return the directory the cache lives in (it may not exist yet)."""
    override = os.environ.get("TTAI_GUARD_CACHE_DIR")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "ttai-guard"
    return Path.home() / ".cache" / "ttai-guard"


def open_database(notices: list[str]) -> tuple[sqlite3.Connection, Path] | None:
    """Open (creating if needed) the cache database; on failure add a notice and return None."""
    directory = cache_directory()
    location = directory / DATABASE_NAME
    if not directory.is_absolute():
        notices.append(
            f"results cache not used: TTAI_GUARD_CACHE_DIR={directory} is a relative path; "
            "set it to an absolute path"
        )
        return None
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        problem = _unsafe_directory(directory)
        if problem:
            notices.append(f"results cache not used: {directory} {problem}")
            return None
        connection = sqlite3.connect(
            location, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            _prepare(connection)
        except sqlite3.Error:
            connection.close()
            raise
    except (OSError, sqlite3.OperationalError) as error:
        # The directory or file cannot be created, opened or written.
        notices.append(f"results cache at {location} cannot be used ({error}); scanning without it")
        return None
    except sqlite3.Error as error:
        notices.append(
            f"results cache at {location} is unreadable ({error}); scanning without it. "
            "Delete the file to rebuild the cache."
        )
        return None
    return connection, location


def _code_signature() -> bytes:
    """Hash the names, sizes and modification times of the package's source files."""
    package = Path(__file__).resolve().parent
    hasher = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        try:
            info = path.stat()
        except OSError:
            continue
        hasher.update(f"{path.relative_to(package)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return hasher.digest()


def _parser_signature() -> tuple[tuple[str, str, int, int], ...]:
    """Return the location, size and modification time of each parser package's ``__init__``.

    An upgraded parser changes what the analyzers extract, and reinstalling
    a package rewrites these files. Finding a module's spec imports nothing.
    """
    import importlib.util

    found = []
    for name in _PARSER_PACKAGES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None and spec.origin else ""
        try:
            info = os.stat(origin) if origin else None
        except OSError:
            info = None
        size, mtime = (info.st_size, info.st_mtime_ns) if info is not None else (0, 0)
        found.append((name, origin, size, mtime))
    return tuple(found)


def configuration_key(
    settings: AnalyzerSettings, max_size: int, version: str = __version__
) -> bytes:
    """Hash everything besides a file's bytes and path that changes its report."""
    material = repr(
        (
            version,
            _code_signature().hex(),
            _parser_signature(),
            settings.api_hosts,
            settings.token_names,
            settings.imported_values,
            max_size,
        )
    )
    return hashlib.sha256(material.encode("utf-8", "surrogatepass")).digest()


def _job_key(configuration: bytes, job: FileJob) -> bytes:
    flags = bytes((job.build, job.secrets_belong_here))
    return hashlib.sha256(configuration + flags).digest()


def _signature(info: os.stat_result) -> tuple[int, int, int, int]:
    """Return the signature stored for a file: size, latest time, inode, device."""
    return (info.st_size, max(info.st_mtime_ns, info.st_ctime_ns), info.st_ino, info.st_dev)


def _stored_signature(taken: tuple[int, int, int, int, int]) -> tuple[int, int, int, int]:
    """Return :func:`_signature` of the stat values in a report's ``signature``."""
    size, mtime, inode, device, ctime = taken
    return (size, max(mtime, ctime), inode, device)


def storable(report: FileReport) -> bool:
    """Tell whether a report may be written to disk: complete and free of secrets."""
    if report.vanished or report.error or not report.digest or report.signature is None:
        return False
    return not any(
        finding.rule in SECRET_IDENTITY_RULES and finding.identity for finding in report.findings
    )


def _pickled(report: FileReport) -> bytes | None:
    from ttai_guard.analysis import FileReport, is_compact

    if is_compact(report):
        # Most files have nothing to report: a (kind, skipped) pair loads
        # without rebuilding a FileReport and its Path.
        return pickle.dumps((report.kind, report.skipped), protocol=pickle.HIGHEST_PROTOCOL)
    stored = FileReport(
        path=report.path,
        findings=report.findings,
        skipped=report.skipped,
        notes=report.notes,
        kind=report.kind,
        unused_ignores=report.unused_ignores,
        client_facts=report.client_facts,
    )
    blob = pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL)
    # A last guard: a token anywhere in the pickle (a message, a snippet, a
    # client fact) keeps the whole report off the disk.
    if next(iter(find_token_bytes(blob)), None) is not None:
        return None
    return blob


@dataclass
class CacheStatistics:
    """Counts for one run, printed by ``--verbose``."""

    hits: int = 0
    misses: int = 0
    stored: int = 0
    #: Reports not written because they hold a secret or were incomplete.
    not_storable: int = 0
    #: The whole result came from a tree snapshot (:mod:`ttai_guard.snapshot`).
    reused: bool = False


@dataclass
class ResultsCache:
    """An open cache database for one scan configuration."""

    connection: sqlite3.Connection
    configuration: bytes
    location: Path
    notices: list[str]
    statistics: CacheStatistics = field(default_factory=CacheStatistics)
    _pending: list[FileReport] = field(default_factory=list)
    _pending_jobs: list[FileJob] = field(default_factory=list)
    _used: list[tuple[bytes, bytes, bytes]] = field(default_factory=list)
    _broken: bool = False

    @classmethod
    def open(
        cls, settings: AnalyzerSettings, max_size: int, notices: list[str]
    ) -> ResultsCache | None:
        """Open (creating if needed) the cache; on failure add a notice and return None."""
        opened = open_database(notices)
        if opened is None:
            return None
        connection, location = opened
        configuration = configuration_key(settings, max_size)
        return cls(connection, configuration, location, notices)

    def lookup(self, job: FileJob) -> FileReport | None:
        """Return the stored report for ``job`` if the file is unchanged since it was stored."""
        return self.lookup_all([job])[0]

    def lookup_all(self, jobs: list[FileJob]) -> list[FileReport | None]:
        """Return the stored report of each job whose file is unchanged, else ``None``.

        Reads every candidate row in one query, so a run costs one ``stat``
        per file and no query per file.
        """
        keys: dict[tuple[bool, bool], bytes] = {}
        wanted: list[tuple[bytes, bytes, tuple[int, int, int, int]] | None] = []
        for job in jobs:
            try:
                info = os.stat(job.path)
            except OSError:
                usedpaths.watch(job.path)
                wanted.append(None)
                continue
            usedpaths.note(job.path, info)
            if not stat.S_ISREG(info.st_mode):
                wanted.append(None)
                continue
            flags = (job.build, job.secrets_belong_here)
            if flags not in keys:
                keys[flags] = _job_key(self.configuration, job)
            wanted.append((os.fsencode(job.path), keys[flags], _signature(info)))
        rows = self._stored_rows([item[0] for item in wanted if item is not None], keys)
        now = time.time_ns()
        reports: list[FileReport | None] = []
        for job, item in zip(jobs, wanted, strict=True):
            report = None
            if item is not None:
                path, configuration, signature = item
                row = rows.get((path, configuration))
                if row is not None and row[0] == signature:
                    report = _loaded(row[2], job)
                    if report is not None and now - row[3] > TOUCH_INTERVAL_NS:
                        self._used.append((configuration, path, row[1]))
            if report is None:
                self.statistics.misses += 1
            else:
                self.statistics.hits += 1
            reports.append(report)
        return reports

    def _stored_rows(
        self, paths: list[bytes], keys: dict[tuple[bool, bool], bytes]
    ) -> dict[tuple[bytes, bytes], tuple[tuple[int, int, int, int], bytes, bytes, int]]:
        """Return (signature, digest, report, used_at) by (path, configuration) for ``paths``.

        A few paths are looked up by name. Many are read as one range of the
        primary key (every stored path under their common directory), because
        that costs less than sending each path to SQLite. The caller ignores
        the rows it did not request.
        """
        if self._broken or not paths:
            return {}
        configurations = list(keys.values())
        marks = ", ".join("?" * len(configurations))
        select = (
            "SELECT s.path, r.configuration, s.size, s.mtime_ns, s.inode, s.device, "
            "s.digest, r.report, r.used_at "
            "FROM signatures s JOIN reports r ON r.path = s.path AND r.digest = s.digest "
            f"AND r.configuration IN ({marks}) "
        )
        queries: list[tuple[str, list[bytes]]] = []
        if len(paths) <= _NAMED_LOOKUPS:
            queries.append((select + f"WHERE s.path IN ({', '.join('?' * len(paths))})", paths))
        else:
            low, high = _path_range(paths)
            queries.append((select + "WHERE s.path >= ? AND s.path < ?", [low, high]))
        found = {}
        try:
            for query, parameters in queries:
                cursor = self.connection.execute(query, [*configurations, *parameters])
                for path, configuration, size, mtime, inode, device, digest, blob, used in cursor:
                    found[(path, configuration)] = (
                        (size, mtime, inode, device),
                        digest,
                        blob,
                        used,
                    )
        except sqlite3.Error as error:
            self._fail("read", error)
            self._broken = True
            return {}
        return found

    def add(self, job: FileJob, report: FileReport) -> None:
        """Queue a fresh report for writing when the run closes the cache."""
        if storable(report):
            self._pending_jobs.append(job)
            self._pending.append(report)
        elif report.digest:
            self.statistics.not_storable += 1

    def close(self) -> None:
        """Write the queued reports in one transaction, evict old entries, close."""
        now = time.time_ns()
        try:
            if not self._broken:
                self._write(now)
        except sqlite3.Error as error:
            self._fail("write", error)
        finally:
            self.connection.close()

    def _write(self, now: int) -> None:
        signatures = []
        reports = []
        for job, report in zip(self._pending_jobs, self._pending, strict=True):
            blob = _pickled(report)
            if blob is None or report.signature is None:
                self.statistics.not_storable += 1
                continue
            path = os.fsencode(job.path)
            reports.append((_job_key(self.configuration, job), path, report.digest, blob, now))
            if now - report.signature[1] > RACY_NS:
                signatures.append((path, *_stored_signature(report.signature), report.digest))
        if not reports and not self._used:
            return
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            cursor.executemany(
                "INSERT OR REPLACE INTO signatures VALUES (?, ?, ?, ?, ?, ?)", signatures
            )
            cursor.executemany("INSERT OR REPLACE INTO reports VALUES (?, ?, ?, ?, ?)", reports)
            cursor.executemany(
                "UPDATE reports SET used_at = ? "
                "WHERE configuration = ? AND path = ? AND digest = ?",
                ((now, *key) for key in self._used),
            )
            _evict(cursor)
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        self.statistics.stored += len(reports)

    def _fail(self, action: str, error: sqlite3.Error) -> None:
        message = f"results cache at {self.location}: {action} failed ({error}); results not cached"
        if message not in self.notices:
            self.notices.append(message)


def _prepare(connection: sqlite3.Connection) -> None:
    """Switch to write-ahead logging and create the tables, waiting for other runs.

    Two runs that create the database at once can get "database is locked"
    from the journal mode switch or the schema without SQLite calling its
    busy handler, so those steps are retried until the busy timeout ends.
    """
    deadline = time.monotonic() + _BUSY_TIMEOUT_S
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.executescript(_SCHEMA)
            return
        except sqlite3.OperationalError as error:
            busy = "locked" in str(error) or "busy" in str(error)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _path_range(paths: list[bytes]) -> tuple[bytes, bytes]:
    """Return the [low, high) range of byte strings that starts with the paths' common prefix."""
    # The common prefix of the smallest and the largest string is that of all.
    first, last = min(paths), max(paths)
    length = 0
    while length < min(len(first), len(last)) and first[length] == last[length]:
        length += 1
    prefix = first[:length]
    # The smallest byte string above every string that starts with `prefix`:
    # drop trailing 0xff bytes, then increment the last byte.
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return b"", b"\xff" * (max(map(len, paths)) + 1)
    return prefix, stripped[:-1] + bytes((stripped[-1] + 1,))


def _loaded(blob: bytes, job: FileJob) -> FileReport | None:
    """Rebuild a stored report for ``job``, or return ``None`` for an unreadable blob."""
    from ttai_guard.analysis import FileReport

    try:
        stored = pickle.loads(blob)
    except Exception:
        # A pickle from an older layout of FileReport: scan the file again.
        return None
    if isinstance(stored, tuple) and len(stored) == 2:
        kind, skipped = stored
        if isinstance(kind, str) and isinstance(skipped, str):
            return FileReport(job.path, kind=kind, skipped=skipped)
        return None
    if not isinstance(stored, FileReport):
        return None
    stored.path = job.path
    return stored


def _evict(cursor: sqlite3.Cursor) -> None:
    (count,) = cursor.execute("SELECT count(*) FROM reports").fetchone()
    if count <= MAX_ENTRIES:
        return
    cursor.execute(
        "DELETE FROM reports WHERE rowid IN (SELECT rowid FROM reports ORDER BY used_at LIMIT ?)",
        (count - MAX_ENTRIES,),
    )
    cursor.execute(
        "DELETE FROM signatures WHERE NOT EXISTS "
        "(SELECT 1 FROM reports r WHERE r.path = signatures.path)"
    )


def _unsafe_directory(directory: Path) -> str:
    """Return why a cache directory must not be trusted with pickles, or ''."""
    info = os.stat(directory)
    if not stat.S_ISDIR(info.st_mode):
        return "is not a directory"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return "belongs to another user"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "is writable by other users"
    return ""
