"""The dotenv analyzer: values, offsets, comments and credentials of `.env` files."""

from __future__ import annotations

import io
import logging
import re
import warnings

import pytest
from conftest import PAT, SK, assert_maps_to_source
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.analyzers.envfile import EnvEntry, analyze, env_has_values, parse_env
from ttai_guard.facts import DYNAMIC, Literal, Segment
from ttai_guard.textindex import LineIndex
from ttai_guard.tokens import find_tokens

SETTINGS = AnalyzerSettings()


def only_entry(text: str) -> EnvEntry:
    entries = parse_env(text)
    assert len(entries) == 1
    return entries[0]


def source_of(text: str, literal: Literal) -> str:
    """Return the source characters a literal's segments point at."""
    return "".join(text[start:end] for start, end in literal.source_spans(0, len(literal.value)))


# (text, key, value, (line, column) of the value's first character, of its end)
VALUES = [
    (f"export TTAI_API_KEY={PAT}\n", "TTAI_API_KEY", PAT, (1, 21), (1, 21 + len(PAT))),
    (f"KEY={PAT}   # dev key\n", "KEY", PAT, (1, 5), (1, 5 + len(PAT))),
    (f'QUOTED="{SK}#x"\n', "QUOTED", SK + "#x", (1, 9), (1, 11 + len(SK))),
    ("PLACEHOLDER=sk_live_xxx # fill me\n", "PLACEHOLDER", "sk_live_xxx", (1, 13), (1, 24)),
    ("KEY = spaced value  \n", "KEY", "spaced value", (1, 7), (1, 19)),
    ("export  KEY\t=\tx\n", "KEY", "x", (1, 15), (1, 16)),
    ("HASH=a#b\n", "HASH", "a#b", (1, 6), (1, 9)),
    ("EMPTY=\n", "EMPTY", "", (1, 7), (1, 7)),
    ("EMPTY= # only a comment\n", "EMPTY", "", (1, 8), (1, 8)),
    ("SINGLE='a\\nb #x' # c\n", "SINGLE", "a\\nb #x", (1, 9), (1, 16)),
    ("ESCAPED='it\\'s'\n", "ESCAPED", "it\\'s", (1, 10), (1, 15)),
    ('DOUBLE="a\\nb\\"c\\\\"\n', "DOUBLE", 'a\nb"c\\', (1, 9), (1, 18)),
    ('MULTI="one\ntwo"\n', "MULTI", "one\ntwo", (1, 8), (2, 4)),
    ("MULTI='one\ntwo # x'\n", "MULTI", "one\ntwo # x", (1, 8), (2, 8)),
    ("TICK=`a 'b' \"c\"`\n", "TICK", "a 'b' \"c\"", (1, 7), (1, 16)),
    ("URL=${BASE}/v1\n", "URL", "${BASE}/v1", (1, 5), (1, 15)),
    ("\ufeffBOM=x\n", "BOM", "x", (1, 6), (1, 7)),
    ("1KEY=x\n", "1KEY", "x", (1, 6), (1, 7)),
    ("my-key.v=x\n", "my-key.v", "x", (1, 10), (1, 11)),
    ("'QUOTED KEY'=x\n", "QUOTED KEY", "x", (1, 14), (1, 15)),
    ("LAST=no-newline", "LAST", "no-newline", (1, 6), (1, 16)),
    ('A="x\\\\" y"\n', "A", 'x\\" y', (1, 4), (1, 10)),
    ('A="end\\"\n', "A", "end\\", (1, 4), (1, 8)),
]


@pytest.mark.parametrize(("text", "key", "value", "start", "end"), VALUES)
def test_env_value_and_offsets(
    text: str, key: str, value: str, start: tuple[int, int], end: tuple[int, int]
) -> None:
    entry = only_entry(text)
    index = LineIndex(text)
    assert entry.key == key
    assert entry.value == value
    assert index.position(entry.value_start) == start
    assert index.position(entry.value_end) == end


@pytest.mark.parametrize(("text", "key", "value", "start", "end"), VALUES)
def test_env_literal_maps_to_source(
    text: str, key: str, value: str, start: tuple[int, int], end: tuple[int, int]
) -> None:
    entry = only_entry(text)
    literal = entry.literal
    if not literal.value.startswith(DYNAMIC):
        assert literal.source_offset(0) == entry.value_start
    if "\\" not in text[entry.value_start : entry.value_end] and "${" not in value:
        assert source_of(text, literal) == value


def test_env_double_quote_escape_segments() -> None:
    text = 'E="a\\nb"\n'
    literal = only_entry(text).literal
    assert literal.value == "a\nb"
    assert literal.segments == (Segment(0, 3, 1), Segment(1, 4, 1), Segment(2, 6, 1))


def test_env_interpolation_is_dynamic() -> None:
    text = 'URL="${BASE}/v1"\n'
    literal = only_entry(text).literal
    assert literal.value == DYNAMIC + "/v1"
    assert literal.segments == (Segment(1, 12, 3),)


def test_env_single_quotes_interpolate() -> None:
    entry = only_entry("A='${B}x'\n")
    assert entry.value == "${B}x"
    assert entry.literal.value == DYNAMIC + "x"


def test_env_crlf_lines() -> None:
    text = f"A=1\r\nTTAI_TOKEN={PAT}\r\nB=x # y\r\nC='q'\r\n"
    index = LineIndex(text)
    entries = parse_env(text)
    assert [entry.key for entry in entries] == ["A", "TTAI_TOKEN", "B", "C"]
    assert [entry.value for entry in entries] == ["1", PAT, "x", "q"]
    assert [entry.line for entry in entries] == [1, 2, 3, 4]
    assert index.position(entries[1].value_start) == (2, 12)
    assert index.position(entries[1].value_end) == (2, 12 + len(PAT))


