"""Extract facts from Python source with libcst.

One parse builds the concrete syntax tree, and one code generation pass over
the tree does the rest. libcst regenerates the exact source text token by
token and calls a hook before and after every node, so counting the emitted
characters gives the offset of every node. The same hooks fold string
expressions, record comments and credentials, and note scopes, bindings and
calls. Request URLs are resolved after that pass, when every constant of the
module, its functions and its classes is known.
"""

from __future__ import annotations

import ast
import bisect
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import libcst as cst

# NOTE: libcst's own position providers subclass `CodegenState` and call
# `Module._codegen`, but libcst exports neither. A libcst release that changes
# them breaks this module.
from libcst._nodes.internal import CodegenState

from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.facts import DYNAMIC, Credential, Facts, Literal, Request, Segment
from ttai_guard.names import CLIENT_CREDENTIAL_KEYWORDS, is_token_name, is_toughtongue_client
from ttai_guard.textindex import LineIndex

# ---------------------------------------------------------------------------
# Node types
# ---------------------------------------------------------------------------

# Template strings (`t"..."`, Python 3.14) exist only in newer libcst releases.
_TEMPLATE_STRING = getattr(cst, "TemplatedString", None)
_TEMPLATE_TEXT = getattr(cst, "TemplatedStringText", None)

_FORMATTED_TYPES: frozenset[type] = frozenset(
    kind for kind in (cst.FormattedString, _TEMPLATE_STRING) if kind is not None
)
_FORMATTED_TEXT_TYPES: frozenset[type] = frozenset(
    kind for kind in (cst.FormattedStringText, _TEMPLATE_TEXT) if kind is not None
)
_STRING_TYPES: frozenset[type] = frozenset(
    {cst.SimpleString, cst.ConcatenatedString, *_FORMATTED_TYPES}
)
_COMPREHENSION_TYPES = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)

# ---------------------------------------------------------------------------
# Nesting check
# ---------------------------------------------------------------------------

# libcst 1.9's native parser recurses once per nesting level and crashes the
# whole process with SIGSEGV on deep input. Measured on Linux x86_64 with an
# 8 MiB stack: about 1,300 nested brackets, 1,100 nested f-strings, 3,000
# nested lambdas or 5,000 chained `or` operators. Deep input is slow before
# it crashes, too (1,000 nested brackets take about 3 s to parse).
#
# `_check_nesting` estimates the depth of the syntax tree with a small lexer
# and rejects input whose estimate exceeds `_MAX_NESTING_COST`. Each open
# bracket, f-string and replacement field counts `_BRACKET_WEIGHT`. Inside
# one expression, a chain of operators of one precedence level nests once per
# operator (`a + b + c` is `(a + b) + c`), and a chain ends at a binary
# operator of lower precedence, so the estimate adds, per precedence level,
# the longest chain seen. A prefix operator (`-x`, `not x`, `await x`) starts
# the right operand of the chain before it and ends no chain. Every `elif`
# of an open `if` chain counts one.
#
# The limit keeps the worst case at about a third of the crash depths above,
# and at about 166 nested brackets. libcst's code generation is recursive
# Python, so under the default recursion limit of 1,000 it raises
# RecursionError at about 490 chained `+` or adjacent strings, which
# `analyze` turns into AnalysisError.
#
# NOTE: a thread with a stack smaller than 3 MiB can still crash below the
# limit.
_MAX_NESTING_COST = 1000
_BRACKET_WEIGHT = 5

_CODE_TOKEN = re.compile(
    r"""
    (?P<string>(?:(?<!\w)[rRbBuUfFtT]{1,2})?(?:'''|\"\"\"|'|\"))
  | (?P<comment>\#[^\r\n]*)
  | (?P<continuation>\\(?:\r\n|\r|\n))
  | (?P<newline>\r\n|\r|\n)
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
  | (?P<separator>[,;])
  | (?P<operator>\*\*|//|<<|>>|->|[<>!=]=|:|[-+*/%@&|^~<>.])
  | (?P<keyword>\b(?:and|or|not|lambda|if|else|for|await|is|in)\b)
    """,
    re.VERBOSE,
)
_INDENT = re.compile(r"[ \t\f]*")
_WORD_CHARACTER = re.compile(r"\w")

# Precedence levels, lowest first. Comparisons form one flat node in libcst,
# so a comparison chain never counts more than one.
_PRECEDENCE = {
    "lambda": 0,
    "if": 1,
    "else": 1,
    "for": 1,
    "or": 2,
    "and": 3,
    "not": 4,
    "<": 5,
    ">": 5,
    "==": 5,
    "!=": 5,
    "<=": 5,
    ">=": 5,
    "in": 5,
    "is": 5,
    "->": 5,
    "|": 6,
    "^": 7,
    "&": 8,
    "<<": 9,
    ">>": 9,
    "+": 10,
    "-": 10,
    "*": 11,
    "/": 11,
    "//": 11,
    "%": 11,
    "@": 11,
    "~": 12,
    "**": 13,
    "await": 14,
    ".": 15,
}
_COMPARISON = 5
_TRAILER = 15  # attribute access, calls, subscripts and bracketed atoms
_ATOM = 16  # adjacent strings, which libcst nests pairwise
_LEVELS = 17
_ZEROS = (0,) * _LEVELS
_ALWAYS_PREFIX = frozenset({"not", "lambda", "await", "~"})
_MAYBE_PREFIX = frozenset({"-", "+", "*", "**"})


def _string_end_pattern(quote: str) -> re.Pattern[str]:
    """Match the rest of a plain string after its opening quote."""
    q = re.escape(quote[0])
    if len(quote) == 3:
        return re.compile(rf"(?:[^{q}\\]|\\[\s\S]|{q}(?!{q}{q}))*(?:{q}{q}{q}|\Z)")
    # A single-quoted string ends at its quote or, unterminated, at the line end.
    return re.compile(rf"(?:[^{q}\\\r\n]|\\(?:\r\n|[\s\S]))*(?:{q}|(?=[\r\n])|\Z)")


def _line_end(quote: str) -> str:
    return "" if len(quote) == 3 else r"|\r\n|\r|\n"


def _fstring_pattern(quote: str, raw: bool) -> re.Pattern[str]:
    """Match the next escape, doubled brace, field start or end in f-string text."""
    # A backslash never escapes `{`, but `\N{...}` in a non-raw string is a
    # named character, not a field.
    escapes = r"\\(?:\r\n|[^{])" if raw else r"\\N\{[^}\r\n]*\}|\\(?:\r\n|[^{])"
    end = re.escape(quote) + _line_end(quote)
    return re.compile(rf"{escapes}|\{{\{{|\}}\}}|(?P<open>\{{)|(?P<end>{end})")


def _spec_pattern(quote: str) -> re.Pattern[str]:
    """Match the next nested field, field end or string end in a format spec."""
    end = re.escape(quote) + _line_end(quote)
    return re.compile(rf"\{{\{{|\}}\}}|(?P<open>\{{)|(?P<close>\}})|(?P<end>{end})")


_QUOTES = ("'''", '"""', "'", '"')
_STRING_END = {quote: _string_end_pattern(quote) for quote in _QUOTES}
_FSTRING_PATTERNS = {
    (quote, raw): _fstring_pattern(quote, raw) for quote in _QUOTES for raw in (False, True)
}
_SPEC_PATTERNS = {quote: _spec_pattern(quote) for quote in _QUOTES}
_NEWLINES = ("\r\n", "\r", "\n")


class _Chain:
    """Operator chains of one expression at one bracket level.

    ``counts`` holds the running chain length per precedence level,
    ``longest`` the longest chain per level, and ``total`` their sum (this
    level's share of the estimate). ``lambdas`` counts ``lambda`` parameter
    lists not yet closed by their ``:``; a comma inside them separates
    parameters, not expressions.
    """

    __slots__ = ("counts", "lambdas", "longest", "total")

    def __init__(self) -> None:
        self.counts = list(_ZEROS)
        self.longest = list(_ZEROS)
        self.total = 0
        self.lambdas = 0


class _LexFrame:
    """One lexer mode: code (top level or an f-string field), f-string text or a format spec."""

    __slots__ = ("chains", "field", "kind", "pattern", "quote")

    def __init__(self, kind: str, pattern: re.Pattern[str] | None = None, quote: str = "") -> None:
        self.kind = kind
        self.field = False
        self.pattern = pattern
        self.quote = quote
        self.chains = [_Chain()]


