"""A line-level YAML scanner for the key-value analyzer.

Each line is read on its own, with an indentation stack for the path of
enclosing keys. Mapping keys with scalar values, ``NAME=value`` sequence items
(as in a Compose ``environment`` list), and ``|`` and ``>`` block scalars give
settings. Flow collections and aliases give none. A quoted scalar that
continues on the next line gives no setting either, and a plain one keeps only
its first line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.analyzers.literals import (
    Line,
    LiteralBuilder,
    add_setting,
    closing_double_quote,
    decode_escapes,
    line_literal,
    split_lines,
)
from ttai_guard.facts import Facts, Literal

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
                close = closing_double_quote(text, position, end)
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


class YamlScanner:
    """Read a YAML document line by line into facts, which :meth:`run` returns."""

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
            close = closing_double_quote(text, position, code_end)
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
            close = closing_double_quote(text, match.start("quote"), code_end)
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
