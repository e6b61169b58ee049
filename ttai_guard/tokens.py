"""Recognise ToughTongue tokens, tell real ones from placeholders, redact them.

Token formats: ``sk_live_`` (the authentication guide) and ``ttai_pat_``
(personal access tokens from the developer portal), followed by a body from
the token alphabet ``[A-Za-z0-9_-]``. A body of at least
:data:`MIN_BODY_LENGTH` characters that is not a placeholder is a real-looking
token.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

TOKEN_PREFIXES = ("sk_live_", "ttai_pat_")
MIN_BODY_LENGTH = 16

# A token starts where no word character precedes it. Three exceptions keep
# tokens found right after an escape: `\n` (JSON and notebook text), `%20`-style
# percent escapes in URLs, and `\x20`-style escapes.
TOKEN_PATTERN = re.compile(
    r"(?:(?<![A-Za-z0-9_])|(?<=\\[nrtbfv])|(?<=%[0-9A-Fa-f]{2})|(?<=\\x[0-9A-Fa-f]{2}))"
    r"(?P<prefix>sk_live_|ttai_pat_)(?P<body>[A-Za-z0-9_\-]*)"
)
TOKEN_PATTERN_BYTES = re.compile(TOKEN_PATTERN.pattern.encode("ascii"))
# Redaction masks every token-shaped run, also one glued to a preceding word
# character, which TOKEN_PATTERN does not report.
_REDACT_PATTERN = re.compile(r"(?P<prefix>sk_live_|ttai_pat_)(?P<body>[A-Za-z0-9_\-]*)")

# Words that mark a value as an example rather than a secret, matched
# case-insensitively where no letter precedes them. Only words of four or more
# characters are listed, because a shorter one turns up by chance in random
# bodies too often.
PLACEHOLDER_WORDS = (
    "your",
    "token",
    "here",
    "replace",
    "changeme",
    "change_me",
    "example",
    "placeholder",
    "dummy",
    "fake",
    "sample",
    "fixme",
    "todo",
    "insert",
    "redacted",
    "secret",
    "xxxx",
    "test",
    "mock",
    "demo",
    "abcdef",
    "123456",
    "enter",
    "paste",
    "value",
)
_PLACEHOLDER_WORD = re.compile(
    "(?<![A-Za-z])(?:" + "|".join(re.escape(word) for word in PLACEHOLDER_WORDS) + ")", re.I
)

# Values that are references or templates, never literal secrets.
_REFERENCE = re.compile(
    r"^\s*(?:\$\{[^}]*\}?|\$[A-Za-z_]\w*|%\([^)]*\)s|%[A-Za-z_]\w*%|\{\{.*\}\}|<[^<>]*>|\[[^\[\]]*\]|#+\w*)\s*$"
)
_MASK_CHARS = set("xX*._-#•")


@dataclass(frozen=True)
class TokenMatch:
    """A real-looking token found in a text: its span and its full value."""

    start: int
    end: int
    value: str


def find_tokens(text: str) -> Iterator[TokenMatch]:
    """Yield every real-looking token in ``text``, placeholders left out."""
    if "sk_live_" not in text and "ttai_pat_" not in text:
        return
    for match in TOKEN_PATTERN.finditer(text):
        if is_real_token_body(match.group("body")):
            yield TokenMatch(match.start(), match.end(), match.group(0))


def find_token_bytes(data: bytes) -> Iterator[TokenMatch]:
    """Yield every real-looking token in raw bytes (for undecodable files)."""
    if b"sk_live_" not in data and b"ttai_pat_" not in data:
        return
    for match in TOKEN_PATTERN_BYTES.finditer(data):
        body = match.group("body").decode("ascii")
        if is_real_token_body(body):
            yield TokenMatch(match.start(), match.end(), match.group(0).decode("ascii"))


def shannon_entropy(value: str) -> float:
    """Return the Shannon entropy of ``value`` in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(count / total * math.log2(count / total) for count in counts.values())


def _is_sequence(value: str) -> bool:
    """Tell whether most neighbouring characters are consecutive (``abcd``, ``1234``)."""
    steps = [ord(b) - ord(a) for a, b in itertools.pairwise(value)]
    runs = sum(1 for step in steps if step in (1, -1, 0))
    return bool(steps) and runs / len(steps) > 0.5


