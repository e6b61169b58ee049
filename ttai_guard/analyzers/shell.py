"""Shell scripts and Dockerfiles for the key-value analyzer.

:class:`ShellScanner` splits shell text into commands of words, removing
quotes and keeping every character's position. Shell scripts give settings
from assignments (``A=1 cmd``, ``export A=1``). Dockerfiles give settings from
``ENV`` and ``ARG`` instructions and from the shell commands of ``RUN``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.analyzers.literals import (
    LINE_BREAK,
    LiteralBuilder,
    add_setting,
    decode_escapes,
    find_line_end,
    slice_literal,
    split_lines,
    strings_outside_comments,
)
from ttai_guard.facts import Facts, Literal

# Shell --------------------------------------------------------------------

_SHELL_PLAIN = re.compile(r"[^ \t\r\n\\'\"$`;&|()<>]+")
_SHELL_DOUBLE_RUN = re.compile(r'[^"\\$`]+')
_SHELL_PARAMETER = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])?")
_SHELL_ASSIGNMENT = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=")
_SHELL_DECLARATIONS = frozenset({"export", "declare", "typeset", "local", "readonly", "env"})
_ANSI_C_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "?": "?",
}


@dataclass(frozen=True)
class ShellWord:
    """A shell word after quote removal, and its raw span ``[start, end)``."""

    literal: Literal
    start: int
    end: int


class ShellScanner:
    """Split shell text into commands of words, and record its comments.

    Quotes and backslashes are removed with their positions kept. Parameter
    expansions and command substitutions (``$TTAI_TOKEN``, ``$(cat f)``) stay
    as written, because their value is not known here.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.comments: list[Literal] = []

    def commands(self, start: int, end: int) -> Iterator[list[ShellWord]]:
        """Yield the words of each simple command in ``text[start:end]``."""
        text = self.text
        position = start
        words: list[ShellWord] = []
        heredocs: list[tuple[str, bool]] = []
        while position < end:
            char = text[position]
            if char in " \t":
                position += 1
            elif char == "\\" and text.startswith(("\\\n", "\\\r"), position):
                position += 3 if text.startswith("\\\r\n", position) else 2
            elif char in "\r\n":
                if words:
                    yield words
                    words = []
                position += 2 if text.startswith("\r\n", position) else 1
                if heredocs:
                    position = self._skip_heredocs(position, end, heredocs)
                    heredocs = []
            elif char == "#":
                comment_end = min(find_line_end(text, position), end)
                self.comments.append(Literal.at(text[position:comment_end], position))
                position = comment_end
            elif char in ";&|()":
                if words:
                    yield words
                    words = []
                position += 1
            elif char in "<>":
                position = self._redirection(position, end, heredocs)
            else:
                word = self.word(position, end)
                words.append(word)
                position = max(word.end, position + 1)
        if words:
            yield words

    def _redirection(self, position: int, end: int, heredocs: list[tuple[str, bool]]) -> int:
        text = self.text
        if text.startswith("<<<", position):
            return position + 3
        if not text.startswith("<<", position):
            return position + 1
        position += 2
        strip_tabs = text.startswith("-", position)
        if strip_tabs:
            position += 1
        while position < end and text[position] in " \t":
            position += 1
        delimiter = self.word(position, end)
        if delimiter.literal.value:
            heredocs.append((delimiter.literal.value, strip_tabs))
        return max(delimiter.end, position)

    def _skip_heredocs(self, position: int, end: int, heredocs: list[tuple[str, bool]]) -> int:
        """Skip here-document bodies, which contain no commands and no comments."""
        for delimiter, strip_tabs in heredocs:
            while position < end:
                line_end = find_line_end(self.text, position)
                line = self.text[position:line_end]
                if strip_tabs:
                    line = line.lstrip("\t")
                following = LINE_BREAK.match(self.text, line_end)
                position = following.end() if following else line_end
                if line == delimiter:
                    break
        return position

    def word(self, position: int, end: int) -> ShellWord:
        """Read one word starting at ``position``."""
        text = self.text
        start = position
        builder = LiteralBuilder()
        while position < end:
            char = text[position]
            if char in " \t\r\n;&|()<>":
                break
            if char == "\\":
                position = self._backslash(position, end, builder)
            elif char == "'":
                close = text.find("'", position + 1, end)
                close = end if close < 0 else close
                builder.add_run(text[position + 1 : close], position + 1)
                position = close + 1
            elif char == '"':
                position = self._double_quoted(position + 1, end, builder)
            elif char == "$" and text.startswith("$'", position):
                position = self._ansi_c(position + 2, end, builder)
            elif char in "$`":
                position = self._expansion(position, end, builder)
            else:
                match = _SHELL_PLAIN.match(text, position, end)
                assert match is not None
                builder.add_run(match.group(), position)
                position = match.end()
        return ShellWord(builder.build(), start, min(position, end))

    def _backslash(self, position: int, end: int, builder: LiteralBuilder) -> int:
        text = self.text
        if position + 1 >= end:
            builder.add_run("\\", position)
            return position + 1
        if text.startswith("\\\r\n", position):
            return position + 3
        if text[position + 1] in "\r\n":
            return position + 2
        builder.add_escape(text[position + 1], position)
        return position + 2

    def _double_quoted(self, position: int, end: int, builder: LiteralBuilder) -> int:
        text = self.text
        while position < end:
            char = text[position]
            if char == '"':
                return position + 1
            if char == "\\":
                following = text[position + 1 : position + 2]
                if following in ("$", "`", '"', "\\"):
                    builder.add_escape(following, position)
                    position += 2
                elif following == "\n":
                    position += 2
                else:
                    builder.add_run("\\", position)
                    position += 1
            elif char in "$`":
                position = self._expansion(position, end, builder)
            else:
                match = _SHELL_DOUBLE_RUN.match(text, position, end)
                assert match is not None
                builder.add_run(match.group(), position)
                position = match.end()
        return end

    def _ansi_c(self, position: int, end: int, builder: LiteralBuilder) -> int:
        close = position
        while close < end and self.text[close] != "'":
            close += 2 if self.text[close] == "\\" else 1
        close = min(close, end)
        decode_escapes(self.text, position, close, builder, _ANSI_C_ESCAPES, {"x": 2})
        return close + 1

    def _expansion(self, position: int, end: int, builder: LiteralBuilder) -> int:
        """Copy ``$NAME``, ``${…}``, ``$(…)`` or a backquoted command as written."""
        text = self.text
        if text[position] == "`":
            close = text.find("`", position + 1, end)
            close = end - 1 if close < 0 else close
            builder.add_run(text[position : close + 1], position)
            return close + 1
        opening = text[position + 1 : position + 2]
        if opening in ("(", "{"):
            close = _matching_bracket(text, position + 1, end)
            builder.add_run(text[position:close], position)
            return close
        match = _SHELL_PARAMETER.match(text, position, end)
        assert match is not None
        builder.add_run(match.group(), position)
        return match.end()


