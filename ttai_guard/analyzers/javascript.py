"""Extract facts from JavaScript and TypeScript source with tree-sitter.

One analyzer serves JavaScript with JSX (``.js .mjs .cjs .jsx``), TypeScript
(``.ts .mts .cts``) and TSX (``.tsx``). The analyzers for HTML, Vue, Svelte
and Astro pass the text of each ``<script>`` block here, so every offset in the
returned facts is a code-point offset into the text passed in.

The tree is walked once with a cursor, so nesting depth costs no Python stack.
During the walk the analyzer folds string expressions, records comments and
credentials, and builds scopes with their bindings. Request calls are
collected on the way and resolved after the walk, when every binding of the
file is known, so a request may use a constant declared further down.
"""

from __future__ import annotations

import bisect
import html
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tree_sitter import Language, Node, Parser, Tree

from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.facts import DYNAMIC, Credential, Facts, Literal, Request, Segment
from ttai_guard.names import CLIENT_CREDENTIAL_KEYWORDS, is_token_name, is_toughtongue_client

DIALECTS = ("javascript", "typescript", "tsx")

_DIALECT_BY_SUFFIX = {
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}


def dialect_for_suffix(suffix: str) -> str | None:
    """Return the dialect that parses files ending in ``suffix`` (``".tsx"``), or ``None``."""
    normalized = "." + suffix.lower().lstrip(".")
    return _DIALECT_BY_SUFFIX.get(normalized)


def analyze(text: str, settings: AnalyzerSettings, dialect: str = "javascript") -> Facts:
    """Parse ``text`` as ``dialect`` and extract strings, comments, credentials and requests.

    Raises :class:`AnalysisError` when the parser recognises no statement at all,
    and :class:`ValueError` for a dialect other than those in :data:`DIALECTS`.
    """
    # The generated lexers read a NUL byte as the end of input, so the parser
    # gets a space in its place. Values are read from ``text``, so they keep it.
    source = _encode(text).replace(b"\0", b" ")
    tree = _parser_for(dialect).parse(source)
    root = tree.root_node
    if root.type == "ERROR" or (root.has_error and not _has_statement(root)):
        raise AnalysisError(f"invalid {dialect} source: the parser recognised no statement")
    return _Analyzer(text, settings).run(tree)


# --- Parsers ---------------------------------------------------------------

# Parser objects must not be shared between threads, so each thread keeps its
# own parsers. A single-threaded process creates one parser per dialect.
_PARSERS = threading.local()


def _load_language(dialect: str) -> Language:
    if dialect == "javascript":
        import tree_sitter_javascript

        return Language(tree_sitter_javascript.language())
    if dialect == "typescript":
        import tree_sitter_typescript

        return Language(tree_sitter_typescript.language_typescript())
    if dialect == "tsx":
        import tree_sitter_typescript

        return Language(tree_sitter_typescript.language_tsx())
    raise ValueError(f"unknown JavaScript dialect {dialect!r}; expected one of {DIALECTS}")


