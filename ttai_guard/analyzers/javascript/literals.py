"""Build, cut and join folded literals, keeping the segments that map them to the source."""

from __future__ import annotations

from ttai_guard.facts import DYNAMIC, Literal, Segment

# Maximum length of a value that URL resolution builds. Longer results are
# cut, so constants that double each other (`b = a + a`) stay small.
_MAX_RESOLVED_LENGTH = 8192


class _LiteralBuilder:
    """Accumulate a folded value and the segments that map it to the source."""

    def __init__(self, limit: int | None = None) -> None:
        self.parts: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0
        self.limit = limit

    def _room(self, size: int) -> int:
        if self.limit is None:
            return size
        return max(0, min(size, self.limit - self.length))

    def add_source(self, value: str, source_start: int) -> None:
        """Append ``value``, which the source spells at ``source_start``."""
        size = self._room(len(value))
        if size <= 0:
            return
        value = value[:size]
        last = self.segments[-1] if self.segments else None
        if (
            last is not None
            and last.value_start + last.length == self.length
            and last.source_start + last.length == source_start
        ):
            self.segments[-1] = Segment(last.value_start, last.source_start, last.length + size)
        else:
            self.segments.append(Segment(self.length, source_start, size))
        self.parts.append(value)
        self.length += size

    def add_text(self, value: str) -> None:
        """Append text that no single place in the source spells (a joining ``/``)."""
        size = self._room(len(value))
        if size > 0:
            self.parts.append(value[:size])
            self.length += size

    def add_dynamic(self) -> None:
        self.add_text(DYNAMIC)

    def add_literal(self, literal: Literal) -> None:
        size = self._room(len(literal.value))
        if size <= 0:
            return
        shift = self.length
        for segment in literal.segments:
            if segment.value_start >= size:
                break
            length = min(segment.length, size - segment.value_start)
            self.segments.append(Segment(segment.value_start + shift, segment.source_start, length))
        self.parts.append(literal.value[:size])
        self.length += size

    def build(self) -> Literal:
        return Literal("".join(self.parts), tuple(self.segments))


_DYNAMIC_LITERAL = Literal(DYNAMIC, ())


def _slice_literal(literal: Literal, start: int, end: int | None = None) -> Literal:
    """Return ``literal.value[start:end]`` with the segments that spell it."""
    stop = len(literal.value) if end is None else end
    segments = []
    for segment in literal.segments:
        low = max(start, segment.value_start)
        high = min(stop, segment.value_start + segment.length)
        if low < high:
            source = segment.source_start + low - segment.value_start
            segments.append(Segment(low - start, source, high - low))
    return Literal(literal.value[start:stop], tuple(segments))


def _concat(*parts: Literal | str) -> Literal:
    builder = _LiteralBuilder(_MAX_RESOLVED_LENGTH)
    for part in parts:
        if isinstance(part, str):
            builder.add_text(part)
        else:
            builder.add_literal(part)
    return builder.build()


def _has_static_text(literal: Literal) -> bool:
    return bool(literal.value.replace(DYNAMIC, ""))


def _is_fully_static(literal: Literal) -> bool:
    return bool(literal.value) and DYNAMIC not in literal.value
