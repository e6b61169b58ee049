"""``--history`` (TTAI501): tokens that git history keeps but the tree no longer has.

Every blob reachable from any ref (``git rev-list --objects --all``) is read
once through one ``git cat-file --batch`` process, one blob in memory at a
time. Text blobs are decoded and searched with
:func:`~ttai_guard.tokens.find_tokens`, binary ones as bytes, and blobs
larger than ``max-file-size`` chunk by chunk. Nothing is checked out.

A token found there is reported once, at the commit that introduced it: the
oldest commit (``git log --all --reverse --date-order``, committer dates)
whose diff adds a blob containing the token, at that blob's path, line and
column. The caller decides which tokens are still in the tree and drops
them. In a shallow clone the oldest commit present shows every file as
added, so tokens older than the clone depth are dated to that commit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ttai_guard.bytescan import ByteMatch, search_bytes, search_stream
from ttai_guard.decoding import decode, looks_binary
from ttai_guard.finding import Finding
from ttai_guard.gitrepo import GitError, read_objects, run_git, unquote_path
from ttai_guard.rules.catalog import RULES
from ttai_guard.snippets import Mask, locate, masks_for
from ttai_guard.suppressions import suppresses
from ttai_guard.textindex import LineIndex
from ttai_guard.tokens import find_tokens, redact

_PREFIXES = (b"sk_live_", b"ttai_pat_")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class Occurrence:
    """The first place a token appears in one blob; columns count code points (bytes in binary)."""

    line: int
    column: int
    end_line: int
    end_column: int
    snippet: str
    suppressed: bool


@dataclass(frozen=True)
class Introduction:
    """The commit that first added a blob, and the blob's path there."""

    order: int
    commit: str
    short: str
    date: str
    path: str


@dataclass
class HistoryTokens:
    """Every real-looking token in the history of one repository.

    ``blobs`` maps each token to the blobs that contain it, with the first
    occurrence in each. ``paths`` maps each of those blobs to the path that
    ``git rev-list`` listed it under.
    """

    blobs: dict[str, dict[str, Occurrence]] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    blobs_read: int = 0


def _search_text(data: bytes) -> Iterator[tuple[str, Occurrence]]:
    text = decode(data).text
    matches = list(find_tokens(text))
    if not matches:
        return
    index = LineIndex(text)
    masks: list[Mask] = []
    for match in matches:
        masks.extend(masks_for(match.value, ((match.start, match.end),)))
    for match in matches:
        span = locate(text, match.start, match.end, masks, index)
        marked = suppresses(index.line_text(span.line), "TTAI501")
        yield (
            match.value,
            Occurrence(
                span.line, span.column, span.end_line, span.end_column, span.snippet, marked
            ),
        )


def _occurrences(found: Iterator[ByteMatch]) -> Iterator[tuple[str, Occurrence]]:
    for match in found:
        end = match.column + len(match.token)
        yield match.token, Occurrence(match.line, match.column, match.line, end, "", False)


def _search_blob(stream: BinaryIO, size: int, max_size: int) -> Iterator[tuple[str, Occurrence]]:
    if size > max_size:
        yield from _occurrences(search_stream(stream.read))
        return
    data = stream.read()
    if not any(prefix in data for prefix in _PREFIXES) and not data.startswith(_UTF16_BOMS):
        return
    if looks_binary(data[:8192]):
        yield from _occurrences(search_bytes(data))
    else:
        yield from _search_text(data)


def _list_blobs(root: Path, excluded: Callable[[str], bool]) -> dict[str, str]:
    """Return every blob reachable from a ref, with the path rev-list names it by."""
    output = run_git(["rev-list", "--objects", "--all", "--filter=object:type=blob"], root)
    blobs: dict[str, str] = {}
    for line in output.split(b"\n"):
        object_id, separator, path = line.partition(b" ")
        if not separator:
            # A commit, or a blob a tag points at directly (it has no path).
            continue
        name = path.decode("utf-8", "surrogateescape")
        if not excluded(name):
            blobs[object_id.decode("ascii")] = name
    return blobs


