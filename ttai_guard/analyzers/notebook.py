"""Analyzer for Jupyter notebooks (``.ipynb``, nbformat 4).

A notebook is JSON, so a cell's code is a JSON string (or a list of them)
with escapes such as ``\\n`` and ``\\"``. Each cell's source is decoded with
every character mapped to its place in the file, analyzed as code, Markdown
or plain text, and the resulting facts are moved back to file offsets. Text
outputs (streams, ``text/*`` and JSON data, tracebacks) and metadata are
scanned as comments, so token rules read them and URL rules do not. Base64
data such as ``image/png`` is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ttai_guard.analyzers import AnalysisError, AnalyzerSettings, markup
from ttai_guard.analyzers.jsonfile import JsonNode, parse_json
from ttai_guard.analyzers.literals import (
    LiteralBuilder,
    add_bearer_credentials,
    deduplicate_credentials,
    line_literal,
    plain_text_facts,
    remap_facts,
    split_lines,
)
from ttai_guard.facts import Facts, Literal, Region

#: The signature of a code analyzer for one cell's decoded code, such as
#: ``ttai_guard.analyzers.python.analyze``.
CodeAnalyzer = Callable[[str, AnalyzerSettings], Facts]

# Cell magics that run the rest of the cell as Python.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
_RESULT_OUTPUTS = frozenset({"execute_result", "display_data", "update_display_data"})
_TEXT_MIME_TYPES = frozenset({"application/json", "application/javascript", "application/xml"})


def analyze(
    text: str, settings: AnalyzerSettings, code_analyzer: CodeAnalyzer | None = None
) -> Facts:
    """Extract facts from every cell and text output of a notebook, at file offsets.

    ``code_analyzer`` reads code cells of a Python notebook (the kernel or
    language metadata names Python, or names no language). Other code cells,
    raw cells and code cells that ``code_analyzer`` cannot parse are read as
    plain text, and Markdown cells as Markdown. Each cell source gets a
    ``Region`` labelled ``in cell N`` and its outputs ``in the output of cell
    N``, counting all cells from 1. Raises :class:`AnalysisError` when the
    file is not JSON or has no ``cells`` list.
    """
    root, _ = parse_json(text)
    if root.kind != "object":
        raise AnalysisError(f"a notebook must be a JSON object, not a JSON {root.kind}")
    cells = root.member("cells")
    if cells is None or cells.kind != "array":
        raise AnalysisError("the notebook has no `cells` list (only nbformat 4 is read)")
    python = _is_python_notebook(root)
    facts = Facts()
    for number, cell in enumerate(cells.items, start=1):
        if cell.kind == "object":
            _add_cell(cell, number, python, code_analyzer, settings, facts)
    metadata = root.member("metadata")
    if metadata is not None:
        facts.comments.extend(metadata.strings())
    add_bearer_credentials(facts)
    deduplicate_credentials(facts)
    return facts


def _is_python_notebook(root: JsonNode) -> bool:
    metadata = root.member("metadata")
    if metadata is None:
        return True
    names = []
    language_info = metadata.member("language_info")
    if language_info is not None:
        names.append(_string(language_info.member("name")))
    kernelspec = metadata.member("kernelspec")
    if kernelspec is not None:
        names.append(_string(kernelspec.member("language")))
    known = [name.lower() for name in names if name]
    return not known or any(name.startswith(("python", "ipython")) for name in known)


def _string(node: JsonNode | None) -> str:
    return (node.string or "") if node is not None else ""


def _add_cell(
    cell: JsonNode,
    number: int,
    python: bool,
    code_analyzer: CodeAnalyzer | None,
    settings: AnalyzerSettings,
    facts: Facts,
) -> None:
    source = cell.member("source")
    mapping = _source_literal(source) if source is not None else None
    if source is not None and mapping is not None:
        cell_type = _string(cell.member("cell_type"))
        found = _cell_facts(mapping.value, cell_type, python, code_analyzer, settings, number)
        _merge(facts, remap_facts(found, mapping))
        facts.regions.append(Region(source.start, source.end, f"in cell {number}"))
    outputs = cell.member("outputs")
    if outputs is not None and outputs.items:
        for output in outputs.items:
            facts.comments.extend(_output_texts(output))
        facts.regions.append(Region(outputs.start, outputs.end, f"in the output of cell {number}"))
    metadata = cell.member("metadata")
    if metadata is not None:
        facts.comments.extend(metadata.strings())


def _merge(facts: Facts, found: Facts) -> None:
    """Add a cell's facts. A cell read as plain text leaves the notebook itself parsed."""
    parsed = facts.parsed
    facts.extend(found)
    facts.parsed = parsed


