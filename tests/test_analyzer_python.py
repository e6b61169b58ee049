"""Tests for the libcst analyzer: folded strings, comments, credentials, requests, failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper, PositionProvider

import ttai_guard
from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.analyzers.python import analyze
from ttai_guard.facts import DYNAMIC, Credential, Facts, Literal, Request, Segment
from ttai_guard.textindex import LineIndex

SETTINGS = AnalyzerSettings()
# A credential of unknown format. Token-shaped values are assembled at run
# time, so no file in the repository contains one.
SECRET = "q8Zr2LmP0xVb7TnK4sWd"
TOKEN = "sk_" + "live_" + "Q7vR2mXk9LpT4wZa8NcE5bYh"
AUTHORIZATION_CONTEXT = "sent as the Bearer token in the `Authorization` header"
PACKAGE_ROOT = str(Path(ttai_guard.__file__).resolve().parents[1])


def only(literals: list[Literal], value: str) -> Literal:
    """Return the one literal with ``value``; fail when there is none or more than one."""
    found = [literal for literal in literals if literal.value == value]
    assert len(found) == 1, f"{value!r} found {len(found)} times in {literals!r}"
    return found[0]


def credentials(source: str, settings: AnalyzerSettings = SETTINGS) -> list[Credential]:
    return analyze(source.replace("SECRET", SECRET), settings).credentials


def request(source: str) -> Request:
    requests = analyze(source, SETTINGS).requests
    assert len(requests) == 1, requests
    return requests[0]


# ---------------------------------------------------------------------------
# Strings
# ---------------------------------------------------------------------------

STRING_CASES = [
    pytest.param('x = "abc"\n', "abc", 5, id="simple"),
    pytest.param("x = 'sk_' 'live_' 'abc'\n", "sk_live_abc", 5, id="implicit-concatenation"),
    pytest.param('x = "ab" + "cd"\n', "abcd", 5, id="plus"),
    pytest.param('x = "a" + y + "b"\n', "a\x00b", 5, id="plus-name"),
    pytest.param('x = f"a{y}b{z!r:>4}c"\n', "a\x00b\x00c", 6, id="f-string"),
    pytest.param('x = F"{y}"\n', DYNAMIC, 6, id="f-string-field-only"),
    pytest.param('x = f"{{y}}"\n', "{y}", 6, id="f-string-doubled-braces"),
    pytest.param('x = rf"\\d{y}"\n', "\\d\x00", 7, id="raw-f-string"),
    pytest.param('x = b"\\x41b"\n', "Ab", 6, id="bytes"),
    pytest.param('x = b"\\xff"\n', "\xff", 6, id="bytes-latin-1"),
    pytest.param('x = rb"\\x41"\n', "\\x41", 7, id="raw-bytes"),
    pytest.param('x = r"\\d+"\n', "\\d+", 6, id="raw"),
    pytest.param('x = u"abc"\n', "abc", 6, id="unicode-prefix"),
    pytest.param('x = """ab\ncd"""\n', "ab\ncd", 7, id="triple-quoted"),
    pytest.param("x = '''a\\\nb'''\n", "ab", 7, id="line-continuation"),
    pytest.param('x = "\\x41\\u00e9\\N{EM DASH}\\101"\n', "Aé—A", 5, id="escapes"),
    pytest.param('x = "a\\qb"\n', "a\\qb", 5, id="unknown-escape"),
    pytest.param('x = ("a"\n     "b")\n', "ab", 6, id="parenthesised"),
    pytest.param(
        'x = "ttai_pat_" + os.environ["X"]\n', "ttai_pat_\x00", 5, id="environment-operand"
    ),
    pytest.param('x = "%s/v1" % y\n', "%s/v1", 5, id="percent-format"),
    pytest.param('x = "{}/v1".format(y)\n', "{}/v1", 5, id="format-method"),
    pytest.param('x = t"a{y}"\n', "a\x00", 6, id="template-string"),
    pytest.param('x = ""\n', "", 5, id="empty"),
    pytest.param('x = ("a" + "b") * 2\n', "ab", 6, id="plus-in-parentheses"),
]


@pytest.mark.parametrize(("source", "value", "offset"), STRING_CASES)
def test_string_value(source: str, value: str, offset: int) -> None:
    literal = only(analyze(source, SETTINGS).strings, value)
    assert literal.value == value


@pytest.mark.parametrize(("source", "value", "offset"), STRING_CASES)
def test_string_offset(source: str, value: str, offset: int) -> None:
    literal = only(analyze(source, SETTINGS).strings, value)
    assert literal.source_offset(0) == offset


def test_docstring_is_documentation() -> None:
    facts = analyze('def f():\n    """Doc."""\n', SETTINGS)
    assert [literal.value for literal in facts.comments] == ["Doc."]
    assert facts.comments[0].source_offset(0) == 16
    assert facts.strings == []


def test_string_maximal_only() -> None:
    values = [literal.value for literal in analyze('x = "a" "b" + "c"\n', SETTINGS).strings]
    assert values == ["abc"]


def test_string_concatenation_segments() -> None:
    literal = only(analyze("x = 'sk_' 'live_' 'abc'\n", SETTINGS).strings, "sk_live_abc")
    assert literal.segments == (Segment(0, 5, 3), Segment(3, 11, 5), Segment(8, 19, 3))


def test_string_escape_segments() -> None:
    literal = only(analyze('x = "ab\\x41cd"\n', SETTINGS).strings, "abAcd")
    assert literal.segments == (Segment(0, 5, 2), Segment(2, 7, 1), Segment(3, 11, 2))


@pytest.mark.parametrize(("index", "offset"), [(0, 5), (1, 9), (2, 15), (3, 26)])
def test_string_escape_columns(index: int, offset: int) -> None:
    source = 'x = "\\x41\\u00e9\\N{EM DASH}\\101"\n'
    literal = only(analyze(source, SETTINGS).strings, "Aé—A")
    assert literal.source_offset(index) == offset


def test_string_plus_segments() -> None:
    literal = only(analyze('x = "a" + y + "b"\n', SETTINGS).strings, "a\x00b")
    assert literal.segments == (Segment(0, 5, 1), Segment(2, 15, 1))


def test_string_split_token_folded() -> None:
    body = TOKEN[len("sk_live_") :]
    source = f'x = "sk_" + "live_" + "{body}"\n'
    literal = only(analyze(source, SETTINGS).strings, TOKEN)
    assert literal.source_offset(len("sk_live_")) == source.index(body)


@pytest.mark.parametrize(
    ("source", "value", "offset"),
    [
        pytest.param("x = f\"{d['k']}\"\n", "k", 10, id="f-string-field"),
        pytest.param('x = "a" + g("b") + "c"\n', "b", 13, id="call-in-concatenation"),
        pytest.param('x = "a" + g("b") + "c"\n', "a\x00c", 5, id="outer-concatenation"),
        pytest.param('x = f"{y:{"w"}}"\n', "w", 11, id="format-spec-field"),
    ],
)
def test_string_nested_offset(source: str, value: str, offset: int) -> None:
    literal = only(analyze(source, SETTINGS).strings, value)
    assert literal.source_offset(0) == offset


def test_string_order() -> None:
    values = [literal.value for literal in analyze('f("a" + g("b"))\nh("c")\n', SETTINGS).strings]
    assert values == ["a\x00", "b", "c"]


def _segment_mismatches(text: str, literal: Literal) -> list[Segment]:
    """Return segments whose source text does not spell their part of the value."""
    wrong = []
    for segment in literal.segments:
        spelled = text[segment.source_start : segment.source_start + segment.length]
        expected = literal.value[segment.value_start : segment.value_start + segment.length]
        escape = segment.length == 1 and text[segment.source_start] in "\\{}"
        if spelled != expected and not escape:
            wrong.append(segment)
    return wrong


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40))
def test_string_repr_round_trip(value: str) -> None:
    source = f"x = {value!r}\n"
    literal = analyze(source, SETTINGS).strings[0]
    assert literal.value == value
    assert _segment_mismatches(source, literal) == []


@given(st.binary(max_size=40))
def test_bytes_repr_round_trip(value: bytes) -> None:
    source = f"x = {value!r}\n"
    literal = analyze(source, SETTINGS).strings[0]
    assert literal.value == value.decode("latin-1")
    assert _segment_mismatches(source, literal) == []


# ---------------------------------------------------------------------------
# Comments
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "value", "offset"),
    [
        pytest.param("x = 1  # note\n", "# note", 7, id="trailing"),
        pytest.param("#!/usr/bin/env python\nx = 1\n", "#!/usr/bin/env python", 0, id="shebang"),
        pytest.param("x = (1,  # inside\n     2)\n", "# inside", 9, id="in-parentheses"),
        pytest.param("def f():\n    # body\n    pass\n", "# body", 13, id="own-line"),
    ],
)
def test_comment_offset(source: str, value: str, offset: int) -> None:
    literal = only(analyze(source, SETTINGS).comments, value)
    assert literal.source_offset(0) == offset


def test_comment_not_string() -> None:
    assert analyze("x = 1  # 'quoted'\n", SETTINGS).strings == []


# ---------------------------------------------------------------------------
# Positions
# ---------------------------------------------------------------------------

POSITION_CASES = [
    pytest.param("a = 1\r\nx = 'abc'\r\n", 12, (2, 6), id="crlf"),
    pytest.param("é = 'ü'\nx = '日本'  # ß\ny = 'abc'\n", 27, (3, 6), id="non-ascii"),
    pytest.param("if x:\n\ty = 'abc'\n", 12, (2, 7), id="tab"),
    pytest.param("x = 'abc'", 5, (1, 6), id="no-final-newline"),
    pytest.param("x = 1\n\fy = 'abc'\nz = 'def'\n", 12, (2, 7), id="form-feed"),
    pytest.param("x = 'zzz'\ry = 'abc'\r", 15, (2, 6), id="final-lone-cr"),
    pytest.param("def f():\n    x = 1\n\f    y = 'abc'\n", 29, (3, 11), id="form-feed-indent"),
]


@pytest.mark.parametrize(("source", "offset", "position"), POSITION_CASES)
def test_position_offset(source: str, offset: int, position: tuple[int, int]) -> None:
    literal = only(analyze(source, SETTINGS).strings, "abc")
    assert literal.source_offset(0) == offset


@pytest.mark.parametrize(("source", "offset", "position"), POSITION_CASES)
def test_position_line_column(source: str, offset: int, position: tuple[int, int]) -> None:
    literal = only(analyze(source, SETTINGS).strings, "abc")
    assert LineIndex(source).position(literal.source_offset(0)) == position


def test_position_after_form_feed() -> None:
    source = "x = 1\n\fy = 'abc'\nz = 'def'  # end\n"
    facts = analyze(source, SETTINGS)
    assert only(facts.strings, "def").source_offset(0) == source.index("def")
    assert only(facts.comments, "# end").source_offset(0) == source.index("# end")


def test_position_request_after_form_feed() -> None:
    source = "x = 1\n\fimport requests\nrequests.get('http://a.example.net')\n"
    found = request(source)
    assert found.offset == source.index("requests.get")
    assert found.url is not None
    assert found.url.source_offset(0) == source.index("http://")


def test_position_credential_after_form_feed() -> None:
    source = "x = 1\n\fTTAI_TOKEN = 'SECRET'\n"
    found = credentials(source)[0]
    assert found.literal.source_offset(0) == source.replace("SECRET", SECRET).index(SECRET)


def test_position_non_ascii_comment() -> None:
    source = "é = 'ü'\nx = '日本'  # ß\n"
    literal = only(analyze(source, SETTINGS).comments, "# ß")
    assert literal.source_offset(0) == 18


def test_position_matches_libcst_provider() -> None:
    source = (
        "import os\r\n"
        "class Ä:\r\n"
        '\t"""Döc."""\r\n'
        "\tdef f(self, x='ü'):\r\n"
        "\t\treturn (\r\n"
        "\t\t\t'a',  # c\r\n"
        "\t\t\tb'b', f'{x}c', \"\"\"d\r\n"
        'e"""\r\n'
        "\t\t)\r\n"
    )
    module = cst.parse_module(source)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    index = LineIndex(source)
    expected = []
    for node, code_range in positions.items():
        if isinstance(node, cst.SimpleString):
            start = index.offset(code_range.start.line, code_range.start.column + 1)
            expected.append(start + len(node.prefix) + len(node.quote))
    facts = analyze(source, SETTINGS)
    literals = [*facts.strings, *facts.comments]
    found = [
        literal.source_offset(0) for literal in literals if literal.value not in ("\x00c", "# c")
    ]
    assert sorted(found) == sorted(expected)


