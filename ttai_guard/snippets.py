"""Positions and redacted source excerpts for findings."""

from __future__ import annotations

from dataclasses import dataclass

from ttai_guard.textindex import LineIndex
from ttai_guard.tokens import redact, redact_text

#: Maximum excerpt length for one finding, in characters. Minified bundles
#: put megabytes on one line, so excerpts are windows around the finding.
MAX_SNIPPET = 200
_BEFORE = 60


@dataclass(frozen=True)
class Span:
    """1-based start and exclusive end position, plus the redacted excerpt."""

    line: int
    column: int
    end_line: int
    end_column: int
    snippet: str


def _mask_line(
    line_text: str, line_start: int, spans: tuple[tuple[int, int], ...], secret: str
) -> tuple[str, list[tuple[int, int]]]:
    """Replace the parts of ``spans`` that fall on this line.

    Returns the masked line and a list of (old column, new column) pairs
    that keeps track of how masking shifted later characters.
    """
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []
    cursor = 0
    first = True
    line_end = line_start + len(line_text)
    for start, end in sorted(spans):
        low = max(start, line_start) - line_start
        high = min(end, line_end) - line_start
        if low >= high or low < cursor:
            continue
        pieces.append(line_text[cursor:low])
        pieces.append(redact(secret) if first and secret else "…")
        first = False
        cursor = high
        shifts.append((high, sum(len(piece) for piece in pieces)))
    pieces.append(line_text[cursor:])
    return "".join(pieces), shifts


def _shifted(column: int, shifts: list[tuple[int, int]]) -> int:
    for old, new in reversed(shifts):
        if column >= old:
            return new + (column - old)
    return column


def locate(
    text: str,
    start: int,
    end: int,
    secret_spans: tuple[tuple[int, int], ...] = (),
    secret: str = "",
    index: LineIndex | None = None,
) -> Span:
    """Return the position of ``text[start:end]`` and an excerpt of its first line.

    Every range in ``secret_spans`` that touches the line is masked, and
    the excerpt is cut to at most :data:`MAX_SNIPPET` characters around the
    start.
    """
    index = index or LineIndex(text)
    line, column = index.position(start)
    end_line, end_column = index.position(max(end, start))
    line_text = index.line_text(line)
    line_start = index.starts[line - 1]
    if secret_spans:
        line_text, shifts = _mask_line(line_text, line_start, secret_spans, secret)
        focus = _shifted(column - 1, shifts)
    else:
        focus = column - 1
    if len(line_text) > MAX_SNIPPET:
        low = max(0, focus - _BEFORE)
        high = low + MAX_SNIPPET
        line_text = (
            ("…" if low else "") + line_text[low:high] + ("…" if high < len(line_text) else "")
        )
    return Span(line, column, end_line, end_column, redact_text(line_text.rstrip()))
