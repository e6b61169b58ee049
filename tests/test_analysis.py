"""Which files get parsed, and the per-file scan outcomes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import PAT, write_files

from ttai_guard import analysis, bytescan, filekinds
from ttai_guard.analysis import MAX_PYTHON_PARSE, FileJob, needs_parser, scan_file
from ttai_guard.analyzers import AnalyzerSettings


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (filekinds.PYTHON, "x = 1", False),
        (filekinds.PYTHON, 'T = "sk_" "live_" "x"', True),
        (filekinds.PYTHON, "T = 'sk_' + 'live_x'", True),
        (filekinds.JAVASCRIPT, 'const t = "sk_" + `live_${x}`', True),
        (filekinds.PYTHON, "self.live_server_url = url", False),
        (filekinds.PYTHON, "keep_alive_seconds = 5", False),
        (filekinds.PYTHON, 'T = "sk_l" "ive_x"', True),
        (filekinds.PYTHON, 'T = "sk_live" "_x"', True),
        (filekinds.PYTHON, 'T = "tt" "ai_pat_x"', True),
        (filekinds.PYTHON, "TTAI_TOKEN = 1", True),
        (filekinds.PYTHON, "myTtaiToken = 1", True),
        (filekinds.PYTHON, "attainable = 1", False),
        (filekinds.PYTHON, "# see http://example.org/docs", False),
        (filekinds.PYTHON, 'import requests\nrequests.get("http://x.io")', True),
        (filekinds.PYTHON, 'import requests\nrequests.get("http://localhost:8000")', False),
        (filekinds.JAVASCRIPT, 'fetch("http://x.io")', True),
        (filekinds.JAVASCRIPT, 'fetch(u);\nns = "http://www.w3.org/2000/svg"', False),
        (filekinds.JAVASCRIPT, "// http://www.apache.org/licenses/LICENSE-2.0\nfetch(u)", False),
        (
            filekinds.JAVASCRIPT,
            'fetch(u);\nns = "http://www.w3.org/2000/svg";\nu = "http://x.io"',
            True,
        ),
        (filekinds.JAVASCRIPT, "fetch(u);\n// see http://x.io/docs", False),
        (filekinds.JAVASCRIPT, 'fetch("http://" + HOST)', True),
        (filekinds.JAVASCRIPT, "fetch(`http://${HOST}/x`)", True),
        (filekinds.JAVASCRIPT, "fetch(`\n  http://x.io/x`)", True),
        (filekinds.PYTHON, 'import requests\nrequests.get(f"http://{HOST}/x")', True),
        (filekinds.PYTHON, 'import requests\nrequests.get("http://%s/x" % HOST)', True),
        (filekinds.PYTHON, 'import requests\n# see "http://x.io/docs"\nrequests.get(u)', True),
        (filekinds.PYTHON, 'import requests\nrequests.get(" http://x.io")', True),
        (filekinds.PYTHON, 'import requests\nrequests.get("\\nhttp://x.io")', True),
        (filekinds.PYTHON, 'import requests\n"""Fetch it from http://x.io."""', False),
        (filekinds.HTML, "<script src=http://x.io/a.js></script><script>fetch(u)</script>", True),
        (filekinds.YAML, "url: http://x.io", False),
        (filekinds.ENV, "A=1", True),
        (filekinds.MARKDOWN, "See https://api.toughtongueai.com", True),
    ],
)
def test_needs_parser(kind: str, text: str, expected: bool) -> None:
    assert needs_parser(kind, text.lower(), AnalyzerSettings()) is expected


def test_configured_name_triggers_parser() -> None:
    settings = AnalyzerSettings(token_names=("ROLEPLAY_KEY",))
    assert needs_parser(filekinds.PYTHON, "roleplay_key = 1", settings) is True


