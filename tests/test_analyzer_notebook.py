"""The notebook analyzer: cells, outputs and exact offsets in the `.ipynb` text."""

from __future__ import annotations

import ast
import base64
import json
import random
import warnings
from typing import Any

import pytest
from conftest import PAT, SK, assert_maps_to_source
from hypothesis import given, settings
from hypothesis import strategies as st

from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.analyzers.notebook import analyze
from ttai_guard.facts import Facts, Literal
from ttai_guard.textindex import LineIndex
from ttai_guard.tokens import find_tokens
from ttai_guard.urls import find_urls

SETTINGS = AnalyzerSettings()


def python_strings(code: str, analyzer_settings: AnalyzerSettings) -> Facts:
    """Analyze a cell with the standard `ast` parser: every plain string constant.

    Offsets assume single-line literals written without a prefix, which is
    what these tests use.
    """
    try:
        # Generated cells may hold invalid escapes; their warnings are noise here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(code)
    except SyntaxError as error:
        raise AnalysisError(f"invalid Python: {error.msg}") from error
    index = LineIndex(code)
    facts = Facts()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            line = index.line_text(node.lineno)
            column = len(line.encode("utf-8")[: node.col_offset].decode("utf-8"))
            quote = index.offset(node.lineno, column + 1)
            facts.strings.append(Literal.at(node.value, quote + 1))
    facts.strings.sort(key=lambda literal: literal.source_offset(0))
    return facts


def notebook(cells: list[dict[str, Any]], language: str | None = "python") -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    if language is not None:
        metadata = {
            "kernelspec": {"display_name": language, "language": language, "name": language},
            "language_info": {"name": language},
        }
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def code_cell(source: list[str] | str, outputs: list[dict[str, Any]] | None = None) -> dict:
    return {
        "cell_type": "code",
        "execution_count": 1,
        "id": "c0de",
        "metadata": {},
        "outputs": outputs or [],
        "source": source,
    }


def markdown_cell(source: list[str]) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": "d0c5", "metadata": {}, "source": source}


def dump(document: dict[str, Any], ensure_ascii: bool = False) -> str:
    # The layout nbformat writes: one-space indent, non-ASCII kept.
    return json.dumps(document, indent=1, ensure_ascii=ensure_ascii) + "\n"


def label_at(facts: Facts, offset: int) -> str:
    for region in facts.regions:
        if region.start <= offset < region.end:
            return region.label
    return ""


def found_tokens(text: str, facts: Facts) -> list[tuple[str, int, str, str]]:
    """Return (token, source offset, raw text at that offset, region label) for each token."""
    found = []
    for literal in (*facts.strings, *facts.comments):
        for token in find_tokens(literal.value):
            start = literal.source_offset(token.start)
            raw = text[start : start + len(token.value)]
            found.append((token.value, start, raw, label_at(facts, start)))
    return sorted(found, key=lambda item: item[1])


TOKEN_NOTEBOOK = notebook(
    [
        markdown_cell(["# Setup\n", "Read [the docs](http://docs.toughtongueai.com).\n"]),
        code_cell(
            ["import os\n", f'token = "{SK}"\n', f"use {PAT}\n"],
            outputs=[
                {"name": "stdout", "output_type": "stream", "text": [f"using {SK}\n", "done\n"]},
            ],
        ),
        code_cell(f"x = 'caf\u00e9'\nprint(\"{PAT}\")\n"),
    ]
)


@pytest.mark.parametrize("ensure_ascii", [False, True])
def test_tokens_map_to_raw_text(ensure_ascii: bool) -> None:
    text = dump(TOKEN_NOTEBOOK, ensure_ascii)
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    found = found_tokens(text, facts)
    # A cell's "outputs" come before its "source" in the file.
    assert [token for token, _, _, _ in found] == [SK, SK, PAT, PAT]
    assert [raw for _, _, raw, _ in found] == [SK, SK, PAT, PAT]
    assert [label for _, _, _, label in found] == [
        "in the output of cell 2",
        "in cell 2",
        "in cell 2",
        "in cell 3",
    ]


def test_escaped_newline_ends_token() -> None:
    # The source line `use PAT\n` ends with the two characters `\` and `n` in the file.
    text = dump(TOKEN_NOTEBOOK)
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    pat_offset = text.index(PAT + "\\n")
    matches = [item for item in found_tokens(text, facts) if item[1] == pat_offset]
    assert matches == [(PAT, pat_offset, PAT, "in cell 2")]


