"""The key-value analyzer: JSON, YAML, TOML, INI, Dockerfile, shell and plain text."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import PAT, REPOSITORY_ROOT, SK, assert_maps_to_source
from hypothesis import given, settings
from hypothesis import strategies as st

from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.analyzers.jsonfile import parse_json
from ttai_guard.analyzers.keyvalue import KINDS, analyze
from ttai_guard.analyzers.literals import (
    LiteralBuilder,
    remap_literal,
    slice_literal,
    split_lines,
)
from ttai_guard.facts import Facts, Literal, Segment
from ttai_guard.textindex import LineIndex
from ttai_guard.tokens import find_tokens

SETTINGS = AnalyzerSettings()
BODY = "q1W2e3R4t5Y6u7I8"  # a random-looking credential of no token format


def position(text: str, literal: Literal) -> tuple[int, int]:
    return LineIndex(text).position(literal.source_offset(0))


def setting(facts: Facts, name: str) -> Literal:
    values = [literal for key, literal in facts.settings if key == name]
    assert len(values) == 1, f"{name} found {len(values)} times in {facts.settings}"
    return values[0]


def credentials(text: str, facts: Facts) -> list[tuple[str, str, tuple[int, int]]]:
    return [(c.name, c.literal.value, position(text, c.literal)) for c in facts.credentials]


def comments(text: str, facts: Facts) -> list[tuple[str, tuple[int, int]]]:
    return [(literal.value, position(text, literal)) for literal in facts.comments]


def token_starts(text: str, facts: Facts) -> list[tuple[int, bool]]:
    """Return each token found in strings and comments: its source offset and whether it maps."""
    found = []
    for literal in (*facts.strings, *facts.comments):
        for token in find_tokens(literal.value):
            start = literal.source_offset(token.start)
            spans = literal.source_spans(token.start, token.end)
            source = "".join(text[low:high] for low, high in spans)
            found.append((start, source == token.value))
    return found


# Each kind: (kind, text, setting name, value, (line, column) of the value)
JSON_MCP = (
    "{\n"
    '  "mcpServers": {\n'
    '    "tt": {\n'
    f'      "env": {{"TTAI_TOKEN": "{PAT}"}},\n'
    f'      "headers": {{"Authorization": "Bearer {BODY}"}}\n'
    "    }\n"
    "  }\n"
    "}\n"
)
YAML_DOC = (
    "# deployment\n"
    "env:\n"
    f'  TTAI_TOKEN: "{PAT}"  # inline\n'
    "  note: it's here # trailing\n"
    "  url: http://example.com/#frag\n"
    "services:\n"
    "  api:\n"
    "    environment:\n"
    f"      - TTAI_API_KEY={SK}\n"
    '      - "SPACED=a b"\n'
    "quoted: 'a''b'\n"
    "script: |\n"
    "  line one # kept\n"
    "  line two\n"
    "folded: >-\n"
    "  first\n"
    "  second\n"
    "secret: ${{ secrets.TTAI_TOKEN }}\n"
    'escaped: "x\\ty"\n'
)
TOML_DOC = (
    "# settings\n"
    "[toughtongue]\n"
    f'api_key = "{BODY}" # why\n'
    "base = 'http://api.toughtongueai.com'\n"
    "[tool.app]\n"
    'env = { TTAI_TOKEN = "a\\tb", port = 8080 }\n'
    'text = """\n'
    "multi # not a comment\n"
    '"""\n'
    'list = ["a", # in array\n'
    '  "b"]\n'
)
INI_DOC = (
    "; top\n"
    "[toughtongue]\n"
    f"api_key = {BODY} ; inline\n"
    "name: quoted\n"
    "[npm]\n"
    f"//registry.npmjs.org/:_authToken={BODY}\n"
    'title = "a ; b"\n'
    "url = http://x/#frag\n"
)
DOCKERFILE = (
    "# syntax=docker/dockerfile:1\n"
    "FROM python:3.12\n"
    f'ENV TTAI_TOKEN={PAT} OTHER="a b"\n'
    "ENV TTAI_KEY legacy value\n"
    f"ARG TTAI_PAT={BODY}\n"
    "ARG NO_DEFAULT\n"
    "RUN export TTAI_SECRET=xyz && \\\n"
    "    # a comment inside RUN\n"
    "    echo done\n"
)
SHELL = (
    "#!/bin/sh\n"
    f'export TTAI_TOKEN="{PAT}" # dev\n'
    "A=1 B='two words' run # x\n"
    'curl -H "Authorization: Bearer $TTAI_TOKEN" \\\n'
    f"  --header 'Authorization: Bearer {BODY}' https://api.toughtongueai.com\n"
    "cat <<EOF\n"
    "# not a comment\n"
    "EOF\n"
    "declare -x TTAI_SECRET=$'a\\nb'\n"
    'local -r SCOPED="in $HOME"\n'
)