# ---------------------------------------------------------------------------
# Credentials
# ---------------------------------------------------------------------------

CREDENTIAL_CASES = [
    pytest.param(
        "TTAI_TOKEN = 'SECRET'\n", "TTAI_TOKEN", "assigned to `TTAI_TOKEN`", id="assignment"
    ),
    pytest.param(
        "TTAI_TOKEN: str = 'SECRET'\n",
        "TTAI_TOKEN",
        "assigned to `TTAI_TOKEN`",
        id="annotated-assignment",
    ),
    pytest.param(
        "class C:\n    def __init__(self):\n        self.ttai_api_key = 'SECRET'\n",
        "self.ttai_api_key",
        "assigned to `self.ttai_api_key`",
        id="instance-attribute",
    ),
    pytest.param(
        "settings.TTAI_PAT: str = 'SECRET'\n",
        "settings.TTAI_PAT",
        "assigned to `settings.TTAI_PAT`",
        id="annotated-attribute",
    ),
    pytest.param(
        "import os\nos.environ['TTAI_TOKEN'] = 'SECRET'\n",
        "TTAI_TOKEN",
        'assigned to `os.environ["TTAI_TOKEN"]`',
        id="environ-item",
    ),
    pytest.param(
        "import os\nos.environ.setdefault('TTAI_TOKEN', 'SECRET')\n",
        "TTAI_TOKEN",
        'the default of `os.environ.setdefault("TTAI_TOKEN")`',
        id="environ-setdefault",
    ),
    pytest.param(
        "if (TTAI_TOKEN := 'SECRET'):\n    pass\n",
        "TTAI_TOKEN",
        "assigned to `TTAI_TOKEN`",
        id="walrus",
    ),
    pytest.param(
        "TTAI_TOKEN, mode = 'SECRET', 'fast'\n",
        "TTAI_TOKEN",
        "assigned to `TTAI_TOKEN`",
        id="tuple-assignment",
    ),
    pytest.param(
        "TTAI_TOKEN = 'q8Zr2LmP0x' + 'Vb7TnK4sWd'\n",
        "TTAI_TOKEN",
        "assigned to `TTAI_TOKEN`",
        id="folded-value",
    ),
    pytest.param(
        "config = {'TTAI_TOKEN': 'SECRET'}\n",
        "TTAI_TOKEN",
        "stored under the key `TTAI_TOKEN`",
        id="dict-entry",
    ),
    pytest.param(
        "config = dict(TTAI_TOKEN='SECRET')\n",
        "TTAI_TOKEN",
        "passed as `TTAI_TOKEN=` to `dict`",
        id="dict-keyword",
    ),
    pytest.param(
        "connect(ttai_token='SECRET')\n",
        "ttai_token",
        "passed as `ttai_token=` to `connect`",
        id="token-keyword",
    ),
    pytest.param(
        "client = ToughTongueClient(api_key='SECRET')\n",
        "api_key",
        "passed as `api_key=` to `ToughTongueClient`",
        id="client-keyword",
    ),
    pytest.param(
        "import ttai\nclient = ttai.Client(token='SECRET')\n",
        "token",
        "passed as `token=` to `ttai.Client`",
        id="client-module-keyword",
    ),
    pytest.param(
        "from ttai import Client as C\nclient = C(api_key='SECRET')\n",
        "api_key",
        "passed as `api_key=` to `C`",
        id="client-alias-keyword",
    ),
    pytest.param(
        "import os\nos.getenv('TTAI_PAT', 'SECRET')\n",
        "TTAI_PAT",
        'the default of `os.getenv("TTAI_PAT")`',
        id="getenv-default",
    ),
    pytest.param(
        "import os\nos.environ.get('TTAI_TOKEN', 'SECRET')\n",
        "TTAI_TOKEN",
        'the default of `os.environ.get("TTAI_TOKEN")`',
        id="environ-get-default",
    ),
    pytest.param(
        "from os import environ\nenviron.get('TTAI_TOKEN', 'SECRET')\n",
        "TTAI_TOKEN",
        'the default of `environ.get("TTAI_TOKEN")`',
        id="imported-environ",
    ),
    pytest.param(
        "from os import getenv\ngetenv('TTAI_TOKEN', default='SECRET')\n",
        "TTAI_TOKEN",
        'the default of `getenv("TTAI_TOKEN")`',
        id="imported-getenv-keyword",
    ),
    pytest.param(
        "import os as system\nsystem.getenv('TTAI_TOKEN', 'SECRET')\n",
        "TTAI_TOKEN",
        'the default of `system.getenv("TTAI_TOKEN")`',
        id="aliased-os",
    ),
    pytest.param(
        "import os\ntoken = os.getenv('TTAI_TOKEN') or 'SECRET'\n",
        "TTAI_TOKEN",
        'the fallback for `os.getenv("TTAI_TOKEN")`',
        id="or-fallback",
    ),
    pytest.param(
        "import os\nTTAI_TOKEN = os.getenv('OTHER', 'SECRET')\n",
        "TTAI_TOKEN",
        'assigned to `TTAI_TOKEN`, as the default of `os.getenv("OTHER")`',
        id="token-named-target-of-lookup",
    ),
    pytest.param(
        "import os\nTTAI_TOKEN = os.environ.get('OTHER') or 'SECRET'\n",
        "TTAI_TOKEN",
        "assigned to `TTAI_TOKEN`, as the fallback value",
        id="token-named-target-of-fallback",
    ),
    pytest.param(
        "def connect(ttai_token='SECRET'):\n    pass\n",
        "ttai_token",
        "the default of parameter `ttai_token`",
        id="parameter-default",
    ),
    pytest.param(
        "headers = {'Authorization': 'Bearer SECRET'}\n",
        "Authorization",
        AUTHORIZATION_CONTEXT,
        id="authorization-dict",
    ),
    pytest.param(
        "headers['Authorization'] = 'bearer  SECRET'\n",
        "Authorization",
        AUTHORIZATION_CONTEXT,
        id="authorization-item",
    ),
    pytest.param(
        "headers = {'authorization': 'Bearer ' 'SECRET'}\n",
        "Authorization",
        AUTHORIZATION_CONTEXT,
        id="authorization-concatenated",
    ),
    pytest.param(
        "headers = {'X-TTAI-Key': 'SECRET'}\n",
        "X-TTAI-Key",
        "sent in the `X-TTAI-Key` header",
        id="token-named-header",
    ),
    pytest.param(
        "class TTAIClient:\n    def __init__(self):\n        self.api_key = 'SECRET'\n",
        "self.api_key",
        "assigned to `self.api_key`",
        id="client-class-attribute",
    ),
    pytest.param(
        "import ttai\nttai.api_key = 'SECRET'\n",
        "ttai.api_key",
        "assigned to `ttai.api_key`",
        id="client-module-attribute",
    ),
]


