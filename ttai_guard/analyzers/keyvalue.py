"""Analyzer for configuration files, shell scripts and other line-oriented text.

``analyze(text, settings, kind=...)`` reads JSON, YAML, TOML, INI/CFG,
Dockerfiles, shell scripts and plain text. Every line becomes a string, except
comments, which go to ``comments``. Name and value pairs become settings with
exact offsets, and settings bound to token names become credentials. Only the
standard library is used, so YAML and TOML are read by line-level scanners,
not by full parsers.

The module also contains the helpers that the other text-format analyzers share:
:class:`LiteralBuilder`, the position-tracking JSON parser :func:`parse_json`,
:func:`remap_facts` and :func:`bearer_credentials`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.facts import DYNAMIC, Credential, Facts, Literal, Region, Request, Segment
from ttai_guard.names import is_token_name, is_toughtongue_client

#: The values of the ``kind`` argument of :func:`analyze`.
KINDS = ("json", "yaml", "toml", "ini", "dockerfile", "shell", "text")

BEARER_CONTEXT = "sent as a `Bearer` token in an `Authorization` header"


# Literals -----------------------------------------------------------------


class LiteralBuilder:
    """Assemble a :class:`Literal` from decoded pieces and their source offsets."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._segments: list[Segment] = []
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def add_run(self, value: str, source_start: int) -> None:
        """Append characters copied one-to-one from the source at ``source_start``."""
        if not value:
            return
        last = self._segments[-1] if self._segments else None
        if (
            last is not None
            and last.value_start + last.length == self._length
            and last.source_start + last.length == source_start
        ):
            self._segments[-1] = Segment(
                last.value_start, last.source_start, last.length + len(value)
            )
        else:
            self._segments.append(Segment(self._length, source_start, len(value)))
        self._parts.append(value)
        self._length += len(value)

    def add_escape(self, value: str, source_start: int) -> None:
        """Append the characters of an escape sequence that starts at ``source_start``."""
        if not value:
            return
        self._segments.append(Segment(self._length, source_start, len(value)))
        self._parts.append(value)
        self._length += len(value)

    def add_unmapped(self, value: str) -> None:
        """Append characters that no source character spells, such as a joining space."""
        self._parts.append(value)
        self._length += len(value)

    def add_dynamic(self) -> None:
        """Append :data:`DYNAMIC` for a part whose value is not known statically."""
        self.add_unmapped(DYNAMIC)

    def add_literal(self, literal: Literal) -> None:
        """Append a whole literal, keeping its map to the source."""
        for segment in literal.segments:
            self._segments.append(
                Segment(segment.value_start + self._length, segment.source_start, segment.length)
            )
        self._parts.append(literal.value)
        self._length += len(literal.value)

    def build(self) -> Literal:
        return Literal("".join(self._parts), tuple(self._segments))


def slice_literal(literal: Literal, start: int, end: int) -> Literal:
    """Return ``literal.value[start:end]`` as a literal with its part of the source map."""
    segments = []
    for segment in literal.segments:
        low = max(start, segment.value_start)
        high = min(end, segment.value_start + segment.length)
        if low < high:
            source = segment.source_start + (low - segment.value_start)
            segments.append(Segment(low - start, source, high - low))
    return Literal(literal.value[start:end], tuple(segments))


def remap_literal(literal: Literal, mapping: Literal) -> Literal:
    """Move a literal found in ``mapping.value`` into the coordinates of ``mapping``'s source.

    ``literal``'s segments point into ``mapping.value`` (a notebook cell's
    decoded text, a dedented code block). Each of them is split where
    ``mapping`` changes segment, so escapes in the outer source stay exact.
    """
    starts = [segment.value_start for segment in mapping.segments]
    segments: list[Segment] = []
    for segment in literal.segments:
        low = segment.source_start
        high = low + segment.length
        index = max(bisect.bisect_right(starts, low) - 1, 0)
        while index < len(mapping.segments):
            outer = mapping.segments[index]
            if outer.value_start >= high:
                break
            first = max(low, outer.value_start)
            last = min(high, outer.value_start + outer.length)
            if first < last:
                source = outer.source_start + (first - outer.value_start)
                segments.append(Segment(segment.value_start + (first - low), source, last - first))
            index += 1
    return Literal(literal.value, tuple(segments))


def remap_facts(facts: Facts, mapping: Literal) -> Facts:
    """Return ``facts`` found in ``mapping.value`` with offsets moved into ``mapping``'s source."""
    return Facts(
        strings=[remap_literal(literal, mapping) for literal in facts.strings],
        comments=[remap_literal(literal, mapping) for literal in facts.comments],
        credentials=[
            Credential(
                credential.name, remap_literal(credential.literal, mapping), credential.context
            )
            for credential in facts.credentials
        ],
        requests=[
            Request(
                request.callee,
                mapping.source_offset(request.offset),
                None if request.url is None else remap_literal(request.url, mapping),
            )
            for request in facts.requests
        ],
        settings=[(name, remap_literal(literal, mapping)) for name, literal in facts.settings],
        regions=[
            Region(
                mapping.source_offset(region.start), mapping.source_end(region.end), region.label
            )
            for region in facts.regions
        ],
        parsed=facts.parsed,
        notes=list(facts.notes),
    )


# Lines --------------------------------------------------------------------

# Line breaks as LineIndex counts them: LF, CRLF and a lone CR.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Line:
    """One physical line: ``[start, end)`` without its line break, ``next`` after it."""

    number: int
    start: int
    end: int
    next: int


def split_lines(text: str) -> list[Line]:
    """Split ``text`` into physical lines, keeping offsets."""
    lines = []
    start = 0
    number = 1
    for match in _LINE_BREAK.finditer(text):
        lines.append(Line(number, start, match.start(), match.end()))
        start = match.end()
        number += 1
    if start < len(text) or not lines:
        lines.append(Line(number, start, len(text), len(text)))
    return lines


def line_literal(text: str, start: int, end: int) -> Literal | None:
    """Return ``text[start:end]`` without trailing whitespace, or ``None`` when blank."""
    value = text[start:end].rstrip()
    if not value.strip():
        return None
    return Literal.at(value, start)


def plain_text_facts(text: str) -> Facts:
    """Return facts with every non-blank line of ``text`` as a string."""
    facts = Facts()
    for line in split_lines(text):
        literal = line_literal(text, line.start, line.end)
        if literal is not None:
            facts.strings.append(literal)
    add_bearer_credentials(facts)
    return facts


def _strings_outside_comments(
    text: str, lines: list[Line], comment_starts: Sequence[int], facts: Facts
) -> None:
    """Add each line to ``facts.strings``, cut where a comment in ``comment_starts`` begins."""
    ordered = sorted(comment_starts)
    for line in lines:
        end = line.end
        index = bisect.bisect_left(ordered, line.start)
        if index < len(ordered) and ordered[index] < line.end:
            end = ordered[index]
        literal = line_literal(text, line.start, end)
        if literal is not None:
            facts.strings.append(literal)


