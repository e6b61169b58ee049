"""Map offsets in decoded text to 1-based line and column numbers."""

from __future__ import annotations

import bisect
import re

# Line breaks as editors and git count them: LF, CRLF and a lone CR.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """Offsets of line starts in a text, for offset to (line, column) lookups.

    Columns count Unicode code points from 1, which is the SARIF column kind
    ``unicodeCodePoints``.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        """Return the (line, column) of ``offset``, both counted from 1."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def offset(self, line: int, column: int) -> int:
        """Return the text offset of a 1-based (line, column) pair."""
        line = max(1, min(line, len(self.starts)))
        return min(self.starts[line - 1] + column - 1, len(self.text))

    def line_text(self, line: int) -> str:
        """Return line ``line`` (1-based) without its line break."""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    @property
    def line_count(self) -> int:
        return len(self.starts)