@pytest.mark.parametrize(("source", "name", "context"), CREDENTIAL_CASES)
def test_credential_count(source: str, name: str, context: str) -> None:
    assert len(credentials(source)) == 1


@pytest.mark.parametrize(("source", "name", "context"), CREDENTIAL_CASES)
def test_credential_name(source: str, name: str, context: str) -> None:
    assert credentials(source)[0].name == name


@pytest.mark.parametrize(("source", "name", "context"), CREDENTIAL_CASES)
def test_credential_value(source: str, name: str, context: str) -> None:
    assert credentials(source)[0].literal.value == SECRET


@pytest.mark.parametrize(("source", "name", "context"), CREDENTIAL_CASES)
def test_credential_context(source: str, name: str, context: str) -> None:
    assert credentials(source)[0].context == context


@pytest.mark.parametrize(("source", "name", "context"), CREDENTIAL_CASES)
def test_credential_offset(source: str, name: str, context: str) -> None:
    text = source.replace("SECRET", SECRET)
    first = text.index(SECRET[:10])
    assert credentials(source)[0].literal.source_offset(0) == first


def test_credential_bearer_segments() -> None:
    source = "headers = {'Authorization': 'Bearer ' 'SECRET'}\n".replace("SECRET", SECRET)
    literal = analyze(source, SETTINGS).credentials[0].literal
    assert literal.segments == (Segment(0, source.index(SECRET), len(SECRET)),)


