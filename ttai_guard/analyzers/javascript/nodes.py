"""Read tree-sitter nodes: source text, code-point offsets, wrappers, callees, arguments."""

from __future__ import annotations

from dataclasses import dataclass, field

from tree_sitter import Node

from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.analyzers.javascript.parser import _OffsetMap
from ttai_guard.facts import Facts

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


@dataclass
class _NodeReader:
    """The text under analysis with its settings, dialect and facts, and helpers to read nodes.

    Each later layer of the analyzer subclasses the one before it.
    """

    text: str
    settings: AnalyzerSettings
    dialect: str = "javascript"
    facts: Facts = field(default_factory=Facts)

    def __post_init__(self) -> None:
        self.offsets = _OffsetMap(self.text)
        # Per-node results of `_unwrap`.
        self.unwrapped: dict[int, Node] = {}

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