class _NestingEstimate:
    """Lexer state of `_check_nesting` and its running depth estimate."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.frames = [_LexFrame("code")]
        self.nesting = 0
        self.chain = 0
        self.elif_columns: dict[int, int] = {}
        self.elif_total = 0
        # End of the last token in code and whether it ends an operand, to
        # tell a prefix `-x` from a binary `a - x`.
        self.last_end = 0
        self.last_operand = False

    def check(self, position: int) -> None:
        cost = _BRACKET_WEIGHT * self.nesting + self.chain + self.elif_total
        if cost > _MAX_NESTING_COST:
            line = LineIndex(self.text).position(position)[0]
            raise AnalysisError(
                f"code at line {line} is nested too deeply to parse safely "
                f"(estimated depth {cost}, limit {_MAX_NESTING_COST})"
            )

    def follows_operand(self, start: int) -> bool:
        """Tell whether a name, number, string or bracket group ends right before ``start``."""
        return self.last_operand or bool(self.text[self.last_end : start].strip())

    def add_operator(self, chain: _Chain, level: int, position: int, prefix: bool = False) -> None:
        counts = chain.counts
        if level == _COMPARISON:
            counts[level] = 1
        else:
            counts[level] += 1
        if counts[level] > chain.longest[level]:
            chain.longest[level] = counts[level]
            chain.total += 1
            self.chain += 1
            self.check(position)
        if not prefix:
            counts[level + 1 :] = _ZEROS[level + 1 :]

    def reset_chain(self, chain: _Chain) -> None:
        self.chain -= chain.total
        chain.counts[:] = _ZEROS
        chain.longest[:] = _ZEROS
        chain.total = 0

    def pop_frame(self) -> _LexFrame:
        frame = self.frames.pop()
        self.chain -= sum(chain.total for chain in frame.chains)
        if frame.kind != "spec":
            self.nesting -= 1
        return frame

    def push_field(self, position: int) -> None:
        field = _LexFrame("code")
        field.field = True
        self.frames.append(field)
        self.last_end = position
        self.last_operand = False
        self.nesting += 1
        self.check(position)

    def start_line(self, position: int) -> None:
        """Track `elif` chains per indentation column at a logical line start."""
        text = self.text
        start = _INDENT.match(text, position)
        first = start.end() if start else position
        character = text[first : first + 1]
        if character in ("", "#", "\r", "\n", "\\"):
            return
        column = first - position
        if text.startswith("elif", first) and not _WORD_CHARACTER.match(text, first + 4):
            self.elif_columns[column] = self.elif_columns.get(column, 0) + 1
            self.elif_total += 1
            self.check(first)
        elif self.elif_columns:
            for ended in [key for key in self.elif_columns if key >= column]:
                self.elif_total -= self.elif_columns.pop(ended)


def _check_nesting(text: str) -> None:
    """Raise AnalysisError when ``text`` is nested too deeply to parse safely."""
    state = _NestingEstimate(text)
    frames = state.frames
    length = len(text)
    position = 0
    state.start_line(0)
    while position < length:
        frame = frames[-1]
        if frame.kind == "code":
            position = _lex_code(state, frame, position)
        elif frame.kind == "fstring":
            position = _lex_fstring(state, frame, position)
        else:
            position = _lex_spec(state, frame, position)


def _lex_code(state: _NestingEstimate, frame: _LexFrame, position: int) -> int:
    """Process the next token in code and return the position after it."""
    text = state.text
    match = _CODE_TOKEN.search(text, position)
    if match is None:
        return len(text)
    kind = match.lastgroup
    end = match.end()

    if kind in ("comment", "continuation", "newline"):
        state.last_end = end
        if kind == "newline" and len(state.frames) == 1 and len(frame.chains) == 1:
            # A logical line ends: no chain continues into the next statement.
            state.reset_chain(frame.chains[0])
            frame.chains[0].lambdas = 0
            state.last_operand = False
            state.start_line(end)
        return end

    chain = frame.chains[-1]
    token = match.group()
    prefix = token in _ALWAYS_PREFIX or (
        token in _MAYBE_PREFIX and not state.follows_operand(match.start())
    )
    state.last_end = end
    state.last_operand = kind in ("string", "close")

    if kind == "string":
        return _lex_string(state, chain, token, end)
    if kind == "open":
        state.add_operator(chain, _TRAILER, end)
        frame.chains.append(_Chain())
        state.nesting += 1
        state.check(end)
    elif kind == "close":
        if len(frame.chains) > 1:
            state.chain -= frame.chains.pop().total
            state.nesting -= 1
        elif frame.field and token == "}":
            state.pop_frame()
    elif kind == "separator":
        if chain.lambdas == 0:
            state.reset_chain(chain)
    elif token == ":":
        if chain.lambdas > 0:
            chain.lambdas -= 1
        elif frame.field and len(frame.chains) == 1:
            quote = state.frames[-2].quote
            state.frames.append(_LexFrame("spec", _SPEC_PATTERNS[quote], quote))
    else:
        if token == "lambda":
            chain.lambdas += 1
        state.add_operator(chain, _PRECEDENCE[token], end, prefix)
    return end


def _lex_string(state: _NestingEstimate, chain: _Chain, token: str, end: int) -> int:
    """Enter an f-string, or skip a plain string, whose opening ``token`` ends at ``end``."""
    quote = token.lstrip("rRbBuUfFtT")
    letters = token[: len(token) - len(quote)].lower()
    state.add_operator(chain, _ATOM, end)
    if "f" in letters or "t" in letters:
        pattern = _FSTRING_PATTERNS[(quote, "r" in letters)]
        state.frames.append(_LexFrame("fstring", pattern, quote))
        state.nesting += 1
        state.check(end)
        return end

    rest = _STRING_END[quote].match(state.text, end)
    end = rest.end() if rest else len(state.text)
    state.last_end = end
    return end


def _lex_fstring(state: _NestingEstimate, frame: _LexFrame, position: int) -> int:
    assert frame.pattern is not None
    match = frame.pattern.search(state.text, position)
    if match is None:
        return len(state.text)
    kind = match.lastgroup
    if kind == "open":
        state.push_field(match.end())
    elif kind == "end":
        state.pop_frame()
        if match.group() in _NEWLINES:
            # An unterminated string: the enclosing code gets the line break.
            return match.start()
    return match.end()


def _lex_spec(state: _NestingEstimate, frame: _LexFrame, position: int) -> int:
    assert frame.pattern is not None
    match = frame.pattern.search(state.text, position)
    if match is None:
        return len(state.text)
    kind = match.lastgroup
    if kind == "open":
        state.push_field(match.end())
    elif kind == "close":
        state.pop_frame()  # the spec
        state.pop_frame()  # its field
    elif kind == "end":
        state.pop_frame()  # the spec
        state.pop_frame()  # its field
        state.pop_frame()  # the f-string
        if match.group() in _NEWLINES:
            return match.start()
    return match.end()


# ---------------------------------------------------------------------------
# Literals
# ---------------------------------------------------------------------------


class _LiteralBuilder:
    """Accumulate a folded string value and its segments."""

    __slots__ = ("anchor", "length", "parts", "segments")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0
        self.anchor: int | None = None

    def _segment(self, value_start: int, source_start: int, length: int) -> None:
        if length <= 0:
            return
        if self.segments:
            last = self.segments[-1]
            if (
                last.value_start + last.length == value_start
                and last.source_start + last.length == source_start
            ):
                self.segments[-1] = Segment(
                    last.value_start, last.source_start, last.length + length
                )
                return
        self.segments.append(Segment(value_start, source_start, length))

    def set_anchor(self, source_start: int) -> None:
        """Remember where the first string piece starts, for values with no literal run."""
        if self.anchor is None:
            self.anchor = source_start

    def add_text(self, text: str, source_start: int) -> None:
        """Append text spelled one-to-one in the source at ``source_start``."""
        if not text:
            return
        self._segment(self.length, source_start, len(text))
        self.parts.append(text)
        self.length += len(text)

    def add_escape(self, character: str, source_start: int) -> None:
        """Append the character of an escape sequence that starts at ``source_start``."""
        self.segments.append(Segment(self.length, source_start, 1))
        self.parts.append(character)
        self.length += 1

    def add_dynamic(self) -> None:
        self.parts.append(DYNAMIC)
        self.length += 1

    def add_unmapped(self, text: str) -> None:
        """Append text that has no place in the source (a scheme implied by a class)."""
        self.parts.append(text)
        self.length += len(text)

    def add_slice(self, literal: Literal, start: int, end: int) -> None:
        """Append ``literal.value[start:end]`` with the segments that spell it."""
        if end <= start:
            return
        for segment in literal.segments:
            low = max(start, segment.value_start)
            high = min(end, segment.value_start + segment.length)
            if low < high:
                self._segment(
                    self.length + low - start,
                    segment.source_start + low - segment.value_start,
                    high - low,
                )
        if self.anchor is None and literal.segments:
            self.anchor = literal.source_offset(start)
        self.parts.append(literal.value[start:end])
        self.length += end - start

    def add_literal(self, literal: Literal) -> None:
        self.add_slice(literal, 0, len(literal.value))

    def build(self) -> Literal:
        segments = tuple(self.segments)
        if not segments and self.anchor is not None:
            segments = (Segment(0, self.anchor, 0),)
        return Literal("".join(self.parts), segments)


def _slice_literal(literal: Literal, start: int) -> Literal:
    builder = _LiteralBuilder()
    builder.set_anchor(literal.source_offset(start))
    builder.add_slice(literal, start, len(literal.value))
    return builder.build()


def _has_static_text(value: str) -> bool:
    return bool(value.replace(DYNAMIC, ""))


_SIMPLE_ESCAPES = {
    "\n": "",
    "\r": "",
    "\r\n": "",
    "\\": "\\",
    "'": "'",
    '"': '"',
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
}
_BYTES_ESCAPE = r"\\(?:\r\n|[\n\r\\'\"abfnrtv]|[0-7]{1,3}|x[0-9A-Fa-f]{2})"
_TEXT_ESCAPE = _BYTES_ESCAPE[:-1] + r"|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|N\{[^}]*\})"
_ESCAPES = {
    # (bytes, f-string, raw) -> pattern; None means the text has no escapes.
    (False, False, False): re.compile(_TEXT_ESCAPE),
    (True, False, False): re.compile(_BYTES_ESCAPE),
    (False, True, False): re.compile(_TEXT_ESCAPE + r"|\{\{|\}\}"),
    (False, True, True): re.compile(r"\{\{|\}\}"),
}


def _escape_value(sequence: str, binary: bool) -> str | None:
    """Return the character an escape sequence stands for, "" for a line continuation.

    Returns None for a sequence Python would not accept, which then stays in
    the value as written.
    """
    if sequence in ("{{", "}}"):
        return sequence[0]
    body = sequence[1:]
    simple = _SIMPLE_ESCAPES.get(body)
    if simple is not None:
        return simple
    head = body[0]
    if head in "01234567":
        code = int(body, 8)
        return chr(code) if code < 256 or not binary else None
    if head in "xuU":
        code = int(body[1:], 16)
        return chr(code) if code <= 0x10FFFF else None
    try:
        return unicodedata.lookup(body[2:-1])
    except KeyError:
        return None


def _decode_into(
    builder: _LiteralBuilder,
    content: str,
    source_start: int,
    *,
    binary: bool,
    formatted: bool,
    raw: bool,
) -> None:
    """Append the value of string content (the text between the quotes) to ``builder``.

    Each run without escapes gets its own segment, and each escape a
    one-character segment at its backslash, so offsets stay exact.
    """
    if raw and not formatted:
        builder.add_text(content, source_start)
        return
    pattern = _ESCAPES[(binary, formatted, raw)]
    position = 0
    for match in pattern.finditer(content):
        start = match.start()
        if start > position:
            builder.add_text(content[position:start], source_start + position)
        sequence = match.group()
        character = _escape_value(sequence, binary)
        if character is None:
            builder.add_text(sequence, source_start + start)
        elif character:
            builder.add_escape(character, source_start + start)
        position = match.end()
    if position < len(content):
        builder.add_text(content[position:], source_start + position)


LeafResolver = Callable[[cst.BaseExpression], "Literal | None"]


def _fold(node: cst.BaseExpression, starts: dict[int, int], leaf: LeafResolver | None) -> Literal:
    """Fold a string expression into one Literal.

    Implicit concatenation and `+` chains are flattened without recursion.
    Every other operand, and every f-string replacement field, becomes
    DYNAMIC unless ``leaf`` resolves it to a Literal.
    """
    builder = _LiteralBuilder()
    pending: list[cst.BaseExpression] = [node]
    while pending:
        current = pending.pop()
        kind = type(current)
        if kind is cst.ConcatenatedString:
            assert isinstance(current, cst.ConcatenatedString)
            pending.append(current.right)
            pending.append(current.left)
        elif kind is cst.BinaryOperation and type(current.operator) is cst.Add:  # type: ignore[attr-defined]
            assert isinstance(current, cst.BinaryOperation)
            pending.append(current.right)
            pending.append(current.left)
        elif kind is cst.SimpleString:
            assert isinstance(current, cst.SimpleString)
            _fold_simple(builder, current, starts)
        elif kind in _FORMATTED_TYPES:
            _fold_formatted(builder, current, starts, leaf)
        else:
            resolved = leaf(current) if leaf is not None else None
            if resolved is None:
                builder.add_dynamic()
            else:
                builder.add_literal(resolved)
    return builder.build()


def _fold_simple(builder: _LiteralBuilder, node: cst.SimpleString, starts: dict[int, int]) -> None:
    prefix = node.prefix
    content_start = starts[id(node)] + len(prefix) + len(node.quote)
    builder.set_anchor(content_start)
    lowered = prefix.lower()
    _decode_into(
        builder,
        node.raw_value,
        content_start,
        binary="b" in lowered,
        formatted=False,
        raw="r" in lowered,
    )


def _fold_formatted(
    builder: _LiteralBuilder,
    node: cst.BaseExpression,
    starts: dict[int, int],
    leaf: LeafResolver | None,
) -> None:
    opening: str = node.start  # type: ignore[attr-defined]
    builder.set_anchor(starts[id(node)] + len(opening))
    raw = "r" in opening.lower()
    for part in node.parts:  # type: ignore[attr-defined]
        if type(part) in _FORMATTED_TEXT_TYPES:
            _decode_into(
                builder, part.value, starts[id(part)], binary=False, formatted=True, raw=raw
            )
            continue
        resolved = None
        plain = part.format_spec is None and part.conversion in (None, "s") and part.equal is None
        if leaf is not None and plain:
            resolved = leaf(part.expression)
        if resolved is None:
            builder.add_dynamic()
        else:
            builder.add_literal(resolved)


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


def _dotted(expression: cst.BaseExpression) -> str | None:
    """Return ``a.b.c`` for a Name or Attribute chain, None for anything else."""
    pieces: list[str] = []
    node: cst.BaseExpression = expression
    while type(node) is cst.Attribute:
        assert isinstance(node, cst.Attribute)
        pieces.append(node.attr.value)
        node = node.value
    if type(node) is not cst.Name:
        return None
    assert isinstance(node, cst.Name)
    pieces.append(node.value)
    return ".".join(reversed(pieces))


def _written(expression: cst.BaseExpression) -> str | None:
    """Return a callee as written, ``()`` marking calls: ``requests.Session().get``."""
    pieces: list[str] = []
    node: cst.BaseExpression = expression
    while True:
        kind = type(node)
        if kind is cst.Name:
            assert isinstance(node, cst.Name)
            pieces.append(node.value)
            break
        if kind is cst.Attribute:
            assert isinstance(node, cst.Attribute)
            pieces.append("." + node.attr.value)
            node = node.value
        elif kind is cst.Call:
            assert isinstance(node, cst.Call)
            pieces.append("()")
            node = node.func
        else:
            return None
    return "".join(reversed(pieces))


def _last_name(expression: cst.BaseExpression) -> str | None:
    if type(expression) is cst.Name:
        assert isinstance(expression, cst.Name)
        return expression.value
    if type(expression) is cst.Attribute:
        assert isinstance(expression, cst.Attribute)
        return expression.attr.value
    return None


def _positional(call: cst.Call, index: int) -> cst.BaseExpression | None:
    """Return positional argument ``index``, None when absent or behind a ``*args``."""
    position = 0
    for argument in call.args:
        if argument.keyword is not None:
            continue
        if argument.star:
            return None
        if position == index:
            return argument.value
        position += 1
    return None


def _keyword(call: cst.Call, names: Iterable[str]) -> cst.BaseExpression | None:
    accepted = set(names)
    for argument in call.args:
        if argument.keyword is not None and argument.keyword.value in accepted:
            return argument.value
    return None


def _argument(call: cst.Call, index: int | None, names: Iterable[str]) -> cst.BaseExpression | None:
    found = _keyword(call, names)
    if found is None and index is not None:
        found = _positional(call, index)
    return found


# ---------------------------------------------------------------------------
# Scopes
# ---------------------------------------------------------------------------


class _Binding(NamedTuple):
    """One binding of a name: the assigned expression and the scope it is evaluated in.

    ``kind`` is ``"assign"`` for an assignment, ``"with"`` for a ``with ... as``
    target (``value`` is the context manager) and ``"other"`` for every other
    binding (parameters, loops, imports, augmented assignment).
    """

    value: cst.BaseExpression | None
    scope: _Scope
    kind: str


class _Scope:
    """A module, class, function, lambda or comprehension scope.

    ``attributes`` holds, for a class, the bindings of ``self.<name>`` made
    in its methods. A method scope has ``class_scope`` set, and
    ``instance_name`` is its first parameter (``self``, ``cls``).
    """

    __slots__ = (
        "attributes",
        "class_scope",
        "end_node",
        "global_names",
        "instance_name",
        "is_init",
        "kind",
        "name",
        "names",
        "nonlocal_names",
        "parent",
    )

    def __init__(self, kind: str, parent: _Scope | None, end_node: int = 0, name: str = "") -> None:
        self.kind = kind
        self.parent = parent
        self.end_node = end_node
        self.name = name
        self.names: dict[str, list[_Binding]] = {}
        self.attributes: dict[str, list[_Binding]] = {}
        self.global_names: set[str] = set()
        self.nonlocal_names: set[str] = set()
        self.class_scope: _Scope | None = None
        self.instance_name: str | None = None
        self.is_init = False

    def bind(self, name: str, binding: _Binding) -> None:
        self.names.setdefault(name, []).append(binding)

    def method_scope(self) -> _Scope | None:
        """Return the nearest enclosing method scope (the one where ``self`` is bound)."""
        scope: _Scope | None = self
        while scope is not None and scope.kind != "module":
            if scope.class_scope is not None:
                return scope
            scope = scope.parent
        return None


def _lookup(name: str, scope: _Scope, module: _Scope) -> list[_Binding] | None:
    """Find the bindings a name refers to from ``scope``, following Python's scoping rules."""
    current: _Scope | None = scope
    skip_classes = False
    while current is not None:
        if current.kind == "class" and skip_classes:
            current = current.parent
            continue
        if name in current.global_names:
            return module.names.get(name)
        if name in current.nonlocal_names:
            current = current.parent
            skip_classes = True
            continue
        bindings = current.names.get(name)
        if bindings is not None:
            return bindings
        skip_classes = True
        current = current.parent
    return None