def test_credential_extra_token_name() -> None:
    settings = AnalyzerSettings(token_names=("APP_PASSWORD",))
    found = credentials("APP_PASSWORD = 'SECRET'\n", settings)
    assert [credential.name for credential in found] == ["APP_PASSWORD"]


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("import os\nTTAI_TOKEN = os.environ['TTAI_TOKEN']\n", id="environ-read"),
        pytest.param("TTAI_TOKEN = get_token()\n", id="call"),
        pytest.param("TTAI_TOKEN = other\n", id="name"),
        pytest.param("TTAI_TOKEN = settings.token\n", id="attribute-read"),
        pytest.param("API_KEY = 'SECRET'\n", id="not-token-named"),
        pytest.param("token_name = 'TTAI_TOKEN'\n", id="name-of-variable"),
        pytest.param("headers = {'Authorization': f'Bearer {token}'}\n", id="f-string-header"),
        pytest.param("headers = {'Authorization': 'Bearer ' + token}\n", id="concatenated-header"),
        pytest.param("headers = {'Authorization': 'Basic SECRET'}\n", id="basic-header"),
        pytest.param("TTAI_TOKEN += 'SECRET'\n", id="augmented"),
        pytest.param("TTAI_TOKEN = f'{prefix}{body}'\n", id="f-string-only-fields"),
        pytest.param("TTAI_TOKEN = ''\n", id="empty"),
        pytest.param("client.api_key = 'SECRET'\n", id="other-client-attribute"),
        pytest.param("Other(api_key='SECRET')\n", id="other-client-keyword"),
        pytest.param("import os\nos.getenv('OTHER', 'SECRET')\n", id="other-variable-default"),
        pytest.param("import os\nvalue = os.getenv('OTHER') or 'SECRET'\n", id="other-fallback"),
        pytest.param("def connect(ttai_token=None):\n    pass\n", id="parameter-none"),
        pytest.param("print('TTAI_TOKEN', 'SECRET')\n", id="positional"),
    ],
)
def test_credential_absent(source: str) -> None:
    assert credentials(source) == []


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------