def _matching_bracket(text: str, opening: int, end: int) -> int:
    """Return the offset after the bracket matching ``text[opening]``, skipping quotes."""
    pairs = {"(": ")", "{": "}"}
    stack = [pairs[text[opening]]]
    position = opening + 1
    while position < end and stack:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char in "'\"":
            close = text.find(char, position + 1, end)
            position = end if close < 0 else close + 1
            continue
        if char in pairs:
            stack.append(pairs[char])
        elif char == stack[-1]:
            stack.pop()
        position += 1
    return min(position, end)


def shell_assignment(scanner: ShellScanner, word: ShellWord) -> tuple[str, Literal] | None:
    """Return (name, value) when a word is an unquoted ``NAME=value`` assignment."""
    match = _SHELL_ASSIGNMENT.match(word.literal.value)
    if match is None:
        return None
    if scanner.text[word.start : word.start + match.end()] != match.group():
        return None
    value = slice_literal(word.literal, match.end(), len(word.literal.value))
    return match.group("name"), value


def add_shell_settings(
    scanner: ShellScanner,
    words: list[ShellWord],
    facts: Facts,
    settings: AnalyzerSettings,
) -> None:
    """Add the assignments of one command: ``A=1 cmd`` and ``export A=1``."""
    index = 0
    while index < len(words):
        assignment = shell_assignment(scanner, words[index])
        if assignment is None:
            break
        add_setting(facts, assignment[0], assignment[1], settings)
        index += 1
    if index >= len(words) or words[index].literal.value not in _SHELL_DECLARATIONS:
        return
    for word in words[index + 1 :]:
        if word.literal.value.startswith("-"):
            continue
        assignment = shell_assignment(scanner, word)
        if assignment is not None:
            add_setting(facts, assignment[0], assignment[1], settings)


