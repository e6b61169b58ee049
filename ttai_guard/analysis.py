"""Scan one file: read, decode, choose an analyzer, run the file rules.

:func:`scan_file` is a plain function of picklable arguments so that worker
processes can run it. Parsers are imported only when a file both needs one
and contains text that a rule could report (see :func:`needs_parser`).
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import AnyStr, Generic

from ttai_guard import filekinds
from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.analyzers import text as text_analyzer
from ttai_guard.bytescan import CHUNK, search_bytes, search_stream
from ttai_guard.decoding import declared_encoding, decode, looks_binary
from ttai_guard.facts import Facts
from ttai_guard.finding import Finding
from ttai_guard.rules import FileContext, Hit
from ttai_guard.rules.catalog import RULES
from ttai_guard.rules.clientside import ClientFacts, summarize
from ttai_guard.rules.secrets import check_credentials, check_tokens
from ttai_guard.rules.transport import check_api_urls, check_request_urls
from ttai_guard.snippets import Mask, locate, masks_for
from ttai_guard.suppressions import marker_lines, suppresses
from ttai_guard.textindex import LineIndex
from ttai_guard.tokens import find_tokens, redact

FILE_RULES: tuple[Callable[[FileContext, Facts], Iterator[Hit]], ...] = (
    check_tokens,
    check_credentials,
    check_api_urls,
    check_request_urls,
)

# A file whose lower-cased text contains none of these can hold no token,
# ToughTongue URL or token-named credential, so it is not parsed for them.
# `i_pat_` here and `live_` after a quote (below) catch a token prefix split
# early (`"tt" + "ai_pat_"`, `"sk_" + "live_"`). Later split points leave
# `sk_l` before a quote, or `ttai` at the start of a word.
_TRIGGERS = (
    "sk_live_",
    "ttai_pat_",
    "toughtongue",
    "tough_tongue",
    "tough-tongue",
    "i_pat_",
)
# `ttai` starts a word in TTAI_TOKEN and ttaiPat. Inside other words
# (`attainable`) it counts only when a credential word follows. `live_` counts
# only after a quote, because names such as `live_server` are common. Each
# pattern is matched where `find` locates its word: a pattern of alternatives
# would step through every position of the text.
_PIECE_TRIGGERS = (
    ("sk_l", re.compile(r"sk_l(?:i(?:ve?)?)?[\"'`]")),
    ("ttai", re.compile(r"(?<![a-z])ttai|ttai[_-]?(?:token|key|pat|secret|auth|api|bearer)")),
    ("live_", re.compile(r"(?<=[\"'`])live_")),
)
# A plain-HTTP URL to a non-local host at the start of a string literal (after
# a quote, or `=` for an unquoted HTML attribute). A request target whose value
# starts with such a URL starts with such a literal, also when the analyzers
# fold constants into it (`"http://" + HOST`), so URLs in comments and prose
# do not make a file worth parsing. XML namespace URIs (www.w3.org) and the
# Apache license URL are not request targets either. The scheme is located
# with `find` and both patterns are tried there, with up to _LITERAL_LOOKBACK
# characters of leading whitespace. ASCII whitespace classes keep the byte and
# text patterns equivalent.
_LITERAL_START = r"[\"'`=](?:[ \t\n\r\f\v]|\\[nrt])*\Z"
_REMOTE_SCHEME = (
    r"(?:http|ws)://"
    r"(?!localhost[:/\"'`]|127\.|0\.0\.0\.0|\[::1\]|www\.w3\.org/|www\.apache\.org/licenses/)"
)
_LITERAL_LOOKBACK = 64


@dataclass(frozen=True)
class _UrlPatterns(Generic[AnyStr]):
    """The URL schemes and the patterns around them, for text or for bytes."""

    schemes: tuple[AnyStr, AnyStr]
    literal_start: re.Pattern[AnyStr]
    remote_scheme: re.Pattern[AnyStr]


_TEXT_URLS = _UrlPatterns(
    ("http://", "ws://"), re.compile(_LITERAL_START), re.compile(_REMOTE_SCHEME)
)
_BYTE_URLS = _UrlPatterns(
    (b"http://", b"ws://"),
    re.compile(_LITERAL_START.encode("ascii")),
    re.compile(_REMOTE_SCHEME.encode("ascii")),
)
# Request targets are judged only in code that also names a request library.
_REQUEST_WORDS = {
    "python": ("requests", "httpx", "urlopen", "urllib", "aiohttp", "http.client", "websocket"),
    "javascript": (
        "fetch",
        "axios",
        "xmlhttprequest",
        "ajax",
        "ky.",
        "ky(",
        "got.",
        "got(",
        "superagent",
        "eventsource",
        "websocket",
        "sendbeacon",
        "http.get",
        "https.get",
        "http.request",
        "https.request",
        ".http.",
    ),
}
_REQUEST_WORDS_BYTES = {
    language: tuple(word.encode("ascii") for word in words)
    for language, words in _REQUEST_WORDS.items()
}
_CODE_LANGUAGE = {
    filekinds.PYTHON: "python",
    filekinds.NOTEBOOK: "python",
    **{kind: "javascript" for kind in (*filekinds.JS_DIALECTS, *filekinds.SCRIPT_BLOCK_KINDS)},
}


#: Python files longer than this (in characters) are not parsed.
MAX_PYTHON_PARSE = 1_000_000
# Parses of texts longer than this (in characters) are followed by a garbage
# collection: on the react-dom bundles of 200 to 400 KB, each parse left 7 to
# 9 MB to the next collection.
_COLLECT_AFTER = 100_000
#: JavaScript, TypeScript and markup files longer than this (in characters)
#: go to the bundle level (:mod:`ttai_guard.analyzers.bundle`) instead of
#: tree-sitter. Tree-sitter's tree plus the analyzer's Python objects take
#: about 35 bytes per source byte (9 MB `typescript.js` 5.9: 340 MB peak RSS),
#: so this limit keeps a worker near 100 MB.
MAX_SCRIPT_PARSE = 2_000_000

# Every trigger of needs_parser, every token prefix (or piece of one), every
# ToughTongue host name and the suppression marker `ttai-guard` contains one
# of these, so a file whose lower-cased bytes contain none of them (and no
# configured word) yields an empty report without being decoded.
_BYTE_TRIGGERS = (b"live_", b"i_pat_", b"ttai", b"sk_l", b"tough")
# The only code points whose lower case contains ASCII: U+0130 (to `i` plus a
# combining dot) and the Kelvin sign U+212A (to `k`).
_LOWERS_TO_ASCII = ("\u0130", "\u212a")
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


@dataclass(frozen=True)
class FileJob:
    """One file to scan, with what the parent process determined about it."""

    path: Path
    build: bool = False
    secrets_belong_here: bool = False


@dataclass
class FileReport:
    """The outcome of scanning one file.

    Exactly one of these holds: the file was scanned (``findings``, possibly
    empty), ``skipped`` gives the reason it was not, ``error`` the reason it
    could not be read, or ``vanished`` is true. ``notes`` explains degraded scans.
    """

    path: Path
    findings: list[Finding] = field(default_factory=list)
    skipped: str = ""
    error: str = ""
    vanished: bool = False
    notes: list[str] = field(default_factory=list)
    kind: str = ""
    #: Lines with a ``ttai-guard: ignore`` marker that suppressed nothing.
    unused_ignores: list[int] = field(default_factory=list)
    #: What the client-side rules need from a parsed module or ``.env*`` file,
    #: without whole secrets (the report may be cached on disk).
    client_facts: ClientFacts | None = None
    #: SHA-256 of the bytes read, when the caller asked for it and the whole
    #: file was read; the results cache keys reports by it.
    digest: bytes = b""
    #: (size, mtime_ns, inode, device, ctime_ns) of the file as stat returned it
    #: before reading.
    signature: tuple[int, int, int, int, int] | None = None


def needs_parser(kind: str, lowered: str, settings: AnalyzerSettings) -> bool:
    """Tell whether a file's lower-cased text contains anything a parsed rule could report."""
    return _names_toughtongue(kind, lowered, settings) or _may_request_plain_http(kind, lowered)


