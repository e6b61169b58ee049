"""Tests for the JavaScript and TypeScript analyzer, run on the real tree-sitter grammars."""

from __future__ import annotations

from pathlib import Path

import pytest

from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.analyzers.javascript import analyze, dialect_for_suffix, literals, parser
from ttai_guard.facts import DYNAMIC, Facts, Literal, Segment
from ttai_guard.textindex import LineIndex

SETTINGS = AnalyzerSettings()
DIALECTS = ("javascript", "typescript", "tsx")

# Token-shaped values are built at run time, so this file contains none.
TOKEN = "sk_" + "live_" + "Q7vR2mXk9LpT4wZa8NcE5bYh"
PAT = "ttai" + "_pat_" + "Zm4Kq8Wc2Rt6Yp1Ls9Hd3Nv"


def facts_of(
    text: str, dialect: str = "javascript", settings: AnalyzerSettings = SETTINGS
) -> Facts:
    return analyze(text, settings, dialect)


def position(text: str, offset: int) -> tuple[int, int]:
    return LineIndex(text).position(offset)


def literal_with(literals: list[Literal], value: str) -> Literal:
    """Return the one literal whose value is ``value``."""
    found = [literal for literal in literals if literal.value == value]
    assert len(found) == 1, [literal.value for literal in literals]
    return found[0]


def spelled(text: str, literal: Literal) -> list[str]:
    """Return the source text of each segment of ``literal``."""
    return [text[s.source_start : s.source_start + s.length] for s in literal.segments]


# --- Dialects --------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "dialect"),
    [
        (".js", "javascript"),
        (".mjs", "javascript"),
        (".cjs", "javascript"),
        (".jsx", "javascript"),
        (".ts", "typescript"),
        (".mts", "typescript"),
        (".cts", "typescript"),
        (".tsx", "tsx"),
        (".TSX", "tsx"),
        ("ts", "typescript"),
        (".py", None),
        (".json", None),
        ("", None),
    ],
)
def test_dialect_for_suffix(suffix: str, dialect: str | None) -> None:
    assert dialect_for_suffix(suffix) == dialect


def test_analyze_unknown_dialect() -> None:
    with pytest.raises(ValueError, match="flow"):
        analyze("x = 1;", SETTINGS, "flow")


def test_parser_cached_per_dialect() -> None:
    assert parser._parser_for("tsx") is parser._parser_for("tsx")
    assert parser._parser_for("tsx") is not parser._parser_for("typescript")


def test_type_assertion_parses_as_typescript(tmp_path: Path) -> None:
    path = tmp_path / "cast.ts"
    path.write_text('const n = <string>value;\nconst u = "http://a.example";\n', encoding="utf-8")
    facts = facts_of(path.read_text(encoding="utf-8"), dialect_for_suffix(path.suffix) or "")
    assert facts.notes == []
    assert [s.value for s in facts.strings] == ["http://a.example"]


def test_type_assertion_is_an_error_in_tsx() -> None:
    facts = facts_of('const u = "http://a.example";\nconst n = <string>value;\n', "tsx")
    assert facts.notes == ["parse errors near line 2; read partly"]
    assert facts.parsed is True
    assert [s.value for s in facts.strings] == ["http://a.example"]


def test_jsx_parses_as_tsx(tmp_path: Path) -> None:
    path = tmp_path / "view.tsx"
    path.write_text(
        'const v = <a href="http://b.example" title={t as string}>go</a>;\n', encoding="utf-8"
    )
    facts = facts_of(path.read_text(encoding="utf-8"), dialect_for_suffix(path.suffix) or "")
    assert facts.notes == []
    assert [s.value for s in facts.strings] == ["go", "http://b.example"]


def test_jsx_is_an_error_in_typescript() -> None:
    facts = facts_of('const u = "http://a.example";\nconst v = <a href="x">go</a>;\n', "typescript")
    assert facts.notes == ["parse errors near line 2; read partly"]


# --- Strings ---------------------------------------------------------------

