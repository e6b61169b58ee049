"""Helpers that the text-format analyzers share.

:class:`LiteralBuilder` assembles a :class:`~ttai_guard.facts.Literal` from
decoded pieces and keeps each piece's source offset, and :func:`remap_facts`
moves facts found in decoded text (a notebook cell, a code block) back to the
offsets of the enclosing file. The other helpers split text into lines, decode
backslash escapes, and record name and value settings together with the
credentials they contain.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.facts import DYNAMIC, Credential, Facts, Literal, Region, Request, Segment
from ttai_guard.names import is_token_name, is_toughtongue_client

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
LINE_BREAK = re.compile(r"\r\n|\r|\n")


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
    for match in LINE_BREAK.finditer(text):
        lines.append(Line(number, start, match.start(), match.end()))
        start = match.end()
        number += 1
    if start < len(text) or not lines:
        lines.append(Line(number, start, len(text), len(text)))
    return lines


def find_line_end(text: str, position: int) -> int:
    """Return the offset of the first line break at or after ``position``, or ``len(text)``."""
    match = LINE_BREAK.search(text, position)
    return match.start() if match else len(text)


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


def strings_outside_comments(
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

BEARER_CONTEXT = "sent as a `Bearer` token in an `Authorization` header"

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


# Escapes and quotes -------------------------------------------------------


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


def closing_double_quote(text: str, opening: int, end: int) -> int:
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
