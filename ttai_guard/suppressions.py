"""Inline suppressions: ``ttai-guard: ignore[TTAI101]`` on a finding's line.

The marker is found anywhere on the line, so every comment syntax works:
``#``, ``//``, ``/* */``, ``<!-- -->`` and ``{/* */}`` in JSX. A bare
``ttai-guard: ignore`` suppresses every rule on that line. IDs may be
prefixes (``TTAI1`` covers TTAI101 and TTAI102).
"""

from __future__ import annotations

import re

_MARKER = re.compile(r"ttai-guard:\s*ignore(?:\[(?P<ids>[^\]]*)\])?", re.IGNORECASE)


def suppresses(line_text: str, rule: str) -> bool:
    """Tell whether a suppression marker on ``line_text`` covers ``rule``."""
    if "ttai-guard" not in line_text.lower():
        return False
    for match in _MARKER.finditer(line_text):
        ids = match.group("ids")
        if ids is None:
            return True
        for item in ids.split(","):
            prefix = item.strip().upper()
            if prefix and rule.startswith(prefix):
                return True
    return False


def marker_lines(text: str) -> list[int]:
    """Return the 1-based lines of ``text`` that hold a suppression marker."""
    if "ttai-guard" not in text.lower():
        return []
    lines = text.splitlines()
    return [number for number, line in enumerate(lines, start=1) if _MARKER.search(line)]
