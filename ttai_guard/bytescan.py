"""Search raw bytes for tokens, with lines and columns, in bounded memory.

Used for data that is not decoded: binary files, files over the size limit,
and git blobs read from the object database. Columns count bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from ttai_guard.tokens import find_token_bytes

CHUNK = 4 * 1024 * 1024
# A token split by a chunk boundary is found again in the next chunk, which
# starts this many bytes early. Longer tokens are cut (an estimate: real
# tokens are well under 200 characters).
OVERLAP = 512


class ByteMatch(NamedTuple):
    """A token found in bytes: its text, 1-based line and byte column, and byte offset."""

    token: str
    line: int
    column: int
    offset: int


class _LineCounter:
    """Converter of increasing byte offsets in a stream to 1-based lines and byte columns."""

    def __init__(self) -> None:
        self.line = 1
        self.line_start = 0
        self.counted_to = 0

    def advance(self, data: bytes, base: int, offset: int) -> None:
        """Count the line breaks of ``data`` (which starts at ``base``) up to ``offset``."""
        low = max(self.counted_to - base, 0)
        high = offset - base
        newlines = data.count(b"\n", low, high)
        if newlines:
            self.line += newlines
            self.line_start = base + data.rindex(b"\n", low, high) + 1
        self.counted_to = max(self.counted_to, offset)

    def matches(self, data: bytes, base: int, limit: int) -> Iterator[ByteMatch]:
        """Yield each token of ``data`` (which starts at ``base``) that starts before ``limit``."""
        for match in find_token_bytes(data):
            if match.start >= limit:
                continue
            offset = base + match.start
            self.advance(data, base, offset)
            yield ByteMatch(match.value, self.line, offset - self.line_start + 1, offset)
        self.advance(data, base, base + limit)


def search_bytes(data: bytes) -> Iterator[ByteMatch]:
    """Yield the tokens of ``data``."""
    return _LineCounter().matches(data, 0, len(data))


def search_stream(
    read: Callable[[int], bytes], on_chunk: Callable[[bytes], object] | None = None
) -> Iterator[ByteMatch]:
    """Yield the tokens of a stream, reading it with ``read`` one chunk at a time.

    ``on_chunk`` is called with every chunk as it is read (to hash the content).
    """
    counter = _LineCounter()
    previous = b""
    consumed = 0
    while chunk := read(CHUNK):
        if on_chunk is not None:
            on_chunk(chunk)
        data = previous + chunk
        base = consumed - len(previous)
        # A token in the last OVERLAP bytes may be cut off: the next chunk
        # starts there and finds it whole.
        limit = len(data) if len(chunk) < CHUNK else len(data) - OVERLAP
        yield from counter.matches(data, base, limit)
        consumed += len(chunk)
        previous = data[limit:]