def test_large_python_file_read_as_text(tmp_path: Path) -> None:
    padding = "x = 1\n" * (MAX_PYTHON_PARSE // 6 + 1)
    write_files(tmp_path, {"big.py": padding + f'T = "{PAT}"\n'})
    report = scan_file(FileJob(tmp_path / "big.py"), AnalyzerSettings(), 50_000_000)
    assert [f.rule for f in report.findings] == ["TTAI101"]
    assert report.notes[0].startswith("read at the text level: larger than")


def test_binary_unknown_type_byte_scanned(tmp_path: Path) -> None:
    write_files(tmp_path, {"blob.dat": b"\x00\x01" + PAT.encode() + b"\x00"})
    report = scan_file(FileJob(tmp_path / "blob.dat"), AnalyzerSettings(), 1000)
    assert report.skipped == "binary (scanned for tokens only)"
    assert [(f.rule, f.line, f.column) for f in report.findings] == [("TTAI101", 1, 3)]
    assert PAT not in report.findings[0].message


def test_oversized_file_searched_for_tokens(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.txt": "x" * 20 + f"\n  {PAT}\n"})
    report = scan_file(FileJob(tmp_path / "a.txt"), AnalyzerSettings(), 10)
    assert report.skipped.startswith("larger than max-file-size (")
    assert report.skipped.endswith("bytes); searched for tokens only")
    assert [(f.rule, f.line, f.column) for f in report.findings] == [("TTAI101", 2, 3)]


@pytest.mark.parametrize("chunk", [64, 97, 1000])
def test_chunked_search_finds_each_token_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(bytescan, "CHUNK", chunk)
    monkeypatch.setattr(bytescan, "OVERLAP", 60)
    lines = [("y" * (i * 7 % 50)) + (f" {PAT}" if i % 3 == 0 else "") for i in range(40)]
    write_files(tmp_path, {"big.txt": "\n".join(lines)})
    expected = [(i + 1, line.index(PAT) + 1) for i, line in enumerate(lines) if PAT in line]
    report = scan_file(FileJob(tmp_path / "big.txt"), AnalyzerSettings(), 100)
    assert [(f.line, f.column) for f in report.findings] == expected


def test_vanished_file_reported(tmp_path: Path) -> None:
    report = scan_file(FileJob(tmp_path / "gone.py"), AnalyzerSettings(), 10)
    assert report.vanished is True


def test_batch_compacts_clean_reports(tmp_path: Path) -> None:
    write_files(tmp_path, {"plain.py": "x = 1\n", "secret.py": f'KEY = "{PAT}"\n'})
    batch = [
        (str(tmp_path / "plain.py"), False, False),
        (str(tmp_path / "secret.py"), False, False),
    ]
    sent = analysis.scan_batch(batch, AnalyzerSettings(), 1000, digest=False)
    assert isinstance(sent[0], tuple)
    assert sent[0][:2] == ("python", "")
    assert isinstance(sent[1], analysis.FileReport)
    assert [f.rule for f in sent[1].findings] == ["TTAI101"]


def test_expand_report_uses_job_path(tmp_path: Path) -> None:
    write_files(tmp_path, {"plain.py": "x = 1\n"})
    job = FileJob(tmp_path / "plain.py")
    sent = analysis.scan_batch([(str(job.path), False, False)], AnalyzerSettings(), 1000, True)
    expanded = analysis.expand_report(job, sent[0])
    direct = scan_file(job, AnalyzerSettings(), 1000, digest=True)
    assert expanded == direct
    assert expanded.path is job.path


@pytest.mark.parametrize("size", [0, 1, 999, 1000])
def test_read_whole_file(tmp_path: Path, size: int) -> None:
    path = tmp_path / "data.txt"
    path.write_bytes(b"a" * size)
    report = analysis.FileReport(path)
    assert analysis._read(path, 1000, report, digest=False) == b"a" * size
    assert report.signature is not None
    assert report.signature[0] == size


def test_read_all_beyond_expected(tmp_path: Path) -> None:
    path = tmp_path / "grown.txt"
    path.write_bytes(b"b" * 5000)
    descriptor = os.open(path, os.O_RDONLY)
    try:
        # The file is longer than the expected size: the read goes on to the limit.
        data = analysis._read_all(descriptor, 100, 3001)
    finally:
        os.close(descriptor)
    assert data == b"b" * 3001


def test_fifo_not_read(tmp_path: Path) -> None:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    report = analysis.FileReport(path)
    assert analysis._read(path, 1000, report, digest=False) is None
    assert report.skipped == "not a regular file"


@pytest.mark.parametrize(
    "text",
    [
        'import requests\nrequests.get("http://x.io")',
        'import requests\nrequests.get("http://%s/x" % host)',
        "import requests\n# http://x.io\nrequests.get(u)",
        "fetch(`\n  http://x.io/x`)",
        'fetch("ws://x.io/socket")',
        'fetch("http://localhost:3000/x")',
    ],
)
def test_byte_and_text_http_tests_agree(text: str) -> None:
    for kind in (filekinds.PYTHON, filekinds.JAVASCRIPT):
        in_text = needs_parser(kind, text.lower(), AnalyzerSettings())
        in_bytes = analysis._may_request_plain_http(kind, text.lower().encode())
        assert in_bytes is in_text, kind


FOLDED_URLS = {
    "a.py": (
        "import requests\n"
        'HOST = "x.io"\n'
        'requests.get(f"http://{HOST}/a")\n'
        'requests.get("http://" + HOST + "/b")\n'
        'requests.get("http://" + "y.io/c")\n'
        'requests.get("http://%s/d" % HOST)\n'
        'requests.get("http://{}/e".format(HOST))\n'
    ),
    "b.js": (
        'const HOST = "x.io";\n'
        "fetch(`http://${HOST}/a`);\n"
        'fetch("http://" + HOST + "/b");\n'
        'fetch("http://" + "y.io/c");\n'
    ),
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.py", [(3, 16), (4, 15), (5, 15), (6, 15), (7, 15)]),
        ("b.js", [(2, 8), (3, 8), (4, 8)]),
    ],
)
def test_folded_request_urls_still_parsed(
    tmp_path: Path, name: str, expected: list[tuple[int, int]]
) -> None:
    write_files(tmp_path, {name: FOLDED_URLS[name]})
    report = scan_file(FileJob(tmp_path / name), AnalyzerSettings(), 1_000_000)
    assert [f.rule for f in report.findings] == ["TTAI302"] * len(expected)
    assert [(f.line, f.column) for f in report.findings] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"""Fetch it.\n\n>>> requests.get("http://x.io")\n"""\nimport requests\n', False),
        ('import requests\n# requests.get("http://x.io")\n', False),
        ("import requests\ndef f():\n    \"See 'http://x.io'.\"\n    return 1\n", False),
        ('import requests\nrequests.get("http://x.io")\n', True),
        ('import requests\nrequests.get(f"http://{HOST}/x")\n', True),
        ('import requests\nrequests.get(b" HTTP://x.io")\n', True),
        ('import requests\nSCHEMES = ("http://", "https://")\n', True),
        ('import requests\nrequests.get("http://x.io"\n', True),
        ('URL = "http://x.io"\nprint(URL)\n', False),
        ('from .api import get\nget("http://x.io")\n', False),
        ('from requests import get as fetch\nfetch("http://x.io")\n', True),
        ('requests.get("http://x.io")\n', True),
        ('def f(session):\n    return session.get("http://x.io")\n', True),
        ('self.http_client.post("http://x.io")\n', True),
        ('import urllib.request\nurllib.request.urlopen("http://x.io")\n', True),
        ('from urllib import request\nrequest.urlopen("http://x.io")\n', True),
        ('from urllib.parse import quote\nquote("http://x.io")\n', False),
        ('from http import client\nclient.HTTPConnection("http://x.io")\n', True),
    ],
)
def test_python_http_literal_check(text: str, expected: bool) -> None:
    assert analysis._python_may_request_plain_http(text) is expected


def test_client_modules_cover_clients() -> None:
    from ttai_guard.analyzers.python.clients import _CONSTRUCTORS, _MODULE_FUNCTIONS

    for name in (*_MODULE_FUNCTIONS, *_CONSTRUCTORS):
        module = name.rpartition(".")[0]
        assert analysis._is_client_module(module), name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("café = 1\n", True),
        ("TTA\u0130_TOKEN = 1\n", False),
        ("S\u212a_LIVE = 1\n", False),
        ("x = 'caf\xe9'\n", True),
    ],
)
def test_prefilter_non_ascii_lowering(text: str, expected: bool) -> None:
    data = text.encode("utf-8")
    assert analysis._nothing_to_report(filekinds.PYTHON, data, AnalyzerSettings()) is expected
