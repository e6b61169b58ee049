"""Hostile and malformed input: every run completes, reports exactly, and prints no secret.

Each test builds its files in a temporary directory, runs the real command
line (or ``scan_file`` for the property tests) and checks exact positions,
exit codes and that no whole token reaches any output.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import os
import random
import re
import shutil
import stat
import string
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from conftest import PAT, REPOSITORY_ROOT, SK, Run, git, run_cli, write_files
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from ttai_guard.analysis import FileJob, scan_file
from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.cli import _report_diagnostics
from ttai_guard.reporters.json import build_json
from ttai_guard.reporters.sarif import build_sarif
from ttai_guard.reporters.text import write_text
from ttai_guard.runner import ScanResult

# Ignores the files TTAI401 requires ignored, so only the finding under test is reported.
GITIGNORE = ".env\n.env.local\n"
SK_PREFIX = "sk_" + "live_"
PAT_PREFIX = "ttai_" + "pat_"
NOBODY = 65534
# Seconds before a run counts as hung.
TIMEOUT = 120


def body(token: str) -> str:
    """Return the part of a token after its prefix."""
    prefix = SK_PREFIX if token.startswith(SK_PREFIX) else PAT_PREFIX
    return token[len(prefix) :]


def random_token(prefix: str, length: int, rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(rng.choice(alphabet) for _ in range(length))


def split_literal(token: str) -> str:
    """Spell ``token`` as a ``+`` chain of three JavaScript or Python string literals."""
    prefix = SK_PREFIX if token.startswith(SK_PREFIX) else PAT_PREFIX
    rest = body(token)
    return f'"{prefix}" + "{rest[:10]}" + "{rest[10:]}"'


def position(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    """Return the 1-based (line, column) of ``needle`` in a text that breaks lines with LF."""
    offset = text.index(needle, start)
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def findings(run: Run, rule: str | None = None) -> list[tuple[str, str, int, int]]:
    return [item for item in run.findings() if rule is None or item[0] == rule]


def leaks(output: str, *tokens: str) -> list[str]:
    """Return each token, or token body, that appears whole in ``output``."""
    return [piece for token in tokens for piece in (token, body(token)) if piece in output]


def run_guard(
    cwd: Path,
    *args: str,
    env: dict[str, str] | None = None,
    remove: tuple[str, ...] = (),
    command: tuple[str, ...] = (),
    python_path: str = str(REPOSITORY_ROOT),
) -> subprocess.CompletedProcess[bytes]:
    """Run the CLI with a timeout and byte output.

    ``remove`` names variables taken out of the environment before ``env`` is
    added, and ``command`` goes before the interpreter (to switch users).
    """
    environment = dict(os.environ)
    for name in remove:
        environment.pop(name, None)
    environment.update({"PYTHONPATH": python_path, **(env or {})})
    return subprocess.run(
        [*command, sys.executable, "-m", "ttai_guard", *args],
        cwd=cwd,
        capture_output=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
    )


def as_run(completed: subprocess.CompletedProcess[bytes]) -> Run:
    return Run(
        completed.returncode,
        completed.stdout.decode("utf-8", "backslashreplace"),
        completed.stderr.decode("utf-8", "backslashreplace"),
    )


def check_sarif(document: dict, schema: dict) -> dict:
    """Validate a SARIF log and the fields that code scanning reads, and return its run."""
    jsonschema.validate(document, schema, cls=jsonschema.Draft7Validator)
    run = document["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    for result in run["results"]:
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1, result
        assert region["startColumn"] >= 1, result
    return run


# --- Binary files ---------------------------------------------------------------------


def test_binaries_skipped_and_counted(tmp_path: Path) -> None:
    blob = b"\x00\x01\x02\x03" * 10 + SK.encode() + b"\x00\x00\xff"
    write_files(
        tmp_path,
        {
            ".gitignore": GITIGNORE,
            "app.py": f'T = "{PAT}"\n',
            "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + SK.encode(),
            "font.woff2": b"wOF2\x00\x01\x00\x00" + bytes(range(256)),
            "data.blob": blob,
        },
    )
    run = run_cli(tmp_path, "check", "--format", "json")
    assert run.code == 1
    assert findings(run) == [
        ("TTAI101", "app.py", 1, 6),
        ("TTAI101", "data.blob", 1, blob.index(SK.encode()) + 1),
    ]
    skipped = {item["path"]: item["reason"] for item in run.json()["skipped"]}
    assert skipped == {
        "logo.png": "binary file type",
        "font.woff2": "binary file type",
        "data.blob": "binary (scanned for tokens only)",
    }
    assert run.json()["summary"]["files_skipped"] == 3
    assert run.json()["summary"]["complete"] is True


# --- Bytes that are not valid in the file's encoding ----------------------------------


def test_stray_byte_read_at_text_level(tmp_path: Path) -> None:
    data = b"# caf\xe9 au lait\nimport os\nT = '" + PAT.encode() + b"'\n"
    write_files(tmp_path, {".gitignore": GITIGNORE, "legacy.py": data})
    run = run_cli(tmp_path, "check", "--format", "json", "-v")
    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert findings(run) == [("TTAI101", "legacy.py", 3, 6)]
    assert (
        "legacy.py: not valid utf-8 (first bad byte at offset 5); undecodable bytes "
        "replaced and the file read at the text level"
    ) in run.stderr


def test_latin1_declaration_parsed(tmp_path: Path) -> None:
    # The split token is found only when the file is parsed as Python.
    code = f"# -*- coding: latin-1 -*-\n# caf\xe9 au lait\nT = {split_literal(SK)}\n"
    write_files(tmp_path, {".gitignore": GITIGNORE, "legacy.py": code.encode("latin-1")})
    run = run_cli(tmp_path, "check", "--format", "json", "-v")
    assert run.code == 1
    assert findings(run) == [("TTAI101", "legacy.py", 3, 6)]
    assert "legacy.py:" not in run.stderr


# --- Non-ASCII text, file names and a C locale ----------------------------------------

C_LOCALE_MODES = {
    # Python 3.7 and later coerce the C locale to C.UTF-8 (PEP 538) and turn on
    # UTF-8 mode (PEP 540).
    "coerced": {},
    # Without coercion, stdout and file names use ASCII.
    "ascii": {"PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
}


@pytest.fixture
def non_ascii_tree(repo: Path) -> Path:
    write_files(
        repo,
        {
            ".gitignore": GITIGNORE,
            "app.py": f'# 设置令牌\nT = "{PAT}"  # 日本語のコメント\n',
            "日本.py": f'キー = "{SK}"\n',
        },
    )
    # A name that is not valid UTF-8 can only be created through bytes.
    with open(os.fsencode(repo) + b"/bad\xff.js", "wb") as handle:
        handle.write(f'const t = "{SK}";\n'.encode())
    return repo


def c_locale(cwd: Path, mode: str, output_format: str) -> subprocess.CompletedProcess[bytes]:
    return run_guard(
        cwd,
        "check",
        "--format",
        output_format,
        env={"LC_ALL": "C", **C_LOCALE_MODES[mode]},
        remove=("PYTHONIOENCODING", "LANG", "LC_CTYPE", "PYTHONUTF8", "PYTHONCOERCECLOCALE"),
    )


@pytest.mark.parametrize("mode", sorted(C_LOCALE_MODES))
def test_c_locale_json_paths(non_ascii_tree: Path, mode: str) -> None:
    completed = c_locale(non_ascii_tree, mode, "json")
    assert completed.returncode == 1
    assert completed.stderr == b""
    document = json.loads(completed.stdout)
    located = sorted(
        (os.fsencode(item["path"]), item["line"], item["column"]) for item in document["findings"]
    )
    assert located == [
        (b"app.py", 2, 6),
        (b"bad\xff.js", 1, 12),
        ("日本.py".encode(), 1, 7),
    ]


@pytest.mark.parametrize("mode", sorted(C_LOCALE_MODES))
def test_c_locale_text_output(non_ascii_tree: Path, mode: str) -> None:
    completed = c_locale(non_ascii_tree, mode, "text")
    assert completed.returncode == 1
    assert completed.stderr == b""
    text = completed.stdout.decode("utf-8")
    locations = sorted(re.findall(r"^(.*):(\d+):(\d+): TTAI101", text, re.MULTILINE))
    assert len(locations) == 3
    assert ("app.py", "2", "6") in locations
    assert ("bad\\udcff.js", "1", "12") in locations
    assert text.endswith("Found 3 findings (3 errors, 0 warnings) in 4 files; 1 skipped.\n")
    assert leaks(text, PAT, SK) == []


@pytest.mark.parametrize("mode", sorted(C_LOCALE_MODES))
def test_c_locale_sarif_output(non_ascii_tree: Path, mode: str, sarif_schema: dict) -> None:
    completed = c_locale(non_ascii_tree, mode, "sarif")
    assert completed.returncode == 1
    assert completed.stderr == b""
    run = check_sarif(json.loads(completed.stdout), sarif_schema)
    uris = sorted(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in run["results"]
    )
    # URIs percent-encode the bytes of each name, whatever the locale.
    assert uris == ["%E6%97%A5%E6%9C%AC.py", "app.py", "bad%FF.js"]


# --- UTF-16 with a byte order mark ----------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")]
)
def test_utf16_files_decoded(tmp_path: Path, encoding: str, bom: bytes) -> None:
    env_text = f"# template\nAPP_NAME=demo\nTTAI_TOKEN={PAT}\n"
    json_text = f'{{\n  "name": "demo",\n  "token": "{SK}"\n}}\n'
    write_files(
        tmp_path,
        {
            ".gitignore": GITIGNORE,
            ".env.example": bom + env_text.encode(encoding),
            "settings.json": bom + json_text.encode(encoding),
        },
    )
    run = run_cli(tmp_path, "check", "--format", "json", "-v")
    assert run.code == 1
    assert findings(run) == [
        ("TTAI101", ".env.example", 3, 12),
        ("TTAI101", "settings.json", 3, 13),
    ]
    assert "read at the text level" not in run.stderr


# --- UTF-8 byte order mark ------------------------------------------------------------


@pytest.mark.parametrize("name", ["api.py", "api.tsx"])
def test_bom_column_after_mark(tmp_path: Path, name: str) -> None:
    write_files(
        tmp_path,
        {".gitignore": GITIGNORE, name: b"\xef\xbb\xbf" + f'API = "{PAT}"\n'.encode()},
    )
    run = run_cli(tmp_path, "check", "--format", "json")
    assert findings(run) == [("TTAI101", name, 1, 8)]


def test_bom_gitignore_still_ignores(repo: Path) -> None:
    write_files(
        repo,
        {".gitignore": b"\xef\xbb\xbf" + GITIGNORE.encode(), ".env": f"TTAI_TOKEN={PAT}\n"},
    )
    # git itself skips the mark, so `.env` is ignored.
    assert git(repo, "check-ignore", ".env") == ".env\n"
    run = run_cli(repo, "check", "--format", "json")
    assert run.code == 0
    assert findings(run) == []


# --- Deeply nested Python -------------------------------------------------------------

NESTED_PYTHON = {
    "chain.py": "X = " + " + ".join(f'"p{number}"' for number in range(5000)),
    "parens.py": "X = " + "(" * 1000 + "1" + ")" * 1000,
}


@pytest.mark.parametrize("name", sorted(NESTED_PYTHON))
def test_deep_python_survives(tmp_path: Path, name: str) -> None:
    write_files(tmp_path, {".gitignore": GITIGNORE, name: NESTED_PYTHON[name] + f'\nT = "{PAT}"\n'})
    run = run_cli(tmp_path, "check", "--format", "json", "-v")
    assert run.code == 1
    assert "Traceback" not in run.stderr
    assert "internal error" not in run.stderr
    assert findings(run) == [("TTAI101", name, 2, 6)]


# --- A NUL byte inside JavaScript -----------------------------------------------------


def test_js_nul_byte_then_token(tmp_path: Path) -> None:
    lines = ['const separator = "a\x00b";\n']
    lines += [f"let value{number} = {number};\n" for number in range(49)]
    lines += [f'const token = "{PAT}";\n', f"const other = {split_literal(SK)};\n"]
    write_files(tmp_path, {".gitignore": GITIGNORE, "app.js": "".join(lines).encode()})
    run = run_cli(tmp_path, "check", "--format", "json", "-v")
    assert run.code == 1
    # The split token on line 52 is found only if the parser read past the NUL byte.
    assert findings(run) == [("TTAI101", "app.js", 51, 16), ("TTAI101", "app.js", 52, 16)]
    assert "app.js:" not in run.stderr


# --- Symbolic links, devices and FIFOs ------------------------------------------------

# Runs ttai-guard under an audit hook that stops the process as soon as it
# opens a file under one of the forbidden paths (``/dev/null`` excepted), uses a
# socket or starts a program other than git. The hook writes the event to stderr
# and exits with 97, so no handler inside ttai-guard can swallow it.
AUDIT_WRAPPER = """
import json, os, runpy, shutil, sys