# ---------------------------------------------------------------------------
# Credentials
# ---------------------------------------------------------------------------

_ENV_LOOKUPS_WRITTEN = frozenset(
    {
        "os.getenv",
        "os.environ.get",
        "os.environ.setdefault",
        "environ.get",
        "environ.setdefault",
        "getenv",
    }
)
_ENV_LOOKUPS_QUALIFIED = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_BEARER = re.compile(r"\s*bearer\s+", re.IGNORECASE)
_AUTHORIZATION_CONTEXT = "sent as the Bearer token in the `Authorization` header"


class _EnvLookup(NamedTuple):
    """An environment lookup call: the variable name, the callee as written, the default."""

    variable: str
    callee: str
    default: cst.BaseExpression | None


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------

_HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
_URL_KEYWORDS = ("url", "uri", "str_or_url")
_HOST_KEYWORDS = ("host",)


class _UrlArgument(NamedTuple):
    """The URL argument of a request function: its ``position`` or a URL keyword.

    ``scheme`` is set for connection classes that take a host (``http`` for
    ``HTTPConnection``): the URL is then ``scheme://host``.
    """

    position: int
    scheme: str | None = None


def _method_table(request_index: int = 1, **extra: int) -> dict[str, _UrlArgument]:
    table = {method: _UrlArgument(0) for method in _HTTP_METHODS}
    table["request"] = _UrlArgument(request_index)
    table.update({name: _UrlArgument(index) for name, index in extra.items()})
    return table


