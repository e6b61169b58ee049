"""A progress bar on stderr, for long scans run from a terminal only."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

# A bar appears only once a scan has run this long, so short runs (a
# pre-commit hook) never flicker, and it is redrawn at most this often.
_DELAY_SECONDS = 1.0
_INTERVAL_SECONDS = 0.1
_WIDTH = 30


def wanted(stream: TextIO, quiet: bool) -> bool:
    """Tell whether to draw a bar: a terminal, not CI, not quiet."""
    if quiet or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


class ProgressBar:
    """Draws ``[#####-----] 1200/2400 files`` on one line and clears it at the end."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.drawn_at = 0.0
        self.visible = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        too_soon = now - self.started < _DELAY_SECONDS or now - self.drawn_at < _INTERVAL_SECONDS
        # The final count is always drawn once a bar is showing.
        final = done == total and self.visible
        if too_soon and not final:
            return
        filled = _WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} files")
        self.stream.flush()
        self.drawn_at = now
        self.visible = True

    def close(self) -> None:
        if self.visible:
            self.stream.write("\r" + " " * (_WIDTH + 30) + "\r")
            self.stream.flush()
            self.visible = False
