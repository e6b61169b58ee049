"""Resolve an expression to the URL it builds.

Resolution follows names that are never reassigned (destructured ones too),
object properties (also through ``Object.freeze``), enum members, ``||`` and
``??`` fallbacks, ``String(x)``, ``x.toString()``, ``new URL(path, base)``,
``new Request(url)`` and ``.href``. Imported names resolve through
``AnalyzerSettings.imported_values``. Each part that it cannot follow, or that
lies deeper than ``_MAX_RESOLVE_DEPTH``, becomes ``DYNAMIC``.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ttai_guard.analyzers.javascript.bindings import _BindingCollector
from ttai_guard.analyzers.javascript.literals import (
    _DYNAMIC_LITERAL,
    _concat,
    _has_static_text,
    _is_fully_static,
    _slice_literal,
)
from ttai_guard.analyzers.javascript.scopes import _Binding, _Scope
from ttai_guard.analyzers.javascript.strings import _DECIMAL_NUMBER
from ttai_guard.facts import Literal, Segment

_SCHEME_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_ABSOLUTE_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//")
_URL_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#\x00]*")

# Maximum depth of one URL resolution, after which a part stays dynamic. Each
# constant, object property, operand and substitution followed adds one level.
# A level takes at most four Python frames, so resolution stays well inside
# the default recursion limit of 1000.
_MAX_RESOLVE_DEPTH = 64


class _Resolver(_BindingCollector):
    """Resolve expressions with the bindings of the whole file."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.resolved_bindings: dict[int, Literal | None] = {}
        self.imported_values = dict(self.settings.imported_values)

    def _imported_value(self, binding: _Binding, path: str = "") -> Literal | None:
        """Return the value that ``imported_values`` gives an imported name, else ``None``.

        ``path`` is a property path below the name (``"endpoints.analyze"``).
        The value comes from another file, so its one segment covers the
        local name in the import statement: a finding inside the value
        points at that name.
        """
        if binding.kind != "import" or binding.redeclared or not self.imported_values:
            return None
        key = f"{binding.name}.{path}" if path else binding.name
        value = self.imported_values.get(key)
        if value is None:
            return None
        length = min(len(value), len(binding.name))
        return Literal(value, (Segment(0, binding.offset, length),) if length else ())

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
        if kind == "string_fragment":
            # The text of a string left unclosed, recovered from a parse error.
            return Literal.at(self._source(node), self._start(node))
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
        if binding is not None and binding.kind == "import":
            return self._imported_value(binding) or _DYNAMIC_LITERAL
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
        binding = scope.lookup(self._source(current))
        if binding is not None and binding.kind == "import":
            imported = self._imported_value(binding, ".".join(reversed(keys)))
            return imported or _DYNAMIC_LITERAL

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
