"""Analyzer for documentation: Markdown, MDX and reStructuredText.

Token rules must see every line of a document, but URL rules only its code:
a link to ``http://…`` in prose is not a request anyone makes. So
:func:`analyze` puts prose into ``comments`` (which token rules read and URL
rules ignore) and code into ``strings``. Code is fenced and indented code
blocks, inline code spans, MDX ``import``/``export`` statements and JSX
expressions, and reStructuredText literal blocks, ``code-block`` directives
and inline literals.

Blocks are found line by line, following CommonMark closely but not fully:
block quotes are not unwrapped, and list items are tracked only to tell
their continuation lines from indented code.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ttai_guard.analyzers import AnalyzerSettings, envfile, keyvalue
from ttai_guard.analyzers.literals import (
    Line,
    LiteralBuilder,
    add_bearer_credentials,
    deduplicate_credentials,
    remap_facts,
    split_lines,
)
from ttai_guard.facts import Facts, Literal

#: The values of the ``syntax`` argument.
SYNTAXES = ("markdown", "mdx", "rst")


@dataclass(frozen=True)
class CodeBlock(Literal):
    """A code block, code span or expression of a document, mapped to the source.

    ``language`` is the normalized name from a fence info string or a
    ``code-block`` directive: ``python``, ``javascript``, ``jsx``,
    ``typescript``, ``tsx``, ``shell``, ``json``, ``yaml``, ``toml``,
    ``ini``, ``dockerfile``, ``env``, any other name in lower case, or
    ``""`` when none is given. MDX ``import``/``export`` statements and JSX
    expressions have ``jsx``. A caller can hand ``value`` to a code analyzer
    and move its findings back with
    :func:`~ttai_guard.analyzers.literals.remap_facts`.
    """

    language: str = ""


_LANGUAGE_ALIASES = {
    "py": "python",
    "py3": "python",
    "python3": "python",
    "ipython": "python",
    "ipython3": "python",
    "js": "javascript",
    "node": "javascript",
    "nodejs": "javascript",
    "mjs": "javascript",
    "cjs": "javascript",
    "ts": "typescript",
    "mts": "typescript",
    "sh": "shell",
    "bash": "shell",
    "zsh": "shell",
    "yml": "yaml",
    "jsonc": "json",
    "json5": "json",
    "cfg": "ini",
    "dosini": "ini",
    "properties": "ini",
    "docker": "dockerfile",
    "containerfile": "dockerfile",
    "dotenv": "env",
}
# Languages whose blocks are also read for settings and credentials, and the
# key-value kind that reads them. An untagged block is read as shell, where
# only `NAME=value` words and `export` lines make settings.
_SETTING_LANGUAGES = {
    "": "shell",
    "shell": "shell",
    "json": "json",
    "yaml": "yaml",
    "toml": "toml",
    "ini": "ini",
    "dockerfile": "dockerfile",
    "env": "env",
}

_FENCE = re.compile(r"(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_LIST_ITEM = re.compile(r"(?P<marker>[*+-]|[0-9]{1,9}[.)])(?P<space>[ \t]+|$)")
_ATX_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_MDX_ESM = re.compile(r"(?:import|export)\b")
_LANGUAGE_WORD = re.compile(r"[A-Za-z0-9_+#.-]+")
_BACKTICKS = re.compile(r"`+")
_RST_CODE_DIRECTIVE = re.compile(
    r"[ \t]*\.\.[ \t]+(?:code-block|code|sourcecode)::[ \t]*(?P<language>\S*)"
)
_RST_INLINE_LITERAL = re.compile(r"``(?=\S)(?P<content>.+?)(?<=\S)``", re.DOTALL)


def normalize_language(info: str) -> str:
    """Return the language named by a fence info string or directive argument."""
    match = _LANGUAGE_WORD.search(info.strip().lstrip("{."))
    if match is None:
        return ""
    word = match.group().lower()
    return _LANGUAGE_ALIASES.get(word, word)


def _width(raw: str) -> int:
    """Return the indentation width of a line, with tabs to the next multiple of 4."""
    width = 0
    for char in raw:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _is_blank(text: str, line: Line) -> bool:
    return not text[line.start : line.end].strip()


def _skip_columns(text: str, line: Line, columns: int) -> int:
    """Return the offset after up to ``columns`` columns of the line's indentation."""
    position = line.start
    width = 0
    while position < line.end and width < columns and text[position] in " \t":
        width += 4 - width % 4 if text[position] == "\t" else 1
        position += 1
    return position