# Credentials --------------------------------------------------------------

# An `Authorization: Bearer <credential>` header in any spelling: an HTTP
# header line, a curl `--header` argument, a JSON or YAML key and value.
_BEARER_HEADER = re.compile(
    r"(?<![A-Za-z])authorization[\"']?[ \t]*[:=][ \t]*[\"']?[ \t]*bearer[ \t]+"
    r"(?P<credential>[^\s\"'`,;\\\x00]+)",
    re.IGNORECASE,
)
_BEARER_VALUE = re.compile(r"[ \t]*bearer[ \t]+(?P<credential>[^\s\"'`,;\\\x00]+)", re.IGNORECASE)


def bearer_credentials(literal: Literal) -> list[Credential]:
    """Return a credential for each ``Authorization: Bearer x`` header in a literal."""
    return [
        Credential(
            "Authorization",
            slice_literal(literal, match.start("credential"), match.end("credential")),
            BEARER_CONTEXT,
        )
        for match in _BEARER_HEADER.finditer(literal.value)
    ]


def add_bearer_credentials(facts: Facts) -> None:
    """Add the bearer credentials of every string and comment in ``facts``."""
    for literal in (*facts.strings, *facts.comments):
        if "bearer" in literal.value.lower():
            facts.credentials.extend(bearer_credentials(literal))


def credential_name(name: str, scope: Sequence[str], settings: AnalyzerSettings) -> str | None:
    """Return the name to report when a setting contains a ToughTongue credential, else ``None``.

    A setting is a credential when its own name is token-named (``TTAI_TOKEN``)
    or when a section or parent key names the product and the setting's name
    has a credential word (``api_key`` under ``[toughtongue]``). The second
    form is reported under its dotted path.
    """
    if is_token_name(name, settings.token_names):
        return name
    if any(is_toughtongue_client(part) for part in scope) and is_token_name(f"ttai {name}"):
        # is_token_name wants a product word, which the enclosing section supplies.
        return ".".join((*scope, name))
    return None


def add_setting(
    facts: Facts,
    name: str,
    literal: Literal,
    settings: AnalyzerSettings,
    scope: Sequence[str] = (),
) -> None:
    """Record a name and value pair, and the credential it contains if any."""
    facts.settings.append((name, literal))
    reported = credential_name(name, scope, settings)
    if reported is not None:
        facts.credentials.append(Credential(reported, literal, f"assigned to `{reported}`"))
    if name.strip().lower() == "authorization":
        match = _BEARER_VALUE.match(literal.value)
        if match:
            value = slice_literal(literal, match.start("credential"), match.end("credential"))
            facts.credentials.append(Credential("Authorization", value, BEARER_CONTEXT))


def deduplicate_credentials(facts: Facts) -> None:
    """Drop credentials found twice at the same place (by a key and by a header scan)."""
    seen: set[tuple[str, str, int]] = set()
    unique = []
    for credential in facts.credentials:
        literal = credential.literal
        start = literal.segments[0].source_start if literal.segments else -1
        key = (credential.name, literal.value, start)
        if key not in seen:
            seen.add(key)
            unique.append(credential)
    facts.credentials = unique


# Escapes ------------------------------------------------------------------


def decode_escapes(
    text: str,
    start: int,
    end: int,
    builder: LiteralBuilder,
    simple: dict[str, str],
    hex_digits: dict[str, int],
) -> None:
    """Decode backslash escapes in ``text[start:end]`` into ``builder``.

    ``simple`` maps the character after a backslash to its value and
    ``hex_digits`` maps ``x``/``u``/``U`` to the number of hex digits. Any
    other backslash is kept with the character after it.
    """
    position = start
    while position < end:
        backslash = text.find("\\", position, end)
        if backslash < 0:
            builder.add_run(text[position:end], position)
            return
        builder.add_run(text[position:backslash], position)
        if backslash + 1 >= end:
            builder.add_run("\\", backslash)
            return
        marker = text[backslash + 1]
        if marker in simple:
            builder.add_escape(simple[marker], backslash)
            position = backslash + 2
            continue
        digits = hex_digits.get(marker, 0)
        code = text[backslash + 2 : backslash + 2 + digits]
        if digits and len(code) == digits and all(c in "0123456789abcdefABCDEF" for c in code):
            builder.add_escape(chr(min(int(code, 16), 0x10FFFF)), backslash)
            position = backslash + 2 + digits
            continue
        builder.add_run(text[backslash : backslash + 2], backslash)
        position = backslash + 2


# JSON ---------------------------------------------------------------------


@dataclass(slots=True)
class JsonNode:
    """A JSON value with its span ``[start, end)`` in the parsed text.

    ``kind`` is ``object``, ``array``, ``string`` or ``scalar``. A string node
    has ``literal`` (the decoded value mapped to the source), an object
    ``members`` (key node and value node, in source order, duplicates kept)
    and an array ``items``.
    """

    kind: str
    start: int
    end: int
    literal: Literal | None = None
    members: tuple[tuple[JsonNode, JsonNode], ...] = ()
    items: tuple[JsonNode, ...] = ()

    @property
    def string(self) -> str | None:
        """The decoded value of a string node, ``None`` for other kinds."""
        return self.literal.value if self.literal is not None else None

    def member(self, key: str) -> JsonNode | None:
        """Return the value of ``key`` in an object (the last one, as ``json.loads`` does)."""
        found = None
        for name, value in self.members:
            if name.string == key:
                found = value
        return found

    def strings(self) -> Iterator[Literal]:
        """Yield the literal of every string in this subtree, keys included."""
        stack = [self]
        while stack:
            node = stack.pop()
            if node.literal is not None:
                yield node.literal
            for key, value in reversed(node.members):
                stack.append(value)
                stack.append(key)
            stack.extend(reversed(node.items))