def _names_toughtongue(kind: str, lowered: str, settings: AnalyzerSettings) -> bool:
    """Tell whether the text could contain a token, a ToughTongue URL or a credential name."""
    if kind == filekinds.ENV:
        return True
    if any(trigger in lowered for trigger in _TRIGGERS):
        return True
    for word, pattern in _PIECE_TRIGGERS:
        index = lowered.find(word)
        while index != -1:
            if pattern.match(lowered, index):
                return True
            index = lowered.find(word, index + 1)
    extra = (*settings.api_hosts, *settings.token_names)
    return any(word.lower() in lowered for word in extra)


def _may_request_plain_http(kind: str, lowered: str | bytes) -> bool:
    """Tell whether lower-cased code could request a plain-HTTP URL.

    Takes the text or its bytes, which give the same result for UTF-8 files.
    """
    language = _CODE_LANGUAGE.get(kind)
    if language is None:
        return False
    if isinstance(lowered, bytes):
        return _has_request_and_url(lowered, _BYTE_URLS, _REQUEST_WORDS_BYTES[language])
    return _has_request_and_url(lowered, _TEXT_URLS, _REQUEST_WORDS[language])


def _has_request_and_url(
    lowered: AnyStr, patterns: _UrlPatterns[AnyStr], words: tuple[AnyStr, ...]
) -> bool:
    return _starts_literal_with_remote_url(lowered, patterns) and any(
        word in lowered for word in words
    )