STRING_CASES = [
    # (source, folded value, (line, column) of the first value character)
    ('x = "abc";', "abc", (1, 6)),
    ("x = 'abc';", "abc", (1, 6)),
    ("x = `a${b}c`;", "a\x00c", (1, 6)),
    ("x = `${b}c`;", "\x00c", (1, 10)),
    ('x = "sk_" + "live_" + body;', "sk_live_\x00", (1, 6)),
    ('x = "ttai_pat_" + process.env.X;', "ttai_pat_\x00", (1, 6)),
    ('x = ("a" + "b") + c;', "ab\x00", (1, 7)),
    ('x = "port:" + 8080;', "port:8080", (1, 6)),
    ('x = "\\x41\\u0042\\u{43}\\n";', "ABC\n", (1, 6)),
    ("x = 'it\\'s';", "it's", (1, 6)),
    ('x = "a\\\nb";', "ab", (1, 6)),
    ("x = String.raw`a\\n${b}`;", "a\\n\x00", (1, 16)),
    ('x = ["a", "b", "c"].join("");', "abc", (1, 7)),
    ('x = ["a", "b"].join("-");', "a-b", (1, 7)),
    ('x = ["a", "b"].join();', "a,b", (1, 7)),
    ('\n\n  x = "third line";', "third line", (3, 8)),
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("source", "value", "start"), STRING_CASES)
def test_strings_fold(source: str, value: str, start: tuple[int, int], dialect: str) -> None:
    facts = facts_of(source, dialect)
    assert [s.value for s in facts.strings] == [value]
    literal = facts.strings[0]
    first = next(i for i, char in enumerate(value) if char != DYNAMIC)
    assert position(source, literal.source_offset(first)) == start
    assert facts.notes == []


def test_strings_substitution_literals_separate() -> None:
    facts = facts_of('x = `a${"b" + c}d`;')
    assert [s.value for s in facts.strings] == ["a\x00d", "b\x00"]


def test_strings_escape_segments() -> None:
    source = 'x = "\\x41BC";'
    literal = facts_of(source).strings[0]
    assert literal.value == "ABC"
    assert literal.segments == (Segment(0, 5, 1), Segment(1, 9, 2))


def test_strings_template_segments() -> None:
    source = "x = `ab${c}de`;"
    literal = facts_of(source).strings[0]
    assert literal.segments == (Segment(0, 5, 2), Segment(3, 11, 2))


def test_strings_split_token_maps_back() -> None:
    head, tail = TOKEN[:9], TOKEN[9:]
    source = f'const t =\n  "{head}" +\n  "{tail}";\n'
    literal = facts_of(source).strings[0]
    assert literal.value == TOKEN
    assert spelled(source, literal) == [head, tail]
    assert position(source, literal.source_offset(0)) == (2, 4)
    assert position(source, literal.source_offset(9)) == (3, 4)
    assert position(source, literal.source_end(len(TOKEN))) == (3, 4 + len(tail))


def test_strings_jsx_text_token() -> None:
    source = f"const v = <p>\n  key {TOKEN}\n</p>;\n"
    facts = facts_of(source)
    literal = facts.strings[0]
    assert literal.value == f"\n  key {TOKEN}\n"
    assert position(source, literal.source_offset(literal.value.index("sk_"))) == (2, 7)


def test_strings_jsx_character_reference() -> None:
    source = '<a title="x &amp; y">b &lt; c</a>;'
    facts = facts_of(source, "tsx")
    assert [s.value for s in facts.strings] == ["b < c", "x & y"]


def test_strings_jsx_whitespace_skipped() -> None:
    facts = facts_of("<div>\n  <br />\n</div>;")
    assert facts.strings == []


def test_strings_non_ascii_prefix() -> None:
    source = f'const é = "中文😀";\nconst t = "{TOKEN}";\n'
    facts = facts_of(source)
    literal = literal_with(facts.strings, TOKEN)
    assert literal.source_offset(0) == source.index(TOKEN)
    assert position(source, literal.source_offset(0)) == (2, 12)
    assert literal_with(facts.strings, "中文😀").source_offset(0) == 11


def test_strings_non_ascii_same_line() -> None:
    source = f'x = ["ü", "€", "😀", "{TOKEN}"];'
    literal = literal_with(facts_of(source).strings, TOKEN)
    assert literal.source_offset(0) == source.index(TOKEN)


def test_strings_crlf_lines() -> None:
    source = f'// one\r\nconst a = 1;\r\nconst t = "{TOKEN}";\r\n'
    literal = facts_of(source).strings[0]
    assert position(source, literal.source_offset(0)) == (3, 12)