forbidden = json.loads(os.environ["GUARD_FORBIDDEN_PATHS"])
git = os.path.realpath(shutil.which("git"))

def stop(event, detail):
    sys.stderr.write(f"AUDIT VIOLATION {event}: {detail!r}\\n")
    sys.stderr.flush()
    os._exit(97)

def is_git(program):
    return program is not None and os.path.realpath(os.fsdecode(program)) == git

def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        path = os.path.realpath(os.fsdecode(args[0]))
        inside = any(path == root or path.startswith(root + os.sep) for root in forbidden)
        if inside and path != os.devnull:
            stop(event, path)
    elif event.startswith("socket.") and event != "socket.gethostname":
        stop(event, args)
    elif event in ("subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn"):
        if not is_git(args[0]):
            stop(event, args)
    elif event in ("os.system", "os.startfile"):
        stop(event, args)

sys.addaudithook(hook)
sys.argv = ["ttai-guard", *sys.argv[1:]]
runpy.run_module("ttai_guard", run_name="__main__", alter_sys=True)
"""


def run_audited(cwd: Path, forbidden: list[Path], *args: str) -> Run:
    wrapper = cwd.parent / "audited_guard.py"
    wrapper.write_text(AUDIT_WRAPPER, encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, str(wrapper), *args],
        cwd=cwd,
        capture_output=True,
        env={
            **os.environ,
            "PYTHONPATH": str(REPOSITORY_ROOT),
            "GUARD_FORBIDDEN_PATHS": json.dumps([os.path.realpath(p) for p in forbidden]),
        },
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
    )
    return as_run(completed)


@pytest.fixture
def linked_tree(tmp_path: Path) -> Path:
    """A repository full of links: dangling, looping, to a device, out of the root."""
    root = tmp_path / "repo"
    outside = tmp_path / "outside"
    write_files(outside, {"secret.py": f'T = "{SK}"\n'})
    write_files(root, {"app.py": f'T = "{PAT}"\n'})
    git(root, "init", "-q")
    os.symlink("missing.py", root / "dangling.py")
    os.symlink("loop_b", root / "loop_a")
    os.symlink("loop_a", root / "loop_b")
    os.symlink("/dev/zero", root / "zero.js")
    os.symlink(outside, root / "outdir")
    os.symlink(outside / "secret.py", root / "outfile.py")
    os.symlink("/dev/zero", root / ".gitignore")
    os.mkfifo(root / "pipe.env")
    return root


def test_audit_hook_stops_open(linked_tree: Path) -> None:
    run = run_audited(linked_tree, [linked_tree / "app.py"], "check")
    assert run.code == 97
    assert f"AUDIT VIOLATION open: {str(linked_tree / 'app.py')!r}" in run.stderr


def test_links_never_followed(linked_tree: Path) -> None:
    outside = linked_tree.parent / "outside"
    run = run_audited(linked_tree, [Path("/dev"), outside], "check", "--format", "json")
    assert "AUDIT VIOLATION" not in run.stderr
    assert run.code == 1
    assert findings(run, "TTAI101") == [("TTAI101", "app.py", 1, 6)]
    skipped = {item["path"]: item["reason"] for item in run.json()["skipped"]}
    assert skipped["zero.js"] == "symbolic link to /dev/zero (not followed)"
    assert skipped[".gitignore"] == "symbolic link to /dev/zero (not followed)"
    assert skipped["outdir"] == f"symbolic link to {outside} (not followed)"
    assert skipped["outfile.py"] == f"symbolic link to {outside / 'secret.py'} (not followed)"
    assert skipped["dangling.py"] == "dangling symbolic link to missing.py"
    assert skipped["loop_a"] == "symbolic link loop through loop_b"
    assert skipped["pipe.env"] == "not a regular file"
    assert "outside" not in json.dumps(run.json()["findings"])


def test_gitignore_link_notice(linked_tree: Path) -> None:
    run = run_cli(linked_tree, "check", "--format", "json")
    assert (
        ".gitignore is a symbolic link, which git does not read either, so its patterns "
        "do not apply. Replace it with a regular file."
    ) in run.json()["notices"]


@pytest.mark.parametrize("name", ["zero.js", "pipe.env"])
def test_named_device_not_read(linked_tree: Path, name: str) -> None:
    run = run_audited(linked_tree, [Path("/dev"), linked_tree / "pipe.env"], "check", name)
    assert "AUDIT VIOLATION" not in run.stderr
    assert run.code == 0
    assert "Found 0 findings (0 errors, 0 warnings) in 0 files; 1 skipped." in run.stdout


# --- Unreadable files and directories -------------------------------------------------

# Packages that ttai-guard imports. They are copied where user nobody can read
# them when the interpreter's own site-packages directory is private.
_DEPENDENCIES = (
    "click",
    "libcst",
    "tree_sitter",
    "tree_sitter_javascript",
    "tree_sitter_typescript",
    "yaml",
    "typing_extensions",
)
_IMPORT_PROBE = (
    "import click, libcst, tree_sitter, tree_sitter_javascript, tree_sitter_typescript; "
    "libcst.parse_module('x = 1')"
)


def _privilege_command() -> tuple[str, ...] | None:
    if shutil.which("setpriv"):
        return ("setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups")
    if shutil.which("runuser"):
        return ("runuser", "-u", "nobody", "--")
    return None


def _copy_dependencies(target: Path) -> None:
    for name in _DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        if spec is None:
            continue
        if spec.submodule_search_locations:
            source = Path(next(iter(spec.submodule_search_locations)))
            shutil.copytree(
                source, target / name, ignore=shutil.ignore_patterns("__pycache__", "tests")
            )
        elif spec.origin:
            shutil.copy(spec.origin, target)


def _make_world_readable(top: Path) -> None:
    for directory, _, files in os.walk(top):
        os.chmod(directory, 0o755)
        for name in files:
            os.chmod(os.path.join(directory, name), 0o644)


class Unprivileged:
    """Runs the CLI as user ``nobody`` inside a directory that user can reach."""

    def __init__(self, command: tuple[str, ...], python_path: str, base: Path) -> None:
        self.command = command
        self.python_path = python_path
        self.base = base

    def new_root(self) -> Path:
        return Path(tempfile.mkdtemp(prefix="tree-", dir=self.base))

    def run(self, cwd: Path, *args: str) -> Run:
        completed = run_guard(
            cwd,
            *args,
            command=self.command,
            python_path=self.python_path,
            env={"HOME": str(self.base), "PYTHONDONTWRITEBYTECODE": "1"},
            remove=("XDG_CONFIG_HOME",),
        )
        return as_run(completed)


@pytest.fixture(scope="module")
def unprivileged() -> Iterator[Unprivileged]:
    if os.geteuid() != 0:
        pytest.skip("switching to user nobody needs root")
    command = _privilege_command()
    if command is None:
        pytest.skip("neither setpriv nor runuser is installed")
    # /tmp itself is world-traversable, unlike pytest's private base directory.
    base = Path(tempfile.mkdtemp(prefix="ttai-guard-nobody-"))
    os.chmod(base, 0o755)
    probe = [*command, sys.executable, "-c", _IMPORT_PROBE]
    python_path = str(REPOSITORY_ROOT)
    environment = {**os.environ, "PYTHONPATH": python_path}
    if subprocess.run(probe, env=environment, capture_output=True).returncode != 0:
        dependencies = base / "dependencies"
        dependencies.mkdir()
        _copy_dependencies(dependencies)
        _make_world_readable(dependencies)
        python_path = f"{REPOSITORY_ROOT}{os.pathsep}{dependencies}"
        environment["PYTHONPATH"] = python_path
        probe_run = subprocess.run(probe, env=environment, capture_output=True, text=True)
        if probe_run.returncode != 0:
            shutil.rmtree(base)
            pytest.skip(f"user nobody cannot import the dependencies: {probe_run.stderr[-300:]}")
    yield Unprivileged(command, python_path, base)
    for directory, _, _ in os.walk(base):
        os.chmod(directory, 0o755)
    shutil.rmtree(base)


def locked_tree(unprivileged: Unprivileged, locked_directory: bool) -> Path:
    root = unprivileged.new_root()
    files: dict[str, str | bytes] = {
        ".gitignore": GITIGNORE,
        "app.py": f'T = "{PAT}"\n',
        "locked.py": f'T = "{SK}"\n',
    }
    if locked_directory:
        files["private/inner.py"] = "x = 1\n"
    write_files(root, files)
    _make_world_readable(root)
    os.chmod(root / "locked.py", 0)
    if locked_directory:
        os.chmod(root / "private", 0)
    return root


def test_unreadable_file_fails_run(unprivileged: Unprivileged) -> None:
    root = locked_tree(unprivileged, locked_directory=False)
    run = unprivileged.run(root, "check")
    assert run.code == 2
    assert run.stdout.splitlines()[0].startswith("app.py:1:6: TTAI101")
    assert run.stdout.splitlines()[-1] == (
        "Found 1 finding (1 error, 0 warnings) in 2 files; 0 skipped. "
        "1 could not be read: the scan is incomplete."
    )
    assert "ttai-guard: error: these paths could not be read:" in run.stderr
    assert "  locked.py: cannot read: Permission denied" in run.stderr


def test_unreadable_clean_run_incomplete(unprivileged: Unprivileged) -> None:
    root = locked_tree(unprivileged, locked_directory=False)
    (root / "app.py").write_text("x = 1\n", encoding="utf-8")
    run = unprivileged.run(root, "check", "--format", "json")
    assert run.code == 2
    assert run.json()["summary"]["complete"] is False
    quiet = unprivileged.run(root, "check", "-q")
    assert quiet.code == 2
    assert quiet.stdout.strip().endswith("1 could not be read: the scan is incomplete.")


def test_unreadable_directory_fails_run(unprivileged: Unprivileged) -> None:
    root = locked_tree(unprivileged, locked_directory=True)
    run = unprivileged.run(root, "check", "--format", "json")
    assert run.code == 2
    assert "internal error" not in run.stderr
    assert findings(run) == [("TTAI101", "app.py", 1, 6)]
    errors = {item["path"]: item["reason"] for item in run.json()["errors"]}
    assert errors == {
        "locked.py": "cannot read: Permission denied",
        "private": "cannot read directory: Permission denied",
    }
    assert "  private: cannot read directory: Permission denied" in run.stderr


def test_refused_repository_not_clean(unprivileged: Unprivileged) -> None:
    root = unprivileged.new_root()
    # The repository belongs to root, so git refuses it for user nobody.
    git(root, "init", "-q")
    write_files(root, {".env": f"TTAI_TOKEN={SK}\n"})
    git(root, "add", ".env")
    git(root, "commit", "-q", "-m", "Add settings")
    write_files(root, {".gitignore": GITIGNORE})
    _make_world_readable(root)
    run = unprivileged.run(root, "check")
    assert run.code == 2
    assert "not inside a git work tree" not in run.stderr
    assert "safe.directory" in run.stderr


def test_missing_path_named(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": GITIGNORE, "app.py": "x = 1\n"})
    run = run_cli(tmp_path, "check", "app.py", "no/such/file.py")
    assert run.code == 2
    assert "Error: path not found: no/such/file.py" in run.stderr
    assert run.stdout == ""


# --- A minified bundle on one 10 MB line ----------------------------------------------


def test_minified_bundle_bounded(tmp_path: Path) -> None:
    statement = (
        "var a=function(b,c){return b.map(function(d){return d+c})},"
        'e="Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do";'
    )
    repeats = 5 * 1024 * 1024 // len(statement) + 1
    head = statement * repeats
    secret = f'var k="{PAT}";'
    # The bundle reads a browser global and calls the API from the browser.
    call = 'window.t=1;fetch("https://api.toughtongueai.com/api/public/sessions");'
    bundle = head + secret + call + statement * repeats
    assert len(bundle) > 10 * 1024 * 1024
    write_files(tmp_path, {".gitignore": GITIGNORE, "bundle.min.js": bundle})
    started = time.monotonic()
    run = run_cli(tmp_path, "check")
    elapsed = time.monotonic() - started
    assert run.code == 1
    lines = run.stdout.splitlines()
    column = len(head) + len('var k="') + 1
    assert lines[0].startswith(f"bundle.min.js:1:{column}: TTAI101 [error]")
    excerpt = lines[1].removeprefix("    1 | ")
    assert len(excerpt) <= 210
    call_column = len(head) + len(secret) + len("window.t=1;") + 1
    assert lines[2].startswith(f"bundle.min.js:1:{call_column}: TTAI201 [error]")
    assert len(lines[3].removeprefix("    1 | ")) <= 210
    assert len(lines) == 5
    # NOTE: a generous bound for a loaded CI machine; the scan takes a few seconds.
    assert elapsed < 120
    assert len(run.stdout.encode()) < 2048
    assert leaks(run.stdout, PAT) == []


# --- TypeScript dialects and parse errors ---------------------------------------------


def test_ts_dialects_parsed(tmp_path: Path) -> None:
    view = (
        'import React from "react";\n'
        f"const key: string = {split_literal(PAT)};\n"
        "export function View(): JSX.Element {\n"
        '  return <div className="panel">{key}</div>;\n'
        "}\n"
    )
    cast = (
        f"const raw: unknown = 1;\nconst value = <string>raw;\nconst key = {split_literal(SK)};\n"
    )
    write_files(tmp_path, {".gitignore": GITIGNORE, "view.tsx": view, "cast.ts": cast})
    run = run_cli(tmp_path, "check", "--format", "json", "-v")
    assert findings(run) == [("TTAI101", "cast.ts", 3, 14), ("TTAI101", "view.tsx", 2, 22)]
    assert "cast.ts:" not in run.stderr
    assert "view.tsx:" not in run.stderr


def test_ts_parse_errors_still_report(tmp_path: Path) -> None:
    broken = (
        f"const first = {split_literal(PAT)};\n"
        "function broken( {\n"
        'const url = "http://api.toughtongueai.com/v1";\n'
        f'const second = "{SK}";\n'
    )
    write_files(tmp_path, {".gitignore": GITIGNORE, "broken.ts": broken})
    run = run_cli(tmp_path, "check", "--format", "json", "-v")
    assert findings(run) == [
        ("TTAI101", "broken.ts", 1, 16),
        ("TTAI301", "broken.ts", 3, 14),
        ("TTAI101", "broken.ts", 4, 17),
    ]
    assert "broken.ts: parse errors near line 2; read partly" in run.stderr


# --- Offsets in long lines and many tokens in one file --------------------------------


def long_line(prefix: str, suffix: str, first: str, second: str) -> str:
    """Put ``first`` across the 64 KiB offset and ``second`` across the 1 MiB offset."""
    text = prefix
    for token, boundary in ((first, 65536 - 10), (second, 1024 * 1024 - 20)):
        filler = "a " * ((boundary - len(text)) // 2)
        text = (text + filler).ljust(boundary) + token + " "
    return text + suffix + "\n"


LONG_LINE_FILES = {
    "long.js": ('const s = "', '";'),
    "long.py": ('s = "', '"'),
    "long.json": ('{"s": "', '"}'),
    "long.txt": ("", ""),
}


@pytest.mark.parametrize("name", sorted(LONG_LINE_FILES))
def test_long_line_offsets(tmp_path: Path, name: str) -> None:
    prefix, suffix = LONG_LINE_FILES[name]
    text = long_line(prefix, suffix, PAT, SK)
    write_files(tmp_path, {".gitignore": GITIGNORE, name: text})
    run = run_cli(tmp_path, "check", "--format", "json")
    assert findings(run) == [
        ("TTAI101", name, 1, 65536 - 10 + 1),
        ("TTAI101", name, 1, 1024 * 1024 - 20 + 1),
    ]


@pytest.mark.parametrize("name", ["wide.js", "wide.py", "wide.yaml"])
def test_wide_characters_count_once(tmp_path: Path, name: str) -> None:
    # Three-byte characters put the tokens past 200 KiB in bytes but not in code points.
    prefix = "k: '" if name.endswith(".yaml") else "x = '"
    text = prefix + "日本語 " * 17500 + PAT + " ü" * 10000 + " " + SK + "'\n"
    write_files(tmp_path, {".gitignore": GITIGNORE, name: text})
    run = run_cli(tmp_path, "check", "--format", "json")
    assert findings(run) == [
        ("TTAI101", name, *position(text, PAT)),
        ("TTAI101", name, *position(text, SK)),
    ]


def sixty_tokens() -> list[str]:
    rng = random.Random(60)
    return [
        random_token(PAT_PREFIX, 36, rng) if number % 2 else random_token(SK_PREFIX, 32, rng)
        for number in range(60)
    ]


def test_sixty_tokens_one_per_line(tmp_path: Path) -> None:
    tokens = sixty_tokens()
    text = "".join(f'T{number} = "{token}"\n' for number, token in enumerate(tokens))
    write_files(tmp_path, {".gitignore": GITIGNORE, "many.py": text})
    run = run_cli(tmp_path, "check", "--format", "json")
    assert findings(run) == [("TTAI101", "many.py", *position(text, token)) for token in tokens]


def test_sixty_tokens_one_line(tmp_path: Path) -> None:
    tokens = sixty_tokens()
    text = "const all = [" + ", ".join(f'"{token}"' for token in tokens) + "];\n"
    write_files(tmp_path, {".gitignore": GITIGNORE, "many.js": text})
    run = run_cli(tmp_path, "check", "--format", "json")
    assert findings(run) == [("TTAI101", "many.js", *position(text, token)) for token in tokens]
    assert leaks(run.stdout, *tokens) == []


# --- Notebooks ------------------------------------------------------------------------


def test_notebook_cells_and_outputs(tmp_path: Path) -> None:
    rng = random.Random(13)
    image = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(150_000))).decode()
    document = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "first",
                "metadata": {},
                "outputs": [],
                "source": ["import os\n", f"# old key {PAT}\n", "x = 1"],
            },
            {
                "cell_type": "code",
                "execution_count": 2,
                "id": "second",
                "metadata": {},
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": [f"token={SK}\n"]},
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"image/png": image, "text/plain": ["<Figure>"]},
                    },
                ],
                "source": ["print(x)"],
            },
        ],
        "metadata": {"kernelspec": {"name": "python3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }

    text = json.dumps(document, indent=1) + "\n"
    assert len(text) > 200_000
    # In the file the first token is followed by the two characters of the JSON escape.
    assert PAT + "\\n" in text
    write_files(tmp_path, {".gitignore": GITIGNORE, "analysis.ipynb": text})

    run = run_cli(tmp_path, "check", "--format", "json")
    assert findings(run) == [
        ("TTAI101", "analysis.ipynb", *position(text, PAT)),
        ("TTAI101", "analysis.ipynb", *position(text, SK)),
    ]
    messages = [item["message"] for item in run.json()["findings"]]
    assert messages[0].endswith("(in cell 1)")
    assert messages[1].endswith("(in the output of cell 2)")


# --- Dotenv syntax --------------------------------------------------------------------


def test_dotenv_forms(repo: Path) -> None:
    text = (
        f"export TTAI_API_KEY={PAT}\n"
        f"KEY={PAT}   # dev key\n"
        f'QUOTED="{SK}#x"\n'
        "PLACEHOLDER=sk_live_xxx # fill me\n"
    )
    write_files(repo, {".gitignore": "node_modules/\n", ".env": text})
    run = run_cli(repo, "check", "--format", "json")
    assert findings(run, "TTAI101") == [
        ("TTAI101", ".env", 1, 21),
        ("TTAI101", ".env", 2, 5),
        ("TTAI101", ".env", 3, 9),
    ]
    ends = [item["end_column"] for item in run.json()["findings"] if item["rule"] == "TTAI101"]
    assert ends == [21 + len(PAT), 5 + len(PAT), 9 + len(SK)]


# --- Placeholders ---------------------------------------------------------------------

PLACEHOLDERS = [
    "sk_live_xxx",
    SK_PREFIX + "X" * 24,
    "ttai_pat_...",
    "ttai_pat_<your-token>",
    "sk_live_***",
    "ttai_pat_${TOKEN}",
    "sk_live_REPLACE_ME",
]


def test_placeholders_silent(tmp_path: Path) -> None:
    python = "".join(f'P{n} = "{value}"\n' for n, value in enumerate(PLACEHOLDERS))
    python += f'REAL = "{SK}"\n'
    script = "".join(f'const p{n} = "{value}";\n' for n, value in enumerate(PLACEHOLDERS))
    script += "const t = `ttai_pat_${TOKEN}`;\n" + f'const real = "{PAT}";\n'
    readme = "# Setup\n\n```bash\n"
    readme += "".join(f"export TTAI_TOKEN={value}\n" for value in PLACEHOLDERS)
    readme += "```\n\n```python\n"
    readme += "".join(f'client = Client(api_key="{value}")\n' for value in PLACEHOLDERS)
    readme += f'client = Client(api_key="{PAT}")\n```\n'
    write_files(
        tmp_path,
        {".gitignore": GITIGNORE, "config.py": python, "config.js": script, "README.md": readme},
    )
    run = run_cli(tmp_path, "check", "--format", "json")
    assert findings(run) == [
        ("TTAI101", "README.md", *position(readme, PAT)),
        ("TTAI101", "config.js", *position(script, PAT)),
        ("TTAI101", "config.py", *position(python, SK)),
    ]


# --- URLs -----------------------------------------------------------------------------

LOCAL_URLS = [
    "http://localhost:8000",
    "http://127.0.0.1",
    "http://[::1]:9000",
    "http://0.0.0.0:3000",
]
TOUGHTONGUE_URLS = [
    "http://api.toughtongueai.com",
    "http://localhost.toughtongueai.com",
    "http://localhost@api.toughtongueai.com",
]


def test_url_hosts_classified(tmp_path: Path) -> None:
    python = "import requests\n" + "".join(
        f'requests.get("{url}/v1/sessions")\n' for url in LOCAL_URLS + TOUGHTONGUE_URLS
    )
    script = "".join(f'fetch("{url}/api/sessions");\n' for url in LOCAL_URLS + TOUGHTONGUE_URLS)
    script += (
        'const icon = <svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0" /></svg>;\n'
        'const node = document.createElementNS("http://www.w3.org/2000/svg", "path");\n'
    )
    write_files(tmp_path, {".gitignore": GITIGNORE, "client.py": python, "client.jsx": script})
    run = run_cli(tmp_path, "check", "--format", "json")
    # `document` makes client.jsx browser code, so calls to the API host are TTAI201 too.
    assert findings(run) == [
        ("TTAI201", "client.jsx", 5, 1),
        ("TTAI301", "client.jsx", 5, 8),
        ("TTAI301", "client.jsx", 6, 8),
        ("TTAI201", "client.jsx", 7, 1),
        ("TTAI301", "client.jsx", 7, 8),
        ("TTAI301", "client.py", 6, 15),
        ("TTAI301", "client.py", 7, 15),
        ("TTAI301", "client.py", 8, 15),
    ]


# --- Script blocks in Vue and Svelte --------------------------------------------------


def test_vue_script_blocks(tmp_path: Path) -> None:
    component = (
        "<template>\n  <div>{{ message }}</div>\n</template>\n\n"
        "<script>\nexport default {\n"
        f"  data() {{ return {{ key: {split_literal(PAT)} }}; }},\n"
        "};\n</script>\n\n"
        '<script setup lang="ts">\n'
        f"const token: string = {split_literal(SK)};\n"
        "const count = <number>1;\n</script>\n"
    )
    write_files(tmp_path, {".gitignore": GITIGNORE, "Panel.vue": component})
    run = run_cli(tmp_path, "check", "--format", "json", "-v")
    assert findings(run) == [("TTAI101", "Panel.vue", 7, 27), ("TTAI101", "Panel.vue", 12, 24)]
    assert "Panel.vue:" not in run.stderr


@pytest.mark.parametrize("module_attribute", ['context="module"', "module"])
def test_svelte_script_blocks(tmp_path: Path, module_attribute: str) -> None:
    component = (
        f"<script {module_attribute}>\n"
        f"  export const moduleKey = {split_literal(PAT)};\n"
        "</script>\n\n"
        '<script lang="ts">\n'
        '  let name: string = "world";\n'
        f"  const instanceKey = {split_literal(SK)};\n"
        "</script>\n\n<h1>Hello {name}!</h1>\n"
    )
    write_files(tmp_path, {".gitignore": GITIGNORE, "App.svelte": component})
    run = run_cli(tmp_path, "check", "--format", "json", "-v")
    assert findings(run) == [("TTAI101", "App.svelte", 2, 29), ("TTAI101", "App.svelte", 7, 24)]
    assert "App.svelte:" not in run.stderr


# --- Nothing secret in any output -----------------------------------------------------

NO_FINAL_NEWLINE = {
    "a.py": f'A = "{PAT}"\nB = "{SK}"',
    "b.js": f'const a = "{PAT}";\nconst b = "{SK}"',
    ".env": f"A={PAT}\nB={SK}",
    "c.json": f'{{"a": "{PAT}",\n"b": "{SK}"}}',
    "d.txt": f"{PAT}\n{SK}",
    "e.md": f"```\n{PAT}\n{SK}",
    "f.yaml": f"a: {PAT}\nb: {SK}",
    "g.sh": f"A={PAT}\nB={SK}",
    "h.txt": f"{PAT}\r{SK}",
}


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_no_token_in_output(tmp_path: Path, output_format: str) -> None:
    write_files(tmp_path, {".gitignore": ".env.local\n", **NO_FINAL_NEWLINE})
    run = run_cli(tmp_path, "check", "--format", output_format, "-v")
    assert run.code == 1
    assert leaks(run.stdout, PAT, SK) == []
    assert leaks(run.stderr, PAT, SK) == []
    if output_format == "json":
        assert len(findings(run, "TTAI101")) == 2 * len(NO_FINAL_NEWLINE)


def test_glued_copy_masked(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": GITIGNORE, "notes.txt": f"key {PAT} or x{PAT}\n"})
    run = run_cli(tmp_path, "check")
    assert leaks(run.stdout, PAT) == []


def test_bare_dotenv_token_note(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": GITIGNORE, ".env": f"APP=1\n{PAT}\n"})
    run = run_cli(tmp_path, "check", "-v")
    assert leaks(run.stderr, PAT) == []


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_token_file_name_masked(tmp_path: Path, output_format: str) -> None:
    write_files(
        tmp_path,
        {".gitignore": GITIGNORE, f"{SK}.py": f'A = "{PAT}"\n', f"{PAT}.png": b"\x89PNG"},
    )
    run = run_cli(tmp_path, "check", "--format", output_format, "-v")
    assert leaks(run.stdout + run.stderr, PAT, SK) == []


# --- Control characters in names and content -----------------------------------------


def test_control_characters_escaped(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".gitignore": GITIGNORE,
            "evil\x1b[2J.py": f'T = "{PAT}"  # \x1b]0;title\x07\n',
            "x\nfake.py:1:1: TTAI101 [error] forged.py": f'T = "{SK}"\n',
        },
    )
    run = run_cli(tmp_path, "check", "-v")
    lines = run.stdout.splitlines()
    assert "\x1b" not in run.stdout + run.stderr
    assert "\x07" not in run.stdout + run.stderr
    assert lines[0].startswith("evil\\x1b[2J.py:1:6: TTAI101 [error]")
    assert lines[1].endswith("  # \\x1b]0;title\\x07")
    # The newline in the second name must not start a forged finding line.
    assert [line for line in lines if line.startswith("fake.py")] == []


# --- SARIF in every outcome -----------------------------------------------------------


def test_sarif_empty_repository(repo: Path, sarif_schema: dict) -> None:
    run = run_cli(repo, "check", "--format", "sarif")
    sarif = check_sarif(run.json(), sarif_schema)
    assert sarif["invocations"][0]["executionSuccessful"] is True
    # An empty repository has no .gitignore, so TTAI401 reports `.env` as not ignored.
    assert [result["ruleId"] for result in sarif["results"]] == ["TTAI401"]


def test_sarif_all_ignored(repo: Path, sarif_schema: dict) -> None:
    write_files(
        repo, {".gitignore": "*\n", "app.py": f'T = "{PAT}"\n', "web/x.js": f'T = "{SK}";\n'}
    )
    run = run_cli(repo, "check", "--format", "sarif")
    assert run.code == 0
    sarif = check_sarif(run.json(), sarif_schema)
    assert sarif["invocations"][0]["executionSuccessful"] is True
    assert sarif["invocations"][0]["toolExecutionNotifications"] == []
    assert sarif["results"] == []


def test_sarif_failed_run(unprivileged: Unprivileged, sarif_schema: dict) -> None:
    root = locked_tree(unprivileged, locked_directory=False)
    run = unprivileged.run(root, "check", "--format", "sarif")
    assert run.code == 2
    sarif = check_sarif(run.json(), sarif_schema)
    invocation = sarif["invocations"][0]
    assert invocation["executionSuccessful"] is False
    errors = [
        note["message"]["text"]
        for note in invocation["toolExecutionNotifications"]
        if note["level"] == "error"
    ]
    assert len(errors) == 1
    assert errors[0].endswith("locked.py: cannot read: Permission denied")
    assert [result["ruleId"] for result in sarif["results"]] == ["TTAI101"]


def test_sarif_failed_directory(unprivileged: Unprivileged, sarif_schema: dict) -> None:
    root = locked_tree(unprivileged, locked_directory=True)
    run = unprivileged.run(root, "check", "--format", "sarif")
    assert run.code == 2
    sarif = check_sarif(run.json(), sarif_schema)
    assert sarif["invocations"][0]["executionSuccessful"] is False


# --- Properties of scan_file on arbitrary bytes ---------------------------------------

# One name per file-kind handler: each suffix (or name) selects an analyzer.
FUZZED_SUFFIXES = [
    ".py",
    ".js",
    ".ts",
    ".tsx",
    ".vue",
    ".svelte",
    ".astro",
    ".html",
    ".env",
    ".json",
    ".yaml",
    ".toml",
    ".cfg",
    ".sh",
    ".Dockerfile",
    ".ipynb",
    ".md",
    ".mdx",
    ".rst",
    ".txt",
]
# Pieces that steer random bytes into the syntax the analyzers care about.
_FRAGMENTS = [
    b'"',
    b"'",
    b"`",
    b"\n",
    b"\r",
    b"\x00",
    b"\xff",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b"(",
    b")",
    b"${",
    b"#",
    b"//",
    b"/*",
    b"<script>",
    b"</script>",
    b'<script setup lang="ts">',
    b"---\n",
    b"[section]\n",
    b"ENV ",
    b"key = ",
    b".. code-block:: python\n",
    b"```",
    b"=",
    b": ",
    b"export ",
    b"f'",
    b'"""',
    b" + ",
    b"sk_",
    b"live_",
    b"ttai_pat_",
    b"http://api.toughtongueai.com",
    b"fetch(",
    b"requests.get(",
    b"TTAI_TOKEN",
    b"Bearer ",
    b'{"cells": [{"cell_type": "code", "source": ',
    b"\\n",
    "日本".encode(),
    "\u2028".encode(),
    b"\xef\xbb\xbf",
]
_BYTES = st.one_of(
    st.binary(max_size=200),
    st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.binary(max_size=6)), max_size=30).map(
        b"".join
    ),
)
_BYTE_ORDER_MARKS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


