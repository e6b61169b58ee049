"""Record scopes, imports and the names bound in each scope during code generation.

URL resolution reads these bindings after the pass, so a request may use a
constant that is assigned further down the module.
"""

from __future__ import annotations

from typing import NamedTuple

import libcst as cst

from ttai_guard.analyzers.python.nodes import _dotted, _paired_elements
from ttai_guard.analyzers.python.strings import _StringCollector


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


class _BindingCollector(_StringCollector):
    """Build the scope tree and bind names, ``self`` attributes and imported aliases."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(module)
        # Imported names (`r` -> `requests`) and scopes, for the request pass.
        self.aliases: dict[str, str] = {}
        self.module_scope = _Scope("module", None)
        self.scope = self.module_scope
        self.scope_owners: dict[int, cst.CSTNode] = {}
        self.classes: dict[str, _Scope] = {}
        self.dotted_bindings: dict[str, list[_Binding]] = {}

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
