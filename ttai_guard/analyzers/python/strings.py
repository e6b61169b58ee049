"""Fold string expressions into Literals whose segments point back into the source.

Implicit concatenation, ``+`` chains and f-strings fold into one value, with
DYNAMIC in place of each part that is not a literal. Escape sequences are
decoded, and each decoded character keeps the offset of its backslash.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import libcst as cst

from ttai_guard.analyzers.python.nodes import _FORMATTED_TEXT_TYPES, _FORMATTED_TYPES, _STRING_TYPES
from ttai_guard.analyzers.python.positions import _OffsetTracker
from ttai_guard.facts import DYNAMIC, Literal, Segment


class _LiteralBuilder:
    """Accumulate a folded string value and its segments."""

    __slots__ = ("anchor", "length", "parts", "segments")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0
        self.anchor: int | None = None

    def _segment(self, value_start: int, source_start: int, length: int) -> None:
        if length <= 0:
            return
        if self.segments:
            last = self.segments[-1]
            if (
                last.value_start + last.length == value_start
                and last.source_start + last.length == source_start
            ):
                self.segments[-1] = Segment(
                    last.value_start, last.source_start, last.length + length
                )
                return
        self.segments.append(Segment(value_start, source_start, length))

    def set_anchor(self, source_start: int) -> None:
        """Remember where the first string piece starts, for values with no literal run."""
        if self.anchor is None:
            self.anchor = source_start

    def add_text(self, text: str, source_start: int) -> None:
        """Append text spelled one-to-one in the source at ``source_start``."""
        if not text:
            return
        self._segment(self.length, source_start, len(text))
        self.parts.append(text)
        self.length += len(text)

    def add_escape(self, character: str, source_start: int) -> None:
        """Append the character of an escape sequence that starts at ``source_start``."""
        self.segments.append(Segment(self.length, source_start, 1))
        self.parts.append(character)
        self.length += 1

    def add_dynamic(self) -> None:
        self.parts.append(DYNAMIC)
        self.length += 1

    def add_unmapped(self, text: str) -> None:
        """Append text that has no place in the source (a scheme implied by a class)."""
        self.parts.append(text)
        self.length += len(text)

    def add_slice(self, literal: Literal, start: int, end: int) -> None:
        """Append ``literal.value[start:end]`` with the segments that spell it."""
        if end <= start:
            return
        for segment in literal.segments:
            low = max(start, segment.value_start)
            high = min(end, segment.value_start + segment.length)
            if low < high:
                self._segment(
                    self.length + low - start,
                    segment.source_start + low - segment.value_start,
                    high - low,
                )
        if self.anchor is None and literal.segments:
            self.anchor = literal.source_offset(start)
        self.parts.append(literal.value[start:end])
        self.length += end - start

    def add_literal(self, literal: Literal) -> None:
        self.add_slice(literal, 0, len(literal.value))

    def build(self) -> Literal:
        segments = tuple(self.segments)
        if not segments and self.anchor is not None:
            segments = (Segment(0, self.anchor, 0),)
        return Literal("".join(self.parts), segments)


def _slice_literal(literal: Literal, start: int) -> Literal:
    builder = _LiteralBuilder()
    builder.set_anchor(literal.source_offset(start))
    builder.add_slice(literal, start, len(literal.value))
    return builder.build()


def _has_static_text(value: str) -> bool:
    return bool(value.replace(DYNAMIC, ""))


_SIMPLE_ESCAPES = {
    "\n": "",
    "\r": "",
    "\r\n": "",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_BYTES_ESCAPE = r"\\(?:\r\n|[\n\r\\'\"abfnrtv]|[0-7]{1,3}|x[0-9A-Fa-f]{2})"
_TEXT_ESCAPE = _BYTES_ESCAPE[:-1] + r"|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|N\{[^}]*\})"
_ESCAPES = {
    # (bytes, f-string, raw) -> pattern; None means the text has no escapes.
    (False, False, False): re.compile(_TEXT_ESCAPE),
    (True, False, False): re.compile(_BYTES_ESCAPE),
    (False, True, False): re.compile(_TEXT_ESCAPE + r"|\{\{|\}\}"),
    (False, True, True): re.compile(r"\{\{|\}\}"),
}


def _escape_value(sequence: str, binary: bool) -> str | None:
    """Return the character an escape sequence stands for, "" for a line continuation.

    Returns None for a sequence Python would not accept, which then stays in
    the value as written.
    """
    if sequence in ("{{", "}}"):
        return sequence[0]
    body = sequence[1:]
    simple = _SIMPLE_ESCAPES.get(body)
    if simple is not None:
        return simple
    head = body[0]
    if head in "01234567":
        code = int(body, 8)
        return chr(code) if code < 256 or not binary else None
    if head in "xuU":
        code = int(body[1:], 16)
        return chr(code) if code <= 0x10FFFF else None
    try:
        return unicodedata.lookup(body[2:-1])
    except KeyError:
        return None


def _decode_into(
    builder: _LiteralBuilder,
    content: str,
    source_start: int,
    *,
    binary: bool,
    formatted: bool,
    raw: bool,
) -> None:
    """Append the value of string content (the text between the quotes) to ``builder``.

    Each run without escapes gets its own segment, and each escape a
    one-character segment at its backslash, so offsets stay exact.
    """
    if raw and not formatted:
        builder.add_text(content, source_start)
        return
    pattern = _ESCAPES[(binary, formatted, raw)]
    position = 0
    for match in pattern.finditer(content):
        start = match.start()
        if start > position:
            builder.add_text(content[position:start], source_start + position)
        sequence = match.group()
        character = _escape_value(sequence, binary)
        if character is None:
            builder.add_text(sequence, source_start + start)
        elif character:
            builder.add_escape(character, source_start + start)
        position = match.end()
    if position < len(content):
        builder.add_text(content[position:], source_start + position)


LeafResolver = Callable[[cst.BaseExpression], "Literal | None"]


def _fold(node: cst.BaseExpression, starts: dict[int, int], leaf: LeafResolver | None) -> Literal:
    """Fold a string expression into one Literal.

    Implicit concatenation and `+` chains are flattened without recursion.
    Every other operand, and every f-string replacement field, becomes
    DYNAMIC unless ``leaf`` resolves it to a Literal.
    """
    builder = _LiteralBuilder()
    pending: list[cst.BaseExpression] = [node]
    while pending:
        current = pending.pop()
        kind = type(current)
        if kind is cst.ConcatenatedString:
            assert isinstance(current, cst.ConcatenatedString)
            pending.append(current.right)
            pending.append(current.left)
        elif kind is cst.BinaryOperation and type(current.operator) is cst.Add:  # type: ignore[attr-defined]
            assert isinstance(current, cst.BinaryOperation)
            pending.append(current.right)
            pending.append(current.left)
        elif kind is cst.SimpleString:
            assert isinstance(current, cst.SimpleString)
            _fold_simple(builder, current, starts)
        elif kind in _FORMATTED_TYPES:
            _fold_formatted(builder, current, starts, leaf)
        else:
            resolved = leaf(current) if leaf is not None else None
            if resolved is None:
                builder.add_dynamic()
            else:
                builder.add_literal(resolved)
    return builder.build()


def _fold_simple(builder: _LiteralBuilder, node: cst.SimpleString, starts: dict[int, int]) -> None:
    prefix = node.prefix
    content_start = starts[id(node)] + len(prefix) + len(node.quote)
    builder.set_anchor(content_start)
    lowered = prefix.lower()
    _decode_into(
        builder,
        node.raw_value,
        content_start,
        binary="b" in lowered,
        formatted=False,
        raw="r" in lowered,
    )


def _fold_formatted(
    builder: _LiteralBuilder,
    node: cst.BaseExpression,
    starts: dict[int, int],
    leaf: LeafResolver | None,
) -> None:
    opening: str = node.start  # type: ignore[attr-defined]
    builder.set_anchor(starts[id(node)] + len(opening))
    raw = "r" in opening.lower()
    for part in node.parts:  # type: ignore[attr-defined]
        if type(part) in _FORMATTED_TEXT_TYPES:
            _decode_into(
                builder, part.value, starts[id(part)], binary=False, formatted=True, raw=raw
            )
            continue
        resolved = None
        plain = part.format_spec is None and part.conversion in (None, "s") and part.equal is None
        if leaf is not None and plain:
            resolved = leaf(part.expression)
        if resolved is None:
            builder.add_dynamic()
        else:
            builder.add_literal(resolved)


class _StringCollector(_OffsetTracker):
    """Record comments and the folded value of every maximal string expression."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(module)
        # Folded literal of each maximal string expression, by node id.
        self.literals: dict[int, Literal] = {}
        # `+` chains that contain a string, by node id.
        self.string_sums: set[int] = set()

    def _enter_comment(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Comment)
        self.facts.comments.append(Literal.at(node.value, self.offset))

    def _is_string_expression(self, node: cst.BaseExpression) -> bool:
        return type(node) in _STRING_TYPES or id(node) in self.string_sums

    def _folded_by_parent(self) -> bool:
        parent = self.stack[-2]
        kind = type(parent)
        if kind is cst.ConcatenatedString:
            return True
        return kind is cst.BinaryOperation and type(parent.operator) is cst.Add  # type: ignore[attr-defined]

    def _leave_string(self, node: cst.CSTNode) -> None:
        if not self._folded_by_parent():
            self._emit_string(node)  # type: ignore[arg-type]

    def _leave_binary(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.BinaryOperation)
        if type(node.operator) is not cst.Add:
            return
        if not (self._is_string_expression(node.left) or self._is_string_expression(node.right)):
            return
        self.string_sums.add(id(node))
        if not self._folded_by_parent():
            self._emit_string(node)

    def _emit_string(self, node: cst.BaseExpression) -> None:
        literal = _fold(node, self.starts, None)
        if type(self.stack[-2]) is cst.Expr:
            # A string that is a whole statement (a docstring) is documentation:
            # the token rule reads it, URL rules treat it as prose.
            self.facts.comments.append(literal)
        else:
            self.facts.strings.append(literal)
        self.literals[id(node)] = literal