URL = "http://a.example.net/x"

REQUEST_CASES = [
    pytest.param("import requests\nrequests.get(URL)\n", "requests.get", id="requests"),
    pytest.param("import requests as r\nr.post(url=URL)\n", "r.post", id="module-alias"),
    pytest.param("from requests import get\nget(URL)\n", "get", id="imported-function"),
    pytest.param(
        "from requests import get as fetch\nfetch(URL)\n", "fetch", id="imported-function-alias"
    ),
    pytest.param(
        "import requests\nrequests.request('GET', URL)\n", "requests.request", id="request-method"
    ),
    pytest.param(
        "import requests\ns = requests.Session()\ns.get(URL)\n", "s.get", id="session-variable"
    ),
    pytest.param(
        "import requests\nwith requests.Session() as s:\n    s.put(URL)\n",
        "s.put",
        id="session-with",
    ),
    pytest.param(
        "import requests\nrequests.Session().delete(URL)\n",
        "requests.Session().delete",
        id="session-chained",
    ),
    pytest.param(
        "import requests\nclass A:\n    def __init__(self):\n"
        "        self.http = requests.Session()\n"
        "    def go(self):\n        self.http.head(URL)\n",
        "self.http.head",
        id="session-attribute",
    ),
    pytest.param("import httpx\nhttpx.patch(URL)\n", "httpx.patch", id="httpx"),
    pytest.param("import httpx\nhttpx.stream('GET', URL)\n", "httpx.stream", id="httpx-stream"),
    pytest.param(
        "import httpx\nhttpx.Client(base_url=URL)\n", "httpx.Client", id="httpx-client-base-url"
    ),
    pytest.param(
        "from httpx import AsyncClient\nasync def f():\n    async with AsyncClient() as c:\n"
        "        await c.get(URL)\n",
        "c.get",
        id="httpx-async-client",
    ),
    pytest.param(
        "import urllib.request\nurllib.request.urlopen(URL)\n",
        "urllib.request.urlopen",
        id="urlopen",
    ),
    pytest.param(
        "from urllib.request import Request\nRequest(URL)\n", "Request", id="urllib-request"
    ),
    pytest.param(
        "from urllib import request\nrequest.urlopen(URL)\n", "request.urlopen", id="urllib-module"
    ),
    pytest.param(
        "import aiohttp\nasync def f():\n    async with aiohttp.ClientSession() as session:\n"
        "        await session.post(URL)\n",
        "session.post",
        id="aiohttp-with",
    ),
    pytest.param(
        "import aiohttp\nsession = aiohttp.ClientSession()\nsession.ws_connect(URL)\n",
        "session.ws_connect",
        id="aiohttp-variable",
    ),
    pytest.param(
        "import aiohttp\naiohttp.ClientSession().get(URL)\n",
        "aiohttp.ClientSession().get",
        id="aiohttp-chained",
    ),
    pytest.param(
        "import urllib3\nhttp = urllib3.PoolManager()\nhttp.request('GET', URL)\n",
        "http.request",
        id="urllib3",
    ),
    pytest.param(
        "import websocket\nwebsocket.create_connection(URL)\n",
        "websocket.create_connection",
        id="websocket",
    ),
    pytest.param(
        "import websockets\nwebsockets.connect(URL)\n", "websockets.connect", id="websockets"
    ),
    pytest.param(
        "def f(session):\n    session.get(URL)\n", "session.get", id="session-named-parameter"
    ),
]


