"""Token recognition, placeholders and redaction."""

from __future__ import annotations

import pytest
from conftest import PAT, SK
from hypothesis import given
from hypothesis import strategies as st

from ttai_guard.tokens import (
    find_token_bytes,
    find_tokens,
    is_placeholder,
    is_plausible_credential,
    mask_random_runs,
    redact,
    redact_text,
)

PLACEHOLDERS = [
    "sk_live_xxx",
    "sk_live_" + "X" * 24,
    "ttai_pat_...",
    "ttai_pat_<your-token>",
    "sk_live_***",
    "ttai_pat_${TOKEN}",
    "sk_live_REPLACE_ME",
    "sk_live_abc123",
    "sk_live_your_token_here",
    "ttai_pat_" + "abcdefghijklmnopqrstuvwxyz",
    "ttai_pat_" + "1234567890123456789",
    "sk_live_" + "Ab1" * 8,
    "sk_live_" + "exampleToken1234567890",
    "sk_live_" + "changeme_changeme_1234",
]


@pytest.mark.parametrize("text", PLACEHOLDERS)
def test_placeholder_not_token(text: str) -> None:
    assert list(find_tokens(f'TOKEN = "{text}"')) == []


@pytest.mark.parametrize(
    ("text", "start"),
    [
        (f'x = "{PAT}"', 5),
        (f"Authorization: Bearer {SK}", 22),
        (f"https://api.toughtongueai.com/x?token={PAT}&a=1", 38),
        (f'"line\\n{SK}"', 7),
        (f"q=Bearer%20{SK}", 11),
        (f"{SK}", 0),
    ],
)
def test_real_token_found(text: str, start: int) -> None:
    matches = list(find_tokens(text))
    assert len(matches) == 1
    assert matches[0].start == start
    assert matches[0].value in (PAT, SK)


def test_token_inside_word_ignored() -> None:
    assert list(find_tokens("task_" + SK[3:])) == []


def test_token_ends_before_escape() -> None:
    matches = list(find_tokens(f'"{PAT}\\n"'))
    assert matches[0].value == PAT


def test_bytes_scan_finds_token() -> None:
    data = b"\x00\x01\xff" + SK.encode() + b"\x00"
    matches = list(find_token_bytes(data))
    assert [(m.start, m.value) for m in matches] == [(3, SK)]


def test_redact_token_keeps_four_characters() -> None:
    assert redact(PAT) == f"ttai_pat_{PAT[9:13]}…({len(PAT)} chars)"


def test_redact_unknown_format() -> None:
    assert redact("q8Zr2LmP0xVb7TnK4sWd") == "q8…(20 chars)"


def test_redact_short_value_shows_nothing() -> None:
    assert redact("abc") == "…(3 chars)"


def test_redact_text_masks_every_token() -> None:
    masked = redact_text(f"a {PAT} b {SK} c sk_live_xxx")
    assert PAT not in masked
    assert SK not in masked
    assert "sk_live_xxx" in masked


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "${TTAI_TOKEN}",
        "<your-token>",
        "YOUR_API_TOKEN",
        "your_token_here",
        "##FIXME",
        "changeme",
        "xxxxxxxx",
        "{{ secrets.TTAI }}",
        "%TTAI_TOKEN%",
        "$TTAI_TOKEN",
        "aaaaaaaaaaaaaaa",
    ],
)
def test_placeholder_values(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize(
    ("value", "plausible"),
    [
        ("q8Zr2LmP0xVb7TnK4sWd", True),
        ("9f86d081884c7d659a2feaa0c55ad015", True),
        ("short1A", False),
        ("has space in it 123A", False),
        ("your_token_here", False),
        ("productionkeyvalue", False),
    ],
)
def test_plausible_credential(value: str, plausible: bool) -> None:
    assert is_plausible_credential(value) is plausible


def test_mask_random_runs_hides_unprefixed_body() -> None:
    body = SK[8:]
    assert mask_random_runs(f"x {body} y") == f"x {body[:2]}…({len(body)} chars) y"


@pytest.mark.parametrize(
    "text",
    [
        "const averyLongIdentifierName = 1;",
        "NEXT_PUBLIC_TTAI_API_KEY_PRODUCTION",
        "https://api.toughtongueai.com/api/public/scenarios",
    ],
)
def test_mask_random_runs_keeps_code(text: str) -> None:
    assert mask_random_runs(text) == text


@pytest.mark.parametrize("prefix", ["ttai_" + "pat_", "sk_" + "live_"])
def test_mask_keeps_redacted_assignment(prefix: str) -> None:
    token = prefix + "Ab1C" + PAT[13:]
    line = f"NEXT_PUBLIC_TTAI_TOKEN={token}"
    expected = f"NEXT_PUBLIC_TTAI_TOKEN={prefix}Ab1C…({len(token)} chars)"
    assert mask_random_runs(redact_text(line)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("API_KEY2=" + SK[8:], "API_KEY2=" + SK[8:10] + f"…({len(SK) - 8} chars)"),
        (f"x {SK[8:]}== y", f"x {SK[8:10]}…({len(SK) - 6} chars) y"),
        ("k==" + SK[8:], "k==" + SK[8:10] + f"…({len(SK) - 8} chars)"),
        ("x" + SK[8:] + "ttai_pat_ab", "x" + SK[8:9] + f"…({len(SK) - 7} chars)ttai_pat_ab"),
    ],
)
def test_mask_random_runs_values(text: str, expected: str) -> None:
    assert mask_random_runs(text) == expected


_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,40}", fullmatch=True).filter(
    lambda name: "sk_live_" not in name and "ttai_pat_" not in name
)
_BODIES = st.from_regex(r"[A-Za-z0-9_\-]{16,60}", fullmatch=True)


@given(name=_NAMES, prefix=st.sampled_from(["sk_" + "live_", "ttai_" + "pat_"]), body=_BODIES)
def test_mask_assignment_property(name: str, prefix: str, body: str) -> None:
    token = prefix + body
    masked = mask_random_runs(redact_text(f"{name}={token}"))
    assert masked == f"{name}={redact(token)}"