_MODULE_FUNCTIONS: dict[str, _UrlArgument] = {
    **{f"requests.{name}": spec for name, spec in _method_table().items()},
    **{f"requests.api.{name}": spec for name, spec in _method_table().items()},
    **{f"httpx.{name}": spec for name, spec in _method_table(stream=1).items()},
    "aiohttp.request": _UrlArgument(1),
    "urllib.request.urlopen": _UrlArgument(0),
    "urllib.request.Request": _UrlArgument(0),
    "urllib.request.urlretrieve": _UrlArgument(0),
    "urllib3.request": _UrlArgument(1),
    "websocket.create_connection": _UrlArgument(0),
    "websocket.WebSocketApp": _UrlArgument(0),
    "websockets.connect": _UrlArgument(0),
    "websockets.client.connect": _UrlArgument(0),
    "websockets.sync.client.connect": _UrlArgument(0),
    "websockets.asyncio.client.connect": _UrlArgument(0),
    "http.client.HTTPConnection": _UrlArgument(0, "http"),
    "http.client.HTTPSConnection": _UrlArgument(0, "https"),
}

# Client classes, by the kind of client their instances are.
_CONSTRUCTORS: dict[str, str] = {
    "requests.Session": "requests",
    "requests.session": "requests",
    "requests.sessions.Session": "requests",
    "httpx.Client": "httpx",
    "httpx.AsyncClient": "httpx",
    "aiohttp.ClientSession": "aiohttp",
    "urllib3.PoolManager": "urllib3",
    "urllib3.ProxyManager": "urllib3",
    "urllib3.poolmanager.PoolManager": "urllib3",
}

# Position of a client constructor's base URL argument (None when it is
# keyword-only), which `base_url=` also sets.
_BASE_URL_ARGUMENTS: dict[str, int | None] = {"httpx": None, "aiohttp": 0}

_CLIENT_METHODS: dict[str, dict[str, _UrlArgument]] = {
    "requests": _method_table(),
    "httpx": _method_table(stream=1, build_request=1),
    "aiohttp": _method_table(ws_connect=0),
    "urllib3": {
        name: _UrlArgument(1)
        for name in ("request", "urlopen", "request_encode_url", "request_encode_body")
    },
    # Receivers of unknown origin whose name says they are a client.
    "named": _method_table(stream=1),
}

# Calls worth keeping for the request pass: bare names (possibly imported
# aliases) and attributes with one of these names.
_REQUEST_ATTRIBUTES = frozenset(
    {name.rsplit(".", 1)[-1] for name in (*_MODULE_FUNCTIONS, *_CONSTRUCTORS)}
    | {name for table in _CLIENT_METHODS.values() for name in table}
)
_URLJOIN = frozenset({"urllib.parse.urljoin", "urlparse.urljoin", "requests.compat.urljoin"})
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\x00]*")
_FORMAT_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_PERCENT_FIELD = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[#0\- +]*)(?P<width>\*|\d+)?"
    r"(?:\.(?P<precision>\*|\d+))?[hlL]?(?P<conversion>[diouxXeEfFgGcrsa%])"
)
# Limit on chained constant lookups (`A = B`, `B = C + "x"`) followed for one URL.
_MAX_RESOLVE_DEPTH = 40


# ---------------------------------------------------------------------------
# The pass over the tree
# ---------------------------------------------------------------------------