def test_strings_nul_byte_then_token() -> None:
    filler = "".join(f"const v{i} = {i};\n" for i in range(49))
    source = f'const a = "x\x00y";\n{filler}const t = "{TOKEN}";\n'
    facts = facts_of(source)
    assert facts.notes == []
    assert facts.strings[0].value == "x\x00y"
    literal = literal_with(facts.strings, TOKEN)
    assert position(source, literal.source_offset(0)) == (51, 12)


def test_strings_lone_surrogate() -> None:
    source = f'const a = "\ud800";\nconst t = "{TOKEN}";'
    literal = literal_with(facts_of(source).strings, TOKEN)
    assert literal.source_offset(0) == source.index(TOKEN)


# --- Comments --------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "comment", "start"),
    [
        ("x = 1; // note\n", "// note", (1, 8)),
        ("/* block\n   two */ x = 1;", "/* block\n   two */", (1, 1)),
        ("#!/usr/bin/env node\nx = 1;", "#!/usr/bin/env node", (1, 1)),
        ("const v = <div>\n  {/* in jsx */}\n</div>;", "/* in jsx */", (2, 4)),
    ],
)
def test_comments(source: str, comment: str, start: tuple[int, int]) -> None:
    facts = facts_of(source)
    assert [c.value for c in facts.comments] == [comment]
    assert position(source, facts.comments[0].source_offset(0)) == start


def test_comments_contain_token() -> None:
    source = f"const a = 1; // é {TOKEN}\n"
    comment = facts_of(source).comments[0]
    offset = comment.value.index(TOKEN)
    assert comment.source_offset(offset) == source.index(TOKEN)


# --- Credentials -----------------------------------------------------------

ASSIGNED = "assigned to `{}`"
BEARER = "sent as the Bearer token in the `Authorization` header"

CREDENTIAL_CASES = [
    # (dialect, source, name, context)
    ("javascript", 'const TTAI_TOKEN = "{v}";', "TTAI_TOKEN", ASSIGNED.format("TTAI_TOKEN")),
    ("javascript", "let ttaiApiKey = '{v}';", "ttaiApiKey", ASSIGNED.format("ttaiApiKey")),
    ("javascript", "var TTAI_PAT = `{v}`;", "TTAI_PAT", ASSIGNED.format("TTAI_PAT")),
    ("javascript", 'TTAI_TOKEN = "{v}";', "TTAI_TOKEN", ASSIGNED.format("TTAI_TOKEN")),
    ("javascript", 'config.ttaiToken = "{v}";', "ttaiToken", ASSIGNED.format("ttaiToken")),
    ("javascript", 'env["TTAI_TOKEN"] = "{v}";', "TTAI_TOKEN", ASSIGNED.format("TTAI_TOKEN")),
    (
        "javascript",
        'class A {{ TTAI_TOKEN = "{v}"; }}',
        "TTAI_TOKEN",
        ASSIGNED.format("TTAI_TOKEN"),
    ),
    ("javascript", 'x = {{ TTAI_TOKEN: "{v}" }};', "TTAI_TOKEN", ASSIGNED.format("TTAI_TOKEN")),
    ("javascript", 'x = {{ "TTAI_TOKEN": "{v}" }};', "TTAI_TOKEN", ASSIGNED.format("TTAI_TOKEN")),
    (
        "typescript",
        'const TTAI_TOKEN: string = "{v}";',
        "TTAI_TOKEN",
        ASSIGNED.format("TTAI_TOKEN"),
    ),
    (
        "typescript",
        'class A {{ private readonly ttaiKey: string = "{v}"; }}',
        "ttaiKey",
        ASSIGNED.format("ttaiKey"),
    ),
    ("tsx", 'const TTAI_TOKEN = "{v}" as const;', "TTAI_TOKEN", ASSIGNED.format("TTAI_TOKEN")),
    ("tsx", '<Widget ttaiToken="{v}" />;', "ttaiToken", ASSIGNED.format("ttaiToken")),
    (
        "javascript",
        'const {{ TTAI_TOKEN = "{v}" }} = process.env;',
        "TTAI_TOKEN",
        "the default value of `TTAI_TOKEN`",
    ),
    (
        "javascript",
        'function f(ttaiToken = "{v}") {{}}',
        "ttaiToken",
        "the default value of `ttaiToken`",
    ),
    (
        "typescript",
        'function f(ttaiToken: string = "{v}") {{}}',
        "ttaiToken",
        "the default value of `ttaiToken`",
    ),
    (
        "javascript",
        'const t = process.env.TTAI_TOKEN || "{v}";',
        "TTAI_TOKEN",
        "the fallback for `process.env.TTAI_TOKEN`",
    ),
    (
        "javascript",
        'const t = process.env.TTAI_TOKEN ?? "{v}";',
        "TTAI_TOKEN",
        "the fallback for `process.env.TTAI_TOKEN`",
    ),
    (
        "javascript",
        'const t = process.env["TTAI_TOKEN"] || "{v}";',
        "TTAI_TOKEN",
        'the fallback for `process.env["TTAI_TOKEN"]`',
    ),
    (
        "typescript",
        'const t = import.meta.env.VITE_TTAI_TOKEN || "{v}";',
        "VITE_TTAI_TOKEN",
        "the fallback for `import.meta.env.VITE_TTAI_TOKEN`",
    ),
    (
        "javascript",
        'const c = new ToughTongue({{ apiKey: "{v}" }});',
        "apiKey",
        "passed as `apiKey` to `new ToughTongue`",
    ),
    (
        "javascript",
        'const c = createTtaiClient({{ token: "{v}" }});',
        "token",
        "passed as `token` to `createTtaiClient`",
    ),
    (
        "javascript",
        'fetch(u, {{ headers: {{ Authorization: "Bearer {v}" }} }});',
        "Authorization",
        BEARER,
    ),
    ("javascript", 'headers.set("Authorization", "Bearer {v}");', "Authorization", BEARER),
    ("javascript", 'headers.append("Authorization", "Bearer {v}");', "Authorization", BEARER),
    ("javascript", 'xhr.setRequestHeader("authorization", "bearer {v}");', "Authorization", BEARER),
    ("javascript", 'new Headers({{ authorization: "Bearer {v}" }});', "Authorization", BEARER),
    ("javascript", 'new Headers([["Authorization", "Bearer {v}"]]);', "Authorization", BEARER),
    (
        "javascript",
        'axios.defaults.headers.common["Authorization"] = "Bearer {v}";',
        "Authorization",
        BEARER,
    ),
    (
        "typescript",
        'axios.create({{ headers: {{ "Authorization": `Bearer {v}` }} }});',
        "Authorization",
        BEARER,
    ),
]