def analyze_shell(text: str, settings: AnalyzerSettings) -> Facts:
    """Extract lines, comments and assignments from a shell script."""
    facts = Facts()
    scanner = ShellScanner(text)
    for words in scanner.commands(0, len(text)):
        add_shell_settings(scanner, words, facts, settings)
    facts.comments.extend(scanner.comments)
    starts = [comment.segments[0].source_start for comment in scanner.comments]
    strings_outside_comments(text, split_lines(text), starts, facts)
    return facts


# Dockerfile ---------------------------------------------------------------

_DOCKER_INSTRUCTION = re.compile(r"[ \t]*(?P<name>[A-Za-z]+)(?:[ \t]+|$)")


def analyze_dockerfile(text: str, settings: AnalyzerSettings) -> Facts:
    """Extract lines, comments and ``ENV``, ``ARG`` and ``RUN`` settings from a Dockerfile."""
    facts = Facts()
    lines = split_lines(text)
    scanner = ShellScanner(text)
    comment_starts: list[int] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        raw = text[line.start : line.end]
        if not raw.strip():
            index += 1
            continue
        if raw.lstrip().startswith("#"):
            comment = line.end - len(raw.lstrip())
            comment_starts.append(comment)
            facts.comments.append(Literal.at(raw.strip(), comment))
            index += 1
            continue
        # NOTE: the `# escape=` parser directive is not read, so a backtick as the
        # escape character does not continue lines.
        last = index
        while text[lines[last].start : lines[last].end].rstrip().endswith("\\"):
            if last + 1 >= len(lines):
                break
            last += 1
            following = text[lines[last].start : lines[last].end].lstrip()
            if following.startswith("#"):
                comment = lines[last].end - len(following)
                comment_starts.append(comment)
                facts.comments.append(Literal.at(following.rstrip(), comment))
        _docker_instruction(text, line.start, lines[last].end, scanner, facts, settings)
        index = last + 1
    for shell_comment in scanner.comments:
        start = shell_comment.segments[0].source_start
        if start not in comment_starts:
            comment_starts.append(start)
            facts.comments.append(shell_comment)
    strings_outside_comments(text, lines, comment_starts, facts)
    return facts


def _docker_instruction(
    text: str,
    start: int,
    end: int,
    scanner: ShellScanner,
    facts: Facts,
    settings: AnalyzerSettings,
) -> None:
    match = _DOCKER_INSTRUCTION.match(text, start, end)
    if match is None:
        return
    instruction = match.group("name").upper()
    arguments = match.end()
    if instruction == "RUN" and not text[arguments:end].lstrip().startswith("["):
        for words in scanner.commands(arguments, end):
            add_shell_settings(scanner, words, facts, settings)
        return
    if instruction not in ("ENV", "ARG"):
        return
    words = [word for command in scanner.commands(arguments, end) for word in command]
    if not words:
        return
    if instruction == "ENV" and "=" not in text[words[0].start : words[0].end]:
        # The old `ENV NAME value` form: the value is the rest of the instruction.
        rest = words[1:]
        if len(rest) == 1:
            add_setting(facts, words[0].literal.value, rest[0].literal, settings)
        elif rest:
            raw = text[rest[0].start : rest[-1].end]
            add_setting(facts, words[0].literal.value, Literal.at(raw, rest[0].start), settings)
        return
    for word in words:
        value = word.literal.value
        separator = value.find("=")
        if separator > 0:
            literal = slice_literal(word.literal, separator + 1, len(value))
            add_setting(facts, value[:separator], literal, settings)