class _Walker(CodegenState):
    """Regenerate the module's text and collect facts in the same pass.

    libcst emits every token of the original text in order (``add_token``)
    and calls ``before_codegen``/``after_codegen`` around every node, so the
    running character count is the offset of the node being generated.
    ``after_codegen`` runs when all children are done, which is when a
    string expression is folded and a statement is inspected.
    """

    def __init__(self, module: cst.Module, extra_names: tuple[str, ...]) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.offset = 0
        self.extra_names = extra_names
        self.facts = Facts()
        self.stack: list[cst.CSTNode] = []

        # Offsets by node id: string tokens, f-string text parts, calls (the
        # start and end of the callee).
        self.starts: dict[int, int] = {}
        self.ends: dict[int, int] = {}
        # A parenthesised string: its start is the offset of its own token.
        self.pending_node: cst.CSTNode | None = None
        self.pending_token = ""
        self.call_of_func: dict[int, cst.Call] = {}

        # Folded literal of each maximal string expression, by node id.
        self.literals: dict[int, Literal] = {}
        # `+` chains that contain a string, by node id.
        self.string_sums: set[int] = set()
        self.env_lookups: dict[int, _EnvLookup] = {}
        self.credential_literals: set[Literal] = set()

        # Imported names (`r` -> `requests`), scopes and the calls that may
        # be requests, for the request pass.
        self.aliases: dict[str, str] = {}
        self.module_scope = _Scope("module", None)
        self.scope = self.module_scope
        self.scope_owners: dict[int, cst.CSTNode] = {}
        self.classes: dict[str, _Scope] = {}
        self.dotted_bindings: dict[str, list[_Binding]] = {}
        self.calls: list[tuple[cst.Call, _Scope]] = []

        self.enter_handlers: dict[type, Callable[[cst.CSTNode], None]] = {
            cst.SimpleString: self._enter_string,
            cst.Comment: self._enter_comment,
            cst.Call: self._enter_call,
            cst.FunctionDef: self._enter_definition,
            cst.ClassDef: self._enter_definition,
            cst.Lambda: self._enter_lambda,
        }
        for kind in _FORMATTED_TYPES:
            self.enter_handlers[kind] = self._enter_string
        for kind in _FORMATTED_TEXT_TYPES:
            self.enter_handlers[kind] = self._enter_offset
        for kind in _COMPREHENSION_TYPES:
            self.enter_handlers[kind] = self._enter_comprehension
        self.leave_handlers: dict[type, Callable[[cst.CSTNode], None]] = {
            cst.SimpleString: self._leave_string,
            cst.ConcatenatedString: self._leave_string,
            cst.BinaryOperation: self._leave_binary,
            cst.Assign: self._leave_assign,
            cst.AnnAssign: self._leave_annotated_assign,
            cst.AugAssign: self._leave_augmented_assign,
            cst.NamedExpr: self._leave_named_expression,
            cst.For: self._leave_loop,
            cst.CompFor: self._leave_loop,
            cst.WithItem: self._leave_with_item,
            cst.ExceptHandler: self._leave_except,
            cst.ExceptStarHandler: self._leave_except,
            cst.Import: self._leave_import,
            cst.ImportFrom: self._leave_import_from,
            cst.Del: self._leave_delete,
            cst.MatchAs: self._leave_match_capture,
            cst.MatchStar: self._leave_match_capture,
            cst.MatchMapping: self._leave_match_mapping,
            cst.Global: self._leave_global,
            cst.Nonlocal: self._leave_nonlocal,
            cst.Call: self._leave_call,
            cst.Dict: self._leave_dict,
            cst.Param: self._leave_param,
            cst.BooleanOperation: self._leave_boolean,
        }
        for kind in _FORMATTED_TYPES:
            self.leave_handlers[kind] = self._leave_string

    # -- code generation hooks ------------------------------------------------

    def add_token(self, value: str) -> None:
        if self.pending_node is not None and value == self.pending_token:
            self.starts[id(self.pending_node)] = self.offset
            self.pending_node = None
        self.tokens.append(value)
        self.offset += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.tokens.append(token)
            self.offset += len(token)

    def pop_trailing_newline(self) -> None:
        if self.tokens:
            self.offset -= len(self.tokens.pop())

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append(node)
        key = id(node)
        call = self.call_of_func.get(key)
        if call is not None:
            self.starts[id(call)] = self.offset
        owner = self.scope_owners.pop(key, None)
        if owner is not None:
            self._push_scope(owner, node)
        handler = self.enter_handlers.get(type(node))
        if handler is not None:
            handler(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        handler = self.leave_handlers.get(type(node))
        if handler is not None:
            handler(node)
        key = id(node)
        call = self.call_of_func.pop(key, None)
        if call is not None:
            self.ends[id(call)] = self.offset
        while self.scope.end_node == key and self.scope.parent is not None:
            self.scope = self.scope.parent
        self.stack.pop()

    # -- offsets --------------------------------------------------------------

    def _enter_string(self, node: cst.CSTNode) -> None:
        if node.lpar:  # type: ignore[attr-defined]
            self.pending_node = node
            token = node.value if type(node) is cst.SimpleString else node.start  # type: ignore[attr-defined]
            self.pending_token = token
        else:
            self.starts[id(node)] = self.offset

    def _enter_offset(self, node: cst.CSTNode) -> None:
        self.starts[id(node)] = self.offset

    def _enter_comment(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Comment)
        self.facts.comments.append(Literal.at(node.value, self.offset))

    def _enter_call(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Call)
        self.call_of_func[id(node.func)] = node

    # -- scopes ---------------------------------------------------------------

    def _enter_definition(self, node: cst.CSTNode) -> None:
        assert isinstance(node, (cst.FunctionDef, cst.ClassDef))
        self._bind_name(node.name.value, None, "other")
        self.scope_owners[id(node.body)] = node

    def _enter_lambda(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Lambda)
        self.scope_owners[id(node.body)] = node

    def _enter_comprehension(self, node: cst.CSTNode) -> None:
        self.scope = _Scope("comprehension", self.scope, id(node))

    def _push_scope(self, owner: cst.CSTNode, body: cst.CSTNode) -> None:
        parent = self.scope
        if isinstance(owner, cst.ClassDef):
            scope = _Scope("class", parent, id(body), owner.name.value)
            self.classes[owner.name.value] = scope
            self.scope = scope
            return
        assert isinstance(owner, (cst.FunctionDef, cst.Lambda))
        name = owner.name.value if isinstance(owner, cst.FunctionDef) else "<lambda>"
        scope = _Scope("function", parent, id(body), name)
        params = owner.params
        positional = [*params.posonly_params, *params.params]
        if isinstance(owner, cst.FunctionDef) and parent.kind == "class":
            scope.class_scope = parent
            scope.is_init = name == "__init__"
            if positional:
                scope.instance_name = positional[0].name.value
        everything = [*positional, *params.kwonly_params]
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                everything.append(star)
        for param in everything:
            scope.bind(param.name.value, _Binding(None, scope, "other"))
        self.scope = scope

    def _binding_scope(self, name: str, walrus: bool = False) -> _Scope:
        scope = self.scope
        if walrus:
            while scope.kind == "comprehension" and scope.parent is not None:
                scope = scope.parent
        if name in scope.global_names:
            return self.module_scope
        if name in scope.nonlocal_names:
            outer = scope.parent
            while outer is not None and outer.kind == "class":
                outer = outer.parent
            return outer or self.module_scope
        return scope

    def _bind_name(
        self,
        name: str,
        value: cst.BaseExpression | None,
        kind: str,
        walrus: bool = False,
    ) -> None:
        self._binding_scope(name, walrus).bind(name, _Binding(value, self.scope, kind))

    def _bind_target(
        self, target: cst.BaseExpression, value: cst.BaseExpression | None, kind: str
    ) -> None:
        if isinstance(target, cst.Name):
            self._bind_name(target.value, value, kind)
        elif isinstance(target, (cst.Tuple, cst.List)):
            values = _paired_elements(target, value)
            for index, element in enumerate(target.elements):
                if values is None or isinstance(element, cst.StarredElement):
                    self._bind_target(element.value, None, "other")
                else:
                    self._bind_target(element.value, values[index], kind)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None, "other")
        elif isinstance(target, cst.Attribute):
            self._bind_attribute(target, value, kind)

    def _bind_attribute(
        self, target: cst.Attribute, value: cst.BaseExpression | None, kind: str
    ) -> None:
        binding = _Binding(value, self.scope, kind)
        dotted = _dotted(target)
        if dotted is not None:
            self.dotted_bindings.setdefault(dotted, []).append(binding)
        method = self.scope.method_scope()
        base = target.value
        if (
            method is not None
            and method.class_scope is not None
            and isinstance(base, cst.Name)
            and base.value == method.instance_name
        ):
            method.class_scope.attributes.setdefault(target.attr.value, []).append(binding)

    def _bind_as_name(self, as_name: cst.AsName | None, value: cst.BaseExpression | None) -> None:
        if as_name is not None and isinstance(as_name.name, cst.BaseExpression):
            self._bind_target(as_name.name, value, "with" if value is not None else "other")

    def _leave_augmented_assign(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.AugAssign)
        self._bind_target(node.target, None, "other")

    def _leave_loop(self, node: cst.CSTNode) -> None:
        assert isinstance(node, (cst.For, cst.CompFor))
        self._bind_target(node.target, None, "other")

    def _leave_with_item(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.WithItem)
        self._bind_as_name(node.asname, node.item)

    def _leave_except(self, node: cst.CSTNode) -> None:
        assert isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler))
        self._bind_as_name(node.name, None)

    def _leave_delete(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Del)
        self._bind_target(node.target, None, "other")

    def _leave_match_capture(self, node: cst.CSTNode) -> None:
        assert isinstance(node, (cst.MatchAs, cst.MatchStar))
        if node.name is not None:
            self._bind_name(node.name.value, None, "other")

    def _leave_match_mapping(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.MatchMapping)
        if node.rest is not None:
            self._bind_name(node.rest.value, None, "other")

    def _leave_global(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Global)
        self.scope.global_names.update(item.name.value for item in node.names)

    def _leave_nonlocal(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Nonlocal)
        self.scope.nonlocal_names.update(item.name.value for item in node.names)

    def _leave_import(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Import)
        for alias in node.names:
            full = _dotted(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
                self.aliases[local] = full
            else:
                local = full.split(".", 1)[0]
                self.aliases[local] = local
            self._bind_name(local, None, "other")

    def _leave_import_from(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.ImportFrom)
        if isinstance(node.names, cst.ImportStar):
            return
        module = _dotted(node.module) if node.module is not None else None
        for alias in node.names:
            name = _dotted(alias.name)
            if name is None:
                continue
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            if module is not None and not node.relative:
                self.aliases[local] = f"{module}.{name}"
            self._bind_name(local, None, "other")

    # -- strings --------------------------------------------------------------

    def _is_string_expression(self, node: cst.BaseExpression) -> bool:
        return type(node) in _STRING_TYPES or id(node) in self.string_sums

    def _folded_by_parent(self) -> bool:
        parent = self.stack[-2]
        kind = type(parent)
        if kind is cst.ConcatenatedString:
            return True
        return kind is cst.BinaryOperation and type(parent.operator) is cst.Add  # type: ignore[attr-defined]

    def _leave_string(self, node: cst.CSTNode) -> None:
        if not self._folded_by_parent():
            self._emit_string(node)  # type: ignore[arg-type]

    def _leave_binary(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.BinaryOperation)
        if type(node.operator) is not cst.Add:
            return
        if not (self._is_string_expression(node.left) or self._is_string_expression(node.right)):
            return
        self.string_sums.add(id(node))
        if not self._folded_by_parent():
            self._emit_string(node)

    def _emit_string(self, node: cst.BaseExpression) -> None:
        literal = _fold(node, self.starts, None)
        self.facts.strings.append(literal)
        self.literals[id(node)] = literal

    # -- credentials ----------------------------------------------------------

    def _add_credential(self, name: str, literal: Literal, context: str) -> None:
        # An empty value, or one with nothing but DYNAMIC parts, is never a secret.
        if not _has_static_text(literal.value):
            return
        if literal in self.credential_literals:
            return
        self.credential_literals.add(literal)
        self.facts.credentials.append(Credential(name, literal, context))

    def _is_token_name(self, name: str) -> bool:
        return is_token_name(name, self.extra_names)

    def _slot_values(self, value: cst.BaseExpression) -> list[tuple[Literal, str]]:
        """Return the literals a credential slot receives, each with a context suffix.

        A string expression is the value itself. An environment lookup gives
        its default, and an ``or`` chain gives each string operand and lookup
        default.
        """
        literal = self.literals.get(id(value))
        if literal is not None:
            return [(literal, "")]
        found: list[tuple[Literal, str]] = []
        operands = _or_operands(value) if isinstance(value, cst.BooleanOperation) else [value]
        for operand in operands:
            literal = self.literals.get(id(operand))
            if literal is not None and len(operands) > 1:
                found.append((literal, ", as the fallback value"))
                continue
            lookup = self.env_lookups.get(id(operand))
            if lookup is not None and lookup.default is not None:
                default = self.literals.get(id(lookup.default))
                if default is not None:
                    found.append(
                        (default, f', as the default of `{lookup.callee}("{lookup.variable}")`')
                    )
        return found

    def _credential_slot(self, name: str, value: cst.BaseExpression, context: str) -> None:
        for literal, suffix in self._slot_values(value):
            self._add_credential(name, literal, context + suffix)

    def _keyed_credential(self, key: str, value: cst.BaseExpression, context: str) -> None:
        """Inspect a value stored under a string key (a dict entry or a subscript)."""
        if key.strip().lower() == "authorization":
            literal = self.literals.get(id(value))
            if literal is None:
                return
            bearer = _BEARER.match(literal.value)
            if bearer is not None:
                token = _slice_literal(literal, bearer.end())
                self._add_credential("Authorization", token, _AUTHORIZATION_CONTEXT)
        elif self._is_token_name(key):
            self._credential_slot(key, value, context)

    def _static_key(self, node: cst.BaseExpression | None) -> str | None:
        if node is None:
            return None
        literal = self.literals.get(id(node))
        if literal is None or not literal.is_static:
            return None
        return literal.value

    def _is_token_attribute(self, target: cst.Attribute) -> bool:
        name = target.attr.value
        if self._is_token_name(name):
            return True
        if name not in CLIENT_CREDENTIAL_KEYWORDS:
            return False
        owner = _dotted(target.value) or ""
        if is_toughtongue_client(owner):
            return True
        method = self.scope.method_scope()
        base = target.value
        return (
            method is not None
            and method.class_scope is not None
            and isinstance(base, cst.Name)
            and base.value == method.instance_name
            and is_toughtongue_client(method.class_scope.name)
        )

    def _target_credential(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            values = _paired_elements(target, value)
            if values is not None:
                for element, element_value in zip(target.elements, values, strict=True):
                    self._target_credential(element.value, element_value)
            return
        if isinstance(target, cst.Name):
            if self._is_token_name(target.value):
                self._credential_slot(target.value, value, f"assigned to `{target.value}`")
        elif isinstance(target, cst.Attribute):
            if self._is_token_attribute(target):
                written = _written(target) or target.attr.value
                self._credential_slot(written, value, f"assigned to `{written}`")
        elif isinstance(target, cst.Subscript) and len(target.slice) == 1:
            index = target.slice[0].slice
            key = self._static_key(index.value if isinstance(index, cst.Index) else None)
            if key is not None:
                base = _written(target.value) or "…"
                self._keyed_credential(key, value, f'assigned to `{base}["{key}"]`')

    def _leave_assign(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Assign)
        for target in node.targets:
            self._bind_target(target.target, node.value, "assign")
        for target in node.targets:
            self._target_credential(target.target, node.value)

    def _leave_annotated_assign(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.AnnAssign)
        if node.value is None:
            return
        self._bind_target(node.target, node.value, "assign")
        self._target_credential(node.target, node.value)

    def _leave_named_expression(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.NamedExpr)
        if isinstance(node.target, cst.Name):
            self._bind_name(node.target.value, node.value, "assign", walrus=True)
        self._target_credential(node.target, node.value)

    def _leave_param(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Param)
        name = node.name.value
        if node.default is not None and self._is_token_name(name):
            self._credential_slot(name, node.default, f"the default of parameter `{name}`")

    def _leave_dict(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Dict)
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                continue
            key = self._static_key(element.key)
            if key is None:
                continue
            if key.lower().startswith("x-"):
                context = f"sent in the `{key}` header"
            else:
                context = f"stored under the key `{key}`"
            self._keyed_credential(key, element.value, context)

    def _leave_boolean(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.BooleanOperation)
        if not isinstance(node.operator, cst.Or):
            return
        lookup: _EnvLookup | None = None
        for operand in _or_operands(node):
            found = self.env_lookups.get(id(operand))
            if found is not None and self._is_token_name(found.variable):
                lookup = found
                continue
            literal = self.literals.get(id(operand))
            if lookup is not None and literal is not None:
                context = f'the fallback for `{lookup.callee}("{lookup.variable}")`'
                self._add_credential(lookup.variable, literal, context)

    def _qualify(self, expression: cst.BaseExpression) -> str | None:
        return _qualify(expression, self.aliases)

    def _leave_call(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Call)
        func = node.func
        written = _written(func)
        qualified = self._qualify(func)
        if written in _ENV_LOOKUPS_WRITTEN or qualified in _ENV_LOOKUPS_QUALIFIED:
            self._env_lookup(node, written or qualified or "")
        client = is_toughtongue_client(written or "") or is_toughtongue_client(qualified or "")
        for argument in node.args:
            if argument.keyword is None:
                continue
            keyword = argument.keyword.value
            if self._is_token_name(keyword) or (client and keyword in CLIENT_CREDENTIAL_KEYWORDS):
                context = f"passed as `{keyword}=`"
                if written is not None:
                    context += f" to `{written}`"
                self._credential_slot(keyword, argument.value, context)
        if isinstance(func, cst.Name) or (
            isinstance(func, cst.Attribute) and func.attr.value in _REQUEST_ATTRIBUTES
        ):
            self.calls.append((node, self.scope))

    def _env_lookup(self, node: cst.Call, callee: str) -> None:
        variable_node = _argument(node, 0, ("key",))
        variable = self._static_key(variable_node)
        if variable is None:
            return
        default = _argument(node, 1, ("default",))
        self.env_lookups[id(node)] = _EnvLookup(variable, callee, default)
        if default is None or not self._is_token_name(variable):
            return
        literal = self.literals.get(id(default))
        if literal is not None:
            self._add_credential(variable, literal, f'the default of `{callee}("{variable}")`')


def _paired_elements(
    target: cst.Tuple | cst.List, value: cst.BaseExpression | None
) -> list[cst.BaseExpression] | None:
    """Pair ``a, b = x, y`` element by element; None when the shapes differ."""
    if not isinstance(value, (cst.Tuple, cst.List)):
        return None
    if len(value.elements) != len(target.elements):
        return None
    if any(isinstance(element, cst.StarredElement) for element in value.elements):
        return None
    return [element.value for element in value.elements]


def _or_operands(node: cst.BaseExpression) -> list[cst.BaseExpression]:
    """Flatten ``a or b or c`` into its operands, without recursion."""
    operands: list[cst.BaseExpression] = []
    pending = [node]
    while pending:
        current = pending.pop()
        if isinstance(current, cst.BooleanOperation) and isinstance(current.operator, cst.Or):
            pending.append(current.right)
            pending.append(current.left)
        else:
            operands.append(current)
    return operands


def _qualify(expression: cst.BaseExpression, aliases: dict[str, str]) -> str | None:
    """Return the imported name a Name/Attribute chain refers to (``r.get`` -> ``requests.get``)."""
    dotted = _dotted(expression)
    if dotted is None:
        return None
    head, dot, rest = dotted.partition(".")
    return aliases.get(head, head) + dot + rest


def _percent_operands(right: cst.BaseExpression) -> list[cst.BaseExpression] | None:
    """Return the values of a ``%`` format in order; None for a mapping or ``*args``."""
    if isinstance(right, cst.Dict):
        return None
    if not isinstance(right, cst.Tuple):
        return [right]
    if any(isinstance(element, cst.StarredElement) for element in right.elements):
        return None
    return [element.value for element in right.elements]


def _is_plain_percent_s(match: re.Match[str]) -> bool:
    """Tell whether a ``%`` field is a bare ``%s`` (no key, flags, width or precision)."""
    if match.group("key") or match.group("flags") or match.group("width"):
        return False
    return match.group("precision") is None and match.group("conversion") == "s"


# ---------------------------------------------------------------------------
# URL resolution
# ---------------------------------------------------------------------------


class _Resolver:
    """Resolve expressions to Literals through constants, f-strings and URL helpers.

    A name resolves when, in the scope it refers to, it is bound exactly once,
    by an assignment. ``self.NAME`` (and ``cls.NAME``, ``ClassName.NAME``)
    resolves when the class body or ``__init__`` binds it exactly once.
    """

    def __init__(self, walker: _Walker) -> None:
        self.walker = walker
        self.starts = walker.starts
        self.aliases = walker.aliases
        self.module_scope = walker.module_scope
        self.constants: dict[int, Literal | None] = {}
        self.in_progress: set[int] = set()

    def resolve(
        self, expression: cst.BaseExpression, scope: _Scope, depth: int = 0
    ) -> Literal | None:
        if depth > _MAX_RESOLVE_DEPTH:
            return None
        kind = type(expression)
        if kind in _STRING_TYPES or id(expression) in self.walker.string_sums:
            return self._fold(expression, scope, depth)
        if isinstance(expression, cst.BinaryOperation):
            if isinstance(expression.operator, cst.Add):
                return self._fold(expression, scope, depth)
            if isinstance(expression.operator, cst.Modulo):
                return self._percent(expression, scope, depth)
            return None
        if isinstance(expression, cst.Name):
            return self._resolve_binding(_lookup(expression.value, scope, self.module_scope), depth)
        if isinstance(expression, cst.Attribute):
            return self._resolve_attribute(expression, scope, depth)
        if isinstance(expression, cst.Call):
            return self._resolve_call(expression, scope, depth)
        if isinstance(expression, cst.BooleanOperation) and isinstance(expression.operator, cst.Or):
            left = self.resolve(expression.left, scope, depth + 1)
            if left is not None and _has_static_text(left.value):
                return left
            return self.resolve(expression.right, scope, depth + 1) or left
        return None

    def _fold(self, expression: cst.BaseExpression, scope: _Scope, depth: int) -> Literal:
        def leaf(node: cst.BaseExpression) -> Literal | None:
            return self.resolve(node, scope, depth + 1)

        return _fold(expression, self.starts, leaf)

    def _resolve_binding(self, bindings: Sequence[_Binding] | None, depth: int) -> Literal | None:
        if not bindings or len(bindings) != 1:
            return None
        binding = bindings[0]
        if binding.kind != "assign" or binding.value is None:
            return None
        key = id(binding.value)
        if key in self.constants:
            return self.constants[key]
        if key in self.in_progress:
            return None
        self.in_progress.add(key)
        try:
            result = self.resolve(binding.value, binding.scope, depth + 1)
        finally:
            self.in_progress.discard(key)
        self.constants[key] = result
        return result

    def _class_scope(self, base: cst.BaseExpression, scope: _Scope) -> _Scope | None:
        if not isinstance(base, cst.Name):
            return None
        method = scope.method_scope()
        if method is not None and base.value == method.instance_name:
            return method.class_scope
        return self.walker.classes.get(base.value)

    def _resolve_attribute(
        self, expression: cst.Attribute, scope: _Scope, depth: int
    ) -> Literal | None:
        class_scope = self._class_scope(expression.value, scope)
        if class_scope is None:
            return None
        name = expression.attr.value
        bindings = class_scope.names.get(name, []) + class_scope.attributes.get(name, [])
        if len(bindings) != 1:
            return None
        where = bindings[0].scope
        if where is not class_scope and not where.is_init:
            return None
        return self._resolve_binding(bindings, depth)

    def _resolve_call(self, call: cst.Call, scope: _Scope, depth: int) -> Literal | None:
        func = call.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "format"
            and (type(func.value) in _STRING_TYPES)
        ):
            return self._format(call, self._fold(func.value, scope, depth), scope, depth)
        qualified = _qualify(func, self.aliases)
        if qualified in _URLJOIN or _written(func) == "urljoin":
            return self._urljoin(call, scope, depth)
        lookup = self.walker.env_lookups.get(id(call))
        if lookup is not None:
            if lookup.default is None:
                return None
            return self.resolve(lookup.default, scope, depth + 1)
        if qualified == "str" and len(call.args) == 1 and call.args[0].keyword is None:
            return self.resolve(call.args[0].value, scope, depth + 1)
        return None

    def _argument_literal(
        self, expression: cst.BaseExpression | None, scope: _Scope, depth: int
    ) -> Literal | None:
        if expression is None:
            return None
        return self.resolve(expression, scope, depth + 1)

    def _format(self, call: cst.Call, template: Literal, scope: _Scope, depth: int) -> Literal:
        """Fill ``"{}/v1".format(BASE)``; a field with a spec or conversion becomes DYNAMIC."""
        builder = _LiteralBuilder()
        builder.set_anchor(template.source_offset(0))
        value = template.value
        position = 0
        automatic = 0
        for match in _FORMAT_FIELD.finditer(value):
            builder.add_slice(template, position, match.start())
            position = match.end()
            field = match.group(1)
            if field is None:  # a doubled brace
                builder.add_slice(template, match.start(), match.start() + 1)
                continue
            name, _, rest = field.partition(":")
            name, bang, conversion = name.partition("!")
            argument: cst.BaseExpression | None = None
            if not rest and conversion in ("", "s") and (bang == "" or conversion == "s"):
                if name == "":
                    argument = _positional(call, automatic)
                    automatic += 1
                elif name.isdigit():
                    argument = _positional(call, int(name))
                elif name.isidentifier():
                    argument = _keyword(call, (name,))
            elif name == "":
                automatic += 1
            literal = self._argument_literal(argument, scope, depth)
            if literal is None:
                builder.add_dynamic()
            else:
                builder.add_literal(literal)
        builder.add_slice(template, position, len(value))
        return builder.build()

    def _percent(
        self, expression: cst.BinaryOperation, scope: _Scope, depth: int
    ) -> Literal | None:
        """Fill ``"%s/v1" % BASE``: only a plain ``%s`` takes a resolved value."""
        if type(expression.left) not in _STRING_TYPES:
            return None
        template = self._fold(expression.left, scope, depth)
        values = _percent_operands(expression.right)

        builder = _LiteralBuilder()
        builder.set_anchor(template.source_offset(0))
        position = 0
        index = 0
        for match in _PERCENT_FIELD.finditer(template.value):
            builder.add_slice(template, position, match.start())
            position = match.end()
            if match.group("conversion") == "%":
                builder.add_slice(template, match.end() - 1, match.end())
                continue
            argument = None
            if values is not None and index < len(values) and _is_plain_percent_s(match):
                argument = values[index]
            index += 1
            literal = self._argument_literal(argument, scope, depth)
            if literal is None:
                builder.add_dynamic()
            else:
                builder.add_literal(literal)
        builder.add_slice(template, position, len(template.value))
        return builder.build()

    def _urljoin(self, call: cst.Call, scope: _Scope, depth: int) -> Literal | None:
        """Resolve ``urljoin(base, url)`` the way ``urllib.parse.urljoin`` joins them."""
        base = self._argument_literal(_argument(call, 0, ("base",)), scope, depth)
        relative = self._argument_literal(_argument(call, 1, ("url",)), scope, depth)
        builder = _LiteralBuilder()
        if relative is None:
            if base is None:
                return None
            builder.add_literal(base)
            builder.add_dynamic()
            return builder.build()

        target = relative.value
        if _SCHEME.match(target) or base is None:
            return relative
        if target == "":
            return base

        value = base.value
        authority = _AUTHORITY.match(value)
        if target.startswith("//"):
            scheme = _SCHEME.match(value)
            builder.add_slice(base, 0, scheme.end() if scheme else 0)
        elif target.startswith("/"):
            builder.add_slice(base, 0, authority.end() if authority else len(value))
        else:
            # A relative path replaces the last segment of the base path.
            path_start = authority.end() if authority else 0
            path_end = len(value)
            for stop in ("?", "#"):
                found = value.find(stop, path_start)
                if found != -1:
                    path_end = min(path_end, found)
            slash = value.rfind("/", path_start, path_end)
            if slash == -1:
                builder.add_slice(base, 0, path_end)
                # urljoin adds a "/" between an authority and a relative path.
                builder.add_unmapped("/")
            else:
                builder.add_slice(base, 0, slash + 1)
        builder.add_literal(relative)
        return builder.build()

    # -- instances ------------------------------------------------------------

    def instance_kind(self, receiver: cst.BaseExpression, scope: _Scope) -> str | None:
        """Tell which kind of HTTP client ``receiver`` is, or None."""
        if isinstance(receiver, cst.Call):
            return _CONSTRUCTORS.get(_qualify(receiver.func, self.aliases) or "")
        bindings: list[_Binding] = []
        if isinstance(receiver, cst.Name):
            bindings = _lookup(receiver.value, scope, self.module_scope) or []
        elif isinstance(receiver, cst.Attribute):
            class_scope = self._class_scope(receiver.value, scope)
            name = receiver.attr.value
            if class_scope is not None:
                bindings = class_scope.attributes.get(name, []) + class_scope.names.get(name, [])
            dotted = _dotted(receiver)
            if not bindings and dotted is not None:
                bindings = self.walker.dotted_bindings.get(dotted, [])
        for binding in bindings:
            if isinstance(binding.value, cst.Call):
                kind = _CONSTRUCTORS.get(_qualify(binding.value.func, self.aliases) or "")
                if kind is not None:
                    return kind
        # NOTE: a receiver of unknown origin counts as a client when its
        # name says so (`session.get(url)`, `self.http_client.post(url)`).
        name = (_last_name(receiver) or "").lower()
        if "session" in name or "client" in name:
            return "named"
        return None


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------


def _find_requests(walker: _Walker, resolver: _Resolver, text: str) -> list[Request]:
    requests: list[Request] = []
    for call, scope in walker.calls:
        found = _request_for(call, scope, resolver)
        if found is None:
            continue
        argument, url_argument = found
        callee = _written(call.func)
        start = walker.starts[id(call)]
        if callee is None:
            callee = " ".join(text[start : walker.ends.get(id(call), start)].split())
        url = None
        if argument is not None:
            url = resolver.resolve(argument, scope)
            if url is not None and url_argument.scheme is not None:
                url = _host_url(url, url_argument.scheme)
        if url is not None and not _has_static_text(url.value):
            url = None
        requests.append(Request(callee, start, url))
    requests.sort(key=lambda request: request.offset)
    return requests


def _request_for(
    call: cst.Call, scope: _Scope, resolver: _Resolver
) -> tuple[cst.BaseExpression | None, _UrlArgument] | None:
    """Return the URL argument of a request call and where it was taken from, or None."""
    func = call.func
    qualified = _qualify(func, resolver.aliases)
    if qualified is not None:
        spec = _MODULE_FUNCTIONS.get(qualified)
        if spec is not None:
            names = _HOST_KEYWORDS if spec.scheme else _URL_KEYWORDS
            return _argument(call, spec.position, names), spec
        kind = _CONSTRUCTORS.get(qualified)
        if kind is not None:
            if kind not in _BASE_URL_ARGUMENTS:
                return None
            base_url = _argument(call, _BASE_URL_ARGUMENTS[kind], ("base_url",))
            if base_url is None:
                return None
            return base_url, _UrlArgument(0)
    if not isinstance(func, cst.Attribute):
        return None
    kind = resolver.instance_kind(func.value, scope)
    if kind is None:
        return None
    method = _CLIENT_METHODS[kind].get(func.attr.value)
    if method is None:
        return None
    return _argument(call, method.position, _URL_KEYWORDS), method


def _host_url(host: Literal, scheme: str) -> Literal | None:
    """Build ``scheme://host`` for a connection class, only from a static plain host."""
    value = host.value
    if not value or not host.is_static or any(character in value for character in "/ \t@"):
        return None
    builder = _LiteralBuilder()
    builder.set_anchor(host.source_offset(0))
    # The scheme is implied by the class, so its characters map to the host's start.
    builder.add_unmapped(scheme + "://")
    builder.add_literal(host)
    return builder.build()


# ---------------------------------------------------------------------------
# Offsets when libcst does not reproduce the text
# ---------------------------------------------------------------------------


def _common_prefix_length(a: str, a_start: int, b: str, b_start: int) -> int:
    """Return how many characters ``a[a_start:]`` and ``b[b_start:]`` share at their start."""
    limit = min(len(a) - a_start, len(b) - b_start)
    low = 0
    step = 64
    # Gallop while whole blocks match, then bisect inside the first block that differs.
    while (
        low + step <= limit
        and a[a_start + low : a_start + low + step] == b[b_start + low : b_start + low + step]
    ):
        low += step
        step *= 2
    high = min(low + step, limit)
    while low < high:
        middle = (low + high + 1) // 2
        if a[a_start + low : a_start + middle] == b[b_start + low : b_start + middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _deleted_positions(text: str, regenerated: str) -> list[int] | None:
    """Return the offsets of ``text`` characters missing from ``regenerated``.

    Returns None unless ``regenerated`` is ``text`` with characters deleted.
    """
    deleted: list[int] = []
    position = 0
    index = 0
    while index < len(regenerated):
        shared = _common_prefix_length(text, position, regenerated, index)
        position += shared
        index += shared
        if index == len(regenerated):
            break
        if position >= len(text):
            return None
        deleted.append(position)
        position += 1
    deleted.extend(range(position, len(text)))
    return deleted


class _OffsetMap:
    """Map offsets in libcst's regenerated text back to the original text."""

    def __init__(self, deleted: list[int]) -> None:
        # Regenerated offset at which each deleted character was skipped.
        self.gaps = [offset - count for count, offset in enumerate(deleted)]
        self.memo: dict[int, Literal] = {}

    def offset(self, offset: int) -> int:
        return offset + bisect.bisect_right(self.gaps, offset)

    def literal(self, literal: Literal) -> Literal:
        mapped = self.memo.get(id(literal))
        if mapped is None:
            segments = tuple(
                Segment(segment.value_start, self.offset(segment.source_start), segment.length)
                for segment in literal.segments
            )
            mapped = Literal(literal.value, segments)
            self.memo[id(literal)] = mapped
        return mapped

    def apply(self, walker: _Walker) -> None:
        facts = walker.facts
        facts.strings = [self.literal(literal) for literal in facts.strings]
        facts.comments = [self.literal(literal) for literal in facts.comments]
        facts.credentials = [
            Credential(credential.name, self.literal(credential.literal), credential.context)
            for credential in facts.credentials
        ]
        walker.starts = {key: self.offset(value) for key, value in walker.starts.items()}
        walker.ends = {key: self.offset(value) for key, value in walker.ends.items()}


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------

_ERROR_POSITION = re.compile(r"error at (\d+):(\d+):?\s*")
_ERROR_KIND = re.compile(r"^\w+ error:\s*")


def _syntax_error_message(error: cst.ParserSyntaxError, text: str) -> str:
    # libcst 1.9 reports 1:1 as the position of every error. A parser error
    # has the real position in its message ("parser error: error at 2:0:
    # expected ..."); a tokenizer error has none, so CPython's parser finds
    # the line.
    lines = error.message.strip().splitlines()
    message = lines[0] if lines else "syntax error"
    position = _ERROR_POSITION.search(message)
    if position is not None:
        line, column = int(position.group(1)), int(position.group(2)) + 1
        detail = message[position.end() :] or message
        return f"invalid Python syntax at line {line}, column {column}: {detail}"
    detail = _ERROR_KIND.sub("", message)
    try:
        # The scanned code's own warnings (invalid escapes) are not ours to print.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<analyzed file>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as cpython_error:
        if cpython_error.lineno is not None:
            return f"invalid Python syntax at line {cpython_error.lineno}: {detail}"
    except (ValueError, RecursionError, MemoryError):
        pass
    return f"invalid Python syntax: {detail}"


def _parse(text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        raise AnalysisError(_syntax_error_message(error, text)) from None
    except RecursionError:
        raise AnalysisError("code is nested too deeply for libcst to parse") from None
    except MemoryError:
        raise AnalysisError("libcst ran out of memory while parsing") from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:
        # A panic in libcst's native parser arrives as pyo3's PanicException,
        # which derives from BaseException.
        raise AnalysisError(
            f"libcst failed to parse the file: {type(error).__name__}: {error}"
        ) from None


def analyze(text: str, settings: AnalyzerSettings) -> Facts:
    """Parse Python source and extract strings, comments, credentials and requests.

    ``text`` is the decoded source with any BOM removed. Raises AnalysisError
    when the source cannot be parsed or is nested too deeply to parse safely.
    """
    _check_nesting(text)
    module = _parse(text)
    walker = _Walker(module, settings.token_names)
    try:
        module._codegen(walker)
        regenerated = "".join(walker.tokens)
        if regenerated != text:
            # libcst 1.9 drops the indentation up to a form feed on a statement
            # line, and a lone CR that ends the file. Its offsets are mapped back
            # around the dropped characters.
            deleted = _deleted_positions(text, regenerated)
            if deleted is None:
                raise AnalysisError(
                    "libcst did not reproduce the source text, so offsets are unknown"
                )
            _OffsetMap(deleted).apply(walker)
        resolver = _Resolver(walker)
        walker.facts.requests = _find_requests(walker, resolver, text)
    except RecursionError:
        raise AnalysisError("code is nested too deeply for libcst to analyze") from None
    except MemoryError:
        raise AnalysisError("ran out of memory while analyzing the file") from None
    facts = walker.facts
    facts.strings.sort(key=_first_offset)
    facts.credentials.sort(key=lambda credential: _first_offset(credential.literal))
    facts.parsed = True
    return facts


def _first_offset(literal: Literal) -> int:
    return literal.segments[0].source_start if literal.segments else 0
