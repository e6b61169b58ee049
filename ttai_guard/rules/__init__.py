"""Rules: each turns the facts of one file (or one repository) into hits.

A :class:`Hit` is a finding before positions are computed: offsets into the
file's text plus a message. The runner turns hits into
:class:`~ttai_guard.finding.Finding` records with lines, columns and a
redacted excerpt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ttai_guard.analyzers import AnalyzerSettings


@dataclass(frozen=True)
class Hit:
    """A rule's report on one file, located by offsets into the file's text.

    ``secret_spans`` lists the text ranges that spell the secret (several for
    a token split across literals) so that excerpts can mask each piece.
    ``identity`` names the finding across line moves (see
    :func:`ttai_guard.finding.fingerprint`).
    """

    rule: str
    start: int
    end: int
    message: str
    identity: str = ""
    secret_spans: tuple[tuple[int, int], ...] = ()
    fixable: bool = False


@dataclass(frozen=True)
class FileContext:
    """The file rules' view of a file besides its facts.

    ``secrets_belong_here`` is true for a ``.env*`` file that git ignores and
    does not track: tokens and credentials there are where they should be.
    ``tokens_only`` is true for build output and byte-level scans.
    """

    path: Path
    kind: str
    text: str
    settings: AnalyzerSettings = field(default_factory=AnalyzerSettings)
    secrets_belong_here: bool = False
    tokens_only: bool = False
