"""Give every node its offset in the source while libcst regenerates the text.

libcst emits every token of the original text in order (``add_token``) and
calls ``before_codegen``/``after_codegen`` around every node, so the running
character count is the offset of the node being generated. When libcst drops
characters of the source, ``_OffsetMap`` maps the counted offsets back.
"""

from __future__ import annotations

import bisect

import libcst as cst

# NOTE: libcst's own position providers subclass `CodegenState` and call
# `Module._codegen`, but libcst exports neither. A libcst release that changes
# them breaks this analyzer.
from libcst._nodes.internal import CodegenState

from ttai_guard.facts import Credential, Facts, Literal, Segment


class _OffsetTracker(CodegenState):
    """Count the characters libcst emits and record the offsets of strings and calls."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.offset = 0
        # The facts that this class and its subclasses collect.
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

    def _enter_string(self, node: cst.CSTNode) -> None:
        if node.lpar:  # type: ignore[attr-defined]
            self.pending_node = node
            token = node.value if type(node) is cst.SimpleString else node.start  # type: ignore[attr-defined]
            self.pending_token = token
        else:
            self.starts[id(node)] = self.offset

    def _enter_offset(self, node: cst.CSTNode) -> None:
        self.starts[id(node)] = self.offset

    def _enter_call(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Call)
        self.call_of_func[id(node.func)] = node


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

    def apply(self, walker: _OffsetTracker) -> None:
        facts = walker.facts
        facts.strings = [self.literal(literal) for literal in facts.strings]
        facts.comments = [self.literal(literal) for literal in facts.comments]
        facts.credentials = [
            Credential(credential.name, self.literal(credential.literal), credential.context)
            for credential in facts.credentials
        ]
        walker.starts = {key: self.offset(value) for key, value in walker.starts.items()}
        walker.ends = {key: self.offset(value) for key, value in walker.ends.items()}