def _block(text: str, lines: list[Line], columns: int, language: str) -> CodeBlock:
    """Join ``lines`` with up to ``columns`` columns of indentation removed."""
    builder = LiteralBuilder()
    for index, line in enumerate(lines):
        start = _skip_columns(text, line, columns)
        end = line.next if index + 1 < len(lines) else line.end
        builder.add_run(text[start:end], start)
    literal = builder.build()
    return CodeBlock(literal.value, literal.segments, language)


@dataclass
class _Layout:
    """The code blocks of a document and its prose lines."""

    blocks: list[CodeBlock]
    prose: list[Line]


def _scan_markdown(text: str, lines: list[Line], mdx: bool) -> _Layout:
    layout = _Layout([], [])
    list_indents: list[int] = []
    # The kind of the previous non-blank line. Indented code and MDX
    # statements cannot follow a "paragraph" line without a blank line.
    previous = "blank"
    index = 0
    while index < len(lines):
        line = lines[index]
        raw = text[line.start : line.end]
        if not raw.strip():
            previous = "blank"
            index += 1
            continue
        indent = _width(raw)
        if previous == "blank":
            while list_indents and indent < list_indents[-1]:
                list_indents.pop()
        base = list_indents[-1] if list_indents else 0
        stripped = raw.lstrip()
        if mdx and indent == 0 and previous != "paragraph" and _MDX_ESM.match(raw):
            last = index
            while last + 1 < len(lines) and not _is_blank(text, lines[last + 1]):
                last += 1
            layout.blocks.append(_block(text, lines[index : last + 1], 0, "jsx"))
            index = last + 1
            previous = "block"
            continue
        if not mdx and indent - base >= 4 and previous != "paragraph":
            index = _indented_code(text, lines, index, base, layout)
            previous = "block"
            continue
        fence = _FENCE.match(stripped) if indent - base <= 3 else None
        if fence is not None and not (fence.group("fence")[0] == "`" and "`" in fence["info"]):
            index = _fenced_code(text, lines, index, indent, fence, layout)
            previous = "block"
            continue
        item = _LIST_ITEM.match(stripped) if indent - base <= 3 else None
        if item is not None and not re.fullmatch(r"[-*_ \t]{3,}", stripped):
            while list_indents and list_indents[-1] > indent:
                list_indents.pop()
            spaces = len(item["space"].expandtabs(4))
            if not 1 <= spaces <= 4:
                # Content after five or more spaces is indented code inside the item.
                spaces = 1
            list_indents.append(indent + len(item["marker"]) + spaces)
        layout.prose.append(line)
        previous = "block" if _ATX_HEADING.match(stripped) else "paragraph"
        index += 1
    return layout


def _indented_code(text: str, lines: list[Line], index: int, base: int, layout: _Layout) -> int:
    """Add the indented code block starting at ``lines[index]`` and return the next index."""
    last = index
    following = index + 1
    while following < len(lines):
        line = lines[following]
        if _is_blank(text, line):
            following += 1
            continue
        if _width(text[line.start : line.end]) - base < 4:
            break
        last = following
        following += 1
    layout.blocks.append(_block(text, lines[index : last + 1], base + 4, ""))
    return last + 1


def _fenced_code(
    text: str, lines: list[Line], index: int, indent: int, fence: re.Match[str], layout: _Layout
) -> int:
    """Add the fenced block opened at ``lines[index]`` and return the index after its end.

    An unclosed fence runs to the end of the document, as in CommonMark.
    """
    marker = fence.group("fence")
    closing = index + 1
    while closing < len(lines):
        stripped = text[lines[closing].start : lines[closing].end].strip()
        if stripped.startswith(marker) and set(stripped) == {marker[0]}:
            break
        closing += 1
    content = lines[index + 1 : closing]
    if content:
        language = normalize_language(fence.group("info"))
        layout.blocks.append(_block(text, content, indent, language))
    return closing + 1


def _scan_rst(text: str, lines: list[Line]) -> _Layout:
    layout = _Layout([], [])
    index = 0
    while index < len(lines):
        line = lines[index]
        raw = text[line.start : line.end]
        if not raw.strip():
            index += 1
            continue
        indent = _width(raw)
        layout.prose.append(line)
        directive = _RST_CODE_DIRECTIVE.match(raw)
        if directive is not None:
            following = index + 1
            # Directive options (`:linenos:`) come before the first blank line.
            while following < len(lines) and not _is_blank(text, lines[following]):
                option = text[lines[following].start : lines[following].end]
                if _width(option) <= indent or not option.lstrip().startswith(":"):
                    break
                layout.prose.append(lines[following])
                following += 1
            language = normalize_language(directive.group("language"))
            index = _rst_indented_block(text, lines, following, indent, language, layout)
            continue
        stripped = raw.strip()
        if stripped.endswith("::") and not stripped.startswith(".."):
            following = index + 1
            if following < len(lines) and _is_blank(text, lines[following]):
                index = _rst_indented_block(text, lines, following, indent, "", layout)
                continue
        index += 1
    return layout