_JSON_ESCAPES = {
    '"': '"',
    "\\": "\\",
    "/": "/",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_JSON_RUN = re.compile(r'[^"\\\x00-\x1f]+')
_JSON_WHITESPACE = re.compile(r"[ \t\r\n]*")
_JSON_SCALAR = re.compile(
    r"-?(?:Infinity|(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)|true|false|null|NaN"
)
_JSON_MAX_DEPTH = 400


class _JsonParser:
    """A recursive-descent JSON parser that keeps every value's position.

    With ``allow_comments`` it also reads JSONC (``//`` and ``/* */``
    comments, trailing commas), as VS Code settings and MCP configurations use.
    """

    def __init__(self, text: str, allow_comments: bool) -> None:
        self.text = text
        self.allow_comments = allow_comments
        self.comments: list[Literal] = []
        self.position = 1 if text.startswith("\ufeff") else 0

    def fail(self, expected: str) -> AnalysisError:
        line = self.text.count("\n", 0, self.position) + 1
        column = self.position - (self.text.rfind("\n", 0, self.position) + 1) + 1
        found = self.text[self.position : self.position + 1] or "end of file"
        return AnalysisError(
            f"invalid JSON at line {line}, column {column}: expected {expected}, found {found!r}"
        )

    def skip_whitespace(self) -> None:
        match = _JSON_WHITESPACE.match(self.text, self.position)
        assert match is not None
        self.position = match.end()
        if self.allow_comments and self.text.startswith("/", self.position):
            self._skip_comments()

    def _skip_comments(self) -> None:
        text = self.text
        while True:
            if text.startswith("//", self.position):
                end = _line_end(text, self.position)
            elif text.startswith("/*", self.position):
                close = text.find("*/", self.position + 2)
                if close < 0:
                    raise self.fail("`*/` closing the comment")
                end = close + 2
            else:
                return
            self.comments.append(Literal.at(text[self.position : end], self.position))
            match = _JSON_WHITESPACE.match(text, end)
            assert match is not None
            self.position = match.end()

    def parse_document(self) -> JsonNode:
        self.skip_whitespace()
        node = self.parse_value(0)
        self.skip_whitespace()
        if self.position != len(self.text):
            raise self.fail("end of file")
        return node

    def parse_value(self, depth: int) -> JsonNode:
        if depth > _JSON_MAX_DEPTH:
            raise AnalysisError(f"JSON nested deeper than {_JSON_MAX_DEPTH} levels")
        char = self.text[self.position : self.position + 1]
        if char == "{":
            return self.parse_object(depth)
        if char == "[":
            return self.parse_array(depth)
        if char == '"':
            return self.parse_string()
        match = _JSON_SCALAR.match(self.text, self.position)
        if match is None:
            raise self.fail("a JSON value")
        self.position = match.end()
        return JsonNode("scalar", match.start(), match.end())

    def parse_object(self, depth: int) -> JsonNode:
        start = self.position
        members = []
        self.position += 1
        self.skip_whitespace()
        while self.text.startswith('"', self.position):
            key = self.parse_string()
            self.skip_whitespace()
            if not self.text.startswith(":", self.position):
                raise self.fail("`:` after an object key")
            self.position += 1
            self.skip_whitespace()
            members.append((key, self.parse_value(depth + 1)))
            self.skip_whitespace()
            if not self.text.startswith(",", self.position):
                break
            self.position += 1
            self.skip_whitespace()
            if not self.allow_comments and not self.text.startswith('"', self.position):
                raise self.fail("an object key after `,`")
        if not self.text.startswith("}", self.position):
            raise self.fail("`}` or an object key")
        self.position += 1
        return JsonNode("object", start, self.position, members=tuple(members))

    def parse_array(self, depth: int) -> JsonNode:
        start = self.position
        items = []
        self.position += 1
        self.skip_whitespace()
        while not self.text.startswith("]", self.position):
            items.append(self.parse_value(depth + 1))
            self.skip_whitespace()
            if not self.text.startswith(",", self.position):
                break
            self.position += 1
            self.skip_whitespace()
            if not self.allow_comments and self.text.startswith("]", self.position):
                raise self.fail("a value after `,`")
        if not self.text.startswith("]", self.position):
            raise self.fail("`]` or `,`")
        self.position += 1
        return JsonNode("array", start, self.position, items=tuple(items))

    def parse_string(self) -> JsonNode:
        text = self.text
        start = self.position
        position = start + 1
        run = _JSON_RUN.match(text, position)
        run_end = run.end() if run is not None else position
        if text.startswith('"', run_end):
            # No escape sequence: the value maps one-to-one onto the source.
            self.position = run_end + 1
            literal = Literal.at(text[position:run_end], position)
            return JsonNode("string", start, self.position, literal=literal)
        builder = LiteralBuilder()
        while True:
            run = _JSON_RUN.match(text, position)
            if run is not None:
                builder.add_run(run.group(), position)
                position = run.end()
            char = text[position : position + 1]
            if char == '"':
                break
            if char != "\\":
                self.position = position
                raise self.fail('`"` closing the string')
            position = self._parse_escape(position, builder)
        self.position = position + 1
        return JsonNode("string", start, self.position, literal=builder.build())

    def _parse_escape(self, backslash: int, builder: LiteralBuilder) -> int:
        text = self.text
        marker = text[backslash + 1 : backslash + 2]
        if marker in _JSON_ESCAPES and marker:
            builder.add_escape(_JSON_ESCAPES[marker], backslash)
            return backslash + 2
        code = _hex_code(text, backslash + 2, 4) if marker == "u" else None
        if code is None:
            self.position = backslash
            raise self.fail("a valid escape sequence")
        end = backslash + 6
        if 0xD800 <= code < 0xDC00 and text.startswith("\\u", end):
            low = _hex_code(text, end + 2, 4)
            if low is not None and 0xDC00 <= low < 0xE000:
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                end += 6
        builder.add_escape(chr(code), backslash)
        return end


def _hex_code(text: str, start: int, digits: int) -> int | None:
    code = text[start : start + digits]
    if len(code) != digits or not all(c in "0123456789abcdefABCDEF" for c in code):
        return None
    return int(code, 16)


def _line_end(text: str, position: int) -> int:
    match = _LINE_BREAK.search(text, position)
    return match.start() if match else len(text)


def parse_json(text: str, *, allow_comments: bool = False) -> tuple[JsonNode, list[Literal]]:
    """Parse JSON (or JSONC) and return its root node and its comments.

    Every string node carries a literal whose segments point at the exact
    characters in ``text``, with each escape sequence mapped to its backslash.
    Raises :class:`AnalysisError` with the line and column of a syntax error.
    """
    parser = _JsonParser(text, allow_comments)
    return parser.parse_document(), parser.comments


def _analyze_json(text: str, settings: AnalyzerSettings) -> Facts:
    try:
        root, comments = parse_json(text, allow_comments=True)
    except AnalysisError as error:
        return _analyze_json_lines(text, settings, str(error))
    facts = Facts(comments=comments)
    _add_json_node(root, (), facts, settings)
    return facts


def _add_json_node(
    node: JsonNode, scope: tuple[str, ...], facts: Facts, settings: AnalyzerSettings
) -> None:
    if node.literal is not None:
        facts.strings.append(node.literal)
    for key, value in node.members:
        assert key.literal is not None
        facts.strings.append(key.literal)
        if value.literal is not None:
            add_setting(facts, key.literal.value, value.literal, settings, scope)
            facts.strings.append(value.literal)
        else:
            _add_json_node(value, (*scope, key.literal.value), facts, settings)
    for item in node.items:
        _add_json_node(item, scope, facts, settings)


_JSON_PAIR = re.compile(r'"(?P<key>(?:[^"\\]|\\.)*)"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"')


def _analyze_json_lines(text: str, settings: AnalyzerSettings, error: str) -> Facts:
    """Read JSON that does not parse: every line, and ``"key": "value"`` pairs per line."""
    facts = Facts(parsed=False, notes=[f"{error}, so settings were read line by line"])
    for line in split_lines(text):
        literal = line_literal(text, line.start, line.end)
        if literal is None:
            continue
        facts.strings.append(literal)
        for match in _JSON_PAIR.finditer(text, line.start, line.end):
            builder = LiteralBuilder()
            decode_escapes(
                text, match.start("value"), match.end("value"), builder, _JSON_ESCAPES, {"u": 4}
            )
            add_setting(facts, match.group("key"), builder.build(), settings)
    return facts


# YAML ---------------------------------------------------------------------

_YAML_KEY_LINE = re.compile(
    r"""(?P<indent>[ ]*)(?P<dashes>(?:-[ ]+)*)
    (?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'\[\]{},&*!|>%@`?-][^\r\n]*?|-[^\s][^\r\n]*?)
    [ \t]*:(?=[ \t]|$)""",
    re.VERBOSE,
)
_YAML_ENV_ITEM = re.compile(
    r"[ ]*-[ ]+(?P<quote>[\"']?)(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)=(?P<rest>.*)$"
)
_YAML_BLOCK_HEADER = re.compile(r"(?P<style>[|>])(?P<flags>[+-]?[1-9]?|[1-9][+-])[ \t]*(?:#.*)?$")
_YAML_PROPERTIES = re.compile(r"(?:[&!][^\s]*[ \t]+)+")
_YAML_DOUBLE_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_YAML_HEX = {"x": 2, "u": 4, "U": 8}


def _closing_double_quote(text: str, opening: int, end: int) -> int:
    """Return the index of the ``"`` closing a backslash-escaped string, or -1."""
    position = opening + 1
    while position < end:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == '"':
            return position
        position += 1
    return -1


def _closing_single_quote(text: str, opening: int, end: int) -> int:
    """Return the index of the ``'`` closing a YAML single-quoted scalar (``''`` escapes)."""
    position = opening + 1
    while position < end:
        if text[position] == "'":
            if text.startswith("''", position):
                position += 2
                continue
            return position
        position += 1
    return -1


def _yaml_comment_start(text: str, start: int, end: int) -> int:
    """Return the offset of a ``#`` comment in a YAML line, or -1.

    A ``#`` starts a comment at the line start or after whitespace. Quotes are
    recognised only where a scalar can start, so ``it's`` inside a plain
    scalar does not hide a comment.
    """
    position = start
    scalar_start = True
    while position < end:
        char = text[position]
        if char == "#" and (position == start or text[position - 1] in " \t"):
            return position
        if scalar_start and char in "\"'":
            if char == '"':
                close = _closing_double_quote(text, position, end)
            else:
                close = _closing_single_quote(text, position, end)
            if close < 0:
                return -1
            position = close + 1
            scalar_start = False
            continue
        following = text[position + 1 : position + 2]
        if char in ",[{" or (char in "-:?" and following in ("", " ", "\t")):
            scalar_start = True
        elif char not in " \t":
            scalar_start = False
        position += 1
    return -1


def _yaml_indent(text: str, line: Line) -> int:
    return len(text[line.start : line.end]) - len(text[line.start : line.end].lstrip(" "))


@dataclass
class _BlockScalar:
    """A ``|`` or ``>`` block scalar whose content lines are still being read."""

    name: str
    scope: tuple[str, ...]
    parent_indent: int
    folded: bool
    chomping: str
    content_indent: int | None
    lines: list[Line] = field(default_factory=list)


class _YamlScanner:
    def __init__(self, text: str, settings: AnalyzerSettings) -> None:
        self.text = text
        self.settings = settings
        self.facts = Facts()
        self.path: list[tuple[int, str]] = []
        self.block: _BlockScalar | None = None

    def run(self) -> Facts:
        for line in split_lines(self.text):
            if self.block is not None and self._continue_block(line):
                continue
            self._line(line)
        if self.block is not None:
            self._finish_block()
        return self.facts

    def _line(self, line: Line) -> None:
        text = self.text
        comment = _yaml_comment_start(text, line.start, line.end)
        code_end = line.end if comment < 0 else comment
        if comment >= 0:
            self.facts.comments.append(Literal.at(text[comment : line.end].rstrip(), comment))
        literal = line_literal(text, line.start, code_end)
        if literal is None:
            return
        self.facts.strings.append(literal)
        stripped = literal.value.strip()
        if stripped in ("---", "...") or stripped.startswith("--- "):
            self.path = []
            return
        match = _YAML_KEY_LINE.match(text, line.start, code_end)
        if match is not None:
            self._key_value(match, code_end)
            return
        item = _YAML_ENV_ITEM.match(text, line.start, code_end)
        if item is not None:
            self._env_item(item, code_end)

    def _scope_for(self, column: int) -> tuple[str, ...]:
        while self.path and self.path[-1][0] >= column:
            self.path.pop()
        return tuple(name for _, name in self.path)

    def _key_value(self, match: re.Match[str], code_end: int) -> None:
        text = self.text
        column = match.start("key") - match.start("indent")
        name = _yaml_key_name(match.group("key"))
        scope = self._scope_for(column)
        position = match.end()
        while position < code_end and text[position] in " \t":
            position += 1
        properties = _YAML_PROPERTIES.match(text, position, code_end)
        if properties is not None:
            position = properties.end()
        if position >= code_end:
            self.path.append((column, name))
            return
        header = _YAML_BLOCK_HEADER.match(text[position:code_end].rstrip())
        if header is not None:
            flags = header.group("flags")
            chomping = ""
            if "-" in flags:
                chomping = "-"
            elif "+" in flags:
                chomping = "+"
            digits = [c for c in flags if c.isdigit()]
            content_indent = column + int(digits[0]) if digits else None
            self.block = _BlockScalar(
                name=name,
                scope=scope,
                parent_indent=column,
                folded=header.group("style") == ">",
                chomping=chomping,
                content_indent=content_indent,
            )
            return
        value = self._scalar(position, code_end)
        if value is not None:
            add_setting(self.facts, name, value, self.settings, scope)

    def _scalar(self, position: int, code_end: int) -> Literal | None:
        """Decode the scalar at ``position``, or return ``None`` for flow collections."""
        text = self.text
        char = text[position]
        builder = LiteralBuilder()
        if char == '"':
            close = _closing_double_quote(text, position, code_end)
            if close < 0:
                # NOTE: quoted scalars that continue on the next line are not read.
                return None
            decode_escapes(text, position + 1, close, builder, _YAML_DOUBLE_ESCAPES, _YAML_HEX)
            return builder.build()
        if char == "'":
            close = _closing_single_quote(text, position, code_end)
            if close < 0:
                return None
            _decode_single_quoted(text, position + 1, close, builder)
            return builder.build()
        if char in "[*" or (char == "{" and not text.startswith("{{", position)):
            # NOTE: flow collections (`{a: b}`, `[a, b]`) and aliases give no settings.
            return None
        # NOTE: a plain scalar that continues on more-indented lines keeps only its first line.
        value = text[position:code_end].rstrip()
        return Literal.at(value, position)

    def _env_item(self, match: re.Match[str], code_end: int) -> None:
        text = self.text
        quote = match.group("quote")
        value_start = match.start("rest")
        value_end = code_end
        builder = LiteralBuilder()
        if quote == '"':
            close = _closing_double_quote(text, match.start("quote"), code_end)
            if close < 0:
                return
            decode_escapes(text, value_start, close, builder, _YAML_DOUBLE_ESCAPES, _YAML_HEX)
        elif quote == "'":
            close = _closing_single_quote(text, match.start("quote"), code_end)
            if close < 0:
                return
            _decode_single_quoted(text, value_start, close, builder)
        else:
            value = text[value_start:value_end].rstrip()
            builder.add_run(value, value_start)
        dash_column = text.index("-", match.start()) - match.start()
        # A sequence may sit at its parent key's indentation, so only deeper keys end.
        scope = self._scope_for(dash_column + 1)
        add_setting(self.facts, match.group("name"), builder.build(), self.settings, scope)

    def _continue_block(self, line: Line) -> bool:
        """Add ``line`` to the open block scalar, or close it and return False."""
        block = self.block
        assert block is not None
        blank = not self.text[line.start : line.end].strip()
        indent = _yaml_indent(self.text, line)
        if not blank:
            if block.content_indent is None:
                if indent <= block.parent_indent:
                    self._finish_block()
                    return False
                block.content_indent = indent
            elif indent < block.content_indent:
                self._finish_block()
                return False
        block.lines.append(line)
        literal = line_literal(self.text, line.start, line.end)
        if literal is not None:
            self.facts.strings.append(literal)
        return True

    def _finish_block(self) -> None:
        block = self.block
        assert block is not None
        self.block = None
        lines = list(block.lines)
        trailing = 0
        while lines and not self.text[lines[-1].start : lines[-1].end].strip():
            lines.pop()
            trailing += 1

        builder = LiteralBuilder()
        if block.folded:
            self._fold_lines(lines, block.content_indent or 0, builder)
        else:
            self._join_lines(lines, block.content_indent or 0, builder)

        if lines and block.chomping != "-":
            builder.add_unmapped("\n")
        if block.chomping == "+":
            builder.add_unmapped("\n" * trailing)
        add_setting(self.facts, block.name, builder.build(), self.settings, block.scope)

    def _join_lines(self, lines: list[Line], indent: int, builder: LiteralBuilder) -> None:
        """Append a literal (``|``) block: the lines without indentation, joined by line breaks."""
        for index, line in enumerate(lines):
            if index:
                builder.add_unmapped("\n")
            content_start = min(line.start + indent, line.end)
            builder.add_run(self.text[content_start : line.end], content_start)

    def _fold_lines(self, lines: list[Line], indent: int, builder: LiteralBuilder) -> None:
        """Append a folded (``>``) block: lines joined by spaces, blank lines kept as breaks.

        NOTE: more-indented lines are folded too, although YAML keeps their line breaks.
        """
        previous_blank = True
        for line in lines:
            content_start = min(line.start + indent, line.end)
            content = self.text[content_start : line.end]
            if not content.strip():
                builder.add_unmapped("\n")
                previous_blank = True
                continue
            if not previous_blank:
                builder.add_unmapped(" ")
            previous_blank = False
            builder.add_run(content, content_start)


def _decode_single_quoted(text: str, start: int, end: int, builder: LiteralBuilder) -> None:
    """Decode the body of a YAML single-quoted scalar, where ``''`` stands for one quote."""
    position = start
    while position < end:
        doubled = text.find("''", position, end)
        if doubled < 0:
            builder.add_run(text[position:end], position)
            return
        builder.add_run(text[position : doubled + 1], position)
        position = doubled + 2


def _yaml_key_name(key: str) -> str:
    if key.startswith('"') and key.endswith('"') and len(key) >= 2:
        builder = LiteralBuilder()
        decode_escapes(key, 1, len(key) - 1, builder, _YAML_DOUBLE_ESCAPES, _YAML_HEX)
        return builder.build().value
    if key.startswith("'") and key.endswith("'") and len(key) >= 2:
        return key[1:-1].replace("''", "'")
    return key.strip()


# TOML ---------------------------------------------------------------------

_TOML_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TOML_SCALAR = re.compile(r"[^\s,\]}#]+")
_TOML_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    '"': '"',
    "\\": "\\",
}
_TOML_HEX = {"x": 2, "u": 4, "U": 8}
# A backslash at the end of a line inside a `"""` string removes the line
# break and the whitespace that follows.
_TOML_LINE_ENDING_BACKSLASH = re.compile(r"\\[ \t]*(?:\r\n|\r|\n)[ \t\r\n]*")