def credential_runs() -> list[tuple[str, str, str, str]]:
    """Expand each case marked "javascript", which is also valid TypeScript, to all dialects."""
    runs = []
    for dialect, template, name, context in CREDENTIAL_CASES:
        dialects = DIALECTS if dialect == "javascript" else (dialect,)
        runs += [(each, template, name, context) for each in dialects]
    return runs


@pytest.mark.parametrize(("dialect", "template", "name", "context"), credential_runs())
def test_credentials(dialect: str, template: str, name: str, context: str) -> None:
    source = template.format(v=PAT)
    facts = facts_of(source, dialect)
    assert [(c.name, c.literal.value, c.context) for c in facts.credentials] == [
        (name, PAT, context)
    ]
    assert facts.credentials[0].literal.source_offset(0) == source.index(PAT)


def test_credentials_bearer_concatenation() -> None:
    source = 'headers = { Authorization: "Bearer " + "abc" + "def" };'
    credential = facts_of(source).credentials[0]
    assert credential.literal.value == "abcdef"
    assert spelled(source, credential.literal) == ["abc", "def"]


def test_credentials_folded_value() -> None:
    head, tail = TOKEN[:8], TOKEN[8:]
    source = f'const TTAI_TOKEN = "{head}" + "{tail}";'
    credential = facts_of(source).credentials[0]
    assert credential.literal.value == TOKEN
    assert spelled(source, credential.literal) == [head, tail]


def test_credentials_configured_name() -> None:
    settings = AnalyzerSettings(token_names=("SERVICE_SECRET",))
    facts = facts_of('const SERVICE_SECRET = "abc";', settings=settings)
    assert [c.name for c in facts.credentials] == ["SERVICE_SECRET"]


