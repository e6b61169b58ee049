"""Decide which paths a repository's own ``.gitignore`` files exclude, with git's rules.

Only ``.gitignore`` files inside the work tree count. ``.git/info/exclude`` and the
``core.excludesFile`` of one user are not shared with teammates, so they are never read.
Outside a git repository the scan root takes the place of the work tree top.

The rules match git 2.39 (``dir.c`` and ``wildmatch.c``), including these details:

- A ``.gitignore`` that is a symbolic link is not read (git opens it with ``O_NOFOLLOW``
  and warns). Other files that are not regular files are not read either, so reading
  never blocks on a FIFO or reads without end from a device such as ``/dev/zero``.
- Patterns are matched as bytes, so ``?`` matches one byte of a UTF-8 name, not one
  character, and ``[...]`` matches a single byte. Matching is case-sensitive, which is
  git's default on Linux (``core.ignorecase`` is not read).
- A pattern that contains a slash is matched in two steps, as git does: the text before
  the first wildcard or backslash is compared literally, and the rest is matched as a
  separate glob. So ``**`` right after that literal part counts as being at the start of
  a glob: ``d/foo**/bar`` matches ``d/foox/y/bar``.
- A bracket expression that git rejects (no closing ``]``, an unknown ``[:class:]``)
  makes the whole pattern match nothing.

pathspec's GitIgnoreSpec is not used for matching because in pathspec 1.1.1 it differs
from git 2.39 on cases a repository can contain: it re-includes ``build/keep.txt`` after
``build/`` and ``!build/keep.txt``, matches ``?`` against a whole ``é``, does not support
``[[:alpha:]]`` or an escaped ``]`` inside brackets, and raises on ``[z-a]`` and on a
trailing backslash.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ttai_guard import usedpaths

__all__ = [
    "IgnoreMatch",
    "IgnoreRules",
    "find_worktree_top",
    "nearest_gitignore",
]

_GITIGNORE = ".gitignore"
_UTF8_BOM = b"\xef\xbb\xbf"

_SLASH = ord("/")
_BACKSLASH = ord("\\")
_STAR = ord("*")
_QUESTION = ord("?")
_LBRACKET = ord("[")
_RBRACKET = ord("]")
_COLON = ord(":")
_DASH = ord("-")
_SPACE = ord(" ")

# Bytes that a glob can meet in a path. NUL never occurs in a path.
_ALL_BYTES = frozenset(range(1, 256))
_ALL_BUT_SLASH = _ALL_BYTES - {_SLASH}


def _byte_range(first: str, last: str) -> set[int]:
    return set(range(ord(first), ord(last) + 1))


# The [:name:] classes of git's wildmatch. They are ASCII only, and git's own ctype table
# counts only space, tab, LF and CR as space (not vertical tab or form feed).
_CHARACTER_CLASSES: dict[bytes, frozenset[int]] = {
    b"alnum": frozenset(_byte_range("0", "9") | _byte_range("A", "Z") | _byte_range("a", "z")),
    b"alpha": frozenset(_byte_range("A", "Z") | _byte_range("a", "z")),
    b"blank": frozenset(b" \t"),
    b"cntrl": frozenset(set(range(0, 0x20)) | {0x7F}),
    b"digit": frozenset(_byte_range("0", "9")),
    b"graph": frozenset(range(0x21, 0x7F)),
    b"lower": frozenset(_byte_range("a", "z")),
    b"print": frozenset(range(0x20, 0x7F)),
    b"punct": frozenset(
        _byte_range("!", "/")
        | _byte_range(":", "@")
        | _byte_range("[", "`")
        | _byte_range("{", "~")
    ),
    b"space": frozenset(b" \t\n\r"),
    b"upper": frozenset(_byte_range("A", "Z")),
    b"xdigit": frozenset(_byte_range("0", "9") | _byte_range("A", "F") | _byte_range("a", "f")),
}

# Glob tokens. _BYTE consumes one byte from its set. _STAR_RUN is a run of bytes other
# than "/" (a "*" in a pattern that contains a slash). _ANY_RUN is any run of bytes ("**"
# at a segment boundary, or "*" in a pattern without a slash). _DIRS is zero or more
# whole leading directories ("**/").
_BYTE, _STAR_RUN, _ANY_RUN, _DIRS = range(4)
_Token = tuple[int, frozenset[int]]

# Patterns with more unbounded runs than this are matched by _GlobAutomaton, because
# Python's backtracking regex engine takes time exponential in the number of runs on
# names such as "aaaa...". Up to this count the regex cost stays polynomial in the name
# length and small for real names.
_MAX_REGEX_RUNS = 2


# --- Reading .gitignore files ----------------------------------------------------------


def _trim_trailing_spaces(line: bytes) -> bytes:
    """Remove trailing spaces unless a backslash escapes them, as git does.

    Only the space character counts, not tabs. A backslash at the very end stops the
    trimming, so ``foo \\`` keeps its space.
    """
    first_trailing_space: int | None = None
    index = 0
    while index < len(line):
        byte = line[index]
        if byte == _SPACE:
            if first_trailing_space is None:
                first_trailing_space = index
        elif byte == _BACKSLASH:
            index += 1
            if index >= len(line):
                return line
            first_trailing_space = None
        else:
            first_trailing_space = None
        index += 1
    if first_trailing_space is None:
        return line
    return line[:first_trailing_space]


def _split_pattern_lines(data: bytes) -> list[tuple[int, bytes]]:
    """Return the (1-based line number, pattern) pairs of a .gitignore file's contents.

    Git skips a UTF-8 byte order mark, empty lines and lines that start with ``#``. It
    removes one CR before the LF, then trailing spaces. A NUL byte ends the pattern
    because git handles each line as a C string.
    """
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
    entries = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw or raw.startswith(b"#"):
            continue
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        text = _trim_trailing_spaces(raw.split(b"\0", 1)[0])
        if text:
            entries.append((number, text))
    return entries


def _read_gitignore(path: Path, source: str, warnings: list[str]) -> bytes | None:
    """Return the contents of a .gitignore file, or None when it is missing or not read.

    The file is checked with lstat before it is opened, and opened with O_NOFOLLOW and
    O_NONBLOCK, so a symbolic link is never followed and a FIFO or device file is never
    read, even if one replaces the file between the two calls.
    """
    usedpaths.watch(path)
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as error:
        warnings.append(_unreadable_message(source, error))
        return None
    if stat.S_ISLNK(info.st_mode):
        warnings.append(
            f"{source} is a symbolic link, which git does not read either, so its patterns "
            "do not apply. Replace it with a regular file."
        )
        return None
    if not stat.S_ISREG(info.st_mode):
        warnings.append(f"{source} is not a regular file, so it was not read.")
        return None

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        warnings.append(_unreadable_message(source, error))
        return None
    try:
        with open(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                warnings.append(f"{source} is not a regular file, so it was not read.")
                return None
            return handle.read()
    except OSError as error:
        warnings.append(_unreadable_message(source, error))
        return None


def _unreadable_message(source: str, error: OSError) -> str:
    return f"{source} could not be read ({error.strerror}), so its patterns do not apply."


# --- Compiling globs -------------------------------------------------------------------


def _parse_bracket(glob: bytes, start: int) -> tuple[frozenset[int], int] | None:
    """Parse the bracket expression at ``glob[start]`` (a ``[``) like git's wildmatch.

    Returns the set of bytes it matches and the index after its closing ``]``, or None
    when git would abort the match: no closing ``]``, a trailing backslash, or an unknown
    ``[:name:]``. A ``]`` right after ``[`` or ``[!`` is a member, ``-`` forms a range
    only after a single member and before a byte other than ``]``, a backslash escapes
    the next byte, and a leading ``!`` or ``^`` negates.
    """
    index = start + 1
    negated = index < len(glob) and glob[index] in b"!^"
    if negated:
        index += 1
    members: set[int] = set()
    previous = 0  # the last single member, which can start a range (0 for none)
    first = True
    while True:
        if index >= len(glob):
            return None
        byte = glob[index]
        if byte == _RBRACKET and not first:
            break
        first = False
        if byte == _BACKSLASH:
            index += 1
            if index >= len(glob):
                return None
            byte = glob[index]
            members.add(byte)
            previous = byte
        elif byte == _DASH and previous and index + 1 < len(glob) and glob[index + 1] != _RBRACKET:
            index += 1
            last = glob[index]
            if last == _BACKSLASH:
                index += 1
                if index >= len(glob):
                    return None
                last = glob[index]
            members.update(range(previous, last + 1))
            previous = 0
        elif byte == _LBRACKET and index + 1 < len(glob) and glob[index + 1] == _COLON:
            name_start = index + 2
            close = glob.find(b"]", name_start)
            if close < 0:
                return None
            if close - name_start - 1 < 0 or glob[close - 1] != _COLON:
                # No ":]" before the next "]", so "[" is an ordinary member.
                members.add(byte)
                previous = byte
            else:
                named = _CHARACTER_CLASSES.get(glob[name_start : close - 1])
                if named is None:
                    return None
                members.update(named)
                previous = 0
                index = close
        else:
            members.add(byte)
            previous = byte
        index += 1
    matched = _ALL_BYTES - members if negated else _ALL_BYTES & members
    return frozenset(matched), index + 1


def _parse_glob(glob: bytes, pathname: bool) -> list[_Token] | None:
    """Translate a glob into tokens, or return None when it can never match.

    With ``pathname`` (git's WM_PATHNAME), ``*``, ``?`` and brackets do not match ``/``,
    and two or more stars between a slash (or the start of ``glob``) and a slash (or the
    end) match across directories. Without it, every star run matches anything.
    """
    single = _ALL_BUT_SLASH if pathname else _ALL_BYTES
    tokens: list[_Token] = []
    index = 0
    while index < len(glob):
        byte = glob[index]
        if byte == _STAR:
            end = index
            while end < len(glob) and glob[end] == _STAR:
                end += 1
            if not pathname:
                tokens.append((_ANY_RUN, _ALL_BYTES))
            elif end - index >= 2 and _is_double_star_boundary(glob, index, end):
                if end < len(glob) and glob[end] == _SLASH:
                    tokens.append((_DIRS, _ALL_BYTES))
                    end += 1
                else:
                    tokens.append((_ANY_RUN, _ALL_BYTES))
            else:
                tokens.append((_STAR_RUN, _ALL_BUT_SLASH))
            index = end
        elif byte == _QUESTION:
            tokens.append((_BYTE, single))
            index += 1
        elif byte == _BACKSLASH:
            if index + 1 >= len(glob):
                return None
            tokens.append((_BYTE, frozenset((glob[index + 1],))))
            index += 2
        elif byte == _LBRACKET:
            parsed = _parse_bracket(glob, index)
            if parsed is None:
                return None
            members, index = parsed
            tokens.append((_BYTE, members & single))
        else:
            tokens.append((_BYTE, frozenset((byte,))))
            index += 1
    return tokens


def _is_double_star_boundary(glob: bytes, start: int, end: int) -> bool:
    """Tell whether the star run ``glob[start:end]`` fills a whole path segment.

    The run must follow a slash or the start of ``glob``, and precede a slash, an escaped
    slash or the end of ``glob``, as in git.
    """
    after_ok = (
        end == len(glob)
        or glob[end] == _SLASH
        or (glob[end] == _BACKSLASH and end + 1 < len(glob) and glob[end + 1] == _SLASH)
    )
    return after_ok and (start == 0 or glob[start - 1] == _SLASH)


def _byte_class_regex(members: frozenset[int]) -> bytes:
    if not members:
        return b"(?!)"
    if len(members) == 1:
        return re.escape(bytes(members))
    ordered = sorted(members)
    parts = []
    run_start = previous = ordered[0]
    for byte in [*ordered[1:], -1]:
        if byte == previous + 1:
            previous = byte
            continue
        if run_start == previous:
            parts.append(b"\\x%02x" % run_start)
        else:
            parts.append(b"\\x%02x-\\x%02x" % (run_start, previous))
        run_start = previous = byte
    return b"[" + b"".join(parts) + b"]"


def _tokens_to_regex(tokens: list[_Token]) -> bytes:
    parts = []
    for kind, members in tokens:
        if kind == _BYTE:
            parts.append(_byte_class_regex(members))
        elif kind == _STAR_RUN:
            parts.append(b"[^/]*")
        elif kind == _ANY_RUN:
            parts.append(b".*")
        else:
            parts.append(b"(?:.*/)?")
    return b"".join(parts)


class _GlobAutomaton:
    """Match tokens by simulating their automaton, in time linear in the name length.

    States are positions in a list of steps. A step either consumes one byte and
    advances, consumes a byte and stays (a run, which may also be skipped), or forks
    without consuming.
    """

    _CONSUME, _LOOP, _FORK = range(3)

    def __init__(self, tokens: list[_Token]) -> None:
        steps: list[tuple[int, frozenset[int], int]] = []
        for kind, members in tokens:
            if kind == _BYTE:
                steps.append((self._CONSUME, members, 0))
            elif kind in (_STAR_RUN, _ANY_RUN):
                steps.append((self._LOOP, members, 0))
            else:
                # "(?:.*/)?": skip to after the group, or loop over any bytes then a "/".
                after = len(steps) + 3
                steps.append((self._FORK, frozenset(), after))
                steps.append((self._LOOP, _ALL_BYTES, 0))
                steps.append((self._CONSUME, frozenset((_SLASH,)), 0))
        self._steps = steps

    def _closure(self, states: set[int]) -> set[int]:
        pending = list(states)
        while pending:
            state = pending.pop()
            if state >= len(self._steps):
                continue
            kind, _, target = self._steps[state]
            followers = []
            if kind == self._LOOP:
                followers.append(state + 1)
            elif kind == self._FORK:
                followers.extend((state + 1, target))
            for follower in followers:
                if follower not in states:
                    states.add(follower)
                    pending.append(follower)
        return states

    def fullmatch(self, text: bytes) -> bool:
        accept = len(self._steps)
        current = self._closure({0})
        for byte in text:
            following: set[int] = set()
            for state in current:
                if state == accept:
                    continue
                kind, members, _ = self._steps[state]
                if byte in members:
                    if kind == self._CONSUME:
                        following.add(state + 1)
                    elif kind == self._LOOP:
                        following.add(state)
            if not following:
                return False
            current = self._closure(following)
        return accept in current


# --- Patterns and pattern lists ---------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    """One pattern line of a .gitignore file, compiled."""

    source: str  # the .gitignore file, relative to the work tree top
    line: int
    index: int  # position among the patterns of its file
    text: bytes  # the pattern after trimming, as ``git check-ignore -v`` prints it
    negative: bool
    directory_only: bool
    basename_only: bool  # no slash (except a trailing one): matched against the name only
    regex: bytes | None  # None when the automaton matches it or it can never match
    automaton: _GlobAutomaton | None


def _simple_length(glob: bytes) -> int:
    """Return the length of the leading part of ``glob`` without wildcards or backslashes."""
    for index, byte in enumerate(glob):
        if byte in b"*?[\\":
            return index
    return len(glob)


def _compile_pattern(text: bytes, source: str, line: int, index: int) -> _Pattern:
    body = text
    negative = body.startswith(b"!")
    if negative:
        body = body[1:]
    directory_only = body.endswith(b"/")
    if directory_only:
        body = body[:-1]
    basename_only = b"/" not in body

    tokens: list[_Token] | None
    if basename_only:
        tokens = _parse_glob(body, pathname=False)
    else:
        literal_length = _simple_length(body)
        if body.startswith(b"/"):
            body = body[1:]
            literal_length -= 1
        rest = _parse_glob(body[literal_length:], pathname=True)
        if rest is None:
            tokens = None
        else:
            tokens = [(_BYTE, frozenset((byte,))) for byte in body[:literal_length]] + rest

    regex: bytes | None = None
    automaton: _GlobAutomaton | None = None
    if tokens is not None:
        runs = sum(1 for kind, _ in tokens if kind != _BYTE)
        if runs <= _MAX_REGEX_RUNS:
            regex = _tokens_to_regex(tokens)
        else:
            automaton = _GlobAutomaton(tokens)
    return _Pattern(
        source=source,
        line=line,
        index=index,
        text=text,
        negative=negative,
        directory_only=directory_only,
        basename_only=basename_only,
        regex=regex,
        automaton=automaton,
    )


class _PatternList:
    """The patterns of one .gitignore file, with a combined regex per kind of query.

    A combined regex lists the patterns last to first as alternatives, each in its own
    named group. ``fullmatch`` takes the first alternative that matches, which is the
    last matching pattern of the file, the one git applies.
    """

    def __init__(self, base: bytes, patterns: list[_Pattern]) -> None:
        self.base = base  # directory of the file, relative to the work tree top
        self.patterns = patterns
        self._automaton_patterns = [p for p in reversed(patterns) if p.automaton is not None]
        self._combined: dict[tuple[bool, bool], re.Pattern[bytes] | None] = {}

    def _combined_regex(self, basename_only: bool, is_dir: bool) -> re.Pattern[bytes] | None:
        key = (basename_only, is_dir)
        if key not in self._combined:
            alternatives = [
                b"(?P<p%d>%s)" % (pattern.index, pattern.regex)
                for pattern in reversed(self.patterns)
                if pattern.regex is not None
                and pattern.basename_only == basename_only
                and (is_dir or not pattern.directory_only)
            ]
            compiled = re.compile(b"|".join(alternatives), re.DOTALL) if alternatives else None
            self._combined[key] = compiled
        return self._combined[key]

    def last_match(self, relative: bytes, basename: bytes, is_dir: bool) -> _Pattern | None:
        """Return the last pattern that matches a path below this file's directory.

        ``relative`` is the path relative to that directory.
        """
        best = -1
        for basename_only, subject in ((True, basename), (False, relative)):
            combined = self._combined_regex(basename_only, is_dir)
            if combined is None:
                continue
            found = combined.fullmatch(subject)
            if found is not None and found.lastgroup is not None:
                best = max(best, int(found.lastgroup[1:]))
        for pattern in self._automaton_patterns:
            if pattern.index <= best:
                break
            if pattern.directory_only and not is_dir:
                continue
            subject = basename if pattern.basename_only else relative
            assert pattern.automaton is not None
            if pattern.automaton.fullmatch(subject):
                best = pattern.index
                break
        return self.patterns[best] if best >= 0 else None


@dataclass(frozen=True)
class _DirectoryState:
    decision: _Pattern | None  # the pattern that decides for the directory itself
    excluded: bool  # the directory or one of its parents is ignored
    lists: tuple[_PatternList, ...]  # the lists that apply inside it, deepest first


# --- Public interface -----------------------------------------------------------------


@dataclass(frozen=True)
class IgnoreMatch:
    """The .gitignore pattern that decides whether git ignores a path."""

    source: str  # posix path of the .gitignore, relative to the scan root ("../" if above)
    line: int  # 1-based line of the pattern in that file
    pattern: str  # the pattern as written, without trailing spaces
    negated: bool  # a "!" pattern, so the path is not ignored

    @property
    def ignored(self) -> bool:
        return not self.negated


def _is_git_marker(marker: Path) -> bool:
    """Tell whether ``marker`` is a ``.git`` directory or a ``gitdir:`` file."""
    usedpaths.watch(marker)
    usedpaths.watch(marker / "HEAD")
    try:
        info = os.stat(marker)
    except OSError:
        return False
    if stat.S_ISDIR(info.st_mode):
        return (marker / "HEAD").is_file()
    if not stat.S_ISREG(info.st_mode):
        return False
    try:
        with open(marker, "rb") as handle:
            return handle.read(8) == b"gitdir: "
    except OSError:
        return False


def find_worktree_top(start: Path) -> Path | None:
    """Return the top directory of the git work tree that contains ``start``, or None.

    Looks for a ``.git`` directory (with a ``HEAD``) or a ``.git`` file starting with
    ``gitdir: `` in ``start`` and its parents, after resolving symbolic links.
    NOTE: GIT_DIR, GIT_WORK_TREE and GIT_CEILING_DIRECTORIES are not consulted.
    """
    current = Path(os.path.realpath(start))
    for directory in (current, *current.parents):
        if _is_git_marker(directory / ".git"):
            return directory
    return None


def _is_real_directory(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _normalize_relative(relative_path: str) -> str:
    parts = relative_path.split("/")
    if "" not in parts and "." not in parts and ".." not in parts:
        return relative_path
    if relative_path.startswith("/") or ".." in parts:
        raise ValueError(
            f"invalid path {relative_path!r}: expected a relative posix path "
            "without '..' components"
        )
    return "/".join(part for part in parts if part not in ("", "."))


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


class IgnoreRules:
    """The ignore rules of the ``.gitignore`` files in a work tree, read lazily.

    Paths are posix paths relative to the scan root. Each ``.gitignore`` is read once,
    when a path in its directory is first checked, and the result for every directory is
    cached, so a check costs a few regex matches. ``.gitignore`` files in ignored
    directories are never read, as in git.

    The walker must skip ``.git`` itself. Git never descends into it, but these rules
    only evaluate patterns, so they do not ignore it.
    """

    def __init__(self, root: Path, top: Path) -> None:
        """Prepare rules for ``root``, where ``top`` is ``root`` or a parent of it."""
        self.root = root
        self.top = top
        relative = Path(os.path.realpath(root)).relative_to(os.path.realpath(top))
        self._prefix = _normalize_relative(relative.as_posix())
        # Files that exist but were not read, and why. Entries are added as checks reach
        # the files, so read this after the walk rather than right after load().
        self.warnings: list[str] = []
        self._lists: dict[str, _PatternList | None] = {}
        self._states: dict[str, _DirectoryState] = {}

    @classmethod
    def load(cls, root: Path) -> IgnoreRules:
        """Return the rules for a scan of ``root``.

        Inside a git work tree, the ``.gitignore`` files from the top of the work tree
        down to ``root`` apply too. Outside one, ``root`` is the top.
        """
        top = find_worktree_top(root)
        return cls(root, top if top is not None else Path(os.path.realpath(root)))

    # Paths handled below are relative to ``self.top``, unlike the public arguments.

    def _top_relative(self, relative_path: str) -> str:
        relative = _normalize_relative(relative_path)
        if self._prefix and relative:
            return f"{self._prefix}/{relative}"
        return self._prefix or relative

    def _root_relative(self, top_relative: str) -> str:
        if not self._prefix:
            return top_relative
        prefix_parts = self._prefix.split("/")
        target_parts = top_relative.split("/")
        common = 0
        while (
            common < min(len(prefix_parts), len(target_parts) - 1)
            and prefix_parts[common] == target_parts[common]
        ):
            common += 1
        return "/".join([".."] * (len(prefix_parts) - common) + target_parts[common:])

    def _pattern_list(self, directory: str) -> _PatternList | None:
        if directory in self._lists:
            return self._lists[directory]
        pattern_list = None
        source = f"{directory}/{_GITIGNORE}" if directory else _GITIGNORE
        if directory and not _is_real_directory(self.top / directory):
            # A missing directory, or a symbolic link that git would not follow.
            data = None
        else:
            data = _read_gitignore(self.top / source, self._root_relative(source), self.warnings)
        if data is not None:
            patterns = [
                _compile_pattern(text, source, line, index)
                for index, (line, text) in enumerate(_split_pattern_lines(data))
            ]
            if patterns:
                pattern_list = _PatternList(os.fsencode(directory), patterns)
        self._lists[directory] = pattern_list
        return pattern_list

    @staticmethod
    def _last_match(lists: tuple[_PatternList, ...], path: str, is_dir: bool) -> _Pattern | None:
        encoded = os.fsencode(path)
        basename = encoded.rpartition(b"/")[2]
        for pattern_list in lists:
            if pattern_list.base:
                relative = encoded[len(pattern_list.base) + 1 :]
            else:
                relative = encoded
            found = pattern_list.last_match(relative, basename, is_dir)
            if found is not None:
                return found
        return None

    def _build_state(self, directory: str) -> _DirectoryState:
        if not directory:
            own = self._pattern_list("")
            return _DirectoryState(None, False, (own,) if own is not None else ())
        parent = self._states[_parent(directory)]
        if parent.excluded:
            return _DirectoryState(parent.decision, True, ())
        decision = self._last_match(parent.lists, directory, is_dir=True)
        if decision is not None and not decision.negative:
            return _DirectoryState(decision, True, ())
        own = self._pattern_list(directory)
        lists = (own, *parent.lists) if own is not None else parent.lists
        return _DirectoryState(decision, False, lists)

    def _directory_state(self, directory: str) -> _DirectoryState:
        pending = []
        current = directory
        while current not in self._states:
            pending.append(current)
            if not current:
                break
            current = _parent(current)
        for missing in reversed(pending):
            self._states[missing] = self._build_state(missing)
        return self._states[directory]

    def _decide(self, relative_path: str, is_dir: bool) -> _Pattern | None:
        path = self._top_relative(relative_path)
        if not path:
            return None
        if is_dir:
            return self._directory_state(path).decision
        parent = self._directory_state(_parent(path))
        if parent.excluded:
            return parent.decision
        if not parent.lists:
            return None
        return self._last_match(parent.lists, path, is_dir=False)

    def match(self, relative_path: str, is_dir: bool) -> IgnoreMatch | None:
        """Return the pattern that decides for a path, or None when no pattern matches.

        ``is_dir`` must be False for a symbolic link to a directory, because git treats
        the link as a file. For a path inside an ignored directory, the result is the
        pattern that ignores that directory: git never reads further down, so a ``!``
        pattern cannot re-include the path. The result has ``negated`` set when a ``!``
        pattern decides, which means the path is not ignored.
        Raises ValueError for an absolute path or one with ``..`` components.
        """
        pattern = self._decide(relative_path, is_dir)
        if pattern is None:
            return None
        return IgnoreMatch(
            source=self._root_relative(pattern.source),
            line=pattern.line,
            pattern=os.fsdecode(pattern.text),
            negated=pattern.negative,
        )

    def is_ignored(self, relative_path: str, is_dir: bool) -> bool:
        """Tell whether git would ignore the path, directly or through an ignored parent.

        The path need not exist, so this also works for a file that could be created.
        """
        pattern = self._decide(relative_path, is_dir)
        return pattern is not None and not pattern.negative

    def match_source(self, relative_path: str, is_dir: bool) -> tuple[str, int] | None:
        """Return the .gitignore path and 1-based line of the deciding pattern, or None.

        The deciding pattern may be a ``!`` pattern, as in ``git check-ignore -v``.
        """
        found = self.match(relative_path, is_dir)
        if found is None:
            return None
        return found.source, found.line

    def nearest_gitignore(self, relative_dir: str) -> str | None:
        """Return the nearest .gitignore at or above a directory, or None.

        Searches up to the top of the work tree, so the result may start with ``../``
        when the scan root is below the top. Only regular files count, because git reads
        nothing else.
        """
        directory = self._top_relative(relative_dir)
        while True:
            source = f"{directory}/{_GITIGNORE}" if directory else _GITIGNORE
            usedpaths.watch(self.top / source)
            try:
                mode = os.lstat(self.top / source).st_mode
            except OSError as error:
                if error.errno not in (errno.ENOENT, errno.ENOTDIR):
                    self.warnings.append(_unreadable_message(self._root_relative(source), error))
                mode = 0
            if stat.S_ISREG(mode):
                return self._root_relative(source)
            if not directory:
                return None
            directory = _parent(directory)


def nearest_gitignore(root: Path, relative_dir: str) -> str | None:
    """Return the nearest .gitignore at or above ``root/relative_dir``, relative to root.

    Searches up to the top of the git work tree that contains ``root`` (``root`` itself
    outside a repository). Returns None when there is none.
    """
    return IgnoreRules.load(root).nearest_gitignore(relative_dir)
