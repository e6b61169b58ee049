"""Load the tree-sitter grammars, parse text and map byte offsets back to the text.

tree-sitter reports UTF-8 byte offsets into the buffer it parsed, and
:class:`_OffsetMap` converts them to the code-point offsets that facts use.
"""

from __future__ import annotations

import bisect
import re
import threading

from tree_sitter import Language, Node, Parser, Tree

DIALECTS = ("javascript", "typescript", "tsx")


# Parser objects must not be shared between threads, so each thread keeps its
# own parsers. A single-threaded process creates one parser per dialect.
_PARSERS = threading.local()


def _load_language(dialect: str) -> Language:
    if dialect == "javascript":
        import tree_sitter_javascript

        return Language(tree_sitter_javascript.language())
    if dialect == "typescript":
        import tree_sitter_typescript

        return Language(tree_sitter_typescript.language_typescript())
    if dialect == "tsx":
        import tree_sitter_typescript

        return Language(tree_sitter_typescript.language_tsx())
    raise ValueError(f"unknown JavaScript dialect {dialect!r}; expected one of {DIALECTS}")


def _parser_for(dialect: str) -> Parser:
    cache: dict[str, Parser] | None = getattr(_PARSERS, "by_dialect", None)
    if cache is None:
        cache = {}
        _PARSERS.by_dialect = cache
    parser = cache.get(dialect)
    if parser is None:
        parser = Parser(_load_language(dialect))
        cache[dialect] = parser
    return parser


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encode(text: str) -> bytes:
    """Encode ``text`` as UTF-8 for the parser.

    Lone surrogates become U+FFFD, which also takes three bytes in UTF-8, so
    byte offsets map back onto ``text`` exactly as for a surrogate-free text.
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def _parse(text: str, dialect: str) -> Tree:
    """Parse ``text`` as ``dialect`` with the parser of the current thread."""
    # The generated lexers read a NUL byte as the end of input, so the parser
    # gets a space in its place. Values are read from ``text``, so they keep it.
    source = _encode(text).replace(b"\0", b" ")
    return _parser_for(dialect).parse(source)


def _has_statement(root: Node) -> bool:
    return any(child.type not in ("ERROR", "comment") for child in root.named_children)


# --- Byte offsets to code-point offsets -----------------------------------

# Runs of characters that take the same number of bytes in UTF-8 (2, 3 or 4).
# Lone surrogates fall in the 3-byte run, like the U+FFFD that replaces them.
_WIDE_RUN = re.compile("[\u0080-\u07ff]+|[\u0800-\uffff]+|[\U00010000-\U0010ffff]+")


class _OffsetMap:
    """Convert UTF-8 byte offsets of the parsed buffer to code-point offsets of the text.

    ASCII-only text maps one to one. Otherwise the map stores one entry per run
    of equally wide non-ASCII characters, and a lookup is a binary search.
    """

    def __init__(self, text: str) -> None:
        self.identity = text.isascii()
        self.byte_starts: list[int] = []
        self.char_starts: list[int] = []
        self.widths: list[int] = []
        self.lengths: list[int] = []
        if self.identity:
            return
        extra_bytes = 0
        for match in _WIDE_RUN.finditer(text):
            start = match.start()
            length = match.end() - start
            first = ord(text[start])
            if first < 0x800:
                width = 2
            elif first < 0x10000:
                width = 3
            else:
                width = 4
            self.byte_starts.append(start + extra_bytes)
            self.char_starts.append(start)
            self.widths.append(width)
            self.lengths.append(length)
            extra_bytes += length * (width - 1)

    def char_offset(self, byte_offset: int) -> int:
        if self.identity:
            return byte_offset
        index = bisect.bisect_right(self.byte_starts, byte_offset) - 1
        if index < 0:
            return byte_offset
        inside = byte_offset - self.byte_starts[index]
        width = self.widths[index]
        length = self.lengths[index]
        if inside < length * width:
            return self.char_starts[index] + inside // width
        return self.char_starts[index] + length + inside - length * width