def scan_bytes(directory: Path, suffix: str, data: bytes) -> ScanResult:
    """Scan ``data`` as a file ending in ``suffix`` and fold the report into a result."""
    path = directory / f"fuzzed{suffix}"
    path.write_bytes(data)
    report = scan_file(FileJob(path), AnalyzerSettings(), 10 * 1024 * 1024)
    return ScanResult(
        findings=report.findings,
        notes=[(path, note) for note in report.notes],
        files_scanned=1,
    )


def printed_outputs(result: ScanResult, capsys: pytest.CaptureFixture[str]) -> str:
    """Return what the CLI would print for ``result``: every format, and stderr with -v."""
    text = io.StringIO()
    write_text(result, text)
    _report_diagnostics(result, verbose=True)
    stderr = capsys.readouterr().err
    documents = [json.dumps(build_json(result)), json.dumps(build_sarif(result))]
    return "\n".join([text.getvalue(), stderr, *documents])


def line_bound(data: bytes) -> int:
    """Return an upper bound of the line count of ``data`` in any supported encoding."""
    return data.count(b"\n") + data.count(b"\r") + 1


@pytest.mark.parametrize("suffix", FUZZED_SUFFIXES)
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=_BYTES)
def test_random_bytes_positions(tmp_path: Path, suffix: str, data: bytes) -> None:
    result = scan_bytes(tmp_path, suffix, data)
    for finding in result.findings:
        assert 1 <= finding.line <= line_bound(data), finding
        assert finding.column >= 1, finding
        assert finding.end_line >= finding.line, finding


