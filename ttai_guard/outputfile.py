"""Write an output file whole or not at all, without replacing devices."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def write_output_file(target: Path, write: Callable[[TextIO], object]) -> None:
    """Call ``write`` with a text stream whose contents end up in ``target``.

    A regular file (or a new one) is written to a temporary file beside it
    and renamed over it, so readers never see half a report. A device or a
    pipe (``/dev/null``, a FIFO, ``/dev/stdout``) is written in place:
    renaming over it would put a regular file where the device was.
    """
    try:
        special = not stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        special = False
    if special:
        with open(target, "w", encoding="utf-8", errors="backslashreplace") as stream:
            write(stream)
        return
    temporary = target.with_name(f".{target.name}.tmp{os.getpid()}")
    try:
        with open(temporary, "w", encoding="utf-8", errors="backslashreplace") as stream:
            write(stream)
        os.replace(temporary, target)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
