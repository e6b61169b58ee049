"""Write an output file whole or not at all, without replacing devices."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO


def write_output_file(target: Path, write: Callable[[TextIO], object]) -> None:
    """Call ``write`` with a text stream whose contents end up in ``target``.

    A regular file (or a new one) is written to a temporary file beside it
    and renamed over it, so readers never see half a report. A device or a
    pipe (``/dev/null``, a FIFO, ``/dev/stdout``) is written in place:
    renaming over it would put a regular file where the device was. The
    temporary file is removed when writing or renaming fails.
    """

    def write_text(binary: BinaryIO) -> None:
        stream = io.TextIOWrapper(binary, encoding="utf-8", errors="backslashreplace")
        try:
            write(stream)
            stream.flush()
        finally:
            stream.detach()

    _write_whole(target, write_text, 0o666)


def write_file_bytes(target: Path, data: bytes, new_mode: int = 0o666) -> None:
    """Replace the contents of ``target`` with ``data`` in one step.

    An existing file keeps its permission bits. A new file is created with
    ``new_mode`` (less the umask). A symbolic link at ``target`` is replaced
    by a regular file, so callers that must keep links check for them first.
    Raises OSError when the file cannot be written, and then leaves
    ``target`` as it was and no temporary file behind.
    """
    _write_whole(target, lambda binary: binary.write(data), new_mode)


def _write_whole(target: Path, write: Callable[[BinaryIO], object], new_mode: int) -> None:
    try:
        status = os.stat(target)
    except OSError:
        status = None
    if status is not None and not stat.S_ISREG(status.st_mode):
        with open(target, "wb") as stream:
            write(stream)
        return
    temporary = target.with_name(f".{target.name}.tmp{os.getpid()}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(temporary, flags, new_mode)
        with open(descriptor, "wb") as stream:
            write(stream)
        if status is not None:
            os.chmod(temporary, stat.S_IMODE(status.st_mode))
        os.replace(temporary, target)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