class _TomlError(Exception):
    pass


class _TomlScanner:
    def __init__(self, text: str, settings: AnalyzerSettings) -> None:
        self.text = text
        self.settings = settings
        self.facts = Facts()
        self.comment_starts: list[int] = []
        self.position = 0

    def run(self) -> Facts:
        text = self.text
        table: tuple[str, ...] = ()
        while True:
            self._skip(" \t\r\n\ufeff")
            if self.position >= len(text):
                break
            start = self.position
            try:
                if text[start] == "#":
                    self._comment()
                elif text[start] == "[":
                    table = self._table_header()
                else:
                    self._key_value(table)
                self._skip(" \t")
                if self.position < len(text) and text[self.position] == "#":
                    self._comment()
                elif self.position < len(text) and text[self.position] not in "\r\n":
                    raise _TomlError("expected the end of the line")
            except _TomlError as error:
                line = text.count("\n", 0, self.position) + 1
                self.facts.notes.append(f"TOML line {line}: {error}, so the line was skipped")
                self.position = max(_line_end(text, self.position), start + 1)
        _strings_outside_comments(text, split_lines(text), self.comment_starts, self.facts)
        return self.facts

    def _skip(self, characters: str) -> None:
        while self.position < len(self.text) and self.text[self.position] in characters:
            self.position += 1

    def _skip_blank_and_comments(self) -> None:
        while True:
            self._skip(" \t\r\n")
            if self.text.startswith("#", self.position):
                self._comment()
            else:
                return

    def _comment(self) -> None:
        end = _line_end(self.text, self.position)
        self.comment_starts.append(self.position)
        self.facts.comments.append(Literal.at(self.text[self.position : end], self.position))
        self.position = end

    def _table_header(self) -> tuple[str, ...]:
        double = self.text.startswith("[[", self.position)
        self.position += 2 if double else 1
        self._skip(" \t")
        keys = self._key()
        self._skip(" \t")
        closing = "]]" if double else "]"
        if not self.text.startswith(closing, self.position):
            raise _TomlError(f"expected `{closing}` closing the table header")
        self.position += len(closing)
        return keys

    def _key(self) -> tuple[str, ...]:
        parts = []
        while True:
            self._skip(" \t")
            char = self.text[self.position : self.position + 1]
            if char in ('"', "'"):
                literal = self._string()
                parts.append(literal.value)
            else:
                match = _TOML_BARE_KEY.match(self.text, self.position)
                if match is None:
                    raise _TomlError("expected a key")
                parts.append(match.group())
                self.position = match.end()
            self._skip(" \t")
            if not self.text.startswith(".", self.position):
                return tuple(parts)
            self.position += 1

    def _key_value(self, scope: tuple[str, ...]) -> None:
        keys = self._key()
        if not self.text.startswith("=", self.position):
            raise _TomlError("expected `=` after a key")
        self.position += 1
        self._skip(" \t")
        self._value((*scope, *keys[:-1]), keys[-1])

    def _value(self, scope: tuple[str, ...], name: str | None) -> None:
        char = self.text[self.position : self.position + 1]
        if char in ('"', "'"):
            literal = self._string()
            if name is not None:
                add_setting(self.facts, name, literal, self.settings, scope)
        elif char == "{":
            self._inline_table(scope if name is None else (*scope, name))
        elif char == "[":
            self._array(scope)
        else:
            match = _TOML_SCALAR.match(self.text, self.position)
            if match is None:
                raise _TomlError("expected a value")
            self.position = match.end()

    def _inline_table(self, scope: tuple[str, ...]) -> None:
        self.position += 1
        while True:
            self._skip(" \t")
            if self.text.startswith("}", self.position):
                self.position += 1
                return
            self._key_value(scope)
            self._skip(" \t")
            if self.text.startswith(",", self.position):
                self.position += 1
            elif not self.text.startswith("}", self.position):
                raise _TomlError("expected `,` or `}` in an inline table")

    def _array(self, scope: tuple[str, ...]) -> None:
        self.position += 1
        while True:
            self._skip_blank_and_comments()
            if self.position >= len(self.text):
                raise _TomlError("expected `]` closing the array")
            if self.text.startswith("]", self.position):
                self.position += 1
                return
            self._value(scope, None)
            self._skip_blank_and_comments()
            if self.text.startswith(",", self.position):
                self.position += 1
            elif not self.text.startswith("]", self.position):
                raise _TomlError("expected `,` or `]` in an array")

    def _string(self) -> Literal:
        text = self.text
        start = self.position
        builder = LiteralBuilder()
        for delimiter in ('"""', "'''"):
            if text.startswith(delimiter, start):
                close = text.find(delimiter, start + 3)
                if close < 0:
                    raise _TomlError(f"expected `{delimiter}` closing the string")
                # Up to two quotes may end the body right before the delimiter.
                for _ in range(2):
                    if text.startswith(delimiter[0], close + 3):
                        close += 1
                body_start = start + 3
                if text.startswith("\r\n", body_start):
                    body_start += 2
                elif text.startswith("\n", body_start):
                    body_start += 1
                if delimiter == '"""':
                    self._decode_multiline_basic(body_start, close, builder)
                else:
                    builder.add_run(text[body_start:close], body_start)
                self.position = close + 3
                return builder.build()
        quote = text[start]
        end = _line_end(text, start)
        if quote == '"':
            close = _closing_double_quote(text, start, end)
        else:
            close = text.find("'", start + 1, end)
        if close < 0:
            raise _TomlError("expected a quote closing the string")
        if quote == '"':
            decode_escapes(text, start + 1, close, builder, _TOML_ESCAPES, _TOML_HEX)
        else:
            builder.add_run(text[start + 1 : close], start + 1)
        self.position = close + 1
        return builder.build()

    def _decode_multiline_basic(self, start: int, end: int, builder: LiteralBuilder) -> None:
        position = start
        for match in _TOML_LINE_ENDING_BACKSLASH.finditer(self.text, start, end):
            decode_escapes(self.text, position, match.start(), builder, _TOML_ESCAPES, _TOML_HEX)
            position = match.end()
        decode_escapes(self.text, position, end, builder, _TOML_ESCAPES, _TOML_HEX)


