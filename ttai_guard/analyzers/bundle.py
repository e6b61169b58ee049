"""The bundle level: cheap facts for very large JavaScript, TypeScript and markup files.

Minified bundles and generated files such as ``typescript.js`` (9 MB) cost
tree-sitter and the JavaScript analyzer about 35 bytes of memory per source
byte, so :mod:`ttai_guard.analysis` sends files above a size limit here
instead. This level finds, with regular expressions over the text:

- tokens and ToughTongue URLs, by giving the whole text as one string value
  (as the text level does);
- request calls whose URL argument is a string or template literal written
  at the call (``fetch("…")``, ``axios.get("…")``, ``$.ajax("…")``,
  ``new WebSocket("…")``, ``navigator.sendBeacon("…")``,
  ``xhr.open("GET", "…")``);
- one module spanning the text, with its ``"use client"`` or ``"use server"``
  directive, the browser globals it reads, the client-only or server-only
  modules it imports or requires, and its ``process.env.NAME`` and
  ``import.meta.env.NAME`` reads.

It does not see URLs passed through variables, constants or client
instances (``const api = axios.create({baseURL})``), credentials, exports,
or scopes. A browser global counts wherever its name appears as a whole
word outside ``typeof``, including in comments, strings and names that a
local declaration shadows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.analyzers.javascript.signals import import_side
from ttai_guard.facts import DYNAMIC, EnvRef, Facts, Literal, Module, Request, Segment

# Request calls with a literal first argument. The callee must not follow an
# identifier character or a dot, so `obj.fetch(` and `prefetch(` do not match.
_REQUEST_CALL = re.compile(
    r"""(?<![\w$.])
    (?P<callee>
        new\s+(?:(?:window|globalThis|self)\.)?(?:WebSocket|EventSource)
      | (?:(?:window|globalThis|self)\.)?fetch
      | (?:window\.)?navigator\.sendBeacon
      | axios(?:\.(?:get|delete|head|options|post|put|patch|request|postForm|putForm|patchForm))?
      | (?:ky|got|ofetch|\$fetch)(?:\.(?:get|post|put|patch|delete|head|options))?
      | superagent\.(?:get|post|put|patch|delete|head|options|del)
      | (?:\$|jQuery)\.(?:ajax|get|post|getJSON|getScript)
    )
    \s*\(\s*(?P<quote>["'`])""",
    re.VERBOSE,
)
# `xhr.open("GET", "…")`: the method argument shows that `open` sends a request.
_OPEN_CALL = re.compile(
    r"""(?<![\w$.])(?P<callee>[A-Za-z_$][\w$]*\.open)\s*\(\s*
    (?P<method>["'])(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)(?P=method)\s*,\s*
    (?P<quote>["'`])""",
    re.VERBOSE | re.IGNORECASE,
)
_QUOTED_SPECIFIER = r"""(?P<quote>["'])(?P<specifier>[^"'\\\n]{1,200})(?P=quote)"""
_CALL_OPEN = re.compile(r"\(\s*[\"'`]")
# The last name of every callee above; a call of another name is not matched.
_CALLEE_ENDINGS = (
    *("fetch", "WebSocket", "EventSource", "sendBeacon", "axios", "ky", "got", "ofetch"),
    *("get", "delete", "head", "options", "post", "put", "patch", "request", "del"),
    *("postForm", "putForm", "patchForm", "ajax", "getJSON", "getScript", "open"),
)
_LONGEST_ENDING = max(map(len, _CALLEE_ENDINGS))
# String bodies up to the closing quote, a backslash, a substitution or a line break.
_BODY = {
    '"': re.compile(r'[^"\\\n]*'),
    "'": re.compile(r"[^'\\\n]*"),
    "`": re.compile(r"(?:[^`\\$]|\$(?!\{))*"),
}
# URLs longer than this are cut; the request keeps the static part.
_MAX_URL = 4096

# Each pattern starts with a literal, so the regex engine finds candidates
# by a fast substring search. The lookbehind after the literal rejects a name
# that continues an identifier or follows a dot.
_GLOBAL_NAMES = (
    *("window", "document", "localStorage", "sessionStorage", "navigator", "indexedDB"),
    *("customElements", "requestAnimationFrame", "cancelAnimationFrame"),
    *("requestIdleCallback", "matchMedia", "getComputedStyle", "IntersectionObserver"),
    *("ResizeObserver", "MutationObserver"),
)
_BROWSER_GLOBALS = tuple(re.compile(rf"{name}(?<![\w$.]{name})(?![\w$])") for name in _GLOBAL_NAMES)
_HTML_ELEMENT = re.compile(r"HTML(?<![\w$.]HTML)[A-Za-z]*Element(?![\w$])")
_TYPEOF_BEFORE = re.compile(r"typeof\s*$")
_SPECIFIERS = (
    re.compile(r"require(?<![\w$.]require)\s*\(\s*" + _QUOTED_SPECIFIER),
    re.compile(r"import(?<![\w$.]import)\s*(?:\(\s*)?" + _QUOTED_SPECIFIER),
    re.compile(r"from(?<![\w$.]from)\s*" + _QUOTED_SPECIFIER),
)
_ENV_READ = re.compile(r"\.env\.(?P<name>[A-Za-z_$][\w$]*)")
_NAME_OR_DOT = re.compile(r"[\w$.]")
_DIRECTIVE = re.compile(r"""(?P<quote>["'])(?P<directive>use client|use server)(?P=quote)""")


def analyze(text: str, settings: AnalyzerSettings, dialect: str = "javascript") -> Facts:
    """Extract the bundle-level facts of ``text``: whole-text strings, requests and one module."""
    del settings
    requests = sorted(_requests(text), key=lambda request: request.offset)
    return Facts(
        strings=[Literal.at(text, 0)],
        requests=requests,
        modules=[_module(text, dialect)],
        parsed=True,
    )


def _requests(text: str) -> Iterator[Request]:
    # The call patterns start with a lookbehind, so the regex engine would try
    # them at every offset (about 50 MB/s, measured). Instead, a literal search
    # finds each opening parenthesis followed by a quote. Where a request method
    # name comes before it, the pattern is matched once, at the start of that
    # dotted name (or at a `new` before it).
    for candidate in _CALL_OPEN.finditer(text):
        paren = candidate.start()
        end = paren
        while end > 0 and text[end - 1].isspace():
            end -= 1
        if not text.endswith(_CALLEE_ENDINGS, max(0, end - _LONGEST_ENDING), end):
            continue
        start = end
        while start > 0 and _is_name_or_dot(text[start - 1]):
            start -= 1
        for begin in (_new_before(text, start), start):
            if begin is None:
                continue
            request = _request_at(text, begin, paren)
            if request is not None:
                yield request
                break


def _is_name_or_dot(character: str) -> bool:
    # The same characters as the regular expression class [\w$.].
    return character.isalnum() or character in "_$."


def _new_before(text: str, start: int) -> int | None:
    """Return the offset of a `new` keyword followed by whitespace before ``start``."""
    position = start
    while position > 0 and text[position - 1].isspace():
        position -= 1
    if position == start or not text.startswith("new", position - 3):
        return None
    if position > 3 and _is_name_or_dot(text[position - 4]):
        return None
    return position - 3


def _request_at(text: str, start: int, paren: int) -> Request | None:
    """Match a request call whose callee starts at ``start`` and whose ``(`` is at ``paren``."""
    for pattern in (_REQUEST_CALL, _OPEN_CALL):
        match = pattern.match(text, start)
        if match is None or text.find("(", match.end("callee")) != paren:
            continue
        found = _literal_after(text, match.end("quote"), match.group("quote"))
        if found is None:
            return None
        callee = " ".join(match.group("callee").split())
        return Request(callee, start, found if found.value else None)
    return None


def _literal_after(text: str, start: int, quote: str) -> Literal | None:
    """Read the string literal whose body starts at ``start``.

    Returns ``None`` for an unterminated string. A body cut by an escape, a
    substitution or the length limit keeps its static prefix followed by
    :data:`DYNAMIC`.
    """
    body = _BODY[quote].match(text, start, min(len(text), start + _MAX_URL))
    assert body is not None  # The pattern matches the empty string.
    end = body.end()
    value = body.group()
    if end < len(text) and text[end] == quote:
        return Literal.at(value, start)
    if end >= len(text) or text[end] == "\n":
        return None
    if not value:
        return Literal("", ())
    return Literal(value + DYNAMIC, (Segment(0, start, len(value)),))


def _module(text: str, dialect: str) -> Module:
    module = Module(start=0, end=len(text), dialect=dialect)
    directive = _DIRECTIVE.match(text, _prologue_start(text))
    if directive is not None:
        module.directive = directive.group("directive")
        module.directive_offset = directive.start("directive")
    client: dict[str, int] = {}
    server: dict[str, int] = {}
    for name, offset in _browser_globals(text):
        client.setdefault(f"uses the browser global `{name}`", offset)
    for specifier, offset in _specifiers(text):
        side = import_side(specifier)
        if side is not None:
            found = client if side == "client" else server
            found.setdefault(f"imports `{specifier}`", offset)
    module.client_signals = sorted(client.items(), key=lambda item: item[1])
    module.server_signals = sorted(server.items(), key=lambda item: item[1])
    module.env_refs = list(_env_reads(text))
    return module


def _specifiers(text: str) -> list[tuple[str, int]]:
    """Return the module specifiers of ``require``, ``import`` and ``from``, in text order."""
    matches = sorted(
        (match for pattern in _SPECIFIERS for match in pattern.finditer(text)),
        key=lambda match: match.start(),
    )
    found: list[tuple[str, int]] = []
    end = 0
    for match in matches:
        # A keyword inside an earlier match (`require("a from")`) is not a new one.
        if match.start() < end:
            continue
        end = match.end()
        found.append((match.group("specifier"), match.start("specifier")))
    return found


def _env_reads(text: str) -> Iterator[EnvRef]:
    """Yield the ``process.env.NAME`` and ``import.meta.env.NAME`` reads."""
    for match in _ENV_READ.finditer(text):
        dot = match.start()
        for via in ("process", "import.meta"):
            start = dot - len(via)
            if start < 0 or not text.startswith(via, start):
                continue
            if start > 0 and _NAME_OR_DOT.match(text, start - 1):
                continue
            name = match.group("name")
            yield EnvRef(name, match.start("name"), match.end("name"), via + ".env")


def _prologue_start(text: str) -> int:
    """Return the offset of the first statement, after leading whitespace and comments."""
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if text.startswith("//", position):
            end = text.find("\n", position)
        elif text.startswith("/*", position):
            end = text.find("*/", position + 2)
            end = -1 if end < 0 else end + 2
        else:
            return position
        if end < 0:
            return len(text)
        position = end


def _browser_globals(text: str) -> Iterator[tuple[str, int]]:
    """Yield each browser global name with its first offset outside ``typeof``."""
    seen: set[str] = set()
    for pattern in (*_BROWSER_GLOBALS, _HTML_ELEMENT):
        for match in pattern.finditer(text):
            name = match.group()
            if name in seen:
                continue
            if _TYPEOF_BEFORE.search(text, max(0, match.start() - 16), match.start()):
                continue
            seen.add(name)
            yield name, match.start()
            if pattern is not _HTML_ELEMENT:
                # Each of the other patterns matches one name only.
                break