@pytest.mark.parametrize(("source", "callee"), REQUEST_CASES)
def test_request_callee(source: str, callee: str) -> None:
    assert request(source.replace("URL", repr(URL))).callee == callee


@pytest.mark.parametrize(("source", "callee"), REQUEST_CASES)
def test_request_offset(source: str, callee: str) -> None:
    text = source.replace("URL", repr(URL))
    assert request(text).offset == text.rindex(callee.split("(")[0])


@pytest.mark.parametrize(("source", "callee"), REQUEST_CASES)
def test_request_url_value(source: str, callee: str) -> None:
    found = request(source.replace("URL", repr(URL))).url
    assert found is not None
    assert found.value == URL


@pytest.mark.parametrize(("source", "callee"), REQUEST_CASES)
def test_request_url_offset(source: str, callee: str) -> None:
    text = source.replace("URL", repr(URL))
    found = request(text).url
    assert found is not None
    assert found.source_offset(0) == text.index(URL)


def test_request_host_connection() -> None:
    source = "import http.client\nhttp.client.HTTPConnection('api.example.net')\n"
    found = request(source).url
    assert found is not None
    assert found.value == "http://api.example.net"
    assert found.source_offset(len("http://")) == source.index("api.example.net")


def test_request_host_https_connection() -> None:
    source = "from http.client import HTTPSConnection\nHTTPSConnection(host='api.example.net')\n"
    found = request(source).url
    assert found is not None
    assert found.value == "https://api.example.net"


def test_request_host_dynamic() -> None:
    assert request("import http.client\nhttp.client.HTTPConnection(host)\n").url is None


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("d = {}\nd.get('http://a.example.net')\n", id="dict-get"),
        pytest.param("import requests\nrequests.Session()\n", id="session-constructor"),
        pytest.param("import httpx\nhttpx.Client()\n", id="client-without-base-url"),
        pytest.param("import os\nos.path.join('http://a.example.net')\n", id="other-module"),
        pytest.param("get('http://a.example.net')\n", id="unknown-function"),
    ],
)
def test_request_absent(source: str) -> None:
    assert analyze(source, SETTINGS).requests == []


