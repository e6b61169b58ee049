"""A TOML scanner for the key-value analyzer.

It reads tables, dotted keys, inline tables, arrays and all four string forms
with exact offsets, and records the string value of each key as a setting
under its table path. It does not check types or duplicate keys. A line it cannot read
gets a note in ``Facts.notes`` and is skipped, so the rest of the file is
still read.
"""

from __future__ import annotations

import re

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.analyzers.literals import (
    LiteralBuilder,
    add_setting,
    closing_double_quote,
    decode_escapes,
    find_line_end,
    split_lines,
    strings_outside_comments,
)
from ttai_guard.facts import Facts, Literal

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


class TomlScanner:
    """Read a TOML document into facts, which :meth:`run` returns."""

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
                self.position = max(find_line_end(text, self.position), start + 1)
        strings_outside_comments(text, split_lines(text), self.comment_starts, self.facts)
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
        end = find_line_end(self.text, self.position)
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
        end = find_line_end(text, start)
        if quote == '"':
            close = closing_double_quote(text, start, end)
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
