"""The bundle level for JavaScript and markup files above the parse limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PAT, run_cli, write_files

from ttai_guard import filekinds
from ttai_guard.analysis import MAX_SCRIPT_PARSE, FileJob, analyze_text, scan_file
from ttai_guard.analyzers import AnalyzerSettings, bundle
from ttai_guard.facts import DYNAMIC, Request

SETTINGS = AnalyzerSettings()
# Filler that contains no request, browser global or token: a minified library body.
FILLER = "var a=function(b,c){return b.map(function(d){return d+c})};"


def _requests(text: str) -> list[tuple[str, int, str | None]]:
    facts = bundle.analyze(text, SETTINGS)
    return [(r.callee, r.offset, r.url.value if r.url else None) for r in facts.requests]


def _url_offset(request: Request) -> int:
    assert request.url is not None
    return request.url.source_offset(0)


@pytest.mark.parametrize(
    ("source", "callee", "url"),
    [
        ('fetch("http://example.org/a")', "fetch", "http://example.org/a"),
        ("window.fetch('http://example.org/b')", "window.fetch", "http://example.org/b"),
        ('axios.get("http://example.org/c")', "axios.get", "http://example.org/c"),
        ("axios(`http://example.org/d`)", "axios", "http://example.org/d"),
        ('$.ajax("http://example.org/e")', "$.ajax", "http://example.org/e"),
        ('jQuery.getJSON("http://example.org/f")', "jQuery.getJSON", "http://example.org/f"),
        ('new WebSocket("ws://example.org/g")', "new WebSocket", "ws://example.org/g"),
        ('new  window.EventSource("/h")', "new window.EventSource", "/h"),
        (
            'navigator.sendBeacon("http://example.org/i")',
            "navigator.sendBeacon",
            "http://example.org/i",
        ),
        ('x.open("GET", "http://example.org/j")', "x.open", "http://example.org/j"),
        ('ky.post( "http://example.org/k" )', "ky.post", "http://example.org/k"),
    ],
)
def test_request_recognised(source: str, callee: str, url: str) -> None:
    text = FILLER + source + ";" + FILLER
    facts = bundle.analyze(text, SETTINGS)
    assert len(facts.requests) == 1
    request = facts.requests[0]
    assert request.callee == callee
    assert request.offset == len(FILLER)
    assert request.url is not None
    assert request.url.value == url
    assert text[_url_offset(request) : _url_offset(request) + len(url)] == url


@pytest.mark.parametrize(
    "source",
    [
        'client.fetch("http://example.org/a")',
        'prefetch("http://example.org/a")',
        "fetch(url)",
        'x.open("CONNECT", "http://example.org/a")',
        'a.b.open("GET", "http://example.org/a")',
        'fetch("http://example.org/a\nb")',
    ],
)
def test_request_not_recognised(source: str) -> None:
    assert _requests(FILLER + source) == []


def test_template_substitution_dynamic() -> None:
    text = "fetch(`http://example.org/users/${id}`)"
    assert _requests(text) == [("fetch", 0, "http://example.org/users/" + DYNAMIC)]


def test_escape_keeps_prefix() -> None:
    text = 'fetch("http://example.org/a\\u002fb")'
    facts = bundle.analyze(text, SETTINGS)
    url = facts.requests[0].url
    assert url is not None
    assert url.value == "http://example.org/a" + DYNAMIC
    assert url.source_offset(7) == 14


def test_leading_substitution_no_url() -> None:
    assert _requests("fetch(`${base}/a`)") == [("fetch", 0, None)]


def test_requests_sorted_by_offset() -> None:
    text = 'x.open("POST", "/b");fetch("/a")'
    assert [offset for _, offset, _ in _requests(text)] == [0, 21]


def test_client_signals_first_offsets() -> None:
    text = 'if(typeof window<"u"){}' + FILLER + "document.title=1;window.x=2;document.body"
    module = bundle.analyze(text, SETTINGS).modules[0]
    start = len('if(typeof window<"u"){}' + FILLER)
    assert module.client_signals == [
        ("uses the browser global `document`", start),
        ("uses the browser global `window`", start + len("document.title=1;")),
    ]


def test_property_named_window_ignored() -> None:
    module = bundle.analyze("a.window=1;b.document;myWindow.x", SETTINGS).modules[0]
    assert module.client_signals == []


def test_import_sides() -> None:
    text = 'const f=require("fs");import {c} from "react-dom/client";'
    module = bundle.analyze(text, SETTINGS).modules[0]
    assert module.server_signals == [("imports `fs`", 17)]
    assert module.client_signals == [("imports `react-dom/client`", text.index("react-dom"))]


@pytest.mark.parametrize(
    ("text", "directive", "offset"),
    [
        ('"use client";fetch("/a")', "use client", 1),
        ("/*! license */\n// note\n  'use server';", "use server", 26),
        ('var a;"use client";', "", 0),
        ("/* unterminated comment", "", 0),
    ],
)
def test_directive_after_comments(text: str, directive: str, offset: int) -> None:
    module = bundle.analyze(text, SETTINGS).modules[0]
    assert module.directive == directive
    assert module.directive_offset == offset


def test_env_reads_spanned() -> None:
    text = "a=process.env.NEXT_PUBLIC_TTAI_KEY;b=import.meta.env.VITE_KEY"
    refs = bundle.analyze(text, SETTINGS).modules[0].env_refs
    assert [(r.name, r.via) for r in refs] == [
        ("NEXT_PUBLIC_TTAI_KEY", "process.env"),
        ("VITE_KEY", "import.meta.env"),
    ]
    assert [text[r.start : r.end] for r in refs] == ["NEXT_PUBLIC_TTAI_KEY", "VITE_KEY"]


def test_whole_text_one_string() -> None:
    text = FILLER * 3
    facts = bundle.analyze(text, SETTINGS, "typescript")
    assert facts.parsed
    assert [s.value for s in facts.strings] == [text]
    assert facts.modules[0].end == len(text)
    assert facts.modules[0].dialect == "typescript"


def _large(body: str) -> str:
    repeats = MAX_SCRIPT_PARSE // len(FILLER) + 1
    return FILLER * repeats + body


def test_analyze_text_uses_bundle_level() -> None:
    text = _large('fetch("http://example.org/a")')
    facts = analyze_text(filekinds.JAVASCRIPT, text, SETTINGS)
    assert facts.requests == bundle.analyze(text, SETTINGS).requests
    assert facts.requests[0].offset == len(text) - len('fetch("http://example.org/a")')


def test_limit_parses_below() -> None:
    call = 'const u = "/a"; fetch(u);'
    text = FILLER * ((MAX_SCRIPT_PARSE - len(call)) // len(FILLER)) + call
    assert len(text) <= MAX_SCRIPT_PARSE
    facts = analyze_text(filekinds.JAVASCRIPT, text, SETTINGS)
    # Only the parser resolves a URL held in a constant.
    assert [r.url.value if r.url else None for r in facts.requests] == ["/a"]


def test_scan_file_notes_bundle_level(tmp_path: Path) -> None:
    path = tmp_path / "app.js"
    path.write_text(_large('fetch("http://example.org/a")'))
    report = scan_file(FileJob(path), SETTINGS, 25 * 1024 * 1024)
    assert report.notes == [
        f"read at the bundle level: larger than {MAX_SCRIPT_PARSE} characters, the limit "
        "for parsing JavaScript, TypeScript and markup; URLs held in variables are not seen"
    ]
    assert [f.rule for f in report.findings] == ["TTAI302"]


def test_cli_reports_bundle(tmp_path: Path) -> None:
    head = _large("")
    secret = f'var k="{PAT}";'
    call = 'window.t=1;fetch("https://api.toughtongueai.com/api/public/sessions");'
    insecure = 'new WebSocket("ws://example.org/live");'
    write_files(
        tmp_path, {".gitignore": ".env\n", "public/app.js": head + secret + call + insecure}
    )
    run = run_cli(tmp_path, "check", "--format", "json")
    call_column = len(head) + len(secret) + len("window.t=1;") + 1
    insecure_column = len(head) + len(secret) + len(call) + len('new WebSocket("') + 1
    assert run.findings() == [
        ("TTAI101", "public/app.js", 1, len(head) + len('var k="') + 1),
        ("TTAI201", "public/app.js", 1, call_column),
        ("TTAI302", "public/app.js", 1, insecure_column),
    ]
