"""Fold string expressions into literals.

Folding covers quoted strings with their escapes, template literals,
``String.raw`` templates, ``+`` chains (decimal number operands included),
``[…].join(…)`` of string arrays and runs of JSX text. Outside URL
resolution, every other operand becomes ``DYNAMIC``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from tree_sitter import Node

from ttai_guard.analyzers.javascript.literals import _MAX_RESOLVED_LENGTH, _LiteralBuilder
from ttai_guard.analyzers.javascript.nodes import _WRAPPER_NODES, _NodeReader
from ttai_guard.analyzers.javascript.scopes import _Scope
from ttai_guard.facts import DYNAMIC, Literal

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


class _StringFolder(_NodeReader):
    """Fold string expressions and record strings and comments."""

    def __post_init__(self) -> None:
        super().__post_init__()
        # Ids of the nodes inside an emitted string expression, which the walk
        # must not emit again, and the folded value of each node folded so far.
        self.consumed: set[int] = set()
        self.folded: dict[int, Literal] = {}
        # Per-node results of `_is_string_expression`.
        self.string_expression: dict[int, bool] = {}

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
