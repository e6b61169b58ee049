"""The text-level analyzer: the whole file as one string, nothing parsed.

Used for files of no known structure, for build output, and as the fallback
when a parser fails or the file could not be decoded cleanly.
"""

from __future__ import annotations

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.facts import Facts, Literal


def analyze(text: str, settings: AnalyzerSettings, note: str = "") -> Facts:
    """Return facts holding the whole text as one string value."""
    del settings
    return Facts(strings=[Literal.at(text, 0)], parsed=False, notes=[note] if note else [])
