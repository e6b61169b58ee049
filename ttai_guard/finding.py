"""The finding record shared by rules, the runner and the reporters."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Literal, NamedTuple

Level = Literal["error", "warning", "note"]
LEVEL_RANK: dict[str, int] = {"note": 0, "warning": 1, "error": 2}

# Fingerprints are keyed hashes, so they never equal a plain SHA-256 of the
# secret that another tool or a leak database publishes. The key is public,
# so anyone can still test a guessed secret against a fingerprint offline.
_FINGERPRINT_KEY = b"ttai-guard fingerprint v1"


class Finding(NamedTuple):
    """One reported problem.

    ``message`` and ``snippet`` are already redacted. ``identity`` is the
    text that identifies the finding across line moves (the secret, or the
    normalised code) and is only ever used inside :func:`fingerprint`.
    Columns count Unicode code points from 1; ``end_column`` is exclusive.
    """

    rule: str
    path: Path
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    level: Level
    snippet: str = ""
    identity: str = ""
    fixable: bool = False

    def sort_key(self) -> tuple[str, int, int, str]:
        return (str(self.path), self.line, self.column, self.rule)


def fingerprint(finding: Finding, relative_path: str) -> str:
    """Return a stable, keyed hash naming a finding without its line number."""
    material = "\0".join((finding.rule, relative_path, finding.identity or finding.snippet.strip()))
    digest = hmac.new(_FINGERPRINT_KEY, material.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return digest.hexdigest()[:32]