SETTING_CASES = [
    ("json", JSON_MCP, "TTAI_TOKEN", PAT, (4, 30)),
    ("json", JSON_MCP, "Authorization", f"Bearer {BODY}", (5, 37)),
    ("yaml", YAML_DOC, "TTAI_TOKEN", PAT, (3, 16)),
    ("yaml", YAML_DOC, "note", "it's here", (4, 9)),
    ("yaml", YAML_DOC, "url", "http://example.com/#frag", (5, 8)),
    ("yaml", YAML_DOC, "TTAI_API_KEY", SK, (9, 22)),
    ("yaml", YAML_DOC, "SPACED", "a b", (10, 17)),
    ("yaml", YAML_DOC, "quoted", "a'b", (11, 10)),
    ("yaml", YAML_DOC, "script", "line one # kept\nline two\n", (13, 3)),
    ("yaml", YAML_DOC, "folded", "first second", (16, 3)),
    ("yaml", YAML_DOC, "secret", "${{ secrets.TTAI_TOKEN }}", (18, 9)),
    ("yaml", YAML_DOC, "escaped", "x\ty", (19, 11)),
    ("toml", TOML_DOC, "api_key", BODY, (3, 12)),
    ("toml", TOML_DOC, "base", "http://api.toughtongueai.com", (4, 9)),
    ("toml", TOML_DOC, "TTAI_TOKEN", "a\tb", (6, 23)),
    ("toml", TOML_DOC, "text", "multi # not a comment\n", (8, 1)),
    ("ini", INI_DOC, "api_key", BODY, (3, 11)),
    ("ini", INI_DOC, "name", "quoted", (4, 7)),
    ("ini", INI_DOC, "//registry.npmjs.org/:_authToken", BODY, (6, 34)),
    ("ini", INI_DOC, "title", "a ; b", (7, 10)),
    ("ini", INI_DOC, "url", "http://x/#frag", (8, 7)),
    ("dockerfile", DOCKERFILE, "TTAI_TOKEN", PAT, (3, 16)),
    ("dockerfile", DOCKERFILE, "OTHER", "a b", (3, 24 + len(PAT))),
    ("dockerfile", DOCKERFILE, "TTAI_KEY", "legacy value", (4, 14)),
    ("dockerfile", DOCKERFILE, "TTAI_PAT", BODY, (5, 14)),
    ("dockerfile", DOCKERFILE, "TTAI_SECRET", "xyz", (7, 24)),
    ("shell", SHELL, "TTAI_TOKEN", PAT, (2, 20)),
    ("shell", SHELL, "A", "1", (3, 3)),
    ("shell", SHELL, "B", "two words", (3, 8)),
    ("shell", SHELL, "TTAI_SECRET", "a\nb", (9, 26)),
    ("shell", SHELL, "SCOPED", "in $HOME", (10, 18)),
]


@pytest.mark.parametrize(("kind", "text", "name", "value", "start"), SETTING_CASES)
def test_setting_value_and_position(
    kind: str, text: str, name: str, value: str, start: tuple[int, int]
) -> None:
    facts = analyze(text, SETTINGS, kind=kind)
    literal = setting(facts, name)
    assert literal.value == value
    assert position(text, literal) == start


@pytest.mark.parametrize(("kind", "text", "name", "value", "start"), SETTING_CASES)
def test_setting_maps_each_character(
    kind: str, text: str, name: str, value: str, start: tuple[int, int]
) -> None:
    literal = setting(analyze(text, SETTINGS, kind=kind), name)
    for offset, char in enumerate(literal.value):
        spans = literal.source_spans(offset, offset + 1)
        if not spans or text[spans[0][0]] == "\\":
            # A joining character of a folded block, or an escape sequence.
            continue
        assert text[spans[0][0]] == char


