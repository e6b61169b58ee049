"""Read libcst nodes: the node types of string expressions, dotted names and call arguments."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

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