def _starts_literal_with_remote_url(lowered: AnyStr, patterns: _UrlPatterns[AnyStr]) -> bool:
    for scheme in patterns.schemes:
        index = lowered.find(scheme)
        while index != -1:
            if patterns.remote_scheme.match(lowered, index) and patterns.literal_start.search(
                lowered, max(0, index - _LITERAL_LOOKBACK), index
            ):
                return True
            index = lowered.find(scheme, index + 1)
    return False


def _python_may_request_plain_http(text: str) -> bool:
    """Tell whether Python code could send a request to a plain-HTTP URL literal.

    The byte and text tests also match URLs quoted in comments and doctests,
    and request words in prose. CPython's own parser reads a module many
    times faster than libcst, so it settles those files. libcst is needed
    only when a string outside docstring statements starts with the URL and
    the module can make a request that the Python analyzer recognises. That
    takes a client module (imported, or written as in ``requests.get``) or a
    name that contains ``session`` or ``client``. Source that CPython cannot
    parse returns True, and libcst then reports the syntax error.
    """
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            # The scanned code's own warnings (invalid escapes) are not ours to print.
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    url = client = False
    # ast.walk visits an expression statement before its value, so one pass
    # can tell docstrings and other bare strings from the other constants.
    bare_values: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr):
            bare_values.add(id(node.value))
        elif isinstance(node, ast.Constant):
            url = url or (id(node) not in bare_values and _starts_with_plain_http(node.value))
        elif isinstance(node, ast.Import):
            client = client or any(_is_client_module(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            module = node.module
            client = client or any(
                _is_client_module(f"{module}.{alias.name}") for alias in node.names
            )
        elif isinstance(node, ast.Name):
            client = client or node.id in _CLIENT_ROOTS or _names_client(node.id)
        elif isinstance(node, ast.Attribute):
            client = client or _names_client(node.attr)
        if url and client:
            return True
    return False


#: The modules of the HTTP clients the Python analyzer recognises.
PYTHON_CLIENT_MODULES = frozenset(
    {
        "aiohttp",
        "http.client",
        "httpx",
        "requests",
        "urllib.request",
        "urllib3",
        "websocket",
        "websockets",
    }
)
# Their first names: code may name a client without importing it (`requests.get`).
_CLIENT_ROOTS = frozenset(module.partition(".")[0] for module in PYTHON_CLIENT_MODULES)


def _is_client_module(dotted: str) -> bool:
    """Tell whether an imported module or name is, or is inside, a client module."""
    return any(
        dotted == module or dotted.startswith(module + ".") for module in PYTHON_CLIENT_MODULES
    )


def _names_client(name: str) -> bool:
    lowered = name.lower()
    return "session" in lowered or "client" in lowered


def _starts_with_plain_http(value: object) -> bool:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return isinstance(value, str) and value.lstrip().lower().startswith(("http://", "ws://"))


# O_NONBLOCK keeps the open of a FIFO from waiting for a writer; the file
# type is checked on the open descriptor before anything is read.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)


def _read(path: Path, max_size: int, report: FileReport, digest: bool) -> bytes | None:
    """Read a regular file without following it into a device or a FIFO.

    One open, one ``fstat`` and usually one ``read`` of the size that
    ``fstat`` returned plus one byte, which shows whether the file grew.
    """
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        report.vanished = True
        return None
    except OSError as error:
        report.error = f"cannot read: {error.strerror}"
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            report.skipped = "not a regular file"
            return None
        report.signature = (
            info.st_size,
            info.st_mtime_ns,
            info.st_ino,
            info.st_dev,
            info.st_ctime_ns,
        )
        if info.st_size > max_size:
            report.skipped = (
                f"larger than max-file-size ({info.st_size} > {max_size} bytes); "
                "searched for tokens only"
            )
            _scan_large(path, report, digest)
            return None
        return _read_all(descriptor, min(info.st_size, max_size) + 1, max_size + 1)
    except OSError as error:
        report.error = f"cannot read: {error.strerror}"
        return None
    finally:
        os.close(descriptor)


def _read_all(descriptor: int, expected: int, limit: int) -> bytes:
    """Read up to ``limit`` bytes, asking for ``expected`` first."""
    first = os.read(descriptor, expected)
    if len(first) < expected or expected >= limit:
        # A short read of a regular file means its end was reached.
        return first
    parts = [first]
    total = len(first)
    while total < limit:
        more = os.read(descriptor, min(limit - total, CHUNK))
        if not more:
            break
        parts.append(more)
        total += len(more)
    return b"".join(parts)


def _scan_large(path: Path, report: FileReport, digest: bool) -> None:
    """Search a file too large to decode for tokens, chunk by chunk, in bounded memory."""
    hasher = hashlib.sha256() if digest else None
    try:
        with open(path, "rb") as handle:
            for found in search_stream(handle.read, hasher.update if hasher else None):
                report.findings.append(
                    _byte_finding(path, found.token, found.line, found.column, found.offset)
                )
    except OSError as error:
        report.error = f"cannot read: {error.strerror}"
        return
    if hasher is not None:
        report.digest = hasher.digest()


def analyze_text(kind: str, text: str, settings: AnalyzerSettings, suffix: str = "") -> Facts:
    """Run the analyzer for ``kind``; raise AnalysisError when it cannot parse.

    ``suffix`` (lower case, with the dot) distinguishes Markdown from MDX.
    """
    if kind == filekinds.PYTHON:
        from ttai_guard.analyzers import python

        return python.analyze(text, settings)
    if kind in _SCRIPT_KINDS and len(text) > MAX_SCRIPT_PARSE:
        from ttai_guard.analyzers import bundle

        return bundle.analyze(text, settings, filekinds.JS_DIALECTS.get(kind, "javascript"))
    if kind in filekinds.JS_DIALECTS:
        from ttai_guard.analyzers import javascript

        return javascript.analyze(text, settings, filekinds.JS_DIALECTS[kind])
    if kind in filekinds.SCRIPT_BLOCK_KINDS:
        from ttai_guard.analyzers import scriptblocks

        return scriptblocks.analyze(text, settings, kind)
    if kind == filekinds.NOTEBOOK:
        from ttai_guard.analyzers import notebook, python

        return notebook.analyze(text, settings, code_analyzer=python.analyze)
    if kind == filekinds.ENV:
        from ttai_guard.analyzers import envfile

        return envfile.analyze(text, settings)
    if kind in (filekinds.MARKDOWN, filekinds.RST):
        from ttai_guard.analyzers import markup

        syntax = "markdown"
        if kind == filekinds.RST:
            syntax = "rst"
        elif suffix == ".mdx":
            syntax = "mdx"
        return markup.analyze(text, settings, syntax=syntax)
    if kind in _KEY_VALUE_KINDS:
        from ttai_guard.analyzers import keyvalue

        return keyvalue.analyze(text, settings, kind=_KEY_VALUE_KINDS[kind])
    return text_analyzer.analyze(text, settings)


_SCRIPT_KINDS = frozenset((*filekinds.JS_DIALECTS, *filekinds.SCRIPT_BLOCK_KINDS))

_KEY_VALUE_KINDS = {
    filekinds.JSON: "json",
    filekinds.YAML: "yaml",
    filekinds.TOML: "toml",
    filekinds.INI: "ini",
    filekinds.DOCKERFILE: "dockerfile",
    filekinds.SHELL: "shell",
}


def _facts_for(
    kind: str, text: str, settings: AnalyzerSettings, report: FileReport, suffix: str
) -> Facts:
    lowered = text.lower()
    if not _names_toughtongue(kind, lowered, settings):
        if not _may_request_plain_http(kind, lowered):
            return Facts()
        if kind == filekinds.PYTHON and not _python_may_request_plain_http(text):
            return Facts()
    if kind == filekinds.PYTHON and len(text) > MAX_PYTHON_PARSE:
        # LibCST needs about 150 bytes of memory per byte of source; larger
        # Python files are generated data, read at the text level instead.
        report.notes.append(
            f"read at the text level: larger than {MAX_PYTHON_PARSE} characters, "
            "the limit for parsing Python"
        )
        return text_analyzer.analyze(text, settings)
    if kind in _SCRIPT_KINDS and len(text) > MAX_SCRIPT_PARSE:
        report.notes.append(
            f"read at the bundle level: larger than {MAX_SCRIPT_PARSE} characters, the limit "
            "for parsing JavaScript, TypeScript and markup; URLs held in variables are not seen"
        )
    try:
        facts = analyze_text(kind, text, settings, suffix)
        if len(text) > _COLLECT_AFTER:
            # The analyzers leave reference cycles (scopes, bindings and tree
            # nodes) that only the cyclic collector frees. Collecting now
            # keeps a worker's memory from growing by several MB per parse.
            gc.collect()
    except AnalysisError as error:
        report.notes.append(f"read at the text level: {error}")
        return text_analyzer.analyze(text, settings)
    except RecursionError:
        report.notes.append("read at the text level: the parser ran out of stack")
        return text_analyzer.analyze(text, settings)
    except Exception as error:
        report.notes.append(
            f"read at the text level: the {kind} analyzer failed ({type(error).__name__}: {error})"
        )
        return text_analyzer.analyze(text, settings)
    report.notes.extend(facts.notes)
    return facts


def _to_findings(
    context: FileContext, facts: Facts, hits: list[Hit], used_markers: set[int]
) -> list[Finding]:
    """Turn hits into findings; add the lines whose suppression marker was used."""
    findings: list[Finding] = []
    if not hits:
        return findings
    index = LineIndex(context.text)
    # Every excerpt masks every secret of the file: a token on the same line
    # as a URL finding must not show in that finding's excerpt.
    masks: list[Mask] = []
    for hit in hits:
        if hit.secret_spans:
            masks.extend(masks_for(hit.identity, hit.secret_spans))
    for hit in hits:
        line, _ = index.position(hit.start)
        if suppresses(index.line_text(line), hit.rule):
            used_markers.add(line)
            continue
        rule = RULES[hit.rule]
        message = hit.message
        for region in facts.regions:
            if region.start <= hit.start < region.end:
                message = f"{message} ({region.label})"
                break
        span = locate(context.text, hit.start, hit.end, masks, index)
        findings.append(
            Finding(
                rule=hit.rule,
                path=context.path,
                line=span.line,
                column=span.column,
                end_line=span.end_line,
                end_column=span.end_column,
                message=message,
                level=rule.level,
                snippet=span.snippet,
                identity=hit.identity,
                fixable=hit.fixable,
            )
        )
    return findings


def _byte_finding(path: Path, token: str, line: int, column: int, offset: int) -> Finding:
    """Build a TTAI101 finding from a byte-level search; columns count bytes."""
    return Finding(
        rule="TTAI101",
        path=path,
        line=line,
        column=column,
        end_line=line,
        end_column=column + len(token),
        message=(
            f"Hardcoded ToughTongue token `{redact(token)}` found by a byte-level search "
            f"at byte offset {offset}. Rotate this token."
        ),
        level=RULES["TTAI101"].level,
        identity=token,
    )


def _scan_bytes(job: FileJob, data: bytes, report: FileReport) -> None:
    """Search undecodable binary data for tokens only."""
    for found in search_bytes(data):
        report.findings.append(
            _byte_finding(job.path, found.token, found.line, found.column, found.offset)
        )


def _scan_name(job: FileJob, report: FileReport) -> None:
    """Report a token written into the file's own name."""
    for token in find_tokens(job.path.name):
        report.findings.append(
            Finding(
                rule="TTAI101",
                path=job.path,
                line=1,
                column=1,
                end_line=1,
                end_column=1,
                message=(
                    f"The file name contains the ToughTongue token `{redact(token.value)}`. "
                    "Rename the file and rotate this token."
                ),
                level=RULES["TTAI101"].level,
                identity=token.value,
            )
        )


def _nothing_to_report(
    kind: str, data: bytes, settings: AnalyzerSettings, build: bool = False
) -> bool:
    """Tell from the raw bytes that no rule can report anything in this file.

    Exact for files that decode as UTF-8 (with or without a BOM): their
    lower-cased text contains a trigger only if the lower-cased bytes do,
    because only U+0130 and U+212A lower-case to ASCII. Other encodings and
    undecodable files, whose scans add notes, return False.
    """
    if kind == filekinds.ENV or data.startswith(_WIDE_BOMS):
        return False
    words = [word.lower() for word in (*settings.api_hosts, *settings.token_names)]
    if not all(word.isascii() for word in words):
        return False
    lowered = data.lower()
    if any(trigger in lowered for trigger in _BYTE_TRIGGERS):
        return False
    if any(word.encode("ascii") in lowered for word in words):
        return False
    # Build output is searched for tokens only (rules = (check_tokens,)).
    if not build and _may_request_plain_http(kind, lowered):
        return False
    if kind == filekinds.PYTHON and declared_encoding(data) not in (None, "utf-8"):
        return False
    if data.isascii():
        return True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # A str test for a character wider than every character of the text
    # returns at once, so this costs little next to a search of the bytes.
    return not any(character in text for character in _LOWERS_TO_ASCII)


#: A report that contains only (kind, skipped, signature, digest): what a worker
#: process sends back for most files, because it pickles in a fraction of the
#: time a FileReport with its Path takes.
CompactReport = tuple[str, str, tuple[int, int, int, int, int] | None, bytes]


def scan_batch(
    batch: list[tuple[str, bool, bool]], settings: AnalyzerSettings, max_size: int, digest: bool
) -> list[FileReport | CompactReport]:
    """Scan (path, build, secrets_belong_here) jobs in a worker process.

    Reports with nothing but a kind and a skip reason come back as
    :data:`CompactReport` tuples; :func:`expand_report` rebuilds them.
    """
    reports: list[FileReport | CompactReport] = []
    for path, build, belongs in batch:
        report = scan_file(FileJob(Path(path), build, belongs), settings, max_size, digest)
        if is_compact(report):
            reports.append((report.kind, report.skipped, report.signature, report.digest))
        else:
            reports.append(report)
    return reports


def is_compact(report: FileReport) -> bool:
    """Tell whether a report contains nothing but its kind, skip reason, signature and digest."""
    return not (
        report.findings
        or report.notes
        or report.unused_ignores
        or report.client_facts is not None
        or report.error
        or report.vanished
    )


def expand_report(job: FileJob, sent: FileReport | CompactReport) -> FileReport:
    """Return the FileReport for ``job`` from what :func:`scan_batch` sent."""
    if isinstance(sent, FileReport):
        sent.path = job.path
        return sent
    kind, skipped, signature, digest = sent
    return FileReport(job.path, kind=kind, skipped=skipped, signature=signature, digest=digest)


def scan_file(
    job: FileJob, settings: AnalyzerSettings, max_size: int, digest: bool = False
) -> FileReport:
    """Scan one file and return its findings, or why it was not scanned.

    With ``digest`` the report carries the SHA-256 of the file's bytes.
    """
    report = FileReport(job.path)
    data = _read(job.path, max_size, report, digest)
    if not report.vanished:
        _scan_name(job, report)
    if data is None:
        return report
    if digest:
        report.digest = hashlib.sha256(data).digest()

    kind = filekinds.kind_of(job.path, data[:128])
    report.kind = kind
    if kind == filekinds.BINARY:
        report.skipped = "binary file type"
        return report
    if kind in (filekinds.TEXT, filekinds.LOCKFILE) and looks_binary(data[:8192]):
        report.skipped = "binary (scanned for tokens only)"
        _scan_bytes(job, data, report)
        return report
    if _nothing_to_report(kind, data, settings, job.build):
        return report

    decoded = decode(data, python=kind == filekinds.PYTHON)
    del data
    text = decoded.text
    if decoded.note:
        report.notes.append(decoded.note)
    if job.build or decoded.degraded or kind == filekinds.LOCKFILE:
        facts = text_analyzer.analyze(text, settings)
    else:
        facts = _facts_for(kind, text, settings, report, job.path.suffix.lower())

    context = FileContext(
        path=job.path,
        kind=kind,
        text=text,
        settings=settings,
        secrets_belong_here=job.secrets_belong_here,
        tokens_only=job.build,
    )
    rules = FILE_RULES
    if job.build:
        rules = (check_tokens,)
    elif kind == filekinds.LOCKFILE:
        # Registry URLs in lock files are downloads, not requests the code makes.
        rules = (check_tokens, check_api_urls)

    hits: list[Hit] = []
    for rule in rules:
        hits.extend(rule(context, facts))
    used_markers: set[int] = set()
    report.findings.extend(_to_findings(context, facts, hits, used_markers))
    report.unused_ignores = [line for line in marker_lines(text) if line not in used_markers]
    if not job.build and not decoded.degraded:
        report.client_facts = summarize(kind, text, facts, settings)
    return report
