"""Recognise names that hold ToughTongue credentials and ToughTongue clients."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A name is token-named when it mentions ToughTongue and ends in a credential
# word: TTAI_TOKEN, TOUGH_TONGUE_API_KEY, ttaiPat, NEXT_PUBLIC_TTAI_API_KEY,
# TTAI_API_KEY_PROD. Names where the credential word is followed by
# something else (TTAI_KEY_ID, TTAI_AUTH_MODE, TTAI_TOKEN_URL) describe a
# credential rather than hold one.
_PRODUCT_WORDS = ("ttai", "toughtongue")
_CREDENTIAL_WORDS = frozenset(
    {
        "token",
        "key",
        "apikey",
        "pat",
        "secret",
        "auth",
        "bearer",
        "credential",
        "credentials",
        "password",
        "passwd",
    }
)
# Words that may follow the credential word and still name the value itself.
_QUALIFIERS = frozenset(
    {
        "prod",
        "production",
        "dev",
        "development",
        "staging",
        "stage",
        "test",
        "live",
        "local",
        "value",
    }
)
_SEPARATORS = re.compile(r"[\s_.\-]")
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

#: Keyword arguments that carry the credential when passed to a ToughTongue client.
CLIENT_CREDENTIAL_KEYWORDS = frozenset(
    {
        "api_key",
        "apikey",
        "apiKey",
        "token",
        "access_token",
        "accessToken",
        "auth_token",
        "authToken",
        "key",
    }
)


def _fold(name: str) -> str:
    return _SEPARATORS.sub("", name).lower()


def _words(name: str) -> list[str]:
    """Split a name into lower-case words at separators and camelCase humps."""
    return [word.lower() for word in _WORD.findall(name)]


def is_token_name(name: str, extra_names: Iterable[str] = ()) -> bool:
    """Tell whether a variable, setting or key name contains a ToughTongue credential."""
    folded = _fold(name)
    if any(_fold(extra) == folded for extra in extra_names):
        return True
    if not any(word in folded for word in _PRODUCT_WORDS):
        return False
    words = _words(name)
    while words and words[-1] in _QUALIFIERS:
        words.pop()
    return bool(words) and words[-1] in _CREDENTIAL_WORDS


def is_toughtongue_client(callee: str) -> bool:
    """Tell whether a called name constructs or configures a ToughTongue client."""
    folded = _fold(callee)
    return any(word in folded for word in _PRODUCT_WORDS)