CREDENTIAL_CASES = [
    (
        "json",
        JSON_MCP,
        [
            ("TTAI_TOKEN", PAT, (4, 30)),
            ("Authorization", BODY, (5, 44)),
        ],
    ),
    (
        "yaml",
        YAML_DOC,
        [
            ("TTAI_TOKEN", PAT, (3, 16)),
            ("TTAI_API_KEY", SK, (9, 22)),
        ],
    ),
    (
        "toml",
        TOML_DOC,
        [("toughtongue.api_key", BODY, (3, 12)), ("TTAI_TOKEN", "a\tb", (6, 23))],
    ),
    ("ini", INI_DOC, [("toughtongue.api_key", BODY, (3, 11))]),
    (
        "dockerfile",
        DOCKERFILE,
        [
            ("TTAI_TOKEN", PAT, (3, 16)),
            ("TTAI_KEY", "legacy value", (4, 14)),
            ("TTAI_PAT", BODY, (5, 14)),
            ("TTAI_SECRET", "xyz", (7, 24)),
        ],
    ),
    (
        "shell",
        SHELL,
        [
            ("TTAI_TOKEN", PAT, (2, 20)),
            ("TTAI_SECRET", "a\nb", (9, 26)),
            ("Authorization", "$TTAI_TOKEN", (4, 32)),
            ("Authorization", BODY, (5, 35)),
        ],
    ),
]


@pytest.mark.parametrize(("kind", "text", "expected"), CREDENTIAL_CASES)
def test_credentials(
    kind: str, text: str, expected: list[tuple[str, str, tuple[int, int]]]
) -> None:
    assert credentials(text, analyze(text, SETTINGS, kind=kind)) == expected


def test_yaml_secret_key_is_not_token_named() -> None:
    # `secret` names no product, so it is no credential name by itself.
    facts = analyze("secret: abc\n", SETTINGS, kind="yaml")
    assert facts.credentials == []


COMMENT_CASES = [
    ("yaml", YAML_DOC, [("# deployment", (1, 1)), ("# inline", (3, 63)), ("# trailing", (4, 19))]),
    ("toml", TOML_DOC, [("# settings", (1, 1)), ("# why", (3, 30)), ("# in array", (10, 14))]),
    ("ini", INI_DOC, [("; top", (1, 1)), ("; inline", (3, 28))]),
    (
        "dockerfile",
        DOCKERFILE,
        [("# syntax=docker/dockerfile:1", (1, 1)), ("# a comment inside RUN", (8, 5))],
    ),
    ("shell", SHELL, [("#!/bin/sh", (1, 1)), ("# dev", (2, 66)), ("# x", (3, 23))]),
    (
        "json",
        '{"a": 1, // line\n /* block */ "b": [2,],}\n',
        [("// line", (1, 10)), ("/* block */", (2, 2))],
    ),
]


@pytest.mark.parametrize(("kind", "text", "expected"), COMMENT_CASES)
def test_comments(kind: str, text: str, expected: list[tuple[str, tuple[int, int]]]) -> None:
    assert comments(text, analyze(text, SETTINGS, kind=kind)) == expected


@pytest.mark.parametrize(
    ("kind", "text", "line"),
    [
        ("yaml", YAML_DOC, '  TTAI_TOKEN: "' + PAT + '"'),
        ("yaml", YAML_DOC, "  line one # kept"),
        ("toml", TOML_DOC, "multi # not a comment"),
        ("ini", INI_DOC, "api_key = " + BODY),
        ("dockerfile", DOCKERFILE, "FROM python:3.12"),
        ("shell", SHELL, "# not a comment"),
        ("shell", SHELL, 'export TTAI_TOKEN="' + PAT + '"'),
        ("text", "first\nsecond line\n", "second line"),
    ],
)
def test_lines_are_strings(kind: str, text: str, line: str) -> None:
    facts = analyze(text, SETTINGS, kind=kind)
    literal = next((s for s in facts.strings if s.value == line), None)
    assert literal is not None
    assert literal.source_offset(0) == text.index(line)


@pytest.mark.parametrize(
    ("kind", "text", "comment"),
    [
        ("yaml", YAML_DOC, "# inline"),
        ("toml", TOML_DOC, "# why"),
        ("shell", SHELL, "# dev"),
    ],
)
def test_comments_cut_from_lines(kind: str, text: str, comment: str) -> None:
    facts = analyze(text, SETTINGS, kind=kind)
    assert not any(comment in literal.value for literal in facts.strings)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("json", JSON_MCP),
        ("yaml", YAML_DOC),
        ("dockerfile", DOCKERFILE),
        ("shell", SHELL),
        ("text", f"plain {SK} text\nmore {PAT}\n"),
    ],
)
def test_tokens_map_to_source(kind: str, text: str) -> None:
    found = token_starts(text, analyze(text, SETTINGS, kind=kind))
    assert found
    assert all(maps for _, maps in found)