def _source_literal(source: JsonNode) -> Literal | None:
    """Join a cell's ``source`` (a string or a list of strings) into one mapped literal."""
    if source.literal is not None:
        return source.literal
    if source.kind != "array":
        return None
    builder = LiteralBuilder()
    for item in source.items:
        if item.literal is not None:
            builder.add_literal(item.literal)
    return builder.build()


def _cell_facts(
    cell_text: str,
    cell_type: str,
    python: bool,
    code_analyzer: CodeAnalyzer | None,
    settings: AnalyzerSettings,
    number: int,
) -> Facts:
    """Analyze one cell's decoded text. Offsets in the result are offsets in ``cell_text``."""
    if cell_type == "markdown":
        return markup.analyze(cell_text, settings, syntax="markdown")
    if cell_type != "code" or not python or code_analyzer is None:
        return plain_text_facts(cell_text)
    masked = _mask_magics(cell_text)
    if masked is None:
        found = plain_text_facts(cell_text)
        found.notes.append(f"cell {number} runs a cell magic and was read as plain text")
        return found
    code, magic_lines = masked
    try:
        found = code_analyzer(code, settings)
    except (AnalysisError, RecursionError) as error:
        found = plain_text_facts(cell_text)
        found.notes.append(f"cell {number} was read as plain text: {error}")
        return found
    for start, end in magic_lines:
        literal = line_literal(cell_text, start, end)
        if literal is not None:
            found.strings.append(literal)
    return found


def _mask_magics(cell_text: str) -> tuple[str, list[tuple[int, int]]] | None:
    """Blank out IPython magic and shell lines so the cell parses as Python.

    Returns the masked code (same length, so offsets stay valid) and the
    spans of the blanked lines, or ``None`` when a cell magic such as
    ``%%bash`` makes the whole cell something other than Python.
    """
    spans = []
    first = True
    for line in split_lines(cell_text):
        stripped = cell_text[line.start : line.end].lstrip()
        if not stripped:
            continue
        if first and stripped.startswith("%%"):
            magic = stripped[2:].split(maxsplit=1)[0] if stripped[2:].strip() else ""
            if magic not in _PYTHON_CELL_MAGICS:
                return None
            spans.append((line.start, line.end))
        elif stripped.startswith(("%", "!")):
            spans.append((line.start, line.end))
        first = False
    if not spans:
        return cell_text, []
    characters = list(cell_text)
    for start, end in spans:
        characters[start:end] = " " * (end - start)
    return "".join(characters), spans


def _texts(node: JsonNode | None) -> Iterator[Literal]:
    """Yield a string node's literal, or each string of an array node."""
    if node is None:
        return
    if node.literal is not None:
        yield node.literal
    for item in node.items:
        if item.literal is not None:
            yield item.literal


def _is_text_mime_type(mime_type: str) -> bool:
    return (
        mime_type.startswith("text/")
        or mime_type in _TEXT_MIME_TYPES
        or mime_type.endswith("+json")
    )


def _output_texts(output: JsonNode) -> Iterator[Literal]:
    """Yield the text of an output: stream text, text and JSON data, error tracebacks."""
    output_type = _string(output.member("output_type"))
    if output_type == "stream":
        yield from _texts(output.member("text"))
    elif output_type in _RESULT_OUTPUTS:
        data = output.member("data")
        for key, value in data.members if data is not None else ():
            if not _is_text_mime_type(_string(key)):
                continue
            if value.kind == "object":
                yield from value.strings()
            else:
                yield from _texts(value)
    elif output_type == "error":
        yield from _texts(output.member("ename"))
        yield from _texts(output.member("evalue"))
        yield from _texts(output.member("traceback"))