# INI ----------------------------------------------------------------------

_INI_SECTION = re.compile(r"[ \t]*\[(?P<name>[^\]\r\n]*)\]")
_INI_DELIMITER_COLON = re.compile(r":(?=[ \t]|$)")


def _analyze_ini(text: str, settings: AnalyzerSettings) -> Facts:
    facts = Facts()
    section: tuple[str, ...] = ()
    for line in split_lines(text):
        raw = text[line.start : line.end]
        stripped = raw.lstrip()
        if not stripped:
            continue
        first = line.end - len(stripped)
        if stripped[0] in "#;":
            facts.comments.append(Literal.at(stripped.rstrip(), first))
            continue
        header = _INI_SECTION.match(text, line.start, line.end)
        if header is not None:
            section = (header.group("name").strip(),)
            code_end = _ini_comment(text, header.end(), line.end, facts)
            _append_line(text, line.start, code_end, facts)
            continue
        delimiter = _ini_delimiter(raw)
        if delimiter < 0:
            # NOTE: indented continuation lines of a multi-line value are read as
            # lines only, and the setting keeps its first line.
            code_end = _ini_comment(text, first, line.end, facts)
            _append_line(text, line.start, code_end, facts)
            continue
        name = raw[:delimiter].strip()
        value_start = line.start + delimiter + 1
        while value_start < line.end and text[value_start] in " \t":
            value_start += 1
        code_end = _ini_comment(text, value_start, line.end, facts)
        _append_line(text, line.start, code_end, facts)
        value = text[value_start:code_end].rstrip()
        literal = Literal.at(value, value_start)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            literal = Literal.at(value[1:-1], value_start + 1)
        if name:
            add_setting(facts, name, literal, settings, section)
    return facts


