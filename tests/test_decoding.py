"""Decoding file bytes: BOMs, PEP 263, UTF-16, invalid bytes."""

from __future__ import annotations

import codecs

from ttai_guard.decoding import decode, looks_binary


def test_utf8_bom_removed() -> None:
    decoded = decode(codecs.BOM_UTF8 + b"A = 1\n")
    assert decoded.text == "A = 1\n"
    assert decoded.degraded is False


def test_utf16_le_with_bom() -> None:
    data = codecs.BOM_UTF16_LE + "KEY=value\n".encode("utf-16-le")
    assert decode(data).text == "KEY=value\n"


def test_utf16_be_with_bom() -> None:
    data = codecs.BOM_UTF16_BE + "KEY=value\n".encode("utf-16-be")
    assert decode(data).text == "KEY=value\n"


def test_pep263_latin1() -> None:
    data = b"# -*- coding: latin-1 -*-\nname = '\xe9'\n"
    decoded = decode(data, python=True)
    assert decoded.text.endswith("name = 'é'\n")
    assert decoded.degraded is False


def test_pep263_ignored_for_other_kinds() -> None:
    data = b"# -*- coding: latin-1 -*-\nname = '\xe9'\n"
    assert decode(data).degraded is True


def test_invalid_utf8_degrades() -> None:
    decoded = decode(b"# caf\xe9\nx = 1\n", python=True)
    assert decoded.degraded is True
    assert decoded.text == "# caf\ufffd\nx = 1\n"
    assert "offset 5" in decoded.note


def test_binary_detection() -> None:
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00") is True
    assert looks_binary(codecs.BOM_UTF16_LE + "a".encode("utf-16-le")) is False
    assert looks_binary(b"plain text") is False