def test_json_escaped_token() -> None:
    escaped = SK[:10] + "\\u00" + format(ord(SK[10]), "x") + SK[11:]
    text = '{"key": "' + escaped + '\\n"}'
    facts = analyze(text, SETTINGS, kind="json")
    literal = setting(facts, "key")
    assert literal.value == SK + "\n"
    token = next(find_tokens(literal.value))
    assert token.value == SK
    assert literal.source_offset(token.start) == text.index(SK[:10])
    assert literal.source_end(token.end) == text.index("\\n")


def test_json_args_header() -> None:
    text = '{"args": ["mcp-remote", "--header", "Authorization: Bearer ${TTAI_TOKEN}"]}'
    facts = analyze(text, SETTINGS, kind="json")
    assert credentials(text, facts) == [("Authorization", "${TTAI_TOKEN}", (1, 60))]


def test_json_scoped_credential() -> None:
    text = '{"toughtongue": {"apiKey": "' + BODY + '"}, "other": {"apiKey": "x"}}'
    facts = analyze(text, SETTINGS, kind="json")
    assert [(c.name, c.context) for c in facts.credentials] == [
        ("toughtongue.apiKey", "assigned to `toughtongue.apiKey`")
    ]


def test_json_invalid_reads_lines() -> None:
    text = '{\n  "TTAI_TOKEN": "' + BODY + '",\n  oops\n}\n'
    facts = analyze(text, SETTINGS, kind="json")
    assert not facts.parsed
    assert facts.notes == [
        "invalid JSON at line 3, column 3: expected `}` or an object key, found 'o', "
        "so settings were read line by line"
    ]
    assert setting(facts, "TTAI_TOKEN").value == BODY
    assert position(text, setting(facts, "TTAI_TOKEN")) == (2, 18)
    assert [literal.value for literal in facts.strings][2] == "  oops"


def test_text_bearer_anywhere() -> None:
    text = f"GET /v1 HTTP/1.1\nauthorization: bearer {BODY}\n"
    facts = analyze(text, SETTINGS, kind="text")
    assert credentials(text, facts) == [("Authorization", BODY, (2, 23))]


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="unknown key-value kind 'xml'"):
        analyze("", SETTINGS, kind="xml")


# Each kind: the modules of ttai_guard.analyzers that analyzing it imports.
IMPORT_CASES = [
    ("json", ["jsonfile", "keyvalue", "literals"]),
    ("yaml", ["keyvalue", "literals", "yamlfile"]),
    ("toml", ["keyvalue", "literals", "tomlfile"]),
    ("ini", ["inifile", "keyvalue", "literals"]),
    ("dockerfile", ["keyvalue", "literals", "shell"]),
    ("shell", ["keyvalue", "literals", "shell"]),
    ("text", ["keyvalue", "literals"]),
]
IMPORT_PROBE = """
import sys
from ttai_guard.analyzers import AnalyzerSettings, keyvalue
keyvalue.analyze("a = 1\\n", AnalyzerSettings(), kind=sys.argv[1])
prefix = "ttai_guard.analyzers."
print(" ".join(sorted(name[len(prefix):] for name in sys.modules if name.startswith(prefix))))
"""


@pytest.mark.parametrize(("kind", "modules"), IMPORT_CASES)
def test_kind_imports_only_its_module(kind: str, modules: list[str]) -> None:
    # A fresh interpreter, because this test session has imported every module already.
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE, kind],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY_ROOT)},
    )
    assert result.stdout.split() == modules


def test_toml_error_note() -> None:
    text = 'good = "a"\nbad line here\nlater = "b"\n'
    facts = analyze(text, SETTINGS, kind="toml")
    assert facts.notes == ["TOML line 2: expected `=` after a key, so the line was skipped"]
    assert setting(facts, "later").value == "b"


def test_yaml_block_ends_at_dedent() -> None:
    text = "a: |\n  one\n\n  two\nb: x\n"
    facts = analyze(text, SETTINGS, kind="yaml")
    assert setting(facts, "a").value == "one\n\ntwo\n"
    assert setting(facts, "b").value == "x"


def test_yaml_sequence_at_parent_indent() -> None:
    text = f"toughtongue:\n- api_key={BODY}\n"
    facts = analyze(text, SETTINGS, kind="yaml")
    assert [c.name for c in facts.credentials] == ["toughtongue.api_key"]