RESOLUTION_CASES = [
    pytest.param(
        "import requests\nBASE_URL = 'http://a.example.net'\nrequests.get(BASE_URL + '/v1')\n",
        "http://a.example.net/v1",
        id="constant-plus",
    ),
    pytest.param(
        "import requests\nBASE_URL = 'http://a.example.net'\nrequests.get(f'{BASE_URL}/v1')\n",
        "http://a.example.net/v1",
        id="f-string",
    ),
    pytest.param(
        "import requests\nfrom urllib.parse import urljoin\nBASE = 'http://a.example.net/api/'\n"
        "requests.get(urljoin(BASE, 'v1'))\n",
        "http://a.example.net/api/v1",
        id="urljoin-relative",
    ),
    pytest.param(
        "import requests\nfrom urllib.parse import urljoin\nBASE = 'http://a.example.net/api/'\n"
        "requests.get(urljoin(BASE, '/v1'))\n",
        "http://a.example.net/v1",
        id="urljoin-absolute-path",
    ),
    pytest.param(
        "import requests\nBASE = 'http://a.example.net'\nrequests.get('{}/v1'.format(BASE))\n",
        "http://a.example.net/v1",
        id="format-method",
    ),
    pytest.param(
        "import requests\nBASE = 'http://a.example.net'\nrequests.get('%s/v1' % BASE)\n",
        "http://a.example.net/v1",
        id="percent-format",
    ),
    pytest.param(
        "import os, requests\nBASE = os.getenv('API_URL', 'http://a.example.net')\n"
        "requests.get(BASE + '/v1')\n",
        "http://a.example.net/v1",
        id="getenv-default",
    ),
    pytest.param(
        "import requests\nclass Api:\n    BASE_URL = 'http://a.example.net'\n"
        "    def fetch(self):\n        return requests.get(self.BASE_URL + '/v1')\n",
        "http://a.example.net/v1",
        id="class-attribute",
    ),
    pytest.param(
        "import requests\nclass Api:\n    def __init__(self):\n"
        "        self.base_url = 'http://a.example.net'\n"
        "    def fetch(self):\n        return requests.get(self.base_url + '/v1')\n",
        "http://a.example.net/v1",
        id="init-attribute",
    ),
    pytest.param(
        "import requests\ndef outer():\n    base = 'http://a.example.net'\n"
        "    def inner():\n        return requests.get(base + '/v1')\n",
        "http://a.example.net/v1",
        id="enclosing-function",
    ),
    pytest.param(
        "import requests\ndef fetch():\n    return requests.get(BASE + '/v1')\n"
        "BASE = 'http://a.example.net'\n",
        "http://a.example.net/v1",
        id="defined-after-use",
    ),
    pytest.param(
        "import requests\nHOST = 'http://a.example.net'\nBASE = HOST + '/api'\n"
        "requests.get(BASE + '/v1')\n",
        "http://a.example.net/api/v1",
        id="chained-constants",
    ),
    pytest.param(
        "import httpx\nBASE = 'http://a.example.net'\nhttpx.AsyncClient(base_url=BASE)\n",
        "http://a.example.net",
        id="base-url-name",
    ),
    pytest.param(
        "import requests\nBASE = 'http://a.example.net'\nBASE = 'http://b.example.net'\n"
        "requests.get(BASE + '/v1')\n",
        "\x00/v1",
        id="assigned-twice",
    ),
    pytest.param(
        "import requests\nBASE = 'http://a.example.net'\ndef f(BASE):\n"
        "    return requests.get(BASE + '/v1')\n",
        "\x00/v1",
        id="shadowed-by-parameter",
    ),
    pytest.param(
        "import requests\nclass Api:\n    def setup(self):\n        self.base = 'http://a.example.net'\n"
        "    def fetch(self):\n        return requests.get(self.base + '/v1')\n",
        "\x00/v1",
        id="attribute-outside-init",
    ),
    pytest.param(
        "import requests\nA = B\nB = A\nrequests.get(A + '/v1')\n",
        "\x00/v1",
        id="cycle",
    ),
]


@pytest.mark.parametrize(("source", "value"), RESOLUTION_CASES)
def test_resolution_value(source: str, value: str) -> None:
    found = request(source).url
    assert found is not None
    assert found.value == value


@pytest.mark.parametrize(
    ("source", "value"), [case for case in RESOLUTION_CASES if "\x00" not in case.values[1]]
)
def test_resolution_constant_offset(source: str, value: str) -> None:
    found = request(source).url
    assert found is not None
    assert found.source_offset(0) == source.index("http://a.example.net")


