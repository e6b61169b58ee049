"""The documentation analyzer: code in Markdown, MDX and reStructuredText."""

from __future__ import annotations

import pytest
from conftest import PAT, SK, assert_maps_to_source
from hypothesis import given, settings
from hypothesis import strategies as st

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.analyzers.markup import (
    CodeBlock,
    analyze,
    code_blocks,
    detect_syntax,
    normalize_language,
)
from ttai_guard.facts import Literal
from ttai_guard.textindex import LineIndex
from ttai_guard.tokens import find_tokens
from ttai_guard.urls import find_urls

SETTINGS = AnalyzerSettings()
BODY = "q1W2e3R4t5Y6u7I8"


def blocks(text: str, syntax: str) -> list[tuple[str, str, tuple[int, int]]]:
    index = LineIndex(text)
    return [
        (block.value, block.language, index.position(block.source_offset(0)))
        for block in code_blocks(text, syntax)
    ]


def urls_in(literals: list[Literal]) -> list[str]:
    return [url.text for literal in literals for url in find_urls(literal.value)]


MARKDOWN = (
    "# Guide\n"  # 1
    "\n"
    "See [docs](http://api.toughtongueai.com/docs), <http://auto.toughtongueai.com>\n"  # 3
    "and http://bare.toughtongueai.com in prose. Call `http://span.toughtongueai.com`.\n"  # 4
    "\n"
    '```python title="client.py"\n'  # 6
    "import requests\n"  # 7
    'requests.get("http://fenced.toughtongueai.com")\n'
    "```\n"
    "\n"
    "    curl http://indented.toughtongueai.com\n"  # 11
    "    echo done\n"
    "\n"
    "- a list item\n"  # 14
    "    continued http://continued.toughtongueai.com\n"  # 15
    "\n"
    "  ~~~bash\n"  # 17
    "  export TTAI_TOKEN=" + BODY + "\n"  # 18
    "  ~~~\n"
    "\n"
    "``` js\n"  # 21
    "fetch(url)\n"  # 22
)


def test_markdown_code_blocks() -> None:
    assert blocks(MARKDOWN, "markdown") == [
        ("http://span.toughtongueai.com", "", (4, 51)),
        (
            'import requests\nrequests.get("http://fenced.toughtongueai.com")',
            "python",
            (7, 1),
        ),
        ("curl http://indented.toughtongueai.com\necho done", "", (11, 5)),
        ("export TTAI_TOKEN=" + BODY, "shell", (18, 3)),
        ("fetch(url)", "javascript", (22, 1)),
    ]


def test_markdown_urls_only_in_code() -> None:
    facts = analyze(MARKDOWN, SETTINGS, syntax="markdown")
    assert urls_in(facts.strings) == [
        "http://span.toughtongueai.com",
        "http://fenced.toughtongueai.com",
        "http://indented.toughtongueai.com",
    ]


def test_markdown_prose_is_comments() -> None:
    facts = analyze(MARKDOWN, SETTINGS, syntax="markdown")
    assert urls_in(facts.comments) == [
        "http://api.toughtongueai.com/docs",
        "http://auto.toughtongueai.com",
        "http://bare.toughtongueai.com",
        "http://continued.toughtongueai.com",
    ]


def test_markdown_prose_pieces_skip_spans() -> None:
    facts = analyze(MARKDOWN, SETTINGS, syntax="markdown")
    index = LineIndex(MARKDOWN)
    line_four = [
        (literal.value, index.position(literal.source_offset(0)))
        for literal in facts.comments
        if index.position(literal.source_offset(0))[0] == 4
    ]
    assert line_four == [
        ("and http://bare.toughtongueai.com in prose. Call ", (4, 1)),
        (".", (4, 81)),
    ]


def test_markdown_block_settings() -> None:
    facts = analyze(MARKDOWN, SETTINGS, syntax="markdown")
    index = LineIndex(MARKDOWN)
    found = [
        (c.name, c.literal.value, index.position(c.literal.source_offset(0)))
        for c in facts.credentials
    ]
    assert found == [("TTAI_TOKEN", BODY, (18, 21))]


