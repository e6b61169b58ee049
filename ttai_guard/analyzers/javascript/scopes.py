"""Scopes, the bindings declared in them, and the node kinds that open scopes or declare names."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node


@dataclass(eq=False)
class _Binding:
    """A name declared in a scope.

    ``kind`` is the declaring keyword (``const``, ``let``, ``var``) or one of
    ``import``, ``enum``, ``param`` and ``function``. ``value`` is the
    initializer, whose identifiers resolve in ``scope``. A destructured
    binding reads ``key`` from ``value`` and falls back to ``default``.
    Imports record the ``module``, the ``imported`` name (``default``,
    ``*`` or the exported name) and the ``offset`` of the local name in the
    import statement or ``require`` declaration.
    """

    name: str
    kind: str
    value: Node | None = None
    scope: _Scope | None = None
    key: str | None = None
    default: Node | None = None
    module: str | None = None
    imported: str | None = None
    offset: int = -1
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
_PATTERN_CONTAINERS = frozenset(
    {"object_pattern", "array_pattern", "rest_pattern", "pair_pattern", "formal_parameters"}
)
_NAME_NODES = frozenset({"identifier", "shorthand_property_identifier_pattern"})