def test_plain_line_of_failed_cell() -> None:
    text = dump(TOKEN_NOTEBOOK)
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    # Cell 2 does not parse (`use PAT` is not Python), so it was read line by line.
    assert facts.notes == ["cell 2 was read as plain text: invalid Python: invalid syntax"]
    line = next(literal for literal in facts.strings if literal.value == f'token = "{SK}"')
    assert line.source_offset(0) == text.index("token = ")
    assert LineIndex(text).position(line.source_offset(0)) == (29, 6)


def test_cell_strings_from_code_analyzer() -> None:
    text = dump(TOKEN_NOTEBOOK, ensure_ascii=True)
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    cafe = next(literal for literal in facts.strings if literal.value == "caf\u00e9")
    assert cafe.source_offset(0) == text.index("caf\\u00e9")
    assert cafe.source_offset(3) == text.index("\\u00e9")
    quoted = next(literal for literal in facts.strings if literal.value == PAT)
    assert text[quoted.source_offset(0) - 2 : quoted.source_offset(0)] == '\\"'


def test_cell_regions() -> None:
    text = dump(TOKEN_NOTEBOOK)
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    cells = TOKEN_NOTEBOOK["cells"]
    labels = [region.label for region in facts.regions]
    assert labels == ["in cell 1", "in cell 2", "in the output of cell 2", "in cell 3"]
    assert json.loads(text[facts.regions[0].start : facts.regions[0].end]) == cells[0]["source"]
    assert json.loads(text[facts.regions[1].start : facts.regions[1].end]) == cells[1]["source"]
    assert json.loads(text[facts.regions[2].start : facts.regions[2].end]) == cells[1]["outputs"]
    assert json.loads(text[facts.regions[3].start : facts.regions[3].end]) == cells[2]["source"]


def test_markdown_cell_link_is_prose() -> None:
    text = dump(TOKEN_NOTEBOOK)
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    assert [url.text for s in facts.strings for url in find_urls(s.value)] == []
    assert [url.text for c in facts.comments for url in find_urls(c.value)] == [
        "http://docs.toughtongueai.com"
    ]


def test_base64_image_not_scanned() -> None:
    image = base64.b64encode(random.Random(7).randbytes(150_000)).decode("ascii")
    assert len(image) == 200_000
    outputs = [
        {
            "data": {"image/png": image, "text/plain": ["<Figure size 640x480>"]},
            "metadata": {},
            "output_type": "display_data",
        }
    ]
    text = dump(notebook([code_cell(["plot()\n"], outputs)]))
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    values = [literal.value for literal in (*facts.strings, *facts.comments)]
    assert not any(image[:64] in value for value in values)
    assert "<Figure size 640x480>" in values


def test_text_outputs_are_comments() -> None:
    outputs = [
        {
            "data": {
                "text/html": ["<a href='http://out.example.org'>x</a>"],
                "application/json": {"token": SK},
            },
            "execution_count": 1,
            "metadata": {},
            "output_type": "execute_result",
        },
        {
            "ename": "ValueError",
            "evalue": f"bad token {PAT}",
            "output_type": "error",
            "traceback": ["\u001b[0;31mValueError\u001b[0m: bad"],
        },
    ]
    text = dump(notebook([code_cell("x\n", outputs)]), ensure_ascii=True)
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    comment_values = [literal.value for literal in facts.comments]
    assert "<a href='http://out.example.org'>x</a>" in comment_values
    assert SK in comment_values
    assert f"bad token {PAT}" in comment_values
    assert "\x1b[0;31mValueError\x1b[0m: bad" in comment_values
    assert [value for _, _, value, _ in found_tokens(text, facts)] == [SK, PAT]


def test_magic_lines_masked() -> None:
    source = ["%pip install requests\n", "!curl http://x.toughtongueai.com\n", "y = 'kept'\n"]
    text = dump(notebook([code_cell(source)]))
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    assert facts.notes == []
    values = [literal.value for literal in facts.strings]
    assert values == ["kept", "%pip install requests", "!curl http://x.toughtongueai.com"]
    magic = facts.strings[2]
    assert magic.source_offset(0) == text.index("!curl")