def test_env_multiline_keeps_line_numbers() -> None:
    text = 'A="x\ny\nz"\nB=2\n'
    entries = parse_env(text)
    assert [(entry.key, entry.line) for entry in entries] == [("A", 1), ("B", 4)]


def test_env_analyze_settings() -> None:
    text = f"export TTAI_API_KEY={PAT}\nKEY={PAT}   # dev key\nPLACEHOLDER=sk_live_xxx # fill me\n"
    facts = analyze(text, SETTINGS)
    assert [(name, literal.value) for name, literal in facts.settings] == [
        ("TTAI_API_KEY", PAT),
        ("KEY", PAT),
        ("PLACEHOLDER", "sk_live_xxx"),
    ]
    assert [literal.value for literal in facts.strings] == [PAT, PAT, "sk_live_xxx"]
    assert facts.parsed
    assert facts.notes == []


def test_env_analyze_comments() -> None:
    text = "# header\nKEY=v   # dev key\nQ='a' # after quote\n  # indented\n"
    facts = analyze(text, SETTINGS)
    index = LineIndex(text)
    found = [(c.value, index.position(c.source_offset(0))) for c in facts.comments]
    assert found == [
        ("# header", (1, 1)),
        ("# dev key", (2, 9)),
        ("# after quote", (3, 7)),
        ("# indented", (4, 3)),
    ]


def test_env_credential_for_token_name() -> None:
    text = f"export TTAI_API_KEY={PAT}\nKEY={PAT}\n"
    facts = analyze(text, SETTINGS)
    assert len(facts.credentials) == 1
    credential = facts.credentials[0]
    assert credential.name == "TTAI_API_KEY"
    assert credential.literal.value == PAT
    assert credential.literal.source_offset(0) == text.index(PAT)
    assert credential.context == "assigned to `TTAI_API_KEY`"


def test_env_credential_for_extra_name() -> None:
    facts = analyze("MY_SECRET=abc\n", AnalyzerSettings(token_names=("MY_SECRET",)))
    assert [credential.name for credential in facts.credentials] == ["MY_SECRET"]


def test_env_bearer_value_credential() -> None:
    text = 'HEADER="Authorization: Bearer q1w2e3r4t5y6u7i8"\n'
    facts = analyze(text, SETTINGS)
    assert [(c.name, c.literal.value) for c in facts.credentials] == [
        ("Authorization", "q1w2e3r4t5y6u7i8")
    ]
    assert facts.credentials[0].literal.source_offset(0) == text.index("q1w2")


# (text, expected note, expected string)
MALFORMED = [
    (f"this line has {SK}\n", "line 1 has no `=` after `this`", f"this line has {SK}"),
    (f"={SK}\n", "line 1 does not start with a variable name", f"={SK}"),
    ("A=1\nNOVALUE\n", "line 2 has no `=` after `NOVALUE`", "NOVALUE"),
    ('U="never closed\n', 'line 1 opens a `"` quote that is never closed', 'U="never closed'),
    ("Q='a' b\n", "line 1 has text after the closing `'` quote of the value", "Q='a' b"),
]


@pytest.mark.parametrize(("text", "note", "line"), MALFORMED)
def test_env_malformed_line(text: str, note: str, line: str) -> None:
    facts = analyze(text, SETTINGS)
    assert facts.notes == [f"{note}, so it was read as plain text"]
    assert line in [literal.value for literal in facts.strings]
    literal = next(literal for literal in facts.strings if literal.value == line)
    assert literal.source_offset(0) == text.index(line)


def test_env_malformed_then_valid() -> None:
    text = 'U="never closed\nNEXT=1\n'
    assert [(entry.key, entry.value) for entry in parse_env(text)] == [("NEXT", "1")]


def test_env_tokens_map_to_source() -> None:
    text = f'export TTAI_API_KEY={PAT}\r\nQUOTED="{SK}#x"\r\nnot an assignment {SK}\r\n'
    facts = analyze(text, SETTINGS)
    found = []
    for literal in facts.strings:
        for token in find_tokens(literal.value):
            start = literal.source_offset(token.start)
            found.append((start, text[start : start + len(token.value)] == token.value))
    assert found == [
        (text.index(PAT), True),
        (text.index(SK), True),
        (text.rindex(SK), True),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", False),
        ("# only a comment\n", False),
        ("A=\nB=''\nC=\"\"\n", False),
        ("not an assignment\n", False),
        ("A=1\n", True),
        ("A=\nexport B=x\n", True),
        ("A=' '\n", True),
    ],
)
def test_env_has_values(text: str, expected: bool) -> None:
    assert env_has_values(text) is expected


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
    "KEY=",
    '"',
    "'",
]


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_env_any_input_maps_to_source(text: str) -> None:
    assert_maps_to_source(text, analyze(text, SETTINGS))


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join))
def test_env_matches_python_dotenv(text: str) -> None:
    dotenv = pytest.importorskip("dotenv")
    # Documented differences: single quotes, backquotes, `KEY= # note`, and a
    # byte order mark, which python-dotenv keeps in the first key.
    assume("'" not in text and "`" not in text and not re.search(r"=[ \t]+#", text))
    assume(not text.startswith("\ufeff"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        try:
            expected = dotenv.dotenv_values(stream=io.StringIO(text), interpolate=False)
        finally:
            logging.disable(logging.NOTSET)
    # python-dotenv maps a later bare `KEY` line to None, which replaces the value.
    assume(None not in expected.values())
    found = {entry.key: entry.value for entry in parse_env(text)}
    assert found == dict(expected)
