"""Script blocks of HTML, Vue, Svelte and Astro files.

Each ``<script>`` block (and Astro's ``---`` frontmatter) is analyzed with
the JavaScript analyzer in the dialect its ``lang`` or ``type`` attribute
names, and the facts are shifted back to offsets in the whole file, so
findings carry true line numbers. The markup around the blocks is kept as
plain strings (attribute values such as an ``<iframe src>`` URL count), and
``<!-- -->`` comments as comments.

Each analyzed block contributes its :class:`~ttai_guard.facts.Module`, with
``block`` set to the block's role. An HTML file also gets one ``"entry"``
module that lists the scripts the page loads: ``<script src>`` and
``<link rel="modulepreload" href>``, as imports of kind ``"script"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ttai_guard import filekinds
from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.facts import Facts, Import, Literal, Module

_OPEN_TAG = re.compile(r"<script\b(?P<attributes>[^>]*)>", re.IGNORECASE)
_CLOSE_TAG = re.compile(r"</script\s*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([A-Za-z_:@][\w:.-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_LINK_TAG = re.compile(r"<link\b(?P<attributes>[^>]*)>", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_FRONTMATTER = re.compile(
    r"\A(?:\ufeff)?\s*---[ \t]*\r?\n(?P<body>.*?)^---[ \t]*$", re.DOTALL | re.MULTILINE
)

_TS_LANGS = {"ts": "typescript", "typescript": "typescript", "tsx": "tsx", "jsx": "javascript"}
# `type` values that a browser runs as JavaScript; any other type is data.
_JS_TYPES = {"", "module", "text/javascript", "application/javascript", "text/babel", "jsx"}
_TS_TYPES = {"text/typescript": "typescript", "application/typescript": "typescript"}


@dataclass(frozen=True)
class Block:
    """A script block: content offsets in the file, its dialect, its role.

    ``dialect`` is ``None`` for data blocks (JSON, templates), which are
    read as plain text.
    """

    start: int
    end: int
    dialect: str | None
    role: str
    #: The ``src`` attribute's value and its offset in the file, if any.
    src: tuple[str, int] | None = None


def _attributes(raw: str) -> dict[str, str]:
    found = {}
    for name, value in _ATTRIBUTE.findall(raw):
        found[name.lower()] = value.strip("\"'") if value else ""
    return found


def _attribute_value(tag: re.Match[str], name: str) -> tuple[str, int] | None:
    """Return the value of attribute ``name`` of a matched tag and the offset where it starts."""
    start = tag.start("attributes")
    for match in _ATTRIBUTE.finditer(tag.group("attributes")):
        if match.group(1).lower() != name or match.group(2) is None:
            continue
        value = match.group(2)
        offset = start + match.start(2)
        if value[:1] in "\"'":
            return value[1:-1], offset + 1
        return value, offset
    return None


def _dialect(attributes: dict[str, str]) -> str | None:
    lang = attributes.get("lang", "").lower()
    if lang in _TS_LANGS:
        return _TS_LANGS[lang]
    script_type = attributes.get("type", "").lower()
    if script_type in _TS_TYPES:
        return _TS_TYPES[script_type]
    if script_type in _JS_TYPES or lang in ("js", "javascript"):
        return "javascript"
    return None


def _skip_string(text: str, index: int, quote: str) -> int:
    """Return the index just past the string or template literal starting at ``index``."""
    index += 1
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == quote:
            return index + 1
        if char == "\n" and quote != "`":
            return index
        index += 1
    return index


def _find_close_aware(text: str, start: int) -> re.Match[str] | None:
    """Find ``</script>`` after ``start``, passing over strings and comments."""
    index = start
    length = len(text)
    while index < length:
        char = text[index]
        if char in "'\"`":
            index = _skip_string(text, index, char)
        elif text.startswith("//", index):
            newline = text.find("\n", index)
            index = length if newline < 0 else newline
        elif text.startswith("/*", index):
            close = text.find("*/", index + 2)
            index = length if close < 0 else close + 2
        elif char == "<":
            match = _CLOSE_TAG.match(text, index)
            if match:
                return match
            index += 1
        else:
            index += 1
    return None


def find_blocks(text: str, kind: str) -> list[Block]:
    """Return the script blocks of a markup file, in file order."""
    blocks: list[Block] = []
    position = 0
    if kind == filekinds.ASTRO:
        match = _FRONTMATTER.match(text)
        if match:
            blocks.append(
                Block(match.start("body"), match.end("body"), "typescript", "frontmatter")
            )
            position = match.end()
    while True:
        opening = _OPEN_TAG.search(text, position)
        if opening is None:
            break
        content_start = opening.end()
        closing = None
        if kind != filekinds.HTML:
            # Component compilers read the block as code, so a `</script>`
            # inside a string or comment does not end it (browsers differ).
            closing = _find_close_aware(text, content_start)
        if closing is None:
            closing = _CLOSE_TAG.search(text, content_start)
        content_end = closing.start() if closing else len(text)
        attributes = _attributes(opening.group("attributes"))
        role = "script"
        if kind != filekinds.HTML and (
            attributes.get("context") == "module" or "module" in attributes
        ):
            # Svelte's `<script context="module">`, written `<script module>` since Svelte 5.
            role = "module script"
        if "setup" in attributes:
            role = "setup script"
        src = _attribute_value(opening, "src")
        blocks.append(Block(content_start, content_end, _dialect(attributes), role, src))
        position = closing.end() if closing else len(text)
    return blocks


def _markup(text: str, start: int, end: int, facts: Facts) -> None:
    """Add the markup between ``start`` and ``end``: comments apart from the rest."""
    cursor = start
    for comment in _HTML_COMMENT.finditer(text, start, end):
        if comment.start() > cursor:
            facts.strings.append(Literal.at(text[cursor : comment.start()], cursor))
        facts.comments.append(Literal.at(comment.group(0), comment.start()))
        cursor = comment.end()
    if cursor < end:
        facts.strings.append(Literal.at(text[cursor:end], cursor))


def _in_comment(text: str, offset: int) -> bool:
    opening = text.rfind("<!--", 0, offset)
    return opening >= 0 and text.find("-->", opening + 4, offset) < 0


def _entry_module(text: str, blocks: list[Block]) -> Module:
    """Build the module that lists the scripts an HTML page loads, in file order."""
    found: list[tuple[str, int]] = [block.src for block in blocks if block.src is not None]
    for tag in _LINK_TAG.finditer(text):
        rel = _attribute_value(tag, "rel")
        href = _attribute_value(tag, "href")
        if rel is None or href is None or "modulepreload" not in rel[0].lower().split():
            continue
        if not any(block.start <= tag.start() < block.end for block in blocks):
            found.append(href)
    found = [(value, offset) for value, offset in found if not _in_comment(text, offset)]
    imports = [
        Import(value, offset, "script") for value, offset in sorted(found, key=lambda f: f[1])
    ]
    return Module(start=0, end=len(text), block="entry", imports=imports)


def analyze(text: str, settings: AnalyzerSettings, kind: str = filekinds.HTML) -> Facts:
    """Analyze each script block with the JavaScript analyzer; keep the markup as text."""
    from ttai_guard.analyzers import javascript

    facts = Facts()
    cursor = 0
    blocks = find_blocks(text, kind)
    if kind == filekinds.HTML:
        facts.modules.append(_entry_module(text, blocks))
    for block in blocks:
        _markup(text, cursor, block.start, facts)
        cursor = block.end
        source = text[block.start : block.end]
        if block.dialect is None:
            facts.strings.append(Literal.at(source, block.start))
            continue
        try:
            block_facts = javascript.analyze(source, settings, block.dialect)
        except AnalysisError as error:
            facts.notes.append(f"{block.role} at offset {block.start} read as text: {error}")
            facts.strings.append(Literal.at(source, block.start))
            continue
        for module in block_facts.modules:
            module.block = block.role
        if not source.strip():
            block_facts.modules.clear()  # A `<script src>` with no code of its own.
        facts.extend(block_facts.shifted(block.start))
    _markup(text, cursor, len(text), facts)
    return facts
