"""Analyzer for dotenv files (``.env``, ``.env.local``, ``*.env``).

Lines are read as python-dotenv 1.2.2 reads them: an optional ``export``
prefix, a key of any characters but whitespace, ``=`` and ``#`` (or a
single-quoted key), ``=`` with optional spaces around it, and a value.
Double-quoted values decode backslash escapes, and quoted values may span
several lines. An unquoted value ends where a ``#`` that follows whitespace
starts a comment, so ``a#b`` is a whole value. ``${VAR}`` is interpolation
in every value, so settings contain :data:`~ttai_guard.facts.DYNAMIC` in its
place.

Three choices follow the ``dotenv`` package for Node (the ``LINE`` pattern in
its ``lib/main.js``) instead: single-quoted
values are kept literally (python-dotenv decodes ``\\'`` and ``\\\\``
there), backquotes are quotes (python-dotenv keeps them in the value), and
``KEY= # note`` is an empty value with a comment (python-dotenv reads the
value ``# note``). A byte order mark before the first key is skipped.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.analyzers.literals import (
    LiteralBuilder,
    add_bearer_credentials,
    deduplicate_credentials,
)
from ttai_guard.facts import Credential, Facts, Literal
from ttai_guard.names import is_token_name

_KEY = re.compile(r"'(?P<quoted>[^'\r\n]+)'|(?!')[^=#\s]+")
_EXPORT = re.compile(r"export[ \t]+")
_INTERPOLATION = re.compile(r"\$\{[^}\r\n]*\}")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Escapes that python-dotenv decodes inside double quotes.
_DOUBLE_QUOTE_ESCAPES = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}


@dataclass(frozen=True)
class EnvEntry:
    """One ``KEY=VALUE`` binding of a dotenv file.

    ``value`` is the decoded value with ``${VAR}`` kept as written.
    ``value_start`` and ``value_end`` delimit the value's characters in the
    file (inside the quotes, without an inline comment). ``line`` is the
    1-based line of the key. ``quote`` is the quote character, or ``""`` for
    an unquoted value. ``literal`` maps the value to the source, with
    ``DYNAMIC`` for each interpolation.
    """

    key: str
    value: str
    line: int
    value_start: int
    value_end: int
    key_start: int
    quote: str
    literal: Literal


@dataclass(frozen=True)
class _Malformed:
    """A line that is not a binding: its text and why."""

    literal: Literal
    line: int
    reason: str


@dataclass
class _ParseResult:
    entries: list[EnvEntry]
    comments: list[Literal]
    malformed: list[_Malformed]


class _EnvParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.entries: list[EnvEntry] = []
        self.comments: list[Literal] = []
        self.malformed: list[_Malformed] = []
        self.line_starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def run(self) -> _ParseResult:
        position = 1 if self.text.startswith("\ufeff") else 0
        while position < len(self.text):
            position = self._line(position)
        return _ParseResult(self.entries, self.comments, self.malformed)

    def _line_end(self, position: int) -> int:
        match = _LINE_BREAK.search(self.text, position)
        return match.start() if match else len(self.text)

    def _next_line(self, position: int) -> int:
        """Return the start of the line after the one that contains ``position``."""
        match = _LINE_BREAK.search(self.text, position)
        return match.end() if match else len(self.text)

    def _line_number(self, position: int) -> int:
        return bisect.bisect_right(self.line_starts, position)

    def _skip_blanks(self, position: int, end: int) -> int:
        while position < end and self.text[position] in " \t":
            position += 1
        return position

    def _line(self, line_start: int) -> int:
        """Parse the line at ``line_start`` and return the offset where the next one starts."""
        text = self.text
        line_end = self._line_end(line_start)
        position = self._skip_blanks(line_start, line_end)
        if position == line_end:
            return self._next_line(line_start)
        if text[position] == "#":
            self.comments.append(Literal.at(text[position:line_end], position))
            return self._next_line(line_start)
        export = _EXPORT.match(text, position, line_end)
        if export is not None:
            position = export.end()
        key = _KEY.match(text, position, line_end)
        if key is None:
            return self._reject(line_start, line_end, "does not start with a variable name")
        position = self._skip_blanks(key.end(), line_end)
        if position >= line_end or text[position] != "=":
            return self._reject(line_start, line_end, f"has no `=` after `{_key_name(key)}`")
        position = self._skip_blanks(position + 1, line_end)
        quote = text[position] if position < line_end else ""
        if quote in ("'", '"', "`"):
            return self._quoted(line_start, line_end, key, position)
        return self._unquoted(line_start, line_end, key, position)

    def _reject(
        self, line_start: int, line_end: int, reason: str, resume: int | None = None
    ) -> int:
        """Record a malformed line; parsing resumes at ``resume`` (default: the next line)."""
        value = self.text[line_start:line_end].rstrip()
        number = self._line_number(line_start)
        self.malformed.append(_Malformed(Literal.at(value, line_start), number, reason))
        return self._next_line(line_start) if resume is None else resume

    def _unquoted(self, line_start: int, line_end: int, key: re.Match[str], start: int) -> int:
        text = self.text
        end = line_end
        for index in range(start, line_end):
            # `#` starts a comment when whitespace precedes it, even right after `=`.
            if text[index] == "#" and text[index - 1] in " \t":
                self.comments.append(Literal.at(text[index:line_end], index))
                end = index
                break
        value = text[start:end].rstrip()
        self._add_entry(line_start, key, value, start, start + len(value), "")
        return self._next_line(line_start)

    def _quoted(self, line_start: int, line_end: int, key: re.Match[str], opening: int) -> int:
        text = self.text
        quote = text[opening]
        close = _closing_quote(text, opening)
        if close < 0:
            return self._reject(
                line_start, line_end, f"opens a `{quote}` quote that is never closed"
            )
        after = self._skip_blanks(close + 1, len(text))
        after_end = self._line_end(after)
        if after < after_end and text[after] != "#":
            # python-dotenv drops the rest of the line that contains the closing
            # quote, so a value spanning lines swallows those lines too.
            return self._reject(
                line_start,
                line_end,
                f"has text after the closing `{quote}` quote of the value",
                resume=self._next_line(after),
            )
        if after < after_end:
            self.comments.append(Literal.at(text[after:after_end], after))
        self._add_entry(line_start, key, None, opening + 1, close, quote)
        return self._next_line(after)

    def _add_entry(
        self,
        line_start: int,
        key: re.Match[str],
        unquoted: str | None,
        start: int,
        end: int,
        quote: str,
    ) -> None:
        text = self.text
        plain = LiteralBuilder()
        folded = LiteralBuilder()
        if quote == '"':
            _decode_double_quoted(text, start, end, plain, folded)
        elif quote:
            plain.add_run(text[start:end], start)
            _add_interpolated(text, start, end, folded)
        else:
            assert unquoted is not None
            plain.add_run(unquoted, start)
            _add_interpolated(text, start, end, folded)
        self.entries.append(
            EnvEntry(
                key=_key_name(key),
                value=plain.build().value,
                line=self._line_number(line_start),
                value_start=start,
                value_end=end,
                key_start=key.start(),
                quote=quote,
                literal=folded.build() if start < end else Literal.at("", start),
            )
        )


def _closing_quote(text: str, opening: int) -> int:
    """Return the offset of the quote that closes the value opened at ``opening``, or -1.

    python-dotenv matches ``"((?:\\\\"|[^"])*)"``, so the first quote that no
    backslash precedes closes the value. When there is none, the pattern
    backtracks and the last quote after a backslash closes it.
    """
    quote = text[opening]
    position = opening + 1
    last_escaped = -1
    while True:
        found = text.find(quote, position)
        if found < 0:
            return last_escaped
        if text[found - 1] != "\\":
            return found
        last_escaped = found
        position = found + 1


def _key_name(key: re.Match[str]) -> str:
    quoted = key.group("quoted")
    return quoted if quoted is not None else key.group()


def _add_interpolated(text: str, start: int, end: int, builder: LiteralBuilder) -> None:
    """Append ``text[start:end]`` with :data:`DYNAMIC` for each ``${VAR}``."""
    position = start
    for match in _INTERPOLATION.finditer(text, start, end):
        builder.add_run(text[position : match.start()], position)
        builder.add_dynamic()
        position = match.end()
    builder.add_run(text[position:end], position)


def _decode_double_quoted(
    text: str, start: int, end: int, plain: LiteralBuilder, folded: LiteralBuilder
) -> None:
    """Decode a double-quoted value into ``plain`` and, with interpolation folded, ``folded``."""
    position = start
    while position < end:
        char = text[position]
        if char == "\\" and position + 1 < end and text[position + 1] in _DOUBLE_QUOTE_ESCAPES:
            value = _DOUBLE_QUOTE_ESCAPES[text[position + 1]]
            plain.add_escape(value, position)
            folded.add_escape(value, position)
            position += 2
            continue
        interpolation = _INTERPOLATION.match(text, position, end) if char == "$" else None
        if interpolation is not None:
            plain.add_run(interpolation.group(), position)
            folded.add_dynamic()
            position = interpolation.end()
            continue
        run_end = position + 1
        while run_end < end and text[run_end] not in "\\$":
            run_end += 1
        plain.add_run(text[position:run_end], position)
        folded.add_run(text[position:run_end], position)
        position = run_end


def parse_env(text: str) -> list[EnvEntry]:
    """Return the bindings of a dotenv file in order, malformed lines left out."""
    return _EnvParser(text).run().entries


def env_has_values(text: str) -> bool:
    """Tell whether a dotenv file binds at least one variable to a non-empty value."""
    return any(entry.value for entry in parse_env(text))


def analyze(text: str, settings: AnalyzerSettings) -> Facts:
    """Extract settings, values, comments and credentials from a dotenv file.

    Each value is a setting and a string. A value bound to a token-named key
    is a credential. A line that is not a binding is kept whole as a string,
    so a token anywhere in it is still found, and a note gives the reason.
    """
    result = _EnvParser(text).run()
    facts = Facts(comments=result.comments)
    for entry in result.entries:
        facts.settings.append((entry.key, entry.literal))
        if entry.value:
            facts.strings.append(entry.literal)
        if is_token_name(entry.key, settings.token_names):
            facts.credentials.append(
                Credential(entry.key, entry.literal, f"assigned to `{entry.key}`")
            )
    for line in result.malformed:
        if line.literal.value:
            facts.strings.append(line.literal)
        facts.notes.append(f"line {line.line} {line.reason}, so it was read as plain text")
    add_bearer_credentials(facts)
    deduplicate_credentials(facts)
    return facts
