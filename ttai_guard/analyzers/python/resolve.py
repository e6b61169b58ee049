"""Resolve expressions to Literals through constants, string formatting and ``urljoin``."""

from __future__ import annotations

import re
from collections.abc import Sequence

import libcst as cst

from ttai_guard.analyzers.python.bindings import _Binding, _lookup, _Scope
from ttai_guard.analyzers.python.clients import _CONSTRUCTORS
from ttai_guard.analyzers.python.credentials import _CredentialCollector
from ttai_guard.analyzers.python.nodes import (
    _STRING_TYPES,
    _argument,
    _dotted,
    _keyword,
    _last_name,
    _positional,
    _qualify,
    _written,
)
from ttai_guard.analyzers.python.strings import _fold, _has_static_text, _LiteralBuilder
from ttai_guard.facts import Literal

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


class _Resolver:
    """Resolve expressions to Literals through constants, f-strings and URL helpers.

    A name resolves when, in the scope it refers to, it is bound exactly once,
    by an assignment. ``self.NAME`` (and ``cls.NAME``, ``ClassName.NAME``)
    resolves when the class body or ``__init__`` binds it exactly once.
    """

    def __init__(self, walker: _CredentialCollector) -> None:
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