def is_placeholder(value: str) -> bool:
    """Tell whether a credential value is an example, a mask or a reference."""
    stripped = value.strip().strip("\"'`")
    if not stripped:
        return True
    if _REFERENCE.match(stripped):
        return True
    if set(stripped) <= _MASK_CHARS:
        return True
    if "..." in stripped or "…" in stripped:
        return True
    if _PLACEHOLDER_WORD.search(stripped):
        return True
    letters = [c for c in stripped if c.isalnum()]
    if letters and Counter(letters).most_common(1)[0][1] / len(letters) > 0.5:
        return True
    return stripped.isupper() and "_" in stripped and not any(c.isdigit() for c in stripped)


def is_real_token_body(body: str) -> bool:
    """Tell whether a token body (the part after the prefix) looks real."""
    if len(body) < MIN_BODY_LENGTH:
        return False
    if is_placeholder(body):
        return False
    return _looks_random(body)


def _looks_random(value: str) -> bool:
    """Tell whether ``value`` has the character mix of a generated secret."""
    classes = sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    if classes < 2:
        return False
    if len(set(value)) < min(10, len(value) // 2):
        return False
    if shannon_entropy(value) < 3.0:
        return False
    return not _is_sequence(value)


def is_plausible_credential(value: str) -> bool:
    """Tell whether a literal of unknown format could be a real credential.

    Used for values bound to token-named variables and ``Bearer`` headers,
    where the format is unknown: at least 12 characters, no whitespace, not
    a placeholder, and random-looking.
    """
    value = value.strip()
    if len(value) < 12 or any(c.isspace() for c in value):
        return False
    if is_placeholder(value):
        return False
    return _looks_random(value)


def redact(secret: str) -> str:
    """Return a display form of a secret: prefix, at most four characters, length.

    ``ttai_pat_Ab12…(45 chars)``. A value of unknown format keeps two
    characters, and a value of fewer than eight characters keeps none.
    """
    prefix = next((p for p in TOKEN_PREFIXES if secret.startswith(p)), "")
    body = secret[len(prefix) :]
    if prefix:
        shown = body[:4] if len(body) >= 12 else ""
    else:
        shown = body[:2] if len(body) >= 8 else ""
    return f"{prefix}{shown}…({len(secret)} chars)"


def redact_text(text: str) -> str:
    """Replace every token-shaped run in ``text`` by its redacted form.

    This is the last safeguard before any text leaves the program: it also
    masks token-shaped placeholders with long bodies, which costs nothing.
    """

    def replace(match: re.Match[str]) -> str:
        if len(match.group("body")) < MIN_BODY_LENGTH:
            return match.group(0)
        return redact(match.group(0))

    return _REDACT_PATTERN.sub(replace, text)


# Runs of key characters. Base64 padding (`=` at the end) belongs to the run,
# but an `=` followed by more key characters separates a name from its value
# (`NAME=value` in a .env line), and each side is judged on its own.
_RUN = re.compile(r"[A-Za-z0-9_\-+]+(?:=+(?![A-Za-z0-9_\-+]))?")
# Runs this long can be a secret on their own. A token split in a way the
# analyzers do not fold can leave its body on a line without its prefix.
_MIN_RUN = 20
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Where a token prefix starts inside a run. Everything from there on was
# redacted by redact_text already (or is too short to be a token).
_PREFIX_INSIDE = re.compile("|".join(TOKEN_PREFIXES))


def _mask_run(run: str) -> str:
    prefix = _PREFIX_INSIDE.search(run)
    if prefix:
        return _mask_run(run[: prefix.start()]) + run[prefix.start() :]
    if len(run) < _MIN_RUN or not any(c.isdigit() for c in run):
        # Without a digit it is far more likely a long identifier than a key.
        return run
    if not _looks_random(run.rstrip("=")):
        return run
    return redact(run)


def mask_random_runs(text: str) -> str:
    """Replace every long, random-looking run in an excerpt by its redacted form.

    Excerpts show source lines around findings. This masks secrets the rules
    did not recognise (a token body without its prefix, another service's
    key) at the cost of also masking hashes and other random identifiers.
    It leaves alone a token prefix and what follows it (the output of
    :func:`redact_text`), and an identifier followed by ``=`` and a value,
    because that is the variable name of an assignment.
    """
    pieces: list[str] = []
    cursor = 0
    for match in _RUN.finditer(text):
        run = match.group(0)
        pieces.append(text[cursor : match.start()])
        cursor = match.end()
        is_name = text.startswith("=", match.end()) and _IDENTIFIER.fullmatch(run) is not None
        pieces.append(run if is_name else _mask_run(run))
    pieces.append(text[cursor:])
    return "".join(pieces)