@pytest.mark.parametrize(
    ("first_line", "note"),
    [
        ("%%bash\n", "cell 1 runs a cell magic and was read as plain text"),
        ("%%time\n", None),
    ],
)
def test_cell_magic(first_line: str, note: str | None) -> None:
    text = dump(notebook([code_cell([first_line, "y = 'v'\n"])]))
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    assert facts.notes == ([note] if note else [])
    values = [literal.value for literal in facts.strings]
    assert values == (["%%bash", "y = 'v'"] if note else ["v", "%%time"])


@pytest.mark.parametrize("language", ["R", "julia"])
def test_other_language_is_plain_text(language: str) -> None:
    text = dump(notebook([code_cell(["x <- 'a'\n"])], language=language))
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    assert [literal.value for literal in facts.strings] == ["x <- 'a'"]


def test_missing_language_is_python() -> None:
    text = dump(notebook([code_cell(["y = 'v'\n"])], language=None))
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    assert [literal.value for literal in facts.strings] == ["v"]


def test_without_code_analyzer() -> None:
    text = dump(notebook([code_cell(["y = 'v'\n", "z = 1\n"])]))
    facts = analyze(text, SETTINGS)
    assert [literal.value for literal in facts.strings] == ["y = 'v'", "z = 1"]


def test_metadata_strings_are_comments() -> None:
    document = notebook([code_cell("x\n")])
    document["metadata"]["papermill"] = {"parameters": {"token": SK}}
    text = dump(document)
    facts = analyze(text, SETTINGS)
    assert [value for _, _, value, _ in found_tokens(text, facts)] == [SK]


def test_bearer_in_output() -> None:
    outputs = [
        {
            "name": "stdout",
            "output_type": "stream",
            "text": "Authorization: Bearer q1W2e3R4t5Y6u7I8\n",
        }
    ]
    text = dump(notebook([code_cell("x\n", outputs)]))
    facts = analyze(text, SETTINGS, code_analyzer=python_strings)
    assert [(c.name, c.literal.value) for c in facts.credentials] == [
        ("Authorization", "q1W2e3R4t5Y6u7I8")
    ]
    assert facts.credentials[0].literal.source_offset(0) == text.index("q1W2")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"cells": [', "invalid JSON at line 1, column 12: expected a JSON value"),
        ("[]", "a notebook must be a JSON object, not a JSON array"),
        ('{"worksheets": []}', "the notebook has no `cells` list (only nbformat 4 is read)"),
    ],
)
def test_invalid_notebook(text: str, message: str) -> None:
    with pytest.raises(AnalysisError) as raised:
        analyze(text, SETTINGS)
    assert str(raised.value).startswith(message)


def test_real_python_analyzer() -> None:
    python = pytest.importorskip("ttai_guard.analyzers.python")
    text = dump(TOKEN_NOTEBOOK, ensure_ascii=True)
    facts = analyze(text, SETTINGS, code_analyzer=python.analyze)
    found = found_tokens(text, facts)
    assert sorted({(token, raw) for token, _, raw, _ in found}) == sorted({(SK, SK), (PAT, PAT)})


# Pieces that random documents are built from: syntax of every format here.
FRAGMENTS = [
    *"ab =:#'\"`\\$&|;(){}[]<>-*!%,.x0\t\n\r",
    "\r\n",
    "    ",
    "\\n",
    "\\u00e9",
    "\u00e9",
    "\ufeff",
    "${A}",
    "Authorization: Bearer ",
    "TTAI_TOKEN",
    "```",
    "%pip ",
    "!",
    "%%bash\n",
]


@settings(max_examples=300, deadline=None)
@given(
    source=st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join),
    cell_type=st.sampled_from(["code", "markdown", "raw"]),
    ensure_ascii=st.booleans(),
)
def test_any_cell_maps_to_source(source: str, cell_type: str, ensure_ascii: bool) -> None:
    stream = {"output_type": "stream", "name": "stdout", "text": source}
    cell = code_cell([source, "x\n"], [stream])
    cell["cell_type"] = cell_type
    text = dump(notebook([cell]), ensure_ascii)
    assert_maps_to_source(text, analyze(text, SETTINGS, code_analyzer=python_strings))