@pytest.mark.parametrize("suffix", FUZZED_SUFFIXES)
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before=_BYTES, after=_BYTES)
# A bare token line: in a .env file it is a line without `=`, which gets a note.
@example(before=b"", after=b"")
def test_planted_token_never_printed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    suffix: str,
    before: bytes,
    after: bytes,
) -> None:
    assume(not before.startswith(_BYTE_ORDER_MARKS))
    data = before + b"\n" + PAT.encode() + b"\n" + after
    result = scan_bytes(tmp_path, suffix, data)
    assert leaks(printed_outputs(result, capsys), PAT) == []
    assert PAT in [finding.identity for finding in result.findings]


# --- No network, no code from the scanned repository ----------------------------------


def test_scan_isolated_from_repository(repo: Path) -> None:
    marker = repo.parent / "executed"
    create_marker = f"open({str(marker)!r}, 'w').close()\n"
    package = {
        "name": "hostile",
        "scripts": {name: f"touch {marker}" for name in ("preinstall", "postinstall", "test")},
    }
    write_files(
        repo,
        {
            ".gitignore": GITIGNORE,
            "app.py": f'import requests\nT = "{PAT}"\nrequests.get("http://api.toughtongueai.com")\n',
            "conftest.py": create_marker,
            "setup.py": create_marker,
            "sitecustomize.py": create_marker,
            "package.json": json.dumps(package),
            "tests/test_x.py": create_marker,
        },
    )
    git(repo, "add", "app.py")
    # Installed after `git add`, which would run them itself.
    hook = repo / ".git" / "hooks" / "post-index-change"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n", encoding="utf-8")
    hook.chmod(hook.stat().st_mode | stat.S_IXUSR)
    git(repo, "config", "core.fsmonitor", str(hook))
    run = run_audited(repo, [], "check", "--format", "json")
    assert "AUDIT VIOLATION" not in run.stderr
    assert run.code == 1
    assert ("TTAI101", "app.py", 2, 6) in findings(run)
    assert not marker.exists()


def test_module_run_ignores_local_modules(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    root = tmp_path / "work"
    write_files(
        root, {".gitignore": GITIGNORE, "click.py": f"open({str(marker)!r}, 'w').close()\n"}
    )
    run = run_cli(root, "check")
    assert run.code == 0
    assert not marker.exists()