@pytest.mark.parametrize(
    "source",
    [
        "const TTAI_TOKEN = process.env.TTAI_TOKEN;",
        'const name = "TTAI_TOKEN";',
        "const TTAI_TOKEN = getToken();",
        "const TTAI_TOKEN = config.token;",
        "const TTAI_TOKEN = `${prefix}`;",
        "fetch(u, { headers: { Authorization: `Bearer ${t}` } });",
        'headers.set("Authorization", "Bearer " + token);',
        'fetch(u, { headers: { Authorization: "Basic abc" } });',
        'const c = new Other({ apiKey: "abc" });',
        'const apiKey = "abc";',
        'const t = process.env.OTHER || "abc";',
    ],
)
def test_credentials_none(source: str) -> None:
    assert facts_of(source).credentials == []


def test_credentials_string_still_listed() -> None:
    facts = facts_of('const name = "TTAI_TOKEN";')
    assert [s.value for s in facts.strings] == ["TTAI_TOKEN"]


# --- Requests --------------------------------------------------------------

REQUEST_CASES = [
    # (source, callee, URL)
    ('fetch("http://a.example/x");', "fetch", "http://a.example/x"),
    ('window.fetch("http://a.example/x");', "window.fetch", "http://a.example/x"),
    ('globalThis.fetch("http://a.example/x");', "globalThis.fetch", "http://a.example/x"),
    ('const B = "http://a.example"; fetch(B + "/x");', "fetch", "http://a.example/x"),
    ('const B = "http://a.example"; fetch(`${B}/x`);', "fetch", "http://a.example/x"),
    ('fetch(later); const later = "http://a.example";', "fetch", "http://a.example"),
    (
        'const B = "http://a.example"; const P = `${B}/v1`; fetch(P + "/x");',
        "fetch",
        "http://a.example/v1/x",
    ),
    (
        'const c = { base: "http://a.example", endpoints: { run: "/run" } };'
        " fetch(c.base + c.endpoints.run);",
        "fetch",
        "http://a.example/run",
    ),
    (
        'const c = { base: "http://a.example" }; fetch(`${c.base}/x`);',
        "fetch",
        "http://a.example/x",
    ),
    ('const c = { "base": "http://a.example" }; fetch(c["base"]);', "fetch", "http://a.example"),
    (
        'const c = Object.freeze({ base: "http://a.example" }); fetch(c.base);',
        "fetch",
        "http://a.example",
    ),
    ('const B = "http://a.example"; const c = { B }; fetch(c.B);', "fetch", "http://a.example"),
    ('fetch(process.env.API_URL || "http://a.example");', "fetch", "http://a.example"),
    ('const B = process.env.API ?? "http://a.example"; fetch(B);', "fetch", "http://a.example"),
    ('const { API = "http://a.example" } = process.env; fetch(API);', "fetch", "http://a.example"),
    (
        'const c = { u: "http://a.example" }; const { u } = c; fetch(u);',
        "fetch",
        "http://a.example",
    ),
    ('fetch(new URL("/v1/x", "http://a.example/app/"));', "fetch", "http://a.example/v1/x"),
    ('fetch(new URL("v1/x", "http://a.example/app/"));', "fetch", "http://a.example/app/v1/x"),
    ('fetch(new URL("v1/x", "http://a.example/app"));', "fetch", "http://a.example/v1/x"),
    ('fetch(new URL("v1/x", "http://a.example"));', "fetch", "http://a.example/v1/x"),
    ('fetch(new URL("?q=1", "http://a.example/p?z#f"));', "fetch", "http://a.example/p?q=1"),
    ('fetch(new URL("https://b.example/x", "http://a.example"));', "fetch", "https://b.example/x"),
    ('fetch(new URL("//b.example/x", "http://a.example"));', "fetch", "http://b.example/x"),
    ('const u = new URL("/x", "http://a.example"); fetch(u.href);', "fetch", "http://a.example/x"),
    ('fetch(new Request("http://a.example/x"));', "fetch", "http://a.example/x"),
    ('fetch(String("http://a.example/x"));', "fetch", "http://a.example/x"),
    ('const P = 8080; fetch("http://localhost:" + P + "/x");', "fetch", "http://localhost:8080/x"),
    ('axios("http://a.example/x");', "axios", "http://a.example/x"),
    ('axios({ url: "/x", baseURL: "http://a.example" });', "axios", "http://a.example/x"),
    ('axios.get("http://a.example/x");', "axios.get", "http://a.example/x"),
    (
        'axios.post("/x", body, { baseURL: "http://a.example/" });',
        "axios.post",
        "http://a.example/x",
    ),
    ('axios.request({ url: "http://a.example/x" });', "axios.request", "http://a.example/x"),
    (
        'const api = axios.create({ baseURL: "http://a.example/v1" }); api.get("/users");',
        "api.get",
        "http://a.example/v1/users",
    ),
    (
        'const api = axios.create({ baseURL: "http://a.example" }); api("users");',
        "api",
        "http://a.example/users",
    ),
    (
        'const api = axios.create({ baseURL: "http://a.example" }); api.get("https://b.example/");',
        "api.get",
        "https://b.example/",
    ),
    (
        'import http from "axios"; const c = http.create({ baseURL: "http://a.example" });'
        ' c.delete("/x");',
        "c.delete",
        "http://a.example/x",
    ),
    ('ky("http://a.example/x");', "ky", "http://a.example/x"),
    ('ky.post("x", { prefixUrl: "http://a.example" });', "ky.post", "http://a.example/x"),
    (
        'const k = ky.create({ prefixUrl: "http://a.example/api" }); k.get("x");',
        "k.get",
        "http://a.example/api/x",
    ),
    ('got("http://a.example/x");', "got", "http://a.example/x"),
    ('got.get("http://a.example/x");', "got.get", "http://a.example/x"),
    (
        'const g = got.extend({ prefixUrl: "http://a.example" }); g.post("x");',
        "g.post",
        "http://a.example/x",
    ),
    (
        'import { ofetch } from "ofetch"; ofetch("http://a.example/x");',
        "ofetch",
        "http://a.example/x",
    ),
    ('$fetch("/x", { baseURL: "http://a.example" });', "$fetch", "http://a.example/x"),
    (
        'const x = new XMLHttpRequest(); x.open("GET", "http://a.example/x");',
        "x.open",
        "http://a.example/x",
    ),
    ('req.open("POST", "http://a.example/x");', "req.open", "http://a.example/x"),
    ('$.ajax({ url: "http://a.example/x" });', "$.ajax", "http://a.example/x"),
    ('jQuery.ajax("http://a.example/x", {});', "jQuery.ajax", "http://a.example/x"),
    ('$.get("http://a.example/x");', "$.get", "http://a.example/x"),
    ('$.post("http://a.example/x", data);', "$.post", "http://a.example/x"),
    ('superagent.get("http://a.example/x");', "superagent.get", "http://a.example/x"),
    (
        'import request from "superagent"; request.post("http://a.example/x");',
        "request.post",
        "http://a.example/x",
    ),
    ('new EventSource("http://a.example/events");', "new EventSource", "http://a.example/events"),
    ('new WebSocket("ws://a.example/socket");', "new WebSocket", "ws://a.example/socket"),
    (
        'navigator.sendBeacon("http://a.example/b", d);',
        "navigator.sendBeacon",
        "http://a.example/b",
    ),
    (
        'const http = require("http"); http.get("http://a.example/x");',
        "http.get",
        "http://a.example/x",
    ),
    (
        'const ax = require("axios").default; ax.get("http://a.example/x");',
        "ax.get",
        "http://a.example/x",
    ),
    (
        'import https from "node:https"; https.request("https://a.example/x");',
        "https.request",
        "https://a.example/x",
    ),
    (
        'const { get } = require("https"); get({ hostname: "a.example", path: "/x" });',
        "get",
        "https://a.example/x",
    ),
    (
        'import * as http from "http";'
        ' http.request({ host: "a.example", port: 8080, path: "/x" });',
        "http.request",
        "http://a.example:8080/x",
    ),
    ('useFetch("http://a.example/x");', "useFetch", "http://a.example/x"),
    (
        'useLazyFetch("/x", { baseURL: "http://a.example/v1/" });',
        "useLazyFetch",
        "http://a.example/v1/x",
    ),
    ('useFetch(() => "http://a.example/x", {});', "useFetch", "http://a.example/x"),
    (
        'import { useFetch } from "#app"; useFetch("http://a.example/x");',
        "useFetch",
        "http://a.example/x",
    ),
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(("source", "callee", "url"), REQUEST_CASES)
def test_requests(source: str, callee: str, url: str, dialect: str) -> None:
    facts = facts_of(source, dialect)
    assert facts.notes == []
    requests = [(r.callee, r.url.value if r.url else None) for r in facts.requests]
    assert requests == [(callee, url)]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_requests_typescript_wrappers(dialect: str) -> None:
    source = 'const B = "http://a.example" as const;\nawait fetch((B + "/x")!);\n'
    facts = facts_of(source, dialect)
    assert [r.url.value for r in facts.requests if r.url] == ["http://a.example/x"]


def test_requests_angular_client() -> None:
    source = 'class S { load() { return this.http.get<T>("http://a.example/x"); } }'
    facts = facts_of(source, "typescript")
    assert [(r.callee, r.url.value if r.url else None) for r in facts.requests] == [
        ("this.http.get", "http://a.example/x")
    ]


def test_requests_enum_member() -> None:
    source = 'enum Api { Base = "http://a.example" }\nfetch(`${Api.Base}/x`);\n'
    facts = facts_of(source, "typescript")
    assert [r.url.value for r in facts.requests if r.url] == ["http://a.example/x"]


def test_requests_segments_point_to_sources() -> None:
    source = 'const BASE = "http://a.example";\nfetch(`${BASE}/v1/run`);\n'
    request = facts_of(source).requests[0]
    assert request.url is not None
    assert spelled(source, request.url) == ["http://a.example", "/v1/run"]
    assert position(source, request.url.source_offset(0)) == (1, 15)
    assert position(source, request.url.source_offset(16)) == (2, 15)


def test_requests_base_join_segments() -> None:
    source = 'const api = axios.create({ baseURL: "http://a.example/" });\napi.get("/x");'
    request = facts_of(source).requests[0]
    assert request.url is not None
    assert request.url.value == "http://a.example/x"
    assert spelled(source, request.url) == ["http://a.example", "x"]


def test_requests_offset_is_call_start() -> None:
    source = 'const r = await axios.get("http://a.example");\nnew WebSocket("ws://a.example");'
    facts = facts_of(source)
    assert [r.offset for r in facts.requests] == [16, 47]
    assert position(source, facts.requests[1].offset) == (2, 1)


@pytest.mark.parametrize(
    "source",
    [
        "fetch(url);",
        "fetch(getUrl());",
        "fetch(config.url);",
        'import { BASE } from "./config"; fetch(BASE);',
        "axios.get(path);",
        'let u = "http://a.example"; u = other; fetch(u);',
        'const B = "http://a.example"; function f(B) { return fetch(B); }',
        'const B = "http://a.example"; fetch(flag ? B : other);',
        'let u = "http://a.example"; for (u of list) {} fetch(u);',
    ],
)
def test_requests_without_static_url(source: str) -> None:
    facts = facts_of(source)
    assert [(r.callee, r.url) for r in facts.requests] == [(facts.requests[0].callee, None)]


def test_requests_imported_name_dynamic() -> None:
    facts = facts_of('import { BASE } from "./config";\nfetch(`${BASE}/x`);')
    request = facts.requests[0]
    assert request.url is not None
    assert request.url.value == "\x00/x"


def test_requests_inner_constant_shadows() -> None:
    source = (
        'const B = "http://outer.example";\n'
        'function f() { const B = "http://inner.example"; return fetch(B); }\n'
        "fetch(B);\n"
    )
    urls = [r.url.value for r in facts_of(source).requests if r.url]
    assert urls == ["http://inner.example", "http://outer.example"]


def test_requests_block_constant_scoped() -> None:
    source = (
        'const B = "http://outer.example";\n'
        'if (x) { const B = "http://inner.example"; }\n'
        "fetch(B);\n"
    )
    urls = [r.url.value for r in facts_of(source).requests if r.url]
    assert urls == ["http://outer.example"]


@pytest.mark.parametrize(
    "source",
    [
        'axios.create({ baseURL: "http://a.example" });',
        'const m = new Map(); m.get("http://a.example");',
        'window.open("http://a.example");',
        'function fetch(u) {} fetch("http://a.example");',
        'ky.extend({ prefixUrl: "http://a.example" });',
    ],
)
def test_requests_none(source: str) -> None:
    assert facts_of(source).requests == []


def test_requests_constant_cycle() -> None:
    facts = facts_of("const a = b + '/x'; const b = a + '/y'; fetch(a);")
    request = facts.requests[0]
    assert request.url is not None
    assert request.url.value.endswith("/y/x")


def test_requests_doubling_constants_bounded() -> None:
    lines = ["const a0 = 'http://a.example/';"]
    lines += [f"const a{i} = a{i - 1} + a{i - 1};" for i in range(1, 25)]
    lines.append("fetch(a24);")
    request = facts_of("\n".join(lines)).requests[0]
    assert request.url is not None
    assert request.url.value.startswith("http://a.example/http://a.example/")
    assert len(request.url.value) <= literals._MAX_RESOLVED_LENGTH


# --- Errors and large inputs -----------------------------------------------


@pytest.mark.parametrize("source", [")", "}}}", "@@@"])
def test_analyze_rejects_no_statement(source: str) -> None:
    with pytest.raises(AnalysisError):
        facts_of(source)


def test_parse_error_note_line() -> None:
    source = f'const a = 1;\nconst t = "{TOKEN}";\nfoo(;\n'
    facts = facts_of(source)
    assert facts.notes == ["parse errors near line 3; read partly"]
    assert [s.value for s in facts.strings] == [TOKEN]


def test_empty_text() -> None:
    facts = facts_of("")
    assert facts.parsed is True
    assert facts.strings == []


def test_deep_parentheses() -> None:
    depth = 20000
    facts = facts_of("x = " + "(" * depth + '"a" + b' + ")" * depth + ";")
    assert [s.value for s in facts.strings] == ["a\x00"]


def test_deep_plus_chain() -> None:
    count = 20000
    facts = facts_of("x = " + " + ".join(['"a"'] * count) + ";")
    assert [s.value for s in facts.strings] == ["a" * count]


def test_deep_template_nesting() -> None:
    depth = 2000
    facts = facts_of("x = " + "`a${" * depth + "b" + "}`" * depth + ";")
    assert len(facts.strings) == depth
    assert {s.value for s in facts.strings} == {"a\x00"}


def test_deep_calls() -> None:
    depth = 10000
    facts = facts_of("x = " + "f(" * depth + '"http://a.example"' + ")" * depth + ";")
    assert [s.value for s in facts.strings] == ["http://a.example"]
    assert facts.requests == []


def test_deep_template_in_request() -> None:
    depth = 2000
    source = "fetch(" + "`a${" * depth + "b" + "}`" * depth + ");"
    request = facts_of(source).requests[0]
    assert request.url is not None
    assert request.url.value.startswith("aaa")


def test_deep_member_chain_in_request() -> None:
    source = 'const c = { x: "http://a.example" };\nfetch(c' + ".x" * 5000 + ");"
    assert [r.url for r in facts_of(source).requests] == [None]


def test_requests_non_ascii_segments() -> None:
    source = 'const é = "ü";\nconst B = "http://a.example/ä";\nfetch(`${B}/x`);\n'
    request = facts_of(source).requests[0]
    assert request.url is not None
    assert spelled(source, request.url) == ["http://a.example/ä", "/x"]


def test_long_minified_line() -> None:
    body = "".join(f'var a{i}="v{i}",b{i}=a{i}+"w";' for i in range(20000))
    source = f'{body}const t="{TOKEN}";'
    facts = facts_of(source)
    literal = literal_with(facts.strings, TOKEN)
    assert position(source, literal.source_offset(0)) == (1, len(body) + 10)


def test_ten_megabyte_line() -> None:
    source = f'const blob = "{"x" * 10_000_000}";const t = "{TOKEN}";'
    facts = facts_of(source)
    literal = literal_with(facts.strings, TOKEN)
    assert literal.source_offset(0) == source.index(TOKEN)


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize(
    ("line", "callee", "url"),
    [
        ('fetch("https://a.example/x', "fetch", "https://a.example/x"),
        ('fetch ("https://a.example/x', "fetch", "https://a.example/x"),
        ("axios.get('https://a.example/x);", "axios.get", "https://a.example/x);"),
        ('const r = await fetch("https://a.example/x', "fetch", "https://a.example/x"),
        ('x = fetch("https://a.example/x', "fetch", "https://a.example/x"),
    ],
)
def test_requests_unclosed_string(line: str, callee: str, url: str, dialect: str) -> None:
    source = f"function f() {{\n  {line}\n  return null;\n}}\n"
    facts = facts_of(source, dialect)
    found = [(r.callee, r.offset, r.url.value if r.url else None) for r in facts.requests]
    assert found == [(callee, source.index(callee.split(".")[0]), url)]
    assert facts.notes == ["parse errors near line 2; read partly"]


def test_requests_unclosed_unknown_callee() -> None:
    source = 'function f() {\n  foo("https://a.example/x\n  return null;\n}\n'
    assert facts_of(source).requests == []
