"""Estimate how deeply Python source nests before libcst parses it."""

from __future__ import annotations

import re

from ttai_guard.analyzers import AnalysisError
from ttai_guard.textindex import LineIndex

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