def test_shell_heredoc_body_has_no_settings() -> None:
    text = "cat <<'EOF'\nTTAI_TOKEN=abc\nEOF\nB=2\n"
    facts = analyze(text, SETTINGS, kind="shell")
    assert [name for name, _ in facts.settings] == ["B"]


def test_shell_quoted_assignment_is_a_word() -> None:
    facts = analyze('echo "A=1" \\"B=2\n', SETTINGS, kind="shell")
    assert facts.settings == []


def test_literal_builder_merges_runs() -> None:
    builder = LiteralBuilder()
    builder.add_run("ab", 10)
    builder.add_run("cd", 12)
    builder.add_escape("\n", 14)
    builder.add_dynamic()
    builder.add_run("e", 20)
    literal = builder.build()
    assert literal.value == "abcd\n\x00e"
    assert literal.segments == (Segment(0, 10, 4), Segment(4, 14, 1), Segment(6, 20, 1))


def test_slice_literal() -> None:
    literal = Literal("abcdef", (Segment(0, 100, 3), Segment(3, 200, 3)))
    part = slice_literal(literal, 2, 5)
    assert part.value == "cde"
    assert part.segments == (Segment(0, 102, 1), Segment(1, 200, 2))


def test_remap_literal_splits_segments() -> None:
    # The outer text `x"a\nb"` decodes to `a`, newline, `b` at 2, 3 and 5.
    outer = Literal("a\nb", (Segment(0, 2, 1), Segment(1, 3, 1), Segment(2, 5, 1)))
    inner = Literal("a\nb", (Segment(0, 0, 3),))
    assert remap_literal(inner, outer).segments == (
        Segment(0, 2, 1),
        Segment(1, 3, 1),
        Segment(2, 5, 1),
    )


def test_remap_literal_keeps_escape_after_run() -> None:
    # The outer text `"ab\tc"` decodes to `ab`, a tab (spelled at 3) and `c` at 5.
    outer = Literal("ab\tc", (Segment(0, 1, 2), Segment(2, 3, 1), Segment(3, 5, 1)))
    inner = Literal("ab\tc", (Segment(0, 0, 4),))
    remapped = remap_literal(inner, outer)
    assert remapped.segments == (Segment(0, 1, 2), Segment(2, 3, 1), Segment(3, 5, 1))
    assert remapped.source_offset(3) == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "invalid JSON at line 1, column 1: expected a JSON value, found 'end of file'"),
        (
            '{"a" 1}',
            "invalid JSON at line 1, column 6: expected `:` after an object key, found '1'",
        ),
        ("[1,]", "invalid JSON at line 1, column 4: expected a value after `,`, found ']'"),
        (
            '"\\q"',
            "invalid JSON at line 1, column 2: expected a valid escape sequence, found '\\\\'",
        ),
        ("[1] 2", "invalid JSON at line 1, column 5: expected end of file, found '2'"),
        (
            '{"a": "x\ny"}',
            "invalid JSON at line 1, column 9: expected `\"` closing the string, found '\\n'",
        ),
    ],
)
def test_parse_json_errors(text: str, message: str) -> None:
    with pytest.raises(AnalysisError) as raised:
        parse_json(text)
    assert str(raised.value) == message


def test_parse_json_positions() -> None:
    text = '{"a": [1, "x\\u00e9y", {"b": null}], "a": true}'
    root, _ = parse_json(text)
    first = root.members[0][1]
    assert (first.kind, first.start, first.end) == ("array", 6, 34)
    string = first.items[1]
    assert string.string == "xéy"
    assert string.literal is not None
    assert string.literal.segments == (Segment(0, 11, 1), Segment(1, 12, 1), Segment(2, 18, 1))
    member = root.member("a")
    assert member is not None
    assert member.kind == "scalar"


def test_parse_json_surrogate_pair() -> None:
    root, _ = parse_json('"\\ud83d\\ude00!"')
    assert root.string == "\U0001f600!"


def test_split_lines_breaks() -> None:
    lines = split_lines("a\r\nb\rc\nd")
    assert [(line.start, line.end, line.next) for line in lines] == [
        (0, 1, 3),
        (3, 4, 5),
        (5, 6, 7),
        (7, 8, 8),
    ]


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
    "export ",
    "ENV ",
    "- ",
    "[s]",
    "<<EOF",
    "EOF",
    "|",
    ">",
    '"""',
]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
@pytest.mark.parametrize("kind", KINDS)
def test_any_input_maps_to_source(kind: str, text: str) -> None:
    assert_maps_to_source(text, analyze(text, SETTINGS, kind=kind))
