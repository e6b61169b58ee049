"""Shared fixtures: token values built at run time, git repositories, the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from ttai_guard.facts import Facts

# Property tests run the same examples on every run, so a CI result never
# depends on chance; set HYPOTHESIS_PROFILE=explore to search new inputs.
settings.register_profile(
    "repeatable",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent

# The OASIS SARIF 2.1.0 schema is not shipped in this repository. CI keeps a
# copy beside the checkout; SARIF_SCHEMA names another copy.
SCHEMA_PATH = Path(
    os.environ.get(
        "SARIF_SCHEMA",
        REPOSITORY_ROOT.parent / "shared" / "data" / "sarif-schema-2.1.0.json",
    )
)

# Token bodies are assembled here so that no token-shaped string is ever
# written into the repository.
PAT = "ttai_" + "pat_" + "Zq4Lr8Xc2Vb6Nm0Kp3Ws7Td1Yh5Gf9Ja2Ue"
SK = "sk_" + "live_" + "Q7vR2mXk9LpT4wZa8NcE5bYhD3sF6gJ1"


@pytest.fixture(autouse=True)
def _isolated_git(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Keep the user's git configuration out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.invalid")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.invalid")
    monkeypatch.delenv("TTAI_GUARD_DEBUG", raising=False)


def git(cwd: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository in a temporary directory."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    return root


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict:
        return json.loads(self.stdout)

    def findings(self) -> list[tuple[str, str, int, int]]:
        """Return (rule, path, line, column) of each finding in JSON output."""
        return [(f["rule"], f["path"], f["line"], f["column"]) for f in self.json()["findings"]]


def run_cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """Run ``python -m ttai_guard`` as a real process in ``cwd``."""
    completed = subprocess.run(
        [sys.executable, "-m", "ttai_guard", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY_ROOT), **(env or {})},
        stdin=subprocess.DEVNULL,
    )
    return Run(completed.returncode, completed.stdout, completed.stderr)


#: The results cache line that ``check -v`` prints.
CACHE_STATISTICS = re.compile(r"results cache: (\d+) files unchanged, (\d+) scanned, (\d+) stored")


def check_cached(root: Path, cache_dir: Path, *args: str) -> Run:
    """Run ``check -v`` with JSON output on ``root`` with the results cache in ``cache_dir``."""
    return run_cli(
        root,
        "check",
        "--format",
        "json",
        "--exit-zero",
        "-v",
        *args,
        ".",
        env={"TTAI_GUARD_CACHE_DIR": str(cache_dir)},
    )


def assert_maps_to_source(text: str, facts: Facts) -> None:
    """Check that every segment lies inside ``text`` and copies it, or points at an escape."""
    literals = [*facts.strings, *facts.comments, *(literal for _, literal in facts.settings)]
    literals.extend(credential.literal for credential in facts.credentials)
    for literal in literals:
        for segment in literal.segments:
            source = text[segment.source_start : segment.source_start + segment.length]
            value = literal.value[segment.value_start : segment.value_start + segment.length]
            assert segment.source_start >= 0
            assert segment.source_start + segment.length <= len(text)
            assert segment.value_start + segment.length <= len(literal.value)
            if segment.length >= 2:
                assert source == value
            else:
                # A one-character segment may be an escape (`\n`) or YAML's `''`.
                assert source in (value, "\\", "'")


@pytest.fixture(scope="session")
def sarif_schema() -> dict:
    """The SARIF schema; CI fails without it, elsewhere the test is skipped."""
    if not SCHEMA_PATH.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"SARIF schema not found at {SCHEMA_PATH}")
        pytest.skip(f"SARIF schema not found at {SCHEMA_PATH}; set SARIF_SCHEMA to a copy")
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """Show test IDs with tokens redacted, so test logs never carry a whole token."""
    from ttai_guard.tokens import redact_text

    if isinstance(val, str):
        return redact_text(val).encode("unicode_escape").decode("ascii")
    return None