def _ini_delimiter(raw: str) -> int:
    """Return the index of the ``=`` or ``:`` between name and value, or -1.

    A ``:`` counts only when whitespace or the line end follows it, so
    ``//registry.npmjs.org/:_authToken=x`` (``.npmrc``) splits at ``=``.
    """
    equals = raw.find("=")
    colon_match = _INI_DELIMITER_COLON.search(raw)
    colon = colon_match.start() if colon_match else -1
    candidates = [index for index in (equals, colon) if index > 0]
    if not candidates:
        bare_colon = raw.find(":")
        return bare_colon if bare_colon > 0 else -1
    return min(candidates)


def _ini_comment(text: str, start: int, end: int, facts: Facts) -> int:
    """Record an inline ``;`` or ``#`` comment after ``start`` and return where code ends.

    A value is cut at ``;`` or ``#`` after whitespace, outside a quoted
    value, as git config reads it. NOTE: Python's configparser keeps such
    comments in the value unless ``inline_comment_prefixes`` is set.
    """
    position = start
    if position < end and text[position] in "\"'":
        close = text.find(text[position], position + 1, end)
        if close > 0:
            position = close + 1
    while position < end:
        char = text[position]
        if char in ";#" and position > start and text[position - 1] in " \t":
            facts.comments.append(Literal.at(text[position:end].rstrip(), position))
            return position
        position += 1
    return end


