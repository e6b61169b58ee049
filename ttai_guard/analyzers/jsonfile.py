"""JSON and JSONC files for the key-value analyzer.

:func:`parse_json` is a recursive-descent parser whose string nodes map every
decoded character to its place in the source. Notebooks use it too.
:func:`analyze_json` turns a document into strings, comments and settings,
and reads a document that does not parse line by line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.analyzers.literals import (
    LiteralBuilder,
    add_setting,
    decode_escapes,
    find_line_end,
    line_literal,
    split_lines,
)
from ttai_guard.facts import Facts, Literal


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
                end = find_line_end(text, self.position)
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


def parse_json(text: str, *, allow_comments: bool = False) -> tuple[JsonNode, list[Literal]]:
    """Parse JSON (or JSONC) and return its root node and its comments.

    Every string node carries a literal whose segments point at the exact
    characters in ``text``, with each escape sequence mapped to its backslash.
    Raises :class:`AnalysisError` with the line and column of a syntax error.
    """
    parser = _JsonParser(text, allow_comments)
    return parser.parse_document(), parser.comments


def analyze_json(text: str, settings: AnalyzerSettings) -> Facts:
    """Extract strings, comments and settings from JSON or JSONC, or its lines if it is invalid."""
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
