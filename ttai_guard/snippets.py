"""Positions and redacted source excerpts for findings."""

from __future__ import annotations

from dataclasses import dataclass

from ttai_guard.textindex import LineIndex
from ttai_guard.tokens import mask_random_runs, redact, redact_text

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


#: A masked range of the text: start offset, end offset, and what replaces it.
Mask = tuple[int, int, str]


def masks_for(secret: str, spans: tuple[tuple[int, int], ...]) -> list[Mask]:
    """Return the masks for one secret: its redacted form, then ``…`` for later pieces."""
    masks: list[Mask] = []
    for number, (start, end) in enumerate(sorted(spans)):
        masks.append((start, end, redact(secret) if number == 0 else "…"))
    return masks


def _mask_line(
    line_text: str, line_start: int, masks: list[Mask]
) -> tuple[str, list[tuple[int, int]]]:
    """Replace the parts of ``masks`` that fall on this line.

    Returns the masked line and a list of (old column, new column) pairs
    that keeps track of how masking shifted later characters.
    """
    pieces: list[str] = []
    shifts: list[tuple[int, int]] = []
    cursor = 0
    line_end = line_start + len(line_text)
    for start, end, replacement in sorted(masks):
        low = max(start, line_start) - line_start
        high = min(end, line_end) - line_start
        if low >= high or low < cursor:
            continue
        pieces.append(line_text[cursor:low])
        pieces.append(replacement)
        cursor = high
        shifts.append((high, sum(len(piece) for piece in pieces)))
    pieces.append(line_text[cursor:])
    return "".join(pieces), shifts


def _shifted(column: int, shifts: list[tuple[int, int]]) -> int:
    for old, new in reversed(shifts):
        if column >= old:
            return new + (column - old)
    return column


def locate(text: str, start: int, end: int, masks: list[Mask], index: LineIndex) -> Span:
    """Return the position of ``text[start:end]`` and an excerpt of its first line.

    Every mask that touches the line is applied (the masks of all secrets
    found in the file, not only this finding's), and the excerpt is cut to
    at most :data:`MAX_SNIPPET` characters around the start.
    """
    line, column = index.position(start)
    end_line, end_column = index.position(max(end, start))
    line_text = index.line_text(line)
    line_start = index.starts[line - 1]
    line_text, shifts = _mask_line(line_text, line_start, masks)
    focus = _shifted(column - 1, shifts)
    if len(line_text) > MAX_SNIPPET:
        low = max(0, focus - _BEFORE)
        high = low + MAX_SNIPPET
        window = line_text[low:high]
        if low:
            window = "…" + window
        if high < len(line_text):
            window += "…"
        line_text = window
    excerpt = mask_random_runs(redact_text(line_text.rstrip()))
    return Span(line, column, end_line, end_column, excerpt)