def _append_line(text: str, start: int, end: int, facts: Facts) -> None:
    literal = line_literal(text, start, end)
    if literal is not None:
        facts.strings.append(literal)


# Shell --------------------------------------------------------------------

_SHELL_PLAIN = re.compile(r"[^ \t\r\n\\'\"$`;&|()<>]+")
_SHELL_DOUBLE_RUN = re.compile(r'[^"\\$`]+')
_SHELL_PARAMETER = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])?")
_SHELL_ASSIGNMENT = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=")
_SHELL_DECLARATIONS = frozenset({"export", "declare", "typeset", "local", "readonly", "env"})
_ANSI_C_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


@dataclass(frozen=True)
class ShellWord:
    """A shell word after quote removal, and its raw span ``[start, end)``."""

    literal: Literal
    start: int
    end: int


class ShellScanner:
    """Split shell text into commands of words, and record its comments.

    Quotes and backslashes are removed with their positions kept. Parameter
    expansions and command substitutions (``$TTAI_TOKEN``, ``$(cat f)``) stay
    as written, because their value is not known here.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.comments: list[Literal] = []

    def commands(self, start: int, end: int) -> Iterator[list[ShellWord]]:
        """Yield the words of each simple command in ``text[start:end]``."""
        text = self.text
        position = start
        words: list[ShellWord] = []
        heredocs: list[tuple[str, bool]] = []
        while position < end:
            char = text[position]
            if char in " \t":
                position += 1
            elif char == "\\" and text.startswith(("\\\n", "\\\r"), position):
                position += 3 if text.startswith("\\\r\n", position) else 2
            elif char in "\r\n":
                if words:
                    yield words
                    words = []
                position += 2 if text.startswith("\r\n", position) else 1
                if heredocs:
                    position = self._skip_heredocs(position, end, heredocs)
                    heredocs = []
            elif char == "#":
                comment_end = min(_line_end(text, position), end)
                self.comments.append(Literal.at(text[position:comment_end], position))
                position = comment_end
            elif char in ";&|()":
                if words:
                    yield words
                    words = []
                position += 1
            elif char in "<>":
                position = self._redirection(position, end, heredocs)
            else:
                word = self.word(position, end)
                words.append(word)
                position = max(word.end, position + 1)
        if words:
            yield words

    def _redirection(self, position: int, end: int, heredocs: list[tuple[str, bool]]) -> int:
        text = self.text
        if text.startswith("<<<", position):
            return position + 3
        if not text.startswith("<<", position):
            return position + 1
        position += 2
        strip_tabs = text.startswith("-", position)
        if strip_tabs:
            position += 1
        while position < end and text[position] in " \t":
            position += 1
        delimiter = self.word(position, end)
        if delimiter.literal.value:
            heredocs.append((delimiter.literal.value, strip_tabs))
        return max(delimiter.end, position)

    def _skip_heredocs(self, position: int, end: int, heredocs: list[tuple[str, bool]]) -> int:
        """Skip here-document bodies, which contain no commands and no comments."""
        for delimiter, strip_tabs in heredocs:
            while position < end:
                line_end = _line_end(self.text, position)
                line = self.text[position:line_end]
                if strip_tabs:
                    line = line.lstrip("\t")
                following = _LINE_BREAK.match(self.text, line_end)
                position = following.end() if following else line_end
                if line == delimiter:
                    break
        return position

    def word(self, position: int, end: int) -> ShellWord:
        """Read one word starting at ``position``."""
        text = self.text
        start = position
        builder = LiteralBuilder()
        while position < end:
            char = text[position]
            if char in " \t\r\n;&|()<>":
                break
            if char == "\\":
                position = self._backslash(position, end, builder)
            elif char == "'":
                close = text.find("'", position + 1, end)
                close = end if close < 0 else close
                builder.add_run(text[position + 1 : close], position + 1)
                position = close + 1
            elif char == '"':
                position = self._double_quoted(position + 1, end, builder)
            elif char == "$" and text.startswith("$'", position):
                position = self._ansi_c(position + 2, end, builder)
            elif char in "$`":
                position = self._expansion(position, end, builder)
            else:
                match = _SHELL_PLAIN.match(text, position, end)
                assert match is not None
                builder.add_run(match.group(), position)
                position = match.end()
        return ShellWord(builder.build(), start, min(position, end))

    def _backslash(self, position: int, end: int, builder: LiteralBuilder) -> int:
        text = self.text
        if position + 1 >= end:
            builder.add_run("\\", position)
            return position + 1
        if text.startswith("\\\r\n", position):
            return position + 3
        if text[position + 1] in "\r\n":
            return position + 2
        builder.add_escape(text[position + 1], position)
        return position + 2

    def _double_quoted(self, position: int, end: int, builder: LiteralBuilder) -> int:
        text = self.text
        while position < end:
            char = text[position]
            if char == '"':
                return position + 1
            if char == "\\":
                following = text[position + 1 : position + 2]
                if following in ("$", "`", '"', "\\"):
                    builder.add_escape(following, position)
                    position += 2
                elif following == "\n":
                    position += 2
                else:
                    builder.add_run("\\", position)
                    position += 1
            elif char in "$`":
                position = self._expansion(position, end, builder)
            else:
                match = _SHELL_DOUBLE_RUN.match(text, position, end)
                assert match is not None
                builder.add_run(match.group(), position)
                position = match.end()
        return end

    def _ansi_c(self, position: int, end: int, builder: LiteralBuilder) -> int:
        close = position
        while close < end and self.text[close] != "'":
            close += 2 if self.text[close] == "\\" else 1
        close = min(close, end)
        decode_escapes(self.text, position, close, builder, _ANSI_C_ESCAPES, {"x": 2})
        return close + 1

    def _expansion(self, position: int, end: int, builder: LiteralBuilder) -> int:
        """Copy ``$NAME``, ``${…}``, ``$(…)`` or a backquoted command as written."""
        text = self.text
        if text[position] == "`":
            close = text.find("`", position + 1, end)
            close = end - 1 if close < 0 else close
            builder.add_run(text[position : close + 1], position)
            return close + 1
        opening = text[position + 1 : position + 2]
        if opening in ("(", "{"):
            close = _matching_bracket(text, position + 1, end)
            builder.add_run(text[position:close], position)
            return close
        match = _SHELL_PARAMETER.match(text, position, end)
        assert match is not None
        builder.add_run(match.group(), position)
        return match.end()


def _matching_bracket(text: str, opening: int, end: int) -> int:
    """Return the offset after the bracket matching ``text[opening]``, skipping quotes."""
    pairs = {"(": ")", "{": "}"}
    stack = [pairs[text[opening]]]
    position = opening + 1
    while position < end and stack:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char in "'\"":
            close = text.find(char, position + 1, end)
            position = end if close < 0 else close + 1
            continue
        if char in pairs:
            stack.append(pairs[char])
        elif char == stack[-1]:
            stack.pop()
        position += 1
    return min(position, end)


def shell_assignment(scanner: ShellScanner, word: ShellWord) -> tuple[str, Literal] | None:
    """Return (name, value) when a word is an unquoted ``NAME=value`` assignment."""
    match = _SHELL_ASSIGNMENT.match(word.literal.value)
    if match is None:
        return None
    if scanner.text[word.start : word.start + match.end()] != match.group():
        return None
    value = slice_literal(word.literal, match.end(), len(word.literal.value))
    return match.group("name"), value


def add_shell_settings(
    scanner: ShellScanner,
    words: list[ShellWord],
    facts: Facts,
    settings: AnalyzerSettings,
) -> None:
    """Add the assignments of one command: ``A=1 cmd`` and ``export A=1``."""
    index = 0
    while index < len(words):
        assignment = shell_assignment(scanner, words[index])
        if assignment is None:
            break
        add_setting(facts, assignment[0], assignment[1], settings)
        index += 1
    if index >= len(words) or words[index].literal.value not in _SHELL_DECLARATIONS:
        return
    for word in words[index + 1 :]:
        if word.literal.value.startswith("-"):
            continue
        assignment = shell_assignment(scanner, word)
        if assignment is not None:
            add_setting(facts, assignment[0], assignment[1], settings)


def _analyze_shell(text: str, settings: AnalyzerSettings) -> Facts:
    facts = Facts()
    scanner = ShellScanner(text)
    for words in scanner.commands(0, len(text)):
        add_shell_settings(scanner, words, facts, settings)
    facts.comments.extend(scanner.comments)
    starts = [comment.segments[0].source_start for comment in scanner.comments]
    _strings_outside_comments(text, split_lines(text), starts, facts)
    return facts


# Dockerfile ---------------------------------------------------------------

_DOCKER_INSTRUCTION = re.compile(r"[ \t]*(?P<name>[A-Za-z]+)(?:[ \t]+|$)")


def _analyze_dockerfile(text: str, settings: AnalyzerSettings) -> Facts:
    facts = Facts()
    lines = split_lines(text)
    scanner = ShellScanner(text)
    comment_starts: list[int] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        raw = text[line.start : line.end]
        if not raw.strip():
            index += 1
            continue
        if raw.lstrip().startswith("#"):
            comment = line.end - len(raw.lstrip())
            comment_starts.append(comment)
            facts.comments.append(Literal.at(raw.strip(), comment))
            index += 1
            continue
        # NOTE: the `# escape=` parser directive is not read, so a backtick as the
        # escape character does not continue lines.
        last = index
        while text[lines[last].start : lines[last].end].rstrip().endswith("\\"):
            if last + 1 >= len(lines):
                break
            last += 1
            following = text[lines[last].start : lines[last].end].lstrip()
            if following.startswith("#"):
                comment = lines[last].end - len(following)
                comment_starts.append(comment)
                facts.comments.append(Literal.at(following.rstrip(), comment))
        _docker_instruction(text, line.start, lines[last].end, scanner, facts, settings)
        index = last + 1
    for shell_comment in scanner.comments:
        start = shell_comment.segments[0].source_start
        if start not in comment_starts:
            comment_starts.append(start)
            facts.comments.append(shell_comment)
    _strings_outside_comments(text, lines, comment_starts, facts)
    return facts


def _docker_instruction(
    text: str,
    start: int,
    end: int,
    scanner: ShellScanner,
    facts: Facts,
    settings: AnalyzerSettings,
) -> None:
    match = _DOCKER_INSTRUCTION.match(text, start, end)
    if match is None:
        return
    instruction = match.group("name").upper()
    arguments = match.end()
    if instruction == "RUN" and not text[arguments:end].lstrip().startswith("["):
        for words in scanner.commands(arguments, end):
            add_shell_settings(scanner, words, facts, settings)
        return
    if instruction not in ("ENV", "ARG"):
        return
    words = [word for command in scanner.commands(arguments, end) for word in command]
    if not words:
        return
    if instruction == "ENV" and "=" not in text[words[0].start : words[0].end]:
        # The old `ENV NAME value` form: the value is the rest of the instruction.
        rest = words[1:]
        if len(rest) == 1:
            add_setting(facts, words[0].literal.value, rest[0].literal, settings)
        elif rest:
            raw = text[rest[0].start : rest[-1].end]
            add_setting(facts, words[0].literal.value, Literal.at(raw, rest[0].start), settings)
        return
    for word in words:
        value = word.literal.value
        separator = value.find("=")
        if separator > 0:
            literal = slice_literal(word.literal, separator + 1, len(value))
            add_setting(facts, value[:separator], literal, settings)


# Entry point --------------------------------------------------------------


def analyze(text: str, settings: AnalyzerSettings, *, kind: str = "text") -> Facts:
    """Extract lines, comments, settings and credentials from a configuration file.

    ``kind`` is one of :data:`KINDS`. JSON is parsed (JSONC comments and
    trailing commas allowed) and gives every decoded string value. When it
    does not parse, it is read line by line and ``parsed`` is false. The
    other kinds give every line, with comments split off into ``comments``.
    """
    if kind == "json":
        facts = _analyze_json(text, settings)
    elif kind == "yaml":
        facts = _YamlScanner(text, settings).run()
    elif kind == "toml":
        facts = _TomlScanner(text, settings).run()
    elif kind == "ini":
        facts = _analyze_ini(text, settings)
    elif kind == "shell":
        facts = _analyze_shell(text, settings)
    elif kind == "dockerfile":
        facts = _analyze_dockerfile(text, settings)
    elif kind == "text":
        facts = plain_text_facts(text)
        return facts
    else:
        raise ValueError(f"unknown key-value kind {kind!r}, expected one of {', '.join(KINDS)}")
    add_bearer_credentials(facts)
    deduplicate_credentials(facts)
    return facts