def search_history(root: Path, max_size: int, excluded: Callable[[str], bool]) -> HistoryTokens:
    """Search every reachable blob of the repository at ``root`` for tokens.

    ``excluded`` receives a blob's path and returns true to leave it out.
    """
    found = HistoryTokens(paths=_list_blobs(root, excluded))
    for object_id, kind, size, stream in read_objects(root, found.paths):
        if kind != "blob":
            continue
        found.blobs_read += 1
        for token, occurrence in _search_blob(stream, size, max_size):
            found.blobs.setdefault(token, {}).setdefault(object_id, occurrence)
    return found


def find_introductions(root: Path, blobs: set[str]) -> dict[str, Introduction]:
    """Return, for each of ``blobs``, the oldest commit whose diff adds it.

    Merge commits are compared with each parent, so a blob first made in a
    merge is found too. A blob that no commit's diff adds (one a tag points
    at directly) is left out.
    """
    output = run_git(
        [
            "log",
            "--all",
            "--reverse",
            "--date-order",
            "-m",
            "--root",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--no-color",
            "--format=%x00%H %cI",
        ],
        root,
    )
    introductions: dict[str, Introduction] = {}
    commit = short = date = ""
    order = 0
    for line in output.split(b"\n"):
        if line.startswith(b"\0"):
            commit, stamp = line[1:].decode("ascii").split(" ")
            short = commit[:7]
            date = stamp[:10]
            order += 1
        elif line.startswith(b":"):
            header, _, path = line.partition(b"\t")
            fields = header.split(b" ")
            if len(fields) < 5 or fields[4][:1] == b"D":
                continue
            object_id = fields[3].decode("ascii")
            if object_id in blobs and object_id not in introductions:
                introductions[object_id] = Introduction(
                    order, commit, short, date, unquote_path(path)
                )
    return introductions


def is_shallow(root: Path) -> bool:
    return run_git(["rev-parse", "--is-shallow-repository"], root).strip() == b"true"


def _message(token: str, introduction: Introduction | None) -> str:
    shown = redact(token)
    if introduction is None:
        return (
            f"Token `{shown}` is in a git object that a ref points at and is no longer in the "
            "tree; it stays in git history, so revoke and rotate it."
        )
    return (
        f"Token `{shown}` was committed in {introduction.short} ({introduction.date}) and is "
        "no longer in the tree; it stays in git history, so revoke and rotate it."
    )


def history_findings(
    root: Path, found: HistoryTokens, tokens: set[str]
) -> list[tuple[Finding, str | None]]:
    """Return one TTAI501 finding per token of ``tokens``, at the commit that introduced it.

    Each finding comes with that commit's id (None when no commit adds the blob).
    """
    wanted = {blob for token in tokens for blob in found.blobs[token]}
    introductions = find_introductions(root, wanted) if wanted else {}
    findings = []
    for token in sorted(tokens):
        blobs = found.blobs[token]
        dated = [(introductions[blob], blob) for blob in blobs if blob in introductions]
        if dated:
            introduction, blob = min(dated, key=lambda item: item[0].order)
            # Abbreviated as git would, long enough to be unique in this repository.
            short = run_git(["rev-parse", "--short", introduction.commit], root)
            introduction = dataclasses.replace(introduction, short=short.decode("ascii").strip())
            path: str = introduction.path
            chosen: Introduction | None = introduction
        else:
            blob = min(blobs)
            path, chosen = found.paths[blob], None
        occurrence = blobs[blob]
        if occurrence.suppressed:
            continue
        finding = Finding(
            rule="TTAI501",
            path=root / path,
            line=occurrence.line,
            column=occurrence.column,
            end_line=occurrence.end_line,
            end_column=occurrence.end_column,
            message=_message(token, chosen),
            level=RULES["TTAI501"].level,
            snippet=occurrence.snippet,
            identity=token,
        )
        findings.append((finding, chosen.commit if chosen is not None else None))
    return findings


def is_ancestor(root: Path, commit: str, descendant: str) -> bool:
    """Tell whether ``commit`` is ``descendant`` or one of its ancestors."""
    try:
        run_git(["merge-base", "--is-ancestor", commit, descendant], root)
    except GitError:
        return False
    return True