def _parser_for(dialect: str) -> Parser:
    cache: dict[str, Parser] | None = getattr(_PARSERS, "by_dialect", None)
    if cache is None:
        cache = {}
        _PARSERS.by_dialect = cache
    parser = cache.get(dialect)
    if parser is None:
        parser = Parser(_load_language(dialect))
        cache[dialect] = parser
    return parser


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encode(text: str) -> bytes:
    """Encode ``text`` as UTF-8 for the parser.

    Lone surrogates become U+FFFD, which also takes three bytes in UTF-8, so
    byte offsets map back onto ``text`` exactly as for a surrogate-free text.
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def _has_statement(root: Node) -> bool:
    return any(child.type not in ("ERROR", "comment") for child in root.named_children)


# --- Byte offsets to code-point offsets -----------------------------------

# Runs of characters that take the same number of bytes in UTF-8 (2, 3 or 4).
# Lone surrogates fall in the 3-byte run, like the U+FFFD that replaces them.
_WIDE_RUN = re.compile("[\u0080-\u07ff]+|[\u0800-\uffff]+|[\U00010000-\U0010ffff]+")


class _OffsetMap:
    """Convert UTF-8 byte offsets of the parsed buffer to code-point offsets of the text.

    ASCII-only text maps one to one. Otherwise the map stores one entry per run
    of equally wide non-ASCII characters, and a lookup is a binary search.
    """

    def __init__(self, text: str) -> None:
        self.identity = text.isascii()
        self.byte_starts: list[int] = []
        self.char_starts: list[int] = []
        self.widths: list[int] = []
        self.lengths: list[int] = []
        if self.identity:
            return
        extra_bytes = 0
        for match in _WIDE_RUN.finditer(text):
            start = match.start()
            length = match.end() - start
            first = ord(text[start])
            if first < 0x800:
                width = 2
            elif first < 0x10000:
                width = 3
            else:
                width = 4
            self.byte_starts.append(start + extra_bytes)
            self.char_starts.append(start)
            self.widths.append(width)
            self.lengths.append(length)
            extra_bytes += length * (width - 1)

    def char_offset(self, byte_offset: int) -> int:
        if self.identity:
            return byte_offset
        index = bisect.bisect_right(self.byte_starts, byte_offset) - 1
        if index < 0:
            return byte_offset
        inside = byte_offset - self.byte_starts[index]
        width = self.widths[index]
        length = self.lengths[index]
        if inside < length * width:
            return self.char_starts[index] + inside // width
        return self.char_starts[index] + length + inside - length * width


# --- Literal values --------------------------------------------------------

# Maximum length of a value that URL resolution builds. Longer results are
# cut, so constants that double each other (`b = a + a`) stay small.
_MAX_RESOLVED_LENGTH = 8192


class _LiteralBuilder:
    """Accumulate a folded value and the segments that map it to the source."""

    def __init__(self, limit: int | None = None) -> None:
        self.parts: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0
        self.limit = limit

    def _room(self, size: int) -> int:
        if self.limit is None:
            return size
        return max(0, min(size, self.limit - self.length))

    def add_source(self, value: str, source_start: int) -> None:
        """Append ``value``, which the source spells at ``source_start``."""
        size = self._room(len(value))
        if size <= 0:
            return
        value = value[:size]
        last = self.segments[-1] if self.segments else None
        if (
            last is not None
            and last.value_start + last.length == self.length
            and last.source_start + last.length == source_start
        ):
            self.segments[-1] = Segment(last.value_start, last.source_start, last.length + size)
        else:
            self.segments.append(Segment(self.length, source_start, size))
        self.parts.append(value)
        self.length += size

    def add_text(self, value: str) -> None:
        """Append text that no single place in the source spells (a joining ``/``)."""
        size = self._room(len(value))
        if size > 0:
            self.parts.append(value[:size])
            self.length += size

    def add_dynamic(self) -> None:
        self.add_text(DYNAMIC)

    def add_literal(self, literal: Literal) -> None:
        size = self._room(len(literal.value))
        if size <= 0:
            return
        shift = self.length
        for segment in literal.segments:
            if segment.value_start >= size:
                break
            length = min(segment.length, size - segment.value_start)
            self.segments.append(Segment(segment.value_start + shift, segment.source_start, length))
        self.parts.append(literal.value[:size])
        self.length += size

    def build(self) -> Literal:
        return Literal("".join(self.parts), tuple(self.segments))


_DYNAMIC_LITERAL = Literal(DYNAMIC, ())


def _slice_literal(literal: Literal, start: int, end: int | None = None) -> Literal:
    """Return ``literal.value[start:end]`` with the segments that spell it."""
    stop = len(literal.value) if end is None else end
    segments = []
    for segment in literal.segments:
        low = max(start, segment.value_start)
        high = min(stop, segment.value_start + segment.length)
        if low < high:
            source = segment.source_start + low - segment.value_start
            segments.append(Segment(low - start, source, high - low))
    return Literal(literal.value[start:stop], tuple(segments))


def _concat(*parts: Literal | str) -> Literal:
    builder = _LiteralBuilder(_MAX_RESOLVED_LENGTH)
    for part in parts:
        if isinstance(part, str):
            builder.add_text(part)
        else:
            builder.add_literal(part)
    return builder.build()


def _has_static_text(literal: Literal) -> bool:
    return bool(literal.value.replace(DYNAMIC, ""))


def _is_fully_static(literal: Literal) -> bool:
    return bool(literal.value) and DYNAMIC not in literal.value


_SIMPLE_ESCAPES = {
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "0": "\0",
}
_OCTAL_DIGITS = frozenset("01234567")


def _cook_escape(raw: str) -> str:
    """Return the characters that a JavaScript string escape such as ``\\x41`` stands for."""
    body = raw[1:]
    if not body:
        return ""
    first = body[0]
    if first in "\r\n\u2028\u2029":
        return ""  # A line continuation adds nothing to the value.
    if first in _SIMPLE_ESCAPES and len(body) == 1:
        return _SIMPLE_ESCAPES[first]
    digits = ""
    if first == "x":
        digits = body[1:]
    elif first == "u":
        digits = body[2:-1] if body.startswith("u{") else body[1:]
    elif first in _OCTAL_DIGITS and set(body) <= _OCTAL_DIGITS:
        return chr(int(body, 8))  # Legacy octal escape of sloppy-mode code.
    else:
        return body
    try:
        code = int(digits, 16)
    except ValueError:
        return body
    return chr(code) if code <= 0x10FFFF else raw


_DECIMAL_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_BEARER_PREFIX = re.compile(r"bearer[ \t]+", re.IGNORECASE)
_SCHEME_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_ABSOLUTE_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//")
_URL_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\x00]*")
_WHITESPACE = re.compile(r"\s+")


# --- Scopes and bindings ---------------------------------------------------


@dataclass(eq=False)
class _Binding:
    """A name declared in a scope.

    ``kind`` is the declaring keyword (``const``, ``let``, ``var``) or one of
    ``import``, ``enum``, ``param`` and ``function``. ``value`` is the
    initializer, whose identifiers resolve in ``scope``. A destructured
    binding reads ``key`` from ``value`` and falls back to ``default``.
    Imports record the ``module`` and the ``imported`` name (``default``,
    ``*`` or the exported name).
    """

    name: str
    kind: str
    value: Node | None = None
    scope: _Scope | None = None
    key: str | None = None
    default: Node | None = None
    module: str | None = None
    imported: str | None = None
    redeclared: bool = False


class _Scope:
    """A function, block or module scope with the names declared in it."""

    __slots__ = ("bindings", "is_function", "parent")

    def __init__(self, parent: _Scope | None, is_function: bool) -> None:
        self.parent = parent
        self.is_function = is_function
        self.bindings: dict[str, _Binding] = {}

    def lookup(self, name: str) -> _Binding | None:
        scope: _Scope | None = self
        while scope is not None:
            binding = scope.bindings.get(name)
            if binding is not None:
                return binding
            scope = scope.parent
        return None

    def function_scope(self) -> _Scope:
        scope = self
        while not scope.is_function and scope.parent is not None:
            scope = scope.parent
        return scope

    def declare(self, binding: _Binding) -> None:
        existing = self.bindings.get(binding.name)
        if existing is not None:
            existing.redeclared = True
            return
        self.bindings[binding.name] = binding


_FUNCTION_NODES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "generator_function",
        "generator_function_declaration",
        "arrow_function",
        "method_definition",
    }
)
_WRAPPER_NODES = frozenset(
    {
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "type_assertion",
    }
)
_COMMENT_NODES = frozenset({"comment", "html_comment", "hash_bang_line"})
_PATTERN_CONTAINERS = frozenset(
    {"object_pattern", "array_pattern", "rest_pattern", "pair_pattern", "formal_parameters"}
)

# --- Request calls ---------------------------------------------------------

# Objects that hold the browser globals (`window.fetch`, `globalThis.WebSocket`).
_GLOBAL_OBJECTS = frozenset({"window", "globalThis", "self", "global"})

# Client libraries by the name of an undeclared global or a function parameter.
_CLIENTS_BY_GLOBAL_NAME = {
    "fetch": "fetch",
    "axios": "axios",
    "ky": "ky",
    "got": "got",
    "ofetch": "ofetch",
    "$fetch": "ofetch",
    "superagent": "superagent",
    "$": "jquery",
    "jQuery": "jquery",
}

# Client libraries by the module they are imported from, for default and
# namespace imports; named imports are in `_CLIENTS_BY_NAMED_IMPORT`.
_CLIENTS_BY_MODULE = {
    "axios": "axios",
    "ky": "ky",
    "got": "got",
    "ofetch": "ofetch",
    "superagent": "superagent",
    "jquery": "jquery",
    "node-fetch": "fetch",
    "cross-fetch": "fetch",
    "isomorphic-fetch": "fetch",
    "http": "http",
    "node:http": "http",
    "https": "https",
    "node:https": "https",
}
_CLIENTS_BY_NAMED_IMPORT = {
    ("ofetch", "ofetch"): "ofetch",
    ("ofetch", "$fetch"): "ofetch",
    ("undici", "fetch"): "fetch",
    ("node-fetch", "fetch"): "fetch",
    ("cross-fetch", "fetch"): "fetch",
    ("http", "get"): "http-function",
    ("http", "request"): "http-function",
    ("node:http", "get"): "http-function",
    ("node:http", "request"): "http-function",
    ("https", "get"): "https-function",
    ("https", "request"): "https-function",
    ("node:https", "get"): "https-function",
    ("node:https", "request"): "https-function",
}

_AXIOS_METHODS = frozenset(
    {
        "get",
        "delete",
        "head",
        "options",
        "post",
        "put",
        "patch",
        "request",
        "postForm",
        "putForm",
        "patchForm",
    }
)
# Axios methods whose second argument is the request body, so the config is third.
_AXIOS_BODY_METHODS = frozenset({"post", "put", "patch", "postForm", "putForm", "patchForm"})
_SHORTHAND_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_SUPERAGENT_METHODS = _SHORTHAND_METHODS | {"del"}
_JQUERY_METHODS = frozenset({"ajax", "get", "post", "getJSON", "getScript"})
_ANGULAR_METHODS = _SHORTHAND_METHODS | {"request", "jsonp"}
_FACTORY_METHODS = frozenset({"create", "extend"})
_HTTP_METHOD_NAMES = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})

# Final callee names that can make a request when called as a method. Calls of
# plain identifiers are always kept, because a client instance can have any name.
_REQUEST_METHOD_NAMES = (
    _AXIOS_METHODS
    | _SUPERAGENT_METHODS
    | _JQUERY_METHODS
    | _ANGULAR_METHODS
    | {"fetch", "open", "sendBeacon", "raw"}
)
_SOCKET_CONSTRUCTORS = frozenset({"EventSource", "WebSocket"})

# Header setters whose first argument is the header name (`headers.set`,
# `xhr.setRequestHeader`, superagent `.set`).
_HEADER_SETTERS = frozenset({"set", "append", "setRequestHeader"})

_AUTHORIZATION_CONTEXT = "sent as the Bearer token in the `Authorization` header"

# Maximum depth of one URL resolution, after which a part stays dynamic. Each
# constant, object property, operand and substitution followed adds one level.
# A level takes at most four Python frames, so resolution stays well inside
# the default recursion limit of 1000.
_MAX_RESOLVE_DEPTH = 64


@dataclass(frozen=True)
class _Client:
    """An HTTP client library, or an instance of one with a base URL."""

    kind: str
    base: Literal | None = None


class _NotRequest:
    """The result of a client call that makes no request (``axios.create``)."""


_NOT_REQUEST = _NotRequest()


@dataclass
class _PendingCall:
    node: Node
    parts: list[str]
    scope: _Scope
    is_new: bool


# --- The analyzer ----------------------------------------------------------


@dataclass
class _Analyzer:
    """Extract the facts of one parsed text."""

    text: str
    settings: AnalyzerSettings
    facts: Facts = field(default_factory=Facts)

    def __post_init__(self) -> None:
        self.offsets = _OffsetMap(self.text)
        self.module_scope = _Scope(None, is_function=True)
        self.first_error: int | None = None

        # Ids of the nodes inside an emitted string expression, which the walk
        # must not emit again, and the folded value of each node folded so far.
        self.consumed: set[int] = set()
        self.folded: dict[int, Literal] = {}
        # Per-node results of `_is_string_expression` and `_unwrap`.
        self.string_expression: dict[int, bool] = {}
        self.unwrapped: dict[int, Node] = {}

        self.reassigned: set[str] = set()
        self.calls: list[_PendingCall] = []
        self.credential_keys: set[tuple[str, int, str]] = set()
        self.resolved_bindings: dict[int, Literal | None] = {}

        self.handlers: dict[str, Callable[[Node, _Scope], _Scope | None]] = {
            "comment": self._visit_comment,
            "html_comment": self._visit_comment,
            "hash_bang_line": self._visit_comment,
            "string": self._visit_string,
            "template_string": self._visit_string,
            "binary_expression": self._visit_binary,
            "call_expression": self._visit_call,
            "new_expression": self._visit_new,
            "jsx_element": self._visit_jsx_element,
            "jsx_attribute": self._visit_jsx_attribute,
            "lexical_declaration": self._visit_declaration,
            "variable_declaration": self._visit_declaration,
            "assignment_expression": self._visit_assignment,
            "augmented_assignment_expression": self._visit_assignment,
            "update_expression": self._visit_update,
            "pair": self._visit_pair,
            "field_definition": self._visit_field,
            "public_field_definition": self._visit_field,
            "assignment_pattern": self._visit_default,
            "object_assignment_pattern": self._visit_default,
            "required_parameter": self._visit_parameter,
            "optional_parameter": self._visit_parameter,
            "array": self._visit_array,
            "import_statement": self._visit_import,
            "enum_declaration": self._visit_enum,
            "class_declaration": self._visit_class,
            "formal_parameters": self._visit_parameters,
            "for_in_statement": self._visit_for_in,
            "catch_clause": self._visit_catch,
        }
        for kind in _WRAPPER_NODES:
            self.handlers[kind] = self._visit_string
        for kind in _FUNCTION_NODES:
            self.handlers[kind] = self._visit_function
        for kind in ("statement_block", "for_statement", "switch_body"):
            self.handlers[kind] = self._visit_block

    def run(self, tree: Tree) -> Facts:
        root = tree.root_node
        self._walk(root)
        for call in self.calls:
            request = self._request(call)
            if request is not None:
                self.facts.requests.append(request)
        if root.has_error:
            line = self._line_number(self.first_error or 0)
            self.facts.notes.append(f"parse errors near line {line}; read partly")
        self.facts.parsed = True
        return self.facts

    # --- Walking ---------------------------------------------------------

    def _walk(self, root: Node) -> None:
        """Visit every node in document order, tracking the innermost scope."""
        cursor = root.walk()
        goto_first_child = cursor.goto_first_child
        goto_next_sibling = cursor.goto_next_sibling
        goto_parent = cursor.goto_parent
        handlers = self.handlers
        check_errors = root.has_error

        depth = 0
        # The innermost scope, the depth of the node that opened it, and the
        # enclosing scopes to return to when the walk leaves that node.
        scope = self.module_scope
        scope_depth = -1
        outer: list[tuple[_Scope, int]] = []

        while True:
            node = cursor.node
            if node is None:
                return
            handler = handlers.get(node.type)
            # TypeScript's `string` keyword is an anonymous node of type "string".
            if handler is not None and node.is_named:
                inner = handler(node, scope)
                if inner is not None:
                    outer.append((scope, scope_depth))
                    scope = inner
                    scope_depth = depth
            if check_errors and self.first_error is None and (node.is_error or node.is_missing):
                self.first_error = self._start(node)
            if goto_first_child():
                depth += 1
                continue
            while True:
                if depth == scope_depth:
                    scope, scope_depth = outer.pop()
                if goto_next_sibling():
                    break
                if not goto_parent():
                    return
                depth -= 1

    def _line_number(self, offset: int) -> int:
        text = self.text
        crlf = text.count("\r\n", 0, offset)
        return text.count("\n", 0, offset) + text.count("\r", 0, offset) - crlf + 1

    # --- Node helpers ------------------------------------------------------

    def _start(self, node: Node) -> int:
        return self.offsets.char_offset(node.start_byte)

    def _end(self, node: Node) -> int:
        return self.offsets.char_offset(node.end_byte)

    def _source(self, node: Node) -> str:
        return self.text[self._start(node) : self._end(node)]

    def _source_between(self, start_byte: int, end_byte: int) -> tuple[str, int]:
        start = self.offsets.char_offset(start_byte)
        end = self.offsets.char_offset(end_byte)
        return self.text[start:end], start

    @staticmethod
    def _named(node: Node) -> list[Node]:
        return [child for child in node.named_children if child.type not in _COMMENT_NODES]

    def _unwrap(self, node: Node) -> Node:
        """Return the expression inside parentheses and TypeScript type wrappers.

        Each wrapper remembers its result, so unwrapping every level of a deep
        nest of parentheses costs linear time in total.
        """
        if node.type not in _WRAPPER_NODES:
            return node
        cache = self.unwrapped
        chain: list[Node] = []
        while node.type in _WRAPPER_NODES:
            cached = cache.get(node.id)
            if cached is not None:
                node = cached
                break
            inner = self._unwrap_once(node)
            if inner is None:
                break
            chain.append(node)
            node = inner
        for wrapper in chain:
            cache[wrapper.id] = node
        return node

    def _unwrap_once(self, node: Node) -> Node | None:
        """Return the expression one wrapper contains, or ``None`` for ``(a, b)``."""
        inner = self._named(node)
        if not inner:
            return None
        if node.type == "parenthesized_expression":
            if len(inner) != 1 or inner[0].type == "sequence_expression":
                return None
            return inner[0]
        return inner[-1] if node.type == "type_assertion" else inner[0]

    def _arguments(self, call: Node) -> list[Node]:
        arguments = call.child_by_field_name("arguments")
        if arguments is None or arguments.type != "arguments":
            return []
        return self._named(arguments)

    def _callee_parts(self, node: Node | None) -> list[str] | None:
        """Return the dotted name of a callee (``["axios", "get"]``), or ``None``."""
        parts: list[str] = []
        while node is not None:
            node = self._unwrap(node)
            if node.type == "member_expression":
                prop = node.child_by_field_name("property")
                if prop is None or prop.type != "property_identifier" or len(parts) > 8:
                    return None
                parts.append(self._source(prop))
                node = node.child_by_field_name("object")
            elif node.type in ("identifier", "this"):
                parts.append(self._source(node))
                parts.reverse()
                return parts
            else:
                return None
        return None

    def _operator(self, node: Node) -> str | None:
        operator = node.child_by_field_name("operator")
        return None if operator is None else operator.type

    def _static_string(self, node: Node | None) -> str | None:
        """Return the value of a string expression without dynamic parts, else ``None``."""
        if node is None:
            return None
        node = self._unwrap(node)
        if node.type == "number":
            return self._source(node)
        if node.type not in ("string", "template_string"):
            return None
        literal = self._string_literal(node)
        if literal is None or DYNAMIC in literal.value:
            return None
        return literal.value

    def _property_name(self, key: Node | None) -> str | None:
        """Return the name of an object key, class field or member property."""
        if key is None:
            return None
        if key.type in ("property_identifier", "identifier", "shorthand_property_identifier"):
            return self._source(key)
        if key.type == "private_property_identifier":
            return self._source(key).lstrip("#")
        if key.type == "computed_property_name":
            inner = self._named(key)
            return self._static_string(inner[0]) if len(inner) == 1 else None
        return self._static_string(key)

    # --- String folding --------------------------------------------------

    def _is_string_expression(self, node: Node) -> bool:
        """Tell whether ``node`` evaluates to a string built from at least one literal.

        The check runs on an explicit stack and remembers each result, so a
        chain of thousands of ``+`` operands costs linear time and no recursion.
        """
        memo = self.string_expression
        if node.id in memo:
            return memo[node.id]
        stack: list[tuple[Node, bool]] = [(node, False)]
        while stack:
            current, expanded = stack.pop()
            if current.id in memo and not expanded:
                continue
            inner = self._unwrap(current)
            if inner.type == "binary_expression" and self._operator(inner) == "+":
                left = inner.child_by_field_name("left")
                right = inner.child_by_field_name("right")
                operands = [child for child in (left, right) if child is not None]
                if expanded:
                    memo[current.id] = any(memo.get(child.id, False) for child in operands)
                else:
                    stack.append((current, True))
                    stack.extend((child, False) for child in operands)
            else:
                memo[current.id] = self._is_string_leaf(inner)
        return memo[node.id]

    def _is_string_leaf(self, node: Node) -> bool:
        kind = node.type
        if kind in ("string", "template_string"):
            return node.is_named
        if kind == "call_expression":
            return self._raw_template(node) is not None or self._join_call(node) is not None
        return False

    def _raw_template(self, call: Node) -> Node | None:
        """Return the template of a ``String.raw`...``` call, else ``None``."""
        template = call.child_by_field_name("arguments")
        if template is None or template.type != "template_string":
            return None
        if self._callee_parts(call.child_by_field_name("function")) != ["String", "raw"]:
            return None
        return template

    def _join_call(self, call: Node) -> tuple[list[Node], Node | None] | None:
        """Return the elements and separator of ``["a", "b"].join("")``, else ``None``."""
        function = call.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return None
        prop = function.child_by_field_name("property")
        if prop is None or self._source(prop) != "join":
            return None
        array = function.child_by_field_name("object")
        if array is None:
            return None
        array = self._unwrap(array)
        if array.type != "array":
            return None
        arguments = self._arguments(call)
        if len(arguments) > 1:
            return None
        separator = self._unwrap(arguments[0]) if arguments else None
        if separator is not None and separator.type not in ("string", "template_string"):
            return None
        elements = self._named(array)
        if not elements or not all(self._is_string_expression(item) for item in elements):
            return None
        return elements, separator

    def _string_literal(self, node: Node) -> Literal | None:
        """Return the folded value of the string expression at ``node``, else ``None``.

        The first fold of a maximal string expression also adds it to
        ``strings``. A part of a larger expression folded before is folded on
        its own but not added again.
        """
        cached = self.folded.get(node.id)
        if cached is not None:
            return cached
        if not self._is_string_expression(node):
            return None
        maximal = node.id not in self.consumed
        literal = self._plain_string(node)
        if literal is None:
            literal = self._fold(node, None)
        else:
            self.consumed.add(node.id)
        self.folded[node.id] = literal
        if maximal:
            self.facts.strings.append(literal)
        return literal

    def _plain_string(self, node: Node) -> Literal | None:
        """Return the value of a quoted string without escapes, the common case, else ``None``."""
        if node.type != "string" or node.child_count > 3:
            return None
        children = node.children
        if len(children) < 2 or children[-1].type != children[0].type:
            return None
        if len(children) == 3 and children[1].type != "string_fragment":
            return None
        value, start = self._source_between(children[0].end_byte, children[-1].start_byte)
        return Literal.at(value, start) if value else Literal("", ())

    def _fold(self, node: Node, resolve: Callable[[Node], Literal] | None) -> Literal:
        """Fold a string expression into one literal.

        Without ``resolve`` every operand that is not a literal becomes
        :data:`DYNAMIC` and the folded nodes are marked as consumed, so the walk
        does not add them again. With ``resolve`` (URL resolution) every ``+``
        operand and every substitution is replaced by what ``resolve`` returns.
        """
        mark = resolve is None
        builder = _LiteralBuilder(None if mark else _MAX_RESOLVED_LENGTH)
        stack: list[Node | Literal] = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, Literal):
                builder.add_literal(item)
                continue
            if mark:
                self._mark_wrappers(item)
            current = self._unwrap(item)
            kind = current.type
            if kind == "binary_expression" and self._operator(current) == "+":
                left = current.child_by_field_name("left")
                right = current.child_by_field_name("right")
                flatten = not mark or self._is_string_expression(current)
                if left is not None and right is not None and flatten:
                    if mark:
                        self.consumed.add(current.id)
                    stack.append(right)
                    stack.append(left)
                    continue
            if kind in ("string", "template_string"):
                if mark:
                    self.consumed.add(current.id)
                self._add_quoted(builder, current, cooked=True, resolve=resolve)
                continue
            if kind == "call_expression":
                template = self._raw_template(current)
                if template is not None:
                    if mark:
                        self.consumed.update((current.id, template.id))
                    self._add_quoted(builder, template, cooked=False, resolve=resolve)
                    continue
                joined = self._join_call(current)
                if joined is not None:
                    self._push_join(stack, current, joined, mark)
                    continue
            if kind == "number" and _DECIMAL_NUMBER.fullmatch(self._source(current)):
                builder.add_source(self._source(current), self._start(current))
                continue
            if resolve is not None:
                builder.add_literal(resolve(current))
            else:
                builder.add_dynamic()
        return builder.build()

    def _mark_wrappers(self, node: Node) -> None:
        while node.type in _WRAPPER_NODES and node.id not in self.consumed:
            self.consumed.add(node.id)
            inner = self._unwrap_once(node)
            if inner is None:
                return
            node = inner

    def _push_join(
        self,
        stack: list[Node | Literal],
        call: Node,
        joined: tuple[list[Node], Node | None],
        mark: bool,
    ) -> None:
        """Push the elements of ``[…].join(separator)`` with the separator between them."""
        elements, separator = joined
        if separator is None:
            glue = Literal(",", ())
        else:
            builder = _LiteralBuilder()
            self._add_quoted(builder, separator, cooked=True, resolve=None)
            glue = builder.build()
        if mark:
            function = call.child_by_field_name("function")
            array = function.child_by_field_name("object") if function is not None else None
            self.consumed.add(call.id)
            self.consumed.update(node.id for node in (array, separator) if node is not None)
            if array is not None:
                self._mark_wrappers(array)
        items: list[Node | Literal] = []
        for index, element in enumerate(elements):
            if index:
                items.append(glue)
            items.append(element)
        stack.extend(reversed(items))

    def _add_raw(self, builder: _LiteralBuilder, start_byte: int, end_byte: int) -> None:
        if end_byte > start_byte:
            value, start = self._source_between(start_byte, end_byte)
            builder.add_source(value, start)

    def _add_quoted(
        self,
        builder: _LiteralBuilder,
        node: Node,
        *,
        cooked: bool,
        resolve: Callable[[Node], Literal] | None,
    ) -> None:
        """Append the content of a string or template literal, between its quotes."""
        children = node.children
        if not children:
            return
        opening = children[0]
        position = opening.end_byte
        end = node.end_byte
        inner = children[1:]
        closing = children[-1]
        if len(children) > 1 and not closing.is_named and closing.type == opening.type:
            end = closing.start_byte
            inner = children[1:-1]
        for child in inner:
            kind = child.type
            if kind == "string_fragment":
                continue
            self._add_raw(builder, position, child.start_byte)
            position = child.end_byte
            if kind == "escape_sequence":
                raw, start = self._source_between(child.start_byte, child.end_byte)
                builder.add_source(_cook_escape(raw) if cooked else raw, start)
            elif kind == "html_character_reference":
                raw, start = self._source_between(child.start_byte, child.end_byte)
                builder.add_source(html.unescape(raw), start)
            elif kind == "template_substitution":
                expression = self._named(child)
                if resolve is not None and len(expression) == 1:
                    builder.add_literal(resolve(expression[0]))
                else:
                    builder.add_dynamic()
            else:
                self._add_raw(builder, child.start_byte, child.end_byte)
        self._add_raw(builder, position, end)

    # --- Visitors: strings and comments ----------------------------------

    def _visit_comment(self, node: Node, scope: _Scope) -> None:
        self.facts.comments.append(Literal.at(self._source(node), self._start(node)))

    def _visit_string(self, node: Node, scope: _Scope) -> None:
        if node.id not in self.consumed:
            self._string_literal(node)

    def _visit_jsx_element(self, node: Node, scope: _Scope) -> None:
        """Fold each run of JSX text and character references between tags."""
        builder: _LiteralBuilder | None = None
        for child in [*node.children, None]:
            if child is not None and child.type in ("jsx_text", "html_character_reference"):
                if builder is None:
                    builder = _LiteralBuilder()
                raw, start = self._source_between(child.start_byte, child.end_byte)
                if child.type == "html_character_reference":
                    raw = html.unescape(raw)
                builder.add_source(raw, start)
                continue
            if builder is not None:
                literal = builder.build()
                if literal.value.strip():
                    self.facts.strings.append(literal)
                builder = None

    def _visit_jsx_attribute(self, node: Node, scope: _Scope) -> None:
        children = self._named(node)
        if len(children) != 2:
            return
        name = self._source(children[0])
        value = children[1]
        if value.type == "jsx_expression":
            inner = self._named(value)
            if len(inner) != 1:
                return
            value = inner[0]
        self._bind_credential(name, value, f"assigned to `{name}`")
        element = node.parent
        if element is not None and name in CLIENT_CREDENTIAL_KEYWORDS:
            tag = element.child_by_field_name("name")
            if tag is not None and is_toughtongue_client(self._source(tag)):
                literal = self._string_literal(value)
                self._add_credential(name, literal, f"passed as `{name}` to `{self._source(tag)}`")

    # --- Visitors: credentials -------------------------------------------

    def _add_credential(self, name: str, literal: Literal | None, context: str) -> None:
        if literal is None or not _has_static_text(literal):
            return
        first = literal.segments[0].source_start if literal.segments else -1
        key = (name, first, literal.value)
        if key in self.credential_keys:
            return
        self.credential_keys.add(key)
        self.facts.credentials.append(Credential(name, literal, context))

    def _bind_credential(self, name: str | None, value: Node | None, context: str) -> None:
        """Add a credential when a token-named slot receives a string expression."""
        if name is None or value is None:
            return
        if name.lower() == "authorization":
            self._add_bearer(value)
        elif is_token_name(name, self.settings.token_names):
            self._add_credential(name, self._string_literal(value), context)

    def _add_bearer(self, value: Node) -> None:
        literal = self._string_literal(value)
        if literal is None:
            return
        match = _BEARER_PREFIX.match(literal.value)
        if match is not None:
            token = _slice_literal(literal, match.end())
            self._add_credential("Authorization", token, _AUTHORIZATION_CONTEXT)

    def _visit_pair(self, node: Node, scope: _Scope) -> None:
        name = self._property_name(node.child_by_field_name("key"))
        self._bind_credential(name, node.child_by_field_name("value"), f"assigned to `{name}`")

    def _visit_field(self, node: Node, scope: _Scope) -> None:
        key = node.child_by_field_name("property")
        if key is None:
            key = node.child_by_field_name("name")
        name = self._property_name(key)
        self._bind_credential(name, node.child_by_field_name("value"), f"assigned to `{name}`")

    def _visit_default(self, node: Node, scope: _Scope) -> None:
        """Check a default value in destructuring or a parameter list."""
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        names = [self._source(left)] if left is not None and left.type in _NAME_NODES else []
        parent = node.parent
        if parent is not None and parent.type == "pair_pattern":
            names.append(self._property_name(parent.child_by_field_name("key")) or "")
        for name in names:
            if is_token_name(name, self.settings.token_names):
                literal = self._string_literal(right) if right is not None else None
                self._add_credential(name, literal, f"the default value of `{name}`")
                return

    def _visit_parameter(self, node: Node, scope: _Scope) -> None:
        pattern = node.child_by_field_name("pattern")
        value = node.child_by_field_name("value")
        if pattern is not None and value is not None and pattern.type == "identifier":
            name = self._source(pattern)
            if is_token_name(name, self.settings.token_names):
                literal = self._string_literal(value)
                self._add_credential(name, literal, f"the default value of `{name}`")

    def _visit_binary(self, node: Node, scope: _Scope) -> None:
        operator = self._operator(node)
        if operator == "+":
            if node.id not in self.consumed:
                self._string_literal(node)
            return
        if operator not in ("||", "??"):
            return
        left = node.child_by_field_name("left")
        while left is not None:
            left = self._unwrap(left)
            if left.type != "binary_expression" or self._operator(left) not in ("||", "??"):
                break
            left = left.child_by_field_name("right")
        read = self._env_read(left)
        if read is None:
            return
        name, expression = read
        right = node.child_by_field_name("right")
        if right is not None and is_token_name(name, self.settings.token_names):
            literal = self._string_literal(right)
            self._add_credential(name, literal, f"the fallback for `{expression}`")

    def _env_read(self, node: Node | None) -> tuple[str, str] | None:
        """Return the variable name and the source of an environment read, else ``None``.

        Recognises ``process.env.X``, ``process.env["X"]``, ``import.meta.env.X``,
        ``Bun.env.X`` and ``Deno.env.get("X")``.
        """
        if node is None:
            return None
        name: str | None = None
        if node.type in ("member_expression", "subscript_expression"):
            obj = node.child_by_field_name("object")
            if obj is None or not self._is_env_object(obj):
                return None
            if node.type == "member_expression":
                name = self._property_name(node.child_by_field_name("property"))
            else:
                name = self._static_string(node.child_by_field_name("index"))
        elif node.type == "call_expression":
            parts = self._callee_parts(node.child_by_field_name("function"))
            arguments = self._arguments(node)
            if parts == ["Deno", "env", "get"] and len(arguments) == 1:
                name = self._static_string(arguments[0])
        if name is None:
            return None
        return name, _WHITESPACE.sub("", self._source(node))

    def _is_env_object(self, node: Node) -> bool:
        node = self._unwrap(node)
        if node.type != "member_expression":
            return False
        prop = node.child_by_field_name("property")
        obj = node.child_by_field_name("object")
        if prop is None or obj is None or self._source(prop) != "env":
            return False
        if obj.type == "meta_property":
            return True
        return obj.type == "identifier" and self._source(obj) in ("process", "Bun")

    def _visit_assignment(self, node: Node, scope: _Scope) -> None:
        left = node.child_by_field_name("left")
        if left is None:
            return
        left = self._unwrap(left)
        if left.type == "identifier":
            self.reassigned.add(self._source(left))
        elif left.type in ("object_pattern", "array_pattern"):
            self.reassigned.update(self._pattern_names(left))
            return
        operator = self._operator(node)
        if node.type == "augmented_assignment_expression" and operator not in ("||=", "??="):
            return
        name: str | None = None
        if left.type == "identifier":
            name = self._source(left)
        elif left.type == "member_expression":
            name = self._property_name(left.child_by_field_name("property"))
        elif left.type == "subscript_expression":
            name = self._static_string(left.child_by_field_name("index"))
        self._bind_credential(name, node.child_by_field_name("right"), f"assigned to `{name}`")

    def _visit_update(self, node: Node, scope: _Scope) -> None:
        argument = node.child_by_field_name("argument")
        if argument is not None and argument.type == "identifier":
            self.reassigned.add(self._source(argument))

    def _visit_array(self, node: Node, scope: _Scope) -> None:
        """Check a ``["Authorization", "Bearer …"]`` header entry."""
        elements = self._named(node)
        if len(elements) != 2:
            return
        first = self._unwrap(elements[0])
        if first.type != "string":
            return
        name = self._static_string(first)
        if name is not None and name.lower() == "authorization":
            self._add_bearer(elements[1])

    def _check_call_credentials(self, node: Node, parts: list[str] | None) -> None:
        arguments = self._arguments(node)
        if parts and parts[-1] in _HEADER_SETTERS and len(parts) > 1 and len(arguments) >= 2:
            header = self._static_string(arguments[0])
            if header is not None and header.lower() == "authorization":
                self._add_bearer(arguments[1])
        if not parts or not is_toughtongue_client(".".join(parts)):
            return
        callee = ("new " if node.type == "new_expression" else "") + ".".join(parts)
        for argument in arguments:
            argument = self._unwrap(argument)
            if argument.type != "object":
                continue
            for pair in self._named(argument):
                if pair.type != "pair":
                    continue
                name = self._property_name(pair.child_by_field_name("key"))
                value = pair.child_by_field_name("value")
                if name in CLIENT_CREDENTIAL_KEYWORDS and value is not None:
                    literal = self._string_literal(value)
                    self._add_credential(name, literal, f"passed as `{name}` to `{callee}`")

    # --- Visitors: calls -------------------------------------------------

    def _visit_call(self, node: Node, scope: _Scope) -> None:
        if node.id not in self.consumed and self._is_string_leaf(node):
            self._string_literal(node)
        parts = self._callee_parts(node.child_by_field_name("function"))
        self._check_call_credentials(node, parts)
        if parts is None:
            return
        if len(parts) == 1 or parts[-1] in _REQUEST_METHOD_NAMES:
            self.calls.append(_PendingCall(node, parts, scope, is_new=False))

    def _visit_new(self, node: Node, scope: _Scope) -> None:
        parts = self._callee_parts(node.child_by_field_name("constructor"))
        self._check_call_credentials(node, parts)
        if parts is not None and parts[-1] in _SOCKET_CONSTRUCTORS:
            self.calls.append(_PendingCall(node, parts, scope, is_new=True))

    # --- Visitors: scopes and bindings -----------------------------------

    def _visit_block(self, node: Node, scope: _Scope) -> _Scope:
        return _Scope(scope, is_function=False)

    def _visit_function(self, node: Node, scope: _Scope) -> _Scope:
        name = node.child_by_field_name("name")
        if name is not None and node.type.endswith("_declaration"):
            scope.declare(_Binding(self._source(name), "function"))
        inner = _Scope(scope, is_function=True)
        parameter = node.child_by_field_name("parameter")
        if parameter is not None and parameter.type == "identifier":
            inner.declare(_Binding(self._source(parameter), "param"))
        return inner

    def _visit_class(self, node: Node, scope: _Scope) -> None:
        name = node.child_by_field_name("name")
        if name is not None:
            scope.declare(_Binding(self._source(name), "function"))

    def _visit_parameters(self, node: Node, scope: _Scope) -> None:
        for name in self._pattern_names(node):
            scope.declare(_Binding(name, "param"))

    def _visit_for_in(self, node: Node, scope: _Scope) -> _Scope:
        inner = _Scope(scope, is_function=False)
        left = node.child_by_field_name("left")
        if left is None:
            return inner
        names = self._pattern_names(left)
        if node.child_by_field_name("kind") is None:
            # `for (x of items)` assigns to a variable declared elsewhere.
            self.reassigned.update(names)
        else:
            for name in names:
                inner.declare(_Binding(name, "param"))
        return inner

    def _visit_catch(self, node: Node, scope: _Scope) -> _Scope:
        inner = _Scope(scope, is_function=False)
        parameter = node.child_by_field_name("parameter")
        if parameter is not None:
            for name in self._pattern_names(parameter):
                inner.declare(_Binding(name, "param"))
        return inner

    def _pattern_names(self, node: Node) -> Iterator[str]:
        """Yield the names a binding pattern declares, skipping default values."""
        stack = [node]
        while stack:
            current = stack.pop()
            kind = current.type
            if kind in _NAME_NODES:
                yield self._source(current)
            elif kind in ("assignment_pattern", "object_assignment_pattern"):
                left = current.child_by_field_name("left")
                if left is not None:
                    stack.append(left)
            elif kind in ("required_parameter", "optional_parameter"):
                pattern = current.child_by_field_name("pattern")
                if pattern is not None:
                    stack.append(pattern)
            elif kind == "pair_pattern":
                value = current.child_by_field_name("value")
                if value is not None:
                    stack.append(value)
            elif kind in _PATTERN_CONTAINERS:
                stack.extend(self._named(current))

    def _visit_declaration(self, node: Node, scope: _Scope) -> None:
        kind_node = node.child_by_field_name("kind")
        kind = self._source(kind_node) if kind_node is not None else node.children[0].type
        target = scope.function_scope() if kind == "var" else scope
        for declarator in node.named_children:
            if declarator.type == "variable_declarator":
                self._declare(declarator, kind, target, scope)

    def _declare(self, declarator: Node, kind: str, target: _Scope, scope: _Scope) -> None:
        name_node = declarator.child_by_field_name("name")
        value = declarator.child_by_field_name("value")
        if name_node is None:
            return
        module = self._required_module(value)
        if name_node.type == "identifier":
            name = self._source(name_node)
            if module is not None:
                target.declare(_Binding(name, "import", module=module, imported="*"))
            else:
                target.declare(_Binding(name, kind, value=value, scope=scope))
            self._bind_credential(name, value, f"assigned to `{name}`")
            return
        if name_node.type != "object_pattern":
            for name in self._pattern_names(name_node):
                target.declare(_Binding(name, "param"))
            return
        for element in self._named(name_node):
            self._declare_destructured(element, kind, target, scope, value, module)

    def _declare_destructured(
        self,
        element: Node,
        kind: str,
        target: _Scope,
        scope: _Scope,
        source: Node | None,
        module: str | None,
    ) -> None:
        """Declare one name of ``const { a, b: c, d = "x" } = source``."""
        key: str | None = None
        local: Node | None = None
        default: Node | None = None
        if element.type == "shorthand_property_identifier_pattern":
            key = self._source(element)
            local = element
        elif element.type == "object_assignment_pattern":
            local = element.child_by_field_name("left")
            default = element.child_by_field_name("right")
            key = self._source(local) if local is not None else None
        elif element.type == "pair_pattern":
            key = self._property_name(element.child_by_field_name("key"))
            local = element.child_by_field_name("value")
            if local is not None and local.type == "assignment_pattern":
                default = local.child_by_field_name("right")
                local = local.child_by_field_name("left")
        if local is None or local.type not in _NAME_NODES or key is None:
            for name in self._pattern_names(element):
                target.declare(_Binding(name, "param"))
            return
        name = self._source(local)
        if module is not None:
            target.declare(_Binding(name, "import", module=module, imported=key))
            return
        binding = _Binding(name, kind, value=source, scope=scope, key=key, default=default)
        target.declare(binding)

    def _required_module(self, value: Node | None) -> str | None:
        """Return ``m`` for ``require("m")`` and ``require("m").default``, else ``None``."""
        if value is None:
            return None
        value = self._unwrap(value)
        if value.type == "member_expression":
            prop = value.child_by_field_name("property")
            obj = value.child_by_field_name("object")
            if prop is None or obj is None or self._source(prop) != "default":
                return None
            value = self._unwrap(obj)
        if value.type != "call_expression":
            return None
        if self._callee_parts(value.child_by_field_name("function")) != ["require"]:
            return None
        arguments = self._arguments(value)
        return self._static_string(arguments[0]) if len(arguments) == 1 else None

    def _visit_import(self, node: Node, scope: _Scope) -> None:
        module = self._static_string(node.child_by_field_name("source"))
        if module is None:
            return
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for item in clause.named_children:
                if item.type == "identifier":
                    imported = self._source(item)
                    scope.declare(_Binding(imported, "import", module=module, imported="default"))
                elif item.type == "namespace_import":
                    for name in self._named(item):
                        local = self._source(name)
                        scope.declare(_Binding(local, "import", module=module, imported="*"))
                elif item.type == "named_imports":
                    self._declare_named_imports(item, module, scope)

    def _declare_named_imports(self, node: Node, module: str, scope: _Scope) -> None:
        for specifier in node.named_children:
            if specifier.type != "import_specifier":
                continue
            name = specifier.child_by_field_name("name")
            alias = specifier.child_by_field_name("alias")
            if name is None:
                continue
            if alias is None:
                alias = name
            imported = self._property_name(name) or self._source(name)
            local = self._source(alias)
            scope.declare(_Binding(local, "import", module=module, imported=imported))

    def _visit_enum(self, node: Node, scope: _Scope) -> None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is not None:
            scope.declare(_Binding(self._source(name), "enum", value=body, scope=scope))

    # --- Requests --------------------------------------------------------

    def _request(self, call: _PendingCall) -> Request | None:
        found = self._request_target(call)
        if found is None:
            return None
        callee, url = found
        if url is not None and not _has_static_text(url):
            url = None
        return Request(callee, self._start(call.node), url)

    def _request_target(self, call: _PendingCall) -> tuple[str, Literal | None] | None:
        """Recognise a request call and resolve its URL. Returns ``None`` for other calls."""
        node, parts, scope = call.node, call.parts, call.scope
        callee = ".".join(parts)
        arguments = self._arguments(node)
        if call.is_new:
            if len(parts) == 1 or (len(parts) == 2 and parts[0] in _GLOBAL_OBJECTS):
                return "new " + callee, self._resolve_argument(arguments, 0, scope)
            return None
        if len(parts) == 2 and parts[0] in _GLOBAL_OBJECTS and parts[1] == "fetch":
            return callee, self._resolve_argument(arguments, 0, scope)
        if parts[-1] == "sendBeacon" and parts[:-1] in (["navigator"], ["window", "navigator"]):
            return callee, self._resolve_argument(arguments, 0, scope)
        if len(parts) == 3 and parts[:2] == ["this", "http"] and parts[2] in _ANGULAR_METHODS:
            # Angular's HttpClient: `request(method, url)`, the others `(url, …)`.
            index = 1 if parts[2] == "request" else 0
            return callee, self._resolve_argument(arguments, index, scope)
        if len(parts) == 1:
            client = self._client(parts[0], scope, 0)
            if client is None:
                return None
            url = self._client_call_url(client, None, arguments, scope)
            return None if isinstance(url, _NotRequest) else (callee, url)
        if len(parts) == 2:
            client = self._client(parts[0], scope, 0)
            if client is not None:
                url = self._client_call_url(client, parts[1], arguments, scope)
                if not isinstance(url, _NotRequest):
                    return callee, url
            if parts[1] == "open" and len(arguments) >= 2:
                # `xhr.open(method, url)` on an object not known as an XMLHttpRequest.
                method = self._static_string(arguments[0])
                if method is not None and method.upper() in _HTTP_METHOD_NAMES:
                    return callee, self._resolve_argument(arguments, 1, scope)
        return None

    def _client_call_url(
        self, client: _Client, method: str | None, arguments: list[Node], scope: _Scope
    ) -> Literal | _NotRequest | None:
        """Return the URL of a call on ``client``, or ``_NOT_REQUEST`` when it makes no request."""
        kind = client.kind
        if kind == "fetch":
            return self._resolve_argument(arguments, 0, scope) if method is None else _NOT_REQUEST
        if kind == "axios":
            return self._axios_url(client, method, arguments, scope)
        if kind in ("ky", "got", "ofetch"):
            if method is not None and method not in _SHORTHAND_METHODS and method != "raw":
                return _NOT_REQUEST
            return self._prefixed_url(client, arguments, scope)
        if kind == "superagent":
            if method is None:
                return self._resolve_argument(arguments, 1 if len(arguments) >= 2 else 0, scope)
            if method not in _SUPERAGENT_METHODS:
                return _NOT_REQUEST
            return self._resolve_argument(arguments, 0, scope)
        if kind == "jquery":
            if method not in _JQUERY_METHODS or not arguments:
                return _NOT_REQUEST
            return self._url_or_config(arguments[0], "url", scope)
        if kind in ("http", "https"):
            if method not in ("get", "request"):
                return _NOT_REQUEST
            return self._node_http_url(kind, arguments, scope)
        if kind in ("http-function", "https-function"):
            if method is not None:
                return _NOT_REQUEST
            return self._node_http_url(kind.split("-")[0], arguments, scope)
        if kind == "xhr":
            return self._resolve_argument(arguments, 1, scope) if method == "open" else _NOT_REQUEST
        return _NOT_REQUEST

    def _axios_url(
        self, client: _Client, method: str | None, arguments: list[Node], scope: _Scope
    ) -> Literal | _NotRequest | None:
        if method is not None and method not in _AXIOS_METHODS:
            return _NOT_REQUEST
        url_node: Node | None = None
        config: Node | None = None
        if method is None or method == "request":
            if arguments and self._is_object(arguments[0], scope):
                config = arguments[0]
                found = self._object_value(config, scope, "url", 0)
                url_node = found[0] if found else None
            elif arguments:
                url_node = arguments[0]
                config = arguments[1] if len(arguments) > 1 else None
        else:
            url_node = arguments[0] if arguments else None
            index = 2 if method in _AXIOS_BODY_METHODS else 1
            config = arguments[index] if len(arguments) > index else None
        base = client.base
        if config is not None:
            found = self._object_value(config, scope, "baseURL", 0)
            if found is not None:
                base = self._resolve(found[0], found[1], 1)
        url = self._resolve(url_node, scope, 0) if url_node is not None else None
        return _join_base(base, url)

    def _prefixed_url(
        self, client: _Client, arguments: list[Node], scope: _Scope
    ) -> Literal | None:
        """Return the URL of a ky, got or ofetch call, with the instance or option prefix."""
        if not arguments:
            return client.base
        base = client.base
        url: Literal | None
        if self._is_object(arguments[0], scope):
            url = self._config_literal(arguments[0], "url", scope)
            options: Node | None = arguments[0]
        else:
            url = self._resolve(arguments[0], scope, 0)
            options = arguments[1] if len(arguments) > 1 else None
        if options is not None:
            for key in ("prefixUrl", "baseURL"):
                prefix = self._config_literal(options, key, scope)
                if prefix is not None:
                    base = prefix
        return _join_base(base, url)

    def _url_or_config(self, node: Node, key: str, scope: _Scope) -> Literal | None:
        if self._is_object(node, scope):
            return self._config_literal(node, key, scope)
        return self._resolve(node, scope, 0)

    def _config_literal(self, node: Node, key: str, scope: _Scope) -> Literal | None:
        found = self._object_value(node, scope, key, 0)
        if found is None:
            return None
        return self._resolve(found[0], found[1], 1)

    def _node_http_url(self, kind: str, arguments: list[Node], scope: _Scope) -> Literal | None:
        """Return the URL of ``http.get(url | options)`` and ``https.request``."""
        if not arguments:
            return None
        if not self._is_object(arguments[0], scope):
            return self._resolve(arguments[0], scope, 0)
        options = arguments[0]
        host = self._config_literal(options, "hostname", scope) or self._config_literal(
            options, "host", scope
        )
        if host is None:
            return None
        protocol = self._config_literal(options, "protocol", scope)
        port = self._config_literal(options, "port", scope)
        path = self._config_literal(options, "path", scope)
        parts: list[Literal | str] = [protocol if protocol is not None else f"{kind}:", "//", host]
        if port is not None:
            parts += [":", port]
        parts.append(path if path is not None else "/")
        return _concat(*parts)

    def _client(self, name: str, scope: _Scope, depth: int) -> _Client | None:
        """Return the HTTP client that ``name`` refers to in ``scope``, if any."""
        binding = scope.lookup(name)
        if binding is None or binding.kind == "param":
            kind = _CLIENTS_BY_GLOBAL_NAME.get(name)
            return _Client(kind) if kind is not None else None

        if binding.kind == "import" and binding.module is not None:
            module = binding.module
            if binding.imported in ("default", "*"):
                kind = _CLIENTS_BY_MODULE.get(module)
            else:
                kind = _CLIENTS_BY_NAMED_IMPORT.get((module, binding.imported or ""))
            return _Client(kind) if kind is not None else None

        if not self._is_constant(binding) or binding.key is not None:
            return None
        if depth >= _MAX_RESOLVE_DEPTH:
            return None
        return self._client_instance(binding, depth)

    def _client_instance(self, binding: _Binding, depth: int) -> _Client | None:
        """Return the client in a constant (an ``XMLHttpRequest``, an ``axios.create`` result)."""
        if binding.value is None or binding.scope is None:
            return None
        value = self._unwrap(binding.value)
        if value.type == "new_expression":
            parts = self._callee_parts(value.child_by_field_name("constructor"))
            if parts is not None and parts[-1] == "XMLHttpRequest":
                return _Client("xhr")
            return None
        if value.type != "call_expression":
            return None

        parts = self._callee_parts(value.child_by_field_name("function"))
        if parts is None or len(parts) != 2 or parts[1] not in _FACTORY_METHODS:
            return None
        parent = self._client(parts[0], binding.scope, depth + 1)
        if parent is None or parent.kind not in ("axios", "ky", "got", "ofetch"):
            return None

        arguments = self._arguments(value)
        base = parent.base
        if arguments:
            for key in ("baseURL", "prefixUrl"):
                prefix = self._config_literal(arguments[0], key, binding.scope)
                if prefix is not None:
                    base = _join_base(parent.base, prefix)
        return _Client(parent.kind, base)

    # --- URL resolution --------------------------------------------------

    def _resolve_argument(self, arguments: list[Node], index: int, scope: _Scope) -> Literal | None:
        if index >= len(arguments):
            return None
        return self._resolve(arguments[index], scope, 0)

    def _is_constant(self, binding: _Binding) -> bool:
        if binding.redeclared or binding.kind in ("param", "function"):
            return False
        if binding.kind in ("let", "var"):
            return binding.name not in self.reassigned
        return True

    def _resolve(self, node: Node, scope: _Scope, depth: int) -> Literal:
        """Fold the expression at ``node`` with constants, properties and fallbacks resolved."""
        if depth > _MAX_RESOLVE_DEPTH:
            return _DYNAMIC_LITERAL
        node = self._unwrap(node)
        kind = node.type

        def resolve_part(part: Node) -> Literal:
            return self._resolve(part, scope, depth + 1)

        if kind == "number":
            number = self._source(node)
            if _DECIMAL_NUMBER.fullmatch(number):
                return Literal.at(number, self._start(node))
            return _DYNAMIC_LITERAL
        if self._is_string_leaf(node):
            return self._fold(node, resolve_part)
        if kind == "binary_expression":
            operator = self._operator(node)
            if operator == "+":
                return self._fold(node, resolve_part)
            if operator in ("||", "??"):
                return self._resolve_fallback(node, scope, depth)
            return _DYNAMIC_LITERAL
        if kind in ("identifier", "shorthand_property_identifier"):
            return self._resolve_name(self._source(node), scope, depth)
        if kind in ("member_expression", "subscript_expression"):
            return self._resolve_member(node, scope, depth)
        if kind == "new_expression":
            parts = self._callee_parts(node.child_by_field_name("constructor"))
            arguments = self._arguments(node)
            if parts == ["URL"] and arguments:
                path = self._resolve(arguments[0], scope, depth + 1)
                if len(arguments) == 1:
                    return path
                return _join_url(path, self._resolve(arguments[1], scope, depth + 1))
            if parts == ["Request"] and arguments:
                return self._resolve(arguments[0], scope, depth + 1)
            return _DYNAMIC_LITERAL
        if kind == "call_expression":
            return self._resolve_call(node, scope, depth)
        return _DYNAMIC_LITERAL

    def _resolve_fallback(self, node: Node, scope: _Scope, depth: int) -> Literal:
        """Resolve ``a || b``: ``a`` when it is static, else the fallback ``b``."""
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        first = self._resolve(left, scope, depth + 1) if left is not None else _DYNAMIC_LITERAL
        if _is_fully_static(first) or right is None:
            return first
        fallback = self._resolve(right, scope, depth + 1)
        return fallback if _has_static_text(fallback) else first

    def _resolve_call(self, node: Node, scope: _Scope, depth: int) -> Literal:
        """Resolve ``String(x)`` and ``x.toString()``. Other calls stay dynamic."""
        function = node.child_by_field_name("function")
        parts = self._callee_parts(function)
        arguments = self._arguments(node)
        if parts == ["String"] and len(arguments) == 1:
            return self._resolve(arguments[0], scope, depth + 1)
        if function is not None and function.type == "member_expression" and not arguments:
            prop = function.child_by_field_name("property")
            obj = function.child_by_field_name("object")
            if prop is not None and obj is not None and self._source(prop) == "toString":
                return self._resolve(obj, scope, depth + 1)
        return _DYNAMIC_LITERAL

    def _resolve_name(self, name: str, scope: _Scope, depth: int) -> Literal:
        binding = scope.lookup(name)
        if binding is None or binding.scope is None or not self._is_constant(binding):
            return _DYNAMIC_LITERAL
        key = id(binding)
        if key in self.resolved_bindings:
            cached = self.resolved_bindings[key]
            return cached if cached is not None else _DYNAMIC_LITERAL
        self.resolved_bindings[key] = None  # A cycle reads the name as dynamic.
        result = self._resolve_binding(binding, depth)
        self.resolved_bindings[key] = result
        return result

    def _resolve_binding(self, binding: _Binding, depth: int) -> Literal:
        scope = binding.scope
        assert scope is not None
        result = _DYNAMIC_LITERAL
        if binding.key is not None and binding.value is not None:
            found = self._object_value(binding.value, scope, binding.key, depth + 1)
            if found is not None:
                result = self._resolve(found[0], found[1], depth + 1)
            if not _has_static_text(result) and binding.default is not None:
                result = self._resolve(binding.default, scope, depth + 1)
        elif binding.value is not None and binding.kind != "enum":
            result = self._resolve(binding.value, scope, depth + 1)
        return result

    def _resolve_member(self, node: Node, scope: _Scope, depth: int) -> Literal:
        """Resolve ``config.endpoints.analyze`` through object literals and enums."""
        obj = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        reads_href = prop is not None and self._source(prop) == "href"
        if node.type == "member_expression" and obj is not None and reads_href:
            # `new URL(…).href` and `url.href` read the URL itself.
            inner = self._resolve(obj, scope, depth + 1)
            if _has_static_text(inner):
                return inner

        keys: list[str] = []
        current: Node | None = node
        while current is not None:
            current = self._unwrap(current)
            if current.type == "member_expression":
                key = self._property_name(current.child_by_field_name("property"))
            elif current.type == "subscript_expression":
                key = self._static_string(current.child_by_field_name("index"))
            else:
                break
            if key is None:
                return _DYNAMIC_LITERAL
            keys.append(key)
            current = current.child_by_field_name("object")
        if current is None or current.type != "identifier":
            return _DYNAMIC_LITERAL

        target, target_scope = current, scope
        for key in reversed(keys):
            found = self._object_value(target, target_scope, key, depth + 1)
            if found is None:
                return _DYNAMIC_LITERAL
            target, target_scope = found
        return self._resolve(target, target_scope, depth + 1)

    def _dereference(self, node: Node, scope: _Scope, depth: int) -> tuple[Node, _Scope]:
        """Follow constants and ``Object.freeze(…)`` to the expression they stand for."""
        for _ in range(_MAX_RESOLVE_DEPTH):
            node = self._unwrap(node)
            if node.type in ("identifier", "shorthand_property_identifier"):
                binding = scope.lookup(self._source(node))
                if binding is None or binding.scope is None or not self._is_constant(binding):
                    break
                if binding.value is None:
                    break
                if binding.key is not None:
                    found = self._object_value(binding.value, binding.scope, binding.key, depth + 1)
                    if found is None:
                        break
                    node, scope = found
                    continue
                node, scope = binding.value, binding.scope
                continue
            if node.type == "call_expression":
                parts = self._callee_parts(node.child_by_field_name("function"))
                arguments = self._arguments(node)
                if parts == ["Object", "freeze"] and len(arguments) == 1:
                    node = arguments[0]
                    continue
            break
        return node, scope

    def _is_object(self, node: Node, scope: _Scope) -> bool:
        return self._dereference(node, scope, 0)[0].type == "object"

    def _object_value(
        self, node: Node, scope: _Scope, key: str, depth: int
    ) -> tuple[Node, _Scope] | None:
        """Return the value of property ``key`` of the object literal or enum at ``node``."""
        if depth > _MAX_RESOLVE_DEPTH:
            return None
        target, scope = self._dereference(node, scope, depth)
        if target.type == "object":
            for member in reversed(self._named(target)):
                if member.type == "spread_element":
                    return None  # A later spread may override any earlier property.
                if member.type == "shorthand_property_identifier":
                    if self._source(member) == key:
                        return member, scope
                elif member.type == "pair":
                    name = self._property_name(member.child_by_field_name("key"))
                    value = member.child_by_field_name("value")
                    if name == key and value is not None:
                        return value, scope
            return None
        if target.type == "enum_body":
            for member in self._named(target):
                if member.type == "enum_assignment":
                    name = self._property_name(member.child_by_field_name("name"))
                    value = member.child_by_field_name("value")
                    if name == key and value is not None:
                        return value, scope
        return None


_NAME_NODES = frozenset({"identifier", "shorthand_property_identifier_pattern"})


def _join_base(base: Literal | None, url: Literal | None) -> Literal | None:
    """Join a client's base URL and a request path as axios joins ``baseURL`` and ``url``.

    An absolute URL replaces the base. Otherwise slashes between the two are
    collapsed to one: ``"http://h/v1/" + "/x"`` gives ``"http://h/v1/x"``.
    The ``prefixUrl`` of ky and got and the ``baseURL`` of ofetch are joined the
    same way here.
    """
    if base is None:
        return url
    if url is None or url.value == "":
        return base
    if _ABSOLUTE_URL.match(url.value):
        return url
    base_end = len(base.value.rstrip("/"))
    path_start = len(url.value) - len(url.value.lstrip("/"))
    return _concat(_slice_literal(base, 0, base_end), "/", _slice_literal(url, path_start))


def _join_url(path: Literal, base: Literal) -> Literal:
    """Resolve ``new URL(path, base)`` for the common cases of the URL standard.

    Handles absolute URLs, scheme-relative ``//host``, absolute paths,
    query-only and fragment-only references and relative paths.
    """
    # NOTE: dot segments (`../x`) are kept as written, not removed.
    value = path.value
    if _SCHEME_PREFIX.match(value):
        return path
    base_value = base.value
    if value.startswith("//"):
        scheme = _SCHEME_PREFIX.match(base_value)
        return _concat(_slice_literal(base, 0, scheme.end()), path) if scheme else path
    origin = _URL_ORIGIN.match(base_value)
    if origin is None:
        return _concat(base, path)
    fragment = base_value.find("#")
    without_fragment = fragment if fragment >= 0 else len(base_value)
    query = base_value.find("?", 0, without_fragment)
    without_query = query if query >= 0 else without_fragment
    if value.startswith("/"):
        return _concat(_slice_literal(base, 0, origin.end()), path)
    if value.startswith("?"):
        return _concat(_slice_literal(base, 0, without_query), path)
    if value.startswith("#") or value == "":
        return _concat(_slice_literal(base, 0, without_fragment), path)
    last_slash = base_value.rfind("/", origin.end(), without_query)
    if last_slash < 0:
        return _concat(_slice_literal(base, 0, origin.end()), "/", path)
    return _concat(_slice_literal(base, 0, last_slash + 1), path)
