"""The results cache, through the real command line and real files."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import (
    CACHE_STATISTICS,
    PAT,
    REPOSITORY_ROOT,
    SK,
    Run,
    check_cached,
    write_files,
)

from ttai_guard import cache
from ttai_guard.analysis import FileJob, FileReport, scan_file
from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.tokens import find_token_bytes

PLAIN_FILES = {
    "app/main.py": "import os\n\nprint(os.environ.get('HOME'))\n",
    "app/util.js": "export const add = (a, b) => a + b;\n",
    "docs/guide.md": "# Guide\n\nNothing secret here.\n",
    "config/settings.toml": "[server]\nport = 8080\n",
}
SECRET_FILES = {
    "src/client.py": f'TTAI_TOKEN = "{PAT}"\n',
    "src/api.js": (
        f'const key = "{SK}";\n'
        'fetch("http://api.toughtongueai.com/v1/sessions", { headers: { key } });\n'
    ),
    "src/notes.txt": f"token: {PAT}\n",
    "src/settings.py": 'toughtongue_password = "hunter2-correct-horse"\n',
}


def _statistics(run: Run) -> tuple[int, int, int]:
    match = CACHE_STATISTICS.search(run.stderr)
    assert match is not None, run.stderr
    return int(match[1]), int(match[2]), int(match[3])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    write_files(root, PLAIN_FILES)
    # The cache does not record the stat signature of a file modified in the
    # last two seconds, so the files are dated back.
    _age(root)
    return root


def _age(root: Path) -> None:
    """Date back the files written in the last half minute.

    Older files are left alone: setting their times would move their status
    change time, which is part of the signature, and make them look changed.
    """
    now = time.time()
    for path in root.rglob("*"):
        if path.stat().st_mtime > now - 30:
            os.utime(path, (now - 60, now - 60))


def test_rerun_hits_every_file(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    first = check_cached(tree, cache_dir)
    second = check_cached(tree, cache_dir)
    assert _statistics(first) == (0, 4, 4)
    assert _statistics(second) == (4, 0, 0)
    assert second.json() == first.json()


def test_changed_file_rescanned(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    write_files(tree, {"app/util.js": f'export const key = "{SK}";\n'})
    _age(tree)
    second = check_cached(tree, cache_dir)
    assert _statistics(second) == (3, 1, 0)
    assert second.findings() == [("TTAI101", "app/util.js", 1, 21)]


def test_recent_file_not_trusted(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    write_files(tree, {"app/new.py": "x = 1\n"})
    check_cached(tree, cache_dir)
    second = check_cached(tree, cache_dir)
    # The report is stored, but a file modified in the last two seconds is
    # read again, because its stat signature may not change with its content.
    assert _statistics(second) == (4, 1, 1)


def test_configuration_invalidates(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    write_files(tree, {"ttai-guard.toml": 'api-hosts = ["proxy.example.com"]\n'})
    _age(tree)
    second = check_cached(tree, cache_dir)
    assert _statistics(second) == (0, 5, 5)


def test_max_file_size_invalidates(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    second = check_cached(tree, cache_dir, "--max-file-size", "4096")
    assert _statistics(second) == (0, 4, 4)


def test_version_changes_key() -> None:
    settings = AnalyzerSettings()
    first = cache.configuration_key(settings, 1000, version="0.1.0")
    second = cache.configuration_key(settings, 1000, version="0.2.0")
    assert first != second


def test_settings_change_key() -> None:
    first = cache.configuration_key(AnalyzerSettings(), 1000)
    second = cache.configuration_key(AnalyzerSettings(token_names=("MY_KEY",)), 1000)
    assert first != second


def test_no_cache_writes_nothing(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    run = check_cached(tree, cache_dir, "--no-cache")
    assert run.code == 0
    assert CACHE_STATISTICS.search(run.stderr) is None
    assert not cache_dir.exists()


def test_no_cache_reads_nothing(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    database = cache_dir / cache.DATABASE_NAME
    before = database.stat().st_mtime_ns
    run = check_cached(tree, cache_dir, "--no-cache")
    assert CACHE_STATISTICS.search(run.stderr) is None
    assert database.stat().st_mtime_ns == before


def test_corrupt_database_notice(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir(mode=0o700)
    (cache_dir / cache.DATABASE_NAME).write_bytes(b"this is not an SQLite database" * 100)
    write_files(tree, {"src/client.py": f'TTAI_TOKEN = "{PAT}"\n'})
    run = check_cached(tree, cache_dir)
    assert run.code == 0
    assert "ttai-guard: notice: results cache at" in run.stderr
    assert "scanning without it" in run.stderr
    assert run.findings() == [("TTAI101", "src/client.py", 1, 15)]


def test_corrupt_pages_notice(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    database = cache_dir / cache.DATABASE_NAME
    data = bytearray(database.read_bytes())
    # Keep the header page, overwrite the pages holding tables and indexes.
    data[4096:] = b"\xff" * (len(data) - 4096)
    database.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(database) + suffix).unlink(missing_ok=True)
    run = check_cached(tree, cache_dir)
    assert run.code == 0
    assert "ttai-guard: notice: results cache at" in run.stderr
    assert run.json()["summary"]["files_scanned"] == 4


def test_shared_directory_not_used(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    cache_dir.chmod(0o777)
    run = check_cached(tree, cache_dir)
    assert "is writable by other users" in run.stderr
    assert not (cache_dir / cache.DATABASE_NAME).exists()


def test_concurrent_runs_succeed(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    many = {f"pkg/module_{number}.py": f"VALUE_{number} = {number}\n" for number in range(80)}
    write_files(tree, many)
    _age(tree)
    command = [sys.executable, "-m", "ttai_guard", "check", "--format", "json", "-v", "."]
    env = {
        **os.environ,
        "PYTHONPATH": str(REPOSITORY_ROOT),
        "TTAI_GUARD_CACHE_DIR": str(cache_dir),
    }
    processes = [
        subprocess.Popen(
            command, cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0]
    assert outputs[0][0] == outputs[1][0]
    assert "notice: results cache" not in outputs[0][1]
    assert "notice: results cache" not in outputs[1][1]
    third = check_cached(tree, cache_dir)
    assert _statistics(third) == (84, 0, 0)


def test_cache_holds_no_token(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    write_files(tree, SECRET_FILES)
    _age(tree)
    first = check_cached(tree, cache_dir)
    second = check_cached(tree, cache_dir)
    assert len(first.json()["findings"]) == 5
    assert second.json() == first.json()
    for path in cache_dir.iterdir():
        assert list(find_token_bytes(path.read_bytes())) == [], path.name
        assert b"hunter2-correct-horse" not in path.read_bytes()


def test_reports_with_secrets_not_stored(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    write_files(tree, SECRET_FILES)
    _age(tree)
    check_cached(tree, cache_dir)
    second = check_cached(tree, cache_dir)
    # The four files whose findings carry a token or a credential are
    # scanned on every run.
    assert _statistics(second) == (4, 4, 0)


def test_stored_fields_hold_no_token(tmp_path: Path) -> None:
    report = FileReport(tmp_path / "a.py", digest=b"\0" * 32, signature=(1, 2, 3, 4, 5))
    report.notes.append(f"read at the text level near {PAT}")
    assert cache.storable(report)
    assert cache._pickled(report) is None


def test_database_rows_decode(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    connection = sqlite3.connect(cache_dir / cache.DATABASE_NAME)
    rows = connection.execute("SELECT path FROM signatures ORDER BY path").fetchall()
    connection.close()
    assert [Path(os.fsdecode(row[0])).relative_to(tree).as_posix() for row in rows] == sorted(
        PLAIN_FILES
    )


def test_cache_directory_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TTAI_GUARD_CACHE_DIR", str(tmp_path / "x"))
    assert cache.cache_directory() == tmp_path / "x"


def test_cache_directory_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TTAI_GUARD_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_directory() == tmp_path / "ttai-guard"


def test_cache_directory_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TTAI_GUARD_CACHE_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.cache_directory() == tmp_path / ".cache" / "ttai-guard"


def test_eviction_bounds_entries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TTAI_GUARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    files = {f"f{number}.txt": f"line {number}\n" for number in range(5)}
    write_files(tmp_path / "tree", files)
    _age(tmp_path / "tree")
    notices: list[str] = []
    opened = cache.ResultsCache.open(AnalyzerSettings(), 1000, notices)
    assert opened is not None
    for name in files:
        path = tmp_path / "tree" / name
        info = path.stat()
        report = FileReport(
            path,
            digest=name.encode().ljust(32, b"\0"),
            signature=(info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev, info.st_ctime_ns),
        )
        opened.add(FileJob(path), report)
    opened.close()
    connection = sqlite3.connect(tmp_path / "cache" / cache.DATABASE_NAME)
    (count,) = connection.execute("SELECT count(*) FROM reports").fetchone()
    (signatures,) = connection.execute("SELECT count(*) FROM signatures").fetchone()
    connection.close()
    assert count == 3
    assert signatures == 3
    assert notices == []


def test_rerun_keeps_used_at(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    query = "SELECT path, used_at FROM reports ORDER BY path"
    connection = sqlite3.connect(cache_dir / cache.DATABASE_NAME)
    before = connection.execute(query).fetchall()
    connection.close()
    second = check_cached(tree, cache_dir)
    connection = sqlite3.connect(cache_dir / cache.DATABASE_NAME)
    after = connection.execute(query).fetchall()
    connection.close()
    assert _statistics(second) == (4, 0, 0)
    # A report used again within the touch interval is not written again.
    assert after == before


def _opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> cache.ResultsCache:
    monkeypatch.setenv("TTAI_GUARD_CACHE_DIR", str(tmp_path / "cache"))
    opened = cache.ResultsCache.open(AnalyzerSettings(), 1000, [])
    assert opened is not None
    return opened


def test_lookup_all_matches_jobs(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = sorted(tree.rglob("*.*"))
    jobs = [FileJob(path) for path in paths]
    opened = _opened(tmp_path, monkeypatch)
    for job in jobs:
        opened.add(job, scan_file(job, AnalyzerSettings(), 1000, digest=True))
    opened.close()
    write_files(tree, {"app/util.js": "export const subtract = (a, b) => a - b;\n"})
    _age(tree)
    missing = FileJob(tree / "absent.py")
    reopened = _opened(tmp_path, monkeypatch)
    reports = reopened.lookup_all([*jobs, missing, FileJob(tree / "app", build=True)])
    reopened.close()
    changed = paths.index(tree / "app" / "util.js")
    assert [report is None for report in reports] == [
        *(index == changed for index in range(len(jobs))),
        True,
        True,
    ]
    assert [report.path for report in reports if report is not None] == [
        path for index, path in enumerate(paths) if index != changed
    ]
    assert reopened.statistics.hits == 3
    assert reopened.statistics.misses == 3


def test_clean_report_stored_compact(tmp_path: Path) -> None:
    report = FileReport(tmp_path / "a.py", kind="python", skipped="", digest=b"\0" * 32)
    blob = cache._pickled(report)
    assert blob is not None
    loaded = cache._loaded(blob, FileJob(tmp_path / "b.py"))
    assert loaded == FileReport(tmp_path / "b.py", kind="python")


def test_full_report_keeps_job_path(tmp_path: Path) -> None:
    report = FileReport(tmp_path / "a.py", kind="python", notes=["read at the text level"])
    blob = cache._pickled(report)
    assert blob is not None
    loaded = cache._loaded(blob, FileJob(tmp_path / "b.py"))
    assert loaded is not None
    assert loaded.path == tmp_path / "b.py"
    assert loaded.notes == ["read at the text level"]


def test_unreadable_blob_misses(tmp_path: Path) -> None:
    assert cache._loaded(b"not a pickle", FileJob(tmp_path / "a.py")) is None


@pytest.mark.parametrize(
    ("paths", "low", "high"),
    [
        ([b"/a/b/c", b"/a/b/d"], b"/a/b/", b"/a/b0"),
        ([b"/a/x"], b"/a/x", b"/a/y"),
        ([b"/a\xff", b"/a\xff\xff"], b"/a\xff", b"/b"),
        ([b"x", b"y"], b"", b"\xff\xff"),
    ],
)
def test_path_range_bounds(paths: list[bytes], low: bytes, high: bytes) -> None:
    assert cache._path_range(paths) == (low, high)


def test_many_paths_read_as_range(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_NAMED_LOOKUPS", 1)
    files = {f"pkg/f{number}.txt": f"line {number}\n" for number in range(3)}
    files["other/g.txt"] = "other\n"
    write_files(tmp_path / "tree", files)
    _age(tmp_path / "tree")
    jobs = [FileJob(tmp_path / "tree" / name) for name in sorted(files)]
    opened = _opened(tmp_path, monkeypatch)
    for job in jobs:
        opened.add(job, scan_file(job, AnalyzerSettings(), 1000, digest=True))
    opened.close()
    reopened = _opened(tmp_path, monkeypatch)
    reports = reopened.lookup_all(jobs[1:3])
    reopened.close()
    assert [report.path if report else None for report in reports] == [j.path for j in jobs[1:3]]


def test_restored_mtime_rescanned(tree: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    check_cached(tree, cache_dir)
    target = tree / "config" / "settings.toml"
    before = target.stat()
    # Same size, modification time put back: only the change time moves.
    target.write_text(target.read_text().replace("8080", "8081"))
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    second = check_cached(tree, cache_dir)
    assert target.stat().st_size == before.st_size
    assert _statistics(second)[1] == 1