def _rst_indented_block(
    text: str, lines: list[Line], index: int, indent: int, language: str, layout: _Layout
) -> int:
    """Add the block of lines indented deeper than ``indent`` from ``lines[index]`` on.

    Returns the index of the first line after the block.
    """
    while index < len(lines) and _is_blank(text, lines[index]):
        index += 1
    first = index
    last = index - 1
    while index < len(lines):
        line = lines[index]
        if not _is_blank(text, line):
            if _width(text[line.start : line.end]) <= indent:
                break
            last = index
        index += 1
    content = lines[first : last + 1]
    if content:
        columns = min(
            _width(text[line.start : line.end]) for line in content if not _is_blank(text, line)
        )
        layout.blocks.append(_block(text, content, columns, language))
    return last + 1 if content else index


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Group prose lines that follow each other directly into paragraphs."""
    groups: list[list[Line]] = []
    for line in lines:
        if groups and groups[-1][-1].number + 1 == line.number:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


@dataclass(frozen=True)
class _Span:
    """Inline code: ``[start, end)`` with delimiters, ``[content_start, content_end)`` without."""

    start: int
    content_start: int
    content_end: int
    end: int
    language: str


_INLINE_OPENING = re.compile(r"`+|\{")


def _inline_spans(text: str, start: int, end: int, expressions: bool) -> list[_Span]:
    """Return the code spans (and, for MDX, the ``{…}`` expressions) in ``text[start:end]``.

    Whichever construct opens first wins, as MDX reads them left to right.
    A code span opens with a run of backticks and closes with the next run
    of the same length. An opening with no closing is plain text.
    """
    spans: list[_Span] = []
    position = start
    while True:
        opening = _INLINE_OPENING.search(text, position, end)
        if opening is None:
            return spans
        if opening.group() == "{":
            closing = _closing_brace(text, opening.start(), end) if expressions else -1
            if closing < 0:
                # NOTE: an MDX expression that a blank line interrupts is read as prose.
                position = opening.end()
                continue
            spans.append(_Span(opening.start(), opening.end(), closing, closing + 1, "jsx"))
            position = closing + 1
            continue
        length = len(opening.group())
        closing_run = _BACKTICKS.search(text, opening.end(), end)
        while closing_run is not None and len(closing_run.group()) != length:
            closing_run = _BACKTICKS.search(text, closing_run.end(), end)
        if closing_run is None:
            position = opening.end()
            continue
        spans.append(
            _Span(opening.start(), opening.end(), closing_run.start(), closing_run.end(), "")
        )
        position = closing_run.end()


def _closing_brace(text: str, opening: int, end: int) -> int:
    """Return the offset of the ``}`` that balances ``text[opening]``, skipping quotes, or -1."""
    depth = 0
    position = opening
    while position < end:
        char = text[position]
        if char in "\"'`":
            close = text.find(char, position + 1, end)
            if close < 0:
                return -1
            position = close + 1
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return -1


def _inline_code(
    text: str, layout: _Layout, syntax: str
) -> tuple[list[CodeBlock], list[tuple[int, int]]]:
    """Find code inside prose. Return it and the ranges it covers, delimiters included."""
    code: list[CodeBlock] = []
    code_ranges: list[tuple[int, int]] = []
    for paragraph in _paragraphs(layout.prose):
        start, end = paragraph[0].start, paragraph[-1].end
        if syntax == "rst":
            spans = [
                _Span(match.start(), match.start("content"), match.end("content"), match.end(), "")
                for match in _RST_INLINE_LITERAL.finditer(text, start, end)
            ]
        else:
            spans = _inline_spans(text, start, end, expressions=syntax == "mdx")
        for span in spans:
            literal = Literal.at(text[span.content_start : span.content_end], span.content_start)
            code.append(CodeBlock(literal.value, literal.segments, span.language))
            code_ranges.append((span.start, span.end))
    code_ranges.sort()
    return code, code_ranges


def _prose_pieces(
    text: str, lines: list[Line], code_ranges: list[tuple[int, int]]
) -> list[Literal]:
    """Return each prose line with the sorted ``code_ranges`` cut out."""
    pieces = []
    first = 0
    for line in lines:
        while first < len(code_ranges) and code_ranges[first][1] <= line.start:
            first += 1
        position = line.start
        for low, high in itertools.islice(code_ranges, first, None):
            if low >= line.end:
                break
            if low > position:
                pieces.append((position, low))
            position = max(position, high)
        if position < line.end:
            pieces.append((position, line.end))
    literals = []
    for start, end in pieces:
        value = text[start:end]
        if value.strip():
            literals.append(Literal.at(value, start))
    return literals


def _fenced_lines(text: str, lines: list[Line]) -> set[int]:
    """Return the numbers of lines inside fences, found by toggling on fence lines."""
    inside: set[int] = set()
    marker = ""
    for line in lines:
        stripped = text[line.start : line.end].strip()
        if marker:
            inside.add(line.number)
            if stripped.startswith(marker) and set(stripped) == {marker[0]}:
                marker = ""
            continue
        fence = _FENCE.match(stripped)
        if fence is not None:
            marker = fence.group("fence")
            inside.add(line.number)
    return inside


_RST_SIGNS = re.compile(
    r"^\.\.[ \t]+(?:[\w-]+::|_[^:]+:|\|[^|]+\|)|`__?(?![A-Za-z0-9])", re.MULTILINE
)
_MARKDOWN_SIGNS = re.compile(r"^[ \t]*(?:```|~~~|#{1,6}[ \t])|\]\(", re.MULTILINE)
_MDX_SIGNS = re.compile(
    r"(?:import[ \t].*\bfrom[ \t]|export[ \t]+(?:const|default|function)\b|<[A-Z])"
)


def detect_syntax(text: str) -> str:
    """Guess whether a document is ``markdown``, ``mdx`` or ``rst`` from its markup.

    Used when the caller does not pass the syntax. reStructuredText wins
    when its directives, targets and ``\\`_`` links outnumber Markdown
    fences, headings and links. A Markdown document with an
    ``import``/``export`` statement or a capitalised JSX tag outside its
    fences is MDX.
    """
    rst_signs = len(_RST_SIGNS.findall(text))
    markdown_signs = len(_MARKDOWN_SIGNS.findall(text))
    if rst_signs > markdown_signs:
        return "rst"
    lines = split_lines(text)
    fenced = _fenced_lines(text, lines)
    for line in lines:
        if line.number in fenced:
            continue
        if _MDX_SIGNS.match(text, line.start, line.end):
            return "mdx"
    return "markdown"


def _layout(text: str, syntax: str | None) -> tuple[str, _Layout]:
    if syntax is None:
        syntax = detect_syntax(text)
    if syntax not in SYNTAXES:
        raise ValueError(f"unknown document syntax {syntax!r}, expected one of {SYNTAXES}")
    lines = split_lines(text)
    if syntax == "rst":
        return syntax, _scan_rst(text, lines)
    return syntax, _scan_markdown(text, lines, mdx=syntax == "mdx")


def code_blocks(text: str, syntax: str | None = None) -> list[CodeBlock]:
    """Return every piece of code in a document, in source order.

    ``syntax`` is one of :data:`SYNTAXES`, or ``None`` to guess it with
    :func:`detect_syntax`. Blocks keep their language (see
    :class:`CodeBlock`). Inline code spans have language ``""``.
    """
    syntax, layout = _layout(text, syntax)
    inline, _ = _inline_code(text, layout, syntax)
    blocks = layout.blocks + inline
    blocks.sort(key=lambda block: block.segments[0].source_start if block.segments else -1)
    return blocks


def analyze(text: str, settings: AnalyzerSettings, *, syntax: str | None = None) -> Facts:
    """Extract code as strings and prose as comments from a document.

    Blocks tagged as shell, a configuration format or ``.env``, and untagged
    blocks, are also read for settings and credentials, and an
    ``Authorization: Bearer`` header anywhere gives a credential.
    """
    syntax, layout = _layout(text, syntax)
    inline, code_ranges = _inline_code(text, layout, syntax)
    blocks = sorted(
        layout.blocks + inline,
        key=lambda block: block.segments[0].source_start if block.segments else -1,
    )
    facts = Facts(strings=list(blocks), comments=_prose_pieces(text, layout.prose, code_ranges))
    for block in layout.blocks:
        kind = _SETTING_LANGUAGES.get(block.language)
        if kind is None:
            continue
        found = _block_settings(block, kind, settings)
        facts.settings.extend(found.settings)
        facts.credentials.extend(found.credentials)
    add_bearer_credentials(facts)
    deduplicate_credentials(facts)
    return facts


def _block_settings(block: CodeBlock, kind: str, settings: AnalyzerSettings) -> Facts:
    """Read a code block as ``kind`` and return its facts in the document's offsets."""
    if kind == "env":
        found = envfile.analyze(block.value, settings)
    else:
        found = keyvalue.analyze(block.value, settings, kind=kind)
    return remap_facts(found, block)