def test_markdown_fence_dedent_maps_lines() -> None:
    text = "1. item\n\n   ```sh\n   A=1\n     B=2\n   ```\n"
    block = code_blocks(text, "markdown")[0]
    assert block.value == "A=1\n  B=2"
    assert block.source_offset(0) == text.index("A=1")
    assert block.source_offset(4) == text.index("  B=2")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("para\n    not code\n", []),
        ("```\nnever closed\nhttp://x\n", [("never closed\nhttp://x", "", (2, 1))]),
        ("````\n```\ninner\n````\n", [("```\ninner", "", (2, 1))]),
        ("``` a`b\ntext\n", []),
        ("``double `tick` span``\n", [("double `tick` span", "", (1, 3))]),
        ("`unclosed span\n", []),
        ("`multi\nline` span\n", [("multi\nline", "", (1, 2))]),
        ("\tcode with tab\n", [("code with tab", "", (1, 2))]),
        ("- item\n\n        code in item\n", [("  code in item", "", (3, 7))]),
        ("> quoted `span`\n", [("span", "", (1, 11))]),
    ],
)
def test_markdown_edge_cases(text: str, expected: list[tuple[str, str, tuple[int, int]]]) -> None:
    assert blocks(text, "markdown") == expected


MDX = (
    "import { Card } from './card'\n"  # 1
    "export const api = {\n"
    '  url: "http://esm.toughtongueai.com"\n'
    "}\n"
    "\n"
    "# Hello {props.name}\n"  # 6
    "\n"
    '<Card href="http://prose.toughtongueai.com">see {`http://expr.toughtongueai.com`}</Card>\n'
    "\n"
    "{\n"  # 10
    "  items.map((item) => item.url)\n"
    "}\n"
    "\n"
    "    indented is prose in MDX\n"  # 14
    "\n"
    "Use `npm run dev`.\n"  # 16
)


def test_mdx_code_blocks() -> None:
    assert blocks(MDX, "mdx") == [
        (
            "import { Card } from './card'\nexport const api = {\n"
            '  url: "http://esm.toughtongueai.com"\n}',
            "jsx",
            (1, 1),
        ),
        ("props.name", "jsx", (6, 10)),
        ("`http://expr.toughtongueai.com`", "jsx", (8, 50)),
        ("\n  items.map((item) => item.url)\n", "jsx", (10, 2)),
        ("npm run dev", "", (16, 6)),
    ]


def test_mdx_prose() -> None:
    facts = analyze(MDX, SETTINGS, syntax="mdx")
    assert urls_in(facts.comments) == ["http://prose.toughtongueai.com"]
    assert "    indented is prose in MDX" in [literal.value for literal in facts.comments]


RST = (
    "Guide\n"  # 1
    "=====\n"
    "\n"
    "Some ``http://inline.toughtongueai.com`` and `a link <http://prose.toughtongueai.com>`_.\n"
    "\n"
    "Example::\n"  # 6
    "\n"
    "    curl http://literal.toughtongueai.com\n"  # 8
    "      --fail\n"
    "\n"
    "Back to prose.\n"  # 11
    "\n"
    ".. code-block:: python\n"  # 13
    "   :linenos:\n"
    "\n"
    '   print("http://directive.toughtongueai.com")\n'  # 16
    "\n"
    ".. note::\n"  # 18
    "\n"
    "   http://note.toughtongueai.com is prose\n"
)


def test_rst_code_blocks() -> None:
    assert blocks(RST, "rst") == [
        ("http://inline.toughtongueai.com", "", (4, 8)),
        ("curl http://literal.toughtongueai.com\n  --fail", "", (8, 5)),
        ('print("http://directive.toughtongueai.com")', "python", (16, 4)),
    ]


def test_rst_prose() -> None:
    facts = analyze(RST, SETTINGS, syntax="rst")
    assert urls_in(facts.comments) == [
        "http://prose.toughtongueai.com",
        "http://note.toughtongueai.com",
    ]
    assert "   :linenos:" in [literal.value for literal in facts.comments]


def test_prose_token_found_in_comments() -> None:
    text = f"Paste `{PAT}` or {SK} here.\n"
    facts = analyze(text, SETTINGS, syntax="markdown")
    found = []
    for literal in (*facts.strings, *facts.comments):
        for token in find_tokens(literal.value):
            start = literal.source_offset(token.start)
            found.append((token.value, start, text[start : start + len(token.value)]))
    assert found == [
        (PAT, text.index(PAT), PAT),
        (SK, text.index(SK), SK),
    ]


