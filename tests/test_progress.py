"""The progress bar: drawn on a terminal after a delay, never in CI or pipes."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPOSITORY_ROOT, write_files

from ttai_guard import progress
from ttai_guard.progress import ProgressBar


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_wanted_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert progress.wanted(FakeTerminal(), quiet=False) is False


def test_not_wanted_when_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert progress.wanted(io.StringIO(), quiet=False) is False
    assert progress.wanted(FakeTerminal(), quiet=True) is False
    assert progress.wanted(FakeTerminal(), quiet=False) is True


def test_bar_waits_then_draws_and_clears(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([0.0, 0.5, 2.0, 2.05, 2.2, 2.3])
    monkeypatch.setattr(progress.time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar(1, 4)
    assert stream.getvalue() == ""
    bar(2, 4)
    assert stream.getvalue().endswith("] 2/4 files")
    bar(3, 4)
    assert "3/4" not in stream.getvalue()
    bar(4, 4)
    assert stream.getvalue().endswith("] 4/4 files")
    bar.close()
    assert stream.getvalue().endswith("\r")


def test_no_bar_in_piped_run(tmp_path: Path) -> None:
    write_files(tmp_path, {f"m{i}.py": "x = 1\n" for i in range(60)})
    completed = subprocess.run(
        [sys.executable, "-m", "ttai_guard", "check", "--exit-zero"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY_ROOT)},
    )
    assert "files" not in completed.stderr
    assert "[#" not in completed.stderr


def test_real_terminal_gets_clean_output(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": ".env\n.env.local\n", "a.py": "x = 1\n"})
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY_ROOT)}
    environment.pop("CI", None)
    leader, follower = pty.openpty()
    completed = subprocess.run(
        [sys.executable, "-m", "ttai_guard", "check"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=follower,
        env=environment,
        timeout=60,
    )
    os.close(follower)
    os.close(leader)
    assert completed.returncode == 0
    assert completed.stdout.decode().startswith("Found 0 findings")
