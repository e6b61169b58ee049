"""Recognise names that hold ToughTongue credentials and ToughTongue clients."""

from __future__ import annotations

import re
from collections.abc import Iterable

# A name is token-named when, with separators removed and case folded, it
# mentions ToughTongue and a credential word: TTAI_TOKEN, TOUGH_TONGUE_API_KEY,
# ttaiPat, NEXT_PUBLIC_TTAI_API_KEY.
_PRODUCT_WORDS = ("ttai", "toughtongue")
_CREDENTIAL_WORDS = ("token", "key", "pat", "secret", "auth", "bearer", "credential", "password")
_SEPARATORS = re.compile(r"[\s_.\-]")

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


def is_token_name(name: str, extra_names: Iterable[str] = ()) -> bool:
    """Tell whether a variable, setting or key name holds a ToughTongue credential."""
    folded = _fold(name)
    if any(_fold(extra) == folded for extra in extra_names):
        return True
    if not any(word in folded for word in _PRODUCT_WORDS):
        return False
    return any(word in folded for word in _CREDENTIAL_WORDS)


def is_toughtongue_client(callee: str) -> bool:
    """Tell whether a called name constructs or configures a ToughTongue client."""
    folded = _fold(callee)
    return any(word in folded for word in _PRODUCT_WORDS)