def test_bearer_in_prose_and_curl() -> None:
    text = (
        f"Send `Authorization: Bearer {BODY}`.\n"
        "\n"
        "```bash\n"
        'curl --header "Authorization: Bearer $TTAI_TOKEN" https://api.toughtongueai.com\n'
        "```\n"
    )
    facts = analyze(text, SETTINGS, syntax="markdown")
    index = LineIndex(text)
    found = [
        (c.name, c.literal.value, index.position(c.literal.source_offset(0)))
        for c in facts.credentials
    ]
    assert found == [
        ("Authorization", "$TTAI_TOKEN", (4, 38)),
        ("Authorization", BODY, (1, 29)),
    ]


@pytest.mark.parametrize(
    ("language", "kind"),
    [
        ("json", "json"),
        ("yaml", "yaml"),
        ("toml", "toml"),
        ("ini", "ini"),
        ("dockerfile", "dockerfile"),
        ("dotenv", "env"),
    ],
)
def test_config_block_credentials(language: str, kind: str) -> None:
    lines = {
        "json": '{"TTAI_TOKEN": "' + BODY + '"}',
        "yaml": "TTAI_TOKEN: " + BODY,
        "toml": 'TTAI_TOKEN = "' + BODY + '"',
        "ini": "TTAI_TOKEN = " + BODY,
        "dockerfile": "ENV TTAI_TOKEN=" + BODY,
        "env": "TTAI_TOKEN=" + BODY,
    }
    text = f"Intro\n\n```{language}\n{lines[kind]}\n```\n"
    facts = analyze(text, SETTINGS, syntax="markdown")
    assert [(c.name, c.literal.value) for c in facts.credentials] == [("TTAI_TOKEN", BODY)]
    assert facts.credentials[0].literal.source_offset(0) == text.index(BODY)


def test_python_block_has_no_settings() -> None:
    text = "```python\nTTAI_TOKEN=" + BODY + "\n```\n"
    assert analyze(text, SETTINGS, syntax="markdown").credentials == []


@pytest.mark.parametrize(
    ("info", "language"),
    [
        ("python", "python"),
        ("py", "python"),
        ("{.python}", "python"),
        ('Python title="x.py"', "python"),
        ("js", "javascript"),
        ("javascript", "javascript"),
        ("jsx", "jsx"),
        ("ts", "typescript"),
        ("typescript", "typescript"),
        ("tsx", "tsx"),
        ("bash", "shell"),
        ("yml", "yaml"),
        ("", ""),
        ("mermaid", "mermaid"),
    ],
)
def test_normalize_language(info: str, language: str) -> None:
    assert normalize_language(info) == language


@pytest.mark.parametrize(
    ("text", "syntax"),
    [
        ("# Title\n\n```py\nx\n```\n", "markdown"),
        ("Title\n=====\n\n.. note::\n\n   text\n\nSee `docs <http://x>`_.\n", "rst"),
        ("import { A } from './a'\n\n# Title\n\n<A />\n", "mdx"),
        ("# Title\n\n```js\nimport x from 'y'\n```\n", "markdown"),
    ],
)
def test_detect_syntax(text: str, syntax: str) -> None:
    assert detect_syntax(text) == syntax


def test_analyze_guesses_syntax() -> None:
    facts = analyze("Example::\n\n    http://x.toughtongueai.com\n\n.. note:: y\n", SETTINGS)
    assert urls_in(facts.strings) == ["http://x.toughtongueai.com"]


def test_code_block_is_literal() -> None:
    block = code_blocks("```py\nx = 1\n```\n", "markdown")[0]
    assert isinstance(block, CodeBlock)
    assert isinstance(block, Literal)
    assert block.language == "python"


def test_unknown_syntax() -> None:
    with pytest.raises(ValueError, match="unknown document syntax 'asciidoc'"):
        analyze("", SETTINGS, syntax="asciidoc")


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
    "~~~",
    "::",
    ".. code-block:: sh",
    "- ",
    "import ",
    "\n\n",
]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
@pytest.mark.parametrize("syntax", ["markdown", "mdx", "rst", None])
def test_any_input_maps_to_source(syntax: str | None, text: str) -> None:
    assert_maps_to_source(text, analyze(text, SETTINGS, syntax=syntax))
