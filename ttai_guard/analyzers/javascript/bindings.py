"""Build scopes during the walk: declarations, imports, parameters, enums and reassignments."""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from ttai_guard.analyzers.javascript.credentials import _CredentialCollector
from ttai_guard.analyzers.javascript.scopes import (
    _NAME_NODES,
    _PATTERN_CONTAINERS,
    _Binding,
    _Scope,
)


class _BindingCollector(_CredentialCollector):
    """Declare names in their scopes and record the names that are assigned again."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.reassigned: set[str] = set()

    def _visit_assignment(self, node: Node, scope: _Scope) -> None:
        left = node.child_by_field_name("left")
        if left is None:
            return
        left = self._unwrap(left)
        if left.type == "identifier":
            self.reassigned.add(self._source(left))
        elif left.type in ("object_pattern", "array_pattern"):
            self.reassigned.update(self._pattern_names(left))
            return
        operator = self._operator(node)
        if node.type == "augmented_assignment_expression" and operator not in ("||=", "??="):
            return
        name: str | None = None
        right = node.child_by_field_name("right")
        if left.type == "identifier":
            name = self._source(left)
        elif left.type == "member_expression":
            name = self._property_name(left.child_by_field_name("property"))
            if right is not None and node.type == "assignment_expression":
                self._assign_member(left, right, scope)
        elif left.type == "subscript_expression":
            name = self._static_string(left.child_by_field_name("index"))
        self._bind_credential(name, right, f"assigned to `{name}`")

    def _assign_member(self, left: Node, right: Node, scope: _Scope) -> None:
        """Note ``obj.name = right``; later layers record what they need from it."""

    def _visit_update(self, node: Node, scope: _Scope) -> None:
        argument = node.child_by_field_name("argument")
        if argument is not None and argument.type == "identifier":
            self.reassigned.add(self._source(argument))

    def _visit_block(self, node: Node, scope: _Scope) -> _Scope:
        return _Scope(scope, is_function=False)

    def _visit_function(self, node: Node, scope: _Scope) -> _Scope:
        name = node.child_by_field_name("name")
        if name is not None and node.type.endswith("_declaration"):
            scope.declare(_Binding(self._source(name), "function"))
        inner = _Scope(scope, is_function=True)
        parameter = node.child_by_field_name("parameter")
        if parameter is not None and parameter.type == "identifier":
            inner.declare(_Binding(self._source(parameter), "param"))
        return inner

    def _visit_class(self, node: Node, scope: _Scope) -> None:
        name = node.child_by_field_name("name")
        if name is not None:
            scope.declare(_Binding(self._source(name), "function"))

    def _visit_parameters(self, node: Node, scope: _Scope) -> None:
        for name in self._pattern_names(node):
            scope.declare(_Binding(name, "param"))

    def _visit_for_in(self, node: Node, scope: _Scope) -> _Scope:
        inner = _Scope(scope, is_function=False)
        left = node.child_by_field_name("left")
        if left is None:
            return inner
        names = self._pattern_names(left)
        if node.child_by_field_name("kind") is None:
            # `for (x of items)` assigns to a variable declared elsewhere.
            self.reassigned.update(names)
        else:
            for name in names:
                inner.declare(_Binding(name, "param"))
        return inner

    def _visit_catch(self, node: Node, scope: _Scope) -> _Scope:
        inner = _Scope(scope, is_function=False)
        parameter = node.child_by_field_name("parameter")
        if parameter is not None:
            for name in self._pattern_names(parameter):
                inner.declare(_Binding(name, "param"))
        return inner

    def _pattern_names(self, node: Node) -> Iterator[str]:
        """Yield the names a binding pattern declares in source order, skipping default values."""
        stack = [node]
        while stack:
            current = stack.pop()
            kind = current.type
            if kind in _NAME_NODES:
                yield self._source(current)
            elif kind in ("assignment_pattern", "object_assignment_pattern"):
                left = current.child_by_field_name("left")
                if left is not None:
                    stack.append(left)
            elif kind in ("required_parameter", "optional_parameter"):
                pattern = current.child_by_field_name("pattern")
                if pattern is not None:
                    stack.append(pattern)
            elif kind == "pair_pattern":
                value = current.child_by_field_name("value")
                if value is not None:
                    stack.append(value)
            elif kind in _PATTERN_CONTAINERS:
                stack.extend(reversed(self._named(current)))

    def _visit_declaration(self, node: Node, scope: _Scope) -> None:
        kind_node = node.child_by_field_name("kind")
        kind = self._source(kind_node) if kind_node is not None else node.children[0].type
        target = scope.function_scope() if kind == "var" else scope
        for declarator in node.named_children:
            if declarator.type == "variable_declarator":
                self._declare(declarator, kind, target, scope)

    def _declare(self, declarator: Node, kind: str, target: _Scope, scope: _Scope) -> None:
        name_node = declarator.child_by_field_name("name")
        value = declarator.child_by_field_name("value")
        if name_node is None:
            return
        module = self._required_module(value)
        if name_node.type == "identifier":
            name = self._source(name_node)
            if module is not None:
                offset = self._start(name_node)
                binding = _Binding(name, "import", module=module, imported="*", offset=offset)
                target.declare(binding)
            else:
                target.declare(_Binding(name, kind, value=value, scope=scope))
            self._bind_credential(name, value, f"assigned to `{name}`")
            return
        if name_node.type != "object_pattern":
            for name in self._pattern_names(name_node):
                target.declare(_Binding(name, "param"))
            return
        for element in self._named(name_node):
            self._declare_destructured(element, kind, target, scope, value, module)

    def _declare_destructured(
        self,
        element: Node,
        kind: str,
        target: _Scope,
        scope: _Scope,
        source: Node | None,
        module: str | None,
    ) -> None:
        """Declare one name of ``const { a, b: c, d = "x" } = source``."""
        key: str | None = None
        local: Node | None = None
        default: Node | None = None
        if element.type == "shorthand_property_identifier_pattern":
            key = self._source(element)
            local = element
        elif element.type == "object_assignment_pattern":
            local = element.child_by_field_name("left")
            default = element.child_by_field_name("right")
            key = self._source(local) if local is not None else None
        elif element.type == "pair_pattern":
            key = self._property_name(element.child_by_field_name("key"))
            local = element.child_by_field_name("value")
            if local is not None and local.type == "assignment_pattern":
                default = local.child_by_field_name("right")
                local = local.child_by_field_name("left")
        if local is None or local.type not in _NAME_NODES or key is None:
            for name in self._pattern_names(element):
                target.declare(_Binding(name, "param"))
            return
        name = self._source(local)
        if module is not None:
            offset = self._start(local)
            target.declare(_Binding(name, "import", module=module, imported=key, offset=offset))
            return
        binding = _Binding(name, kind, value=source, scope=scope, key=key, default=default)
        target.declare(binding)

    def _required_module(self, value: Node | None) -> str | None:
        """Return ``m`` for ``require("m")`` and ``require("m").default``, else ``None``."""
        if value is None:
            return None
        value = self._unwrap(value)
        if value.type == "member_expression":
            prop = value.child_by_field_name("property")
            obj = value.child_by_field_name("object")
            if prop is None or obj is None or self._source(prop) != "default":
                return None
            value = self._unwrap(obj)
        if value.type != "call_expression":
            return None
        if self._callee_parts(value.child_by_field_name("function")) != ["require"]:
            return None
        arguments = self._arguments(value)
        return self._static_string(arguments[0]) if len(arguments) == 1 else None

    def _visit_import(self, node: Node, scope: _Scope) -> None:
        module = self._static_string(node.child_by_field_name("source"))
        if module is None:
            return
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for item in clause.named_children:
                if item.type == "identifier":
                    local = self._source(item)
                    offset = self._start(item)
                    scope.declare(
                        _Binding(local, "import", module=module, imported="default", offset=offset)
                    )
                elif item.type == "namespace_import":
                    for name in self._named(item):
                        local = self._source(name)
                        offset = self._start(name)
                        scope.declare(
                            _Binding(local, "import", module=module, imported="*", offset=offset)
                        )
                elif item.type == "named_imports":
                    self._declare_named_imports(item, module, scope)

    def _declare_named_imports(self, node: Node, module: str, scope: _Scope) -> None:
        for specifier in node.named_children:
            if specifier.type != "import_specifier":
                continue
            name = specifier.child_by_field_name("name")
            alias = specifier.child_by_field_name("alias")
            if name is None:
                continue
            if alias is None:
                alias = name
            imported = self._property_name(name) or self._source(name)
            local = self._source(alias)
            offset = self._start(alias)
            scope.declare(
                _Binding(local, "import", module=module, imported=imported, offset=offset)
            )

    def _visit_enum(self, node: Node, scope: _Scope) -> None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is not None:
            scope.declare(_Binding(self._source(name), "enum", value=body, scope=scope))
