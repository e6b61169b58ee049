"""Turn file bytes into text: BOMs, PEP 263 declarations, UTF-16, bad bytes.

Undecodable bytes never make a file unreadable: they are replaced (one
U+FFFD per bad byte sequence) and the file is marked ``degraded``, which
makes the runner scan it at the text level only.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# PEP 263: a comment on line 1 or 2 that matches this expression.
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


@dataclass(frozen=True)
class Decoded:
    """Decoded text and how it was obtained.

    ``degraded`` is true when some bytes could not be decoded and were
    replaced; ``note`` then explains it for ``--verbose``.
    """

    text: str
    encoding: str
    degraded: bool = False
    note: str = ""


def declared_encoding(data: bytes) -> str | None:
    """Return the PEP 263 encoding declared in the first two lines, if any."""
    for number, line in enumerate(data.split(b"\n", 2)[:2]):
        match = _CODING.match(line)
        if match:
            name = match.group(1).decode("ascii", "replace")
            try:
                return codecs.lookup(name).name
            except LookupError:
                return None
        if number == 0 and not line.lstrip().startswith(b"#"):
            # A declaration on line 2 counts only when line 1 is a comment too.
            return None
    return None


def decode(data: bytes, *, python: bool = False) -> Decoded:
    """Decode file bytes, honouring a BOM and, for Python, a PEP 263 declaration."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            if encoding.startswith("utf-16") and b"\0" not in body and _is_utf8(body):
                # UTF-16 text of Latin script has NUL bytes; text without any
                # that is valid UTF-8 after stray BOM bytes is UTF-8.
                note = "starts with a UTF-16 byte order mark but is UTF-8 text; read as UTF-8"
                return Decoded(body.decode("utf-8"), "utf-8", degraded=True, note=note)
            return _decode_as(body, encoding)
    if python:
        declared = declared_encoding(data)
        if declared and declared != "utf-8":
            return _decode_as(data, declared)
    return _decode_as(data, "utf-8")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_as(data: bytes, encoding: str) -> Decoded:
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as error:
        text = data.decode(encoding, errors="replace")
        note = (
            f"not valid {encoding} (first bad byte at offset {error.start}); "
            "undecodable bytes replaced and the file read at the text level"
        )
        return Decoded(text, encoding, degraded=True, note=note)
    except LookupError:
        return _decode_as(data, "utf-8")


def looks_binary(head: bytes) -> bool:
    """Tell whether a file's first bytes look like binary data, not text.

    Text with a UTF-16 or UTF-32 BOM is text even though it contains NUL
    bytes; anything else with a NUL byte in its first block is binary.
    """
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    return b"\0" in head
