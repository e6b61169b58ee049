"""INI-style files for the key-value analyzer.

This covers ``.ini``, ``.cfg``, ``.conf``, ``.properties`` and files such as
``.npmrc``: ``[section]`` headers, ``name = value`` and ``name: value`` lines,
and ``;`` or ``#`` comments on their own line or after a value.
"""

from __future__ import annotations

import re

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.analyzers.literals import add_setting, line_literal, split_lines
from ttai_guard.facts import Facts, Literal

_INI_SECTION = re.compile(r"[ \t]*\[(?P<name>[^\]\r\n]*)\]")
_INI_DELIMITER_COLON = re.compile(r":(?=[ \t]|$)")


def analyze_ini(text: str, settings: AnalyzerSettings) -> Facts:
    """Extract lines, comments and settings from an INI-style file."""
    facts = Facts()
    section: tuple[str, ...] = ()
    for line in split_lines(text):
        raw = text[line.start : line.end]
        stripped = raw.lstrip()
        if not stripped:
            continue
        first = line.end - len(stripped)
        if stripped[0] in "#;":
            facts.comments.append(Literal.at(stripped.rstrip(), first))
            continue
        header = _INI_SECTION.match(text, line.start, line.end)
        if header is not None:
            section = (header.group("name").strip(),)
            code_end = _ini_comment(text, header.end(), line.end, facts)
            _append_line(text, line.start, code_end, facts)
            continue
        delimiter = _ini_delimiter(raw)
        if delimiter < 0:
            # NOTE: indented continuation lines of a multi-line value are read as
            # lines only, and the setting keeps its first line.
            code_end = _ini_comment(text, first, line.end, facts)
            _append_line(text, line.start, code_end, facts)
            continue
        name = raw[:delimiter].strip()
        value_start = line.start + delimiter + 1
        while value_start < line.end and text[value_start] in " \t":
            value_start += 1
        code_end = _ini_comment(text, value_start, line.end, facts)
        _append_line(text, line.start, code_end, facts)
        value = text[value_start:code_end].rstrip()
        literal = Literal.at(value, value_start)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            literal = Literal.at(value[1:-1], value_start + 1)
        if name:
            add_setting(facts, name, literal, settings, section)
    return facts


def _ini_delimiter(raw: str) -> int:
    """Return the index of the ``=`` or ``:`` between name and value, or -1.

    A ``:`` counts only when whitespace or the line end follows it, so
    ``//registry.npmjs.org/:_authToken=x`` (``.npmrc``) splits at ``=``.
    """
    equals = raw.find("=")
    colon_match = _INI_DELIMITER_COLON.search(raw)
    colon = colon_match.start() if colon_match else -1
    candidates = [index for index in (equals, colon) if index > 0]
    if not candidates:
        bare_colon = raw.find(":")
        return bare_colon if bare_colon > 0 else -1
    return min(candidates)


def _ini_comment(text: str, start: int, end: int, facts: Facts) -> int:
    """Record an inline ``;`` or ``#`` comment after ``start`` and return where code ends.

    A value is cut at ``;`` or ``#`` after whitespace, outside a quoted
    value, as git config reads it. NOTE: Python's configparser keeps such
    comments in the value unless ``inline_comment_prefixes`` is set.
    """
    position = start
    if position < end and text[position] in "\"'":
        close = text.find(text[position], position + 1, end)
        if close > 0:
            position = close + 1
    while position < end:
        char = text[position]
        if char in ";#" and position > start and text[position - 1] in " \t":
            facts.comments.append(Literal.at(text[position:end].rstrip(), position))
            return position
        position += 1
    return end


def _append_line(text: str, start: int, end: int, facts: Facts) -> None:
    literal = line_literal(text, start, end)
    if literal is not None:
        facts.strings.append(literal)