def test_resolution_segments_both_places() -> None:
    source = "import requests\nBASE_URL = 'http://a.example.net'\nrequests.get(BASE_URL + '/v1')\n"
    found = request(source).url
    assert found is not None
    assert found.segments == (
        Segment(0, source.index("http://"), len("http://a.example.net")),
        Segment(len("http://a.example.net"), source.index("/v1"), 3),
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("import requests\nrequests.get(url)\n", id="unknown-name"),
        pytest.param("import requests\nrequests.get()\n", id="missing"),
        pytest.param("import requests\nrequests.get(*args)\n", id="star-arguments"),
        pytest.param("import requests\nrequests.get(make_url())\n", id="call"),
        pytest.param("import requests, os\nrequests.get(os.environ['URL'])\n", id="environ-read"),
    ],
)
def test_resolution_nothing_static(source: str) -> None:
    assert request(source).url is None


# ---------------------------------------------------------------------------
# Failures
# ---------------------------------------------------------------------------


def test_failure_syntax_error() -> None:
    with pytest.raises(AnalysisError, match="invalid Python syntax at line 3, column 1"):
        analyze("x = 1\ny = (\n", SETTINGS)


def test_failure_tokenizer_error_line() -> None:
    with pytest.raises(AnalysisError, match="at line 3: unterminated string literal"):
        analyze('x = 1\ny = 2\nz = "abc\n', SETTINGS)


def test_failure_surrogate() -> None:
    with pytest.raises(AnalysisError, match="libcst failed to parse"):
        analyze('x = "\udcff"\n', SETTINGS)


def test_failure_nested_parentheses() -> None:
    source = "x = " + "(" * 1000 + "1" + ")" * 1000 + "\n"
    with pytest.raises(AnalysisError, match="nested too deeply to parse safely"):
        analyze(source, SETTINGS)


def test_failure_long_plus_chain() -> None:
    source = "x = " + " + ".join(['"a"'] * 5000) + "\n"
    with pytest.raises(AnalysisError, match="line 1 is nested too deeply"):
        analyze(source, SETTINGS)


def test_failure_recursion_in_libcst() -> None:
    # Below the nesting estimate's limit, but deeper than libcst's recursive
    # code generation handles under the default recursion limit.
    source = "x = " + " + ".join(['"a"'] * 900) + "\n"
    with pytest.raises(AnalysisError, match="for libcst"):
        analyze(source, SETTINGS)


def test_failure_elif_chain() -> None:
    source = "if a:\n    pass\n" + "elif a:\n    pass\n" * 1200
    with pytest.raises(AnalysisError, match="nested too deeply to parse safely"):
        analyze(source, SETTINGS)


def test_nesting_moderate_accepted() -> None:
    source = "x = " + "(" * 100 + "'abc'" + ")" * 100 + "\n"
    assert only(analyze(source, SETTINGS).strings, "abc").source_offset(0) == 105


def test_nesting_polynomial_accepted() -> None:
    source = "x = " + " + ".join(["3*p**5*q**3"] * 200) + "\n"
    assert analyze(source, SETTINGS).parsed is True


# Each of these crashes libcst 1.9's native parser (SIGSEGV) when parsed, so
# each runs in its own interpreter.
CRASHING_SOURCES = {
    "brackets": "'x = ' + '[' * 3000 + ']' * 3000",
    "or-chain": "'x = ' + ' or '.join(['a'] * 20000)",
    "f-strings": "'x = ' + 'f\"{' * 1200 + '1' + '}\"' * 1200",
    "lambdas": "'x = ' + 'lambda: ' * 4000 + '1'",
    "unary": "'x = ' + '-' * 20000 + '1'",
    "lambda-defaults": "'x = ' + 'lambda a, b=' * 5000 + '1' + ': 1' * 5000",
    "quote-reuse": "'x = ' + 'f\"{f\")\"' * 3000 + '1' + '}\"' * 3000",
}


@pytest.mark.parametrize("expression", CRASHING_SOURCES.values(), ids=CRASHING_SOURCES.keys())
def test_failure_crashing_input(expression: str) -> None:
    program = (
        "from ttai_guard.analyzers import AnalysisError, AnalyzerSettings\n"
        "from ttai_guard.analyzers.python import analyze\n"
        f"source = {expression} + '\\n'\n"
        "try:\n"
        "    analyze(source, AnalyzerSettings())\n"
        "except AnalysisError:\n"
        "    print('AnalysisError')\n"
    )
    environment = {**os.environ, "PYTHONPATH": PACKAGE_ROOT}
    completed = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "AnalysisError"


# ---------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------


def test_facts_parsed() -> None:
    facts: Facts = analyze("x = 1\n", SETTINGS)
    assert facts.parsed is True


def test_facts_empty_file() -> None:
    facts = analyze("", SETTINGS)
    assert (facts.strings, facts.comments, facts.credentials, facts.requests) == ([], [], [], [])
