"""Collect the module facts that decide where code runs: imports, exports, signals, env reads.

This layer fills one :class:`~ttai_guard.facts.Module` per parsed text during
the same cursor walk as the other layers. It records a few node kinds
(imports, exports, calls, identifiers with watched names). It finishes after
the walk, when every binding is known, so it can tell a free global from a
local name, and a use of an import inside a server-only function from one
outside it.

Conventions of the facts built here:

- Offsets of import specifiers and directives point at the first character
  inside the quotes, like the segments of folded strings.
- An ``import()`` whose argument is a template or ``+`` chain with
  substitutions is recorded when its text starts with a static prefix. Its
  specifier is that prefix followed by :data:`~ttai_guard.facts.DYNAMIC`
  (``"./locales/\\x00"``), and a consumer should treat it as a reference to
  every module whose specifier starts with the prefix.
- ``names`` of ``export * from "m"`` is ``(("*", "*"),)`` and of
  ``export * as ns from "m"`` is ``(("*", "ns"),)``. For other ``export ...
  from`` statements each pair is (name in ``m``, exported name).
- Client and server signals describe the code outside ``server_regions``:
  an occurrence inside such a region is not recorded, and an import whose
  bindings are used only there (``server_only``) gives no signal.
- ``env_refs`` lists every read, also those inside ``server_regions``, so a
  consumer that cares compares their offsets with the regions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tree_sitter import Node

from ttai_guard.analyzers.javascript.requests import _RequestCollector
from ttai_guard.analyzers.javascript.scopes import _Scope
from ttai_guard.analyzers.javascript.signals import (
    BROWSER_GLOBALS,
    JSX_EVENT_PROP,
    REACT_CLIENT_FUNCTIONS,
    REACT_CLIENT_HOOKS,
    import_side,
    is_browser_global,
)
from ttai_guard.facts import DYNAMIC, EnvRef, Import, Literal, Module, Region
from ttai_guard.tokens import find_tokens

_NEXT_LABEL = "inside `{name}`, which Next.js runs only on the server"
_REMIX_LABEL = "inside `{name}`, which Remix and React Router run only on the server"
_SERVER_EXPORTS = {
    "getServerSideProps": _NEXT_LABEL,
    "getStaticProps": _NEXT_LABEL,
    "getStaticPaths": _NEXT_LABEL,
    "loader": _REMIX_LABEL,
    "action": _REMIX_LABEL,
}
_USE_SERVER_LABEL = "inside a function marked 'use server', which runs only on the server"

_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function"})
_TYPE_DECLARATIONS = frozenset(
    {"interface_declaration", "type_alias_declaration", "ambient_declaration"}
)
# Parents of an identifier that declares a name rather than reading it.
_DECLARING_PARENTS = frozenset(
    {"import_specifier", "import_clause", "namespace_import", "import_require_clause"}
)
# Parents of an identifier that is no reference to a global variable: JSX tag
# names and TypeScript type queries. `typeof window` is checked on its own.
_NOT_GLOBAL_PARENTS = frozenset(
    {
        "jsx_opening_element",
        "jsx_closing_element",
        "jsx_self_closing_element",
        "type_query",
    }
)
_ENV_MODULES = ("$env/static/", "$env/dynamic/")
_PROLOGUE_NODES = frozenset({"expression_statement", "comment", "html_comment"})
_WORKER_CONSTRUCTORS = frozenset({"Worker", "SharedWorker"})
# Maximum nesting of object literals that exported values are flattened from.
_MAX_EXPORT_DEPTH = 8


@dataclass
class _PendingImport:
    """An import found during the walk, finished when its bindings' uses are known.

    ``locals`` are the names it binds that decide ``server_only`` and
    ``scope`` the scope of the statement that binds them.
    """

    specifier: str
    offset: int
    kind: str
    names: tuple[tuple[str, str], ...] = ()
    type_only: bool = False
    locals: tuple[str, ...] = ()
    scope: _Scope | None = None


def _same(first: Node | None, second: Node) -> bool:
    return first is not None and first.id == second.id


class _ModuleCollector(_RequestCollector):
    """Build the :class:`Module` of the text during the walk and finish it after."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.pending_imports: list[_PendingImport] = []
        # Names whose identifier nodes are kept for the end of the walk: the
        # globals that are signals and every local name an import binds. They
        # are UTF-8 bytes, compared with the node text without decoding it.
        watched = {"process", "require", "chrome", "browser", *BROWSER_GLOBALS}
        self.watched = {name.encode() for name in watched}
        self.references: list[tuple[Node, _Scope, str]] = []
        self.pending_exports: list[tuple[str, Node, _Scope]] = []
        self.export_names: list[str] = []
        self.server_regions: list[Region] = []
        self.client_signals: dict[str, int] = {}
        self.server_signals: dict[str, int] = {}
        self.env_refs: list[EnvRef] = []
        # `useRuntimeConfig()` calls stored in a constant, by constant name.
        self.runtime_configs: dict[str, Node] = {}

    # --- Recording -------------------------------------------------------

    def _in_server_region(self, offset: int) -> bool:
        return any(region.start <= offset < region.end for region in self.server_regions)

    def _signal(self, side: str, reason: str, offset: int) -> None:
        if self._in_server_region(offset):
            return
        found = self.client_signals if side == "client" else self.server_signals
        if reason not in found or offset < found[reason]:
            found[reason] = offset

    def _add_region(self, body: Node | None, label: str) -> None:
        if body is None:
            return
        start, end = self._start(body), self._end(body)
        if not any(r.start == start and r.end == end for r in self.server_regions):
            self.server_regions.append(Region(start, end, label))

    def _specifier(self, node: Node | None) -> tuple[str, int] | None:
        """Return a module specifier and the offset of its text, or ``None``.

        A string with substitutions gives its static prefix followed by
        :data:`DYNAMIC`, or ``None`` when it starts with a substitution.
        """
        if node is None:
            return None
        node = self._unwrap(node)
        if not self._is_string_expression(node):
            return None
        literal = self._string_literal(node)
        if literal is None or not literal.value or literal.value[0] == DYNAMIC:
            return None
        value = literal.value
        cut = value.find(DYNAMIC)
        if cut >= 0:
            value = value[: cut + 1]
        return value, literal.source_offset(0)

    # --- Directives ------------------------------------------------------

    def _prologue(self, body: Node) -> Iterator[tuple[str, Node]]:
        """Yield the directives at the start of a program or function body."""
        for index in range(body.named_child_count):
            child = body.named_child(index)
            if child is None:
                return
            if child.type in ("comment", "hash_bang_line", "html_comment"):
                continue
            if child.type != "expression_statement":
                return
            inner = self._named(child)
            if len(inner) != 1 or inner[0].type != "string":
                return
            literal = self._string_literal(inner[0])
            if literal is None:
                return
            yield literal.value, inner[0]

    def _read_directive(self, root: Node, module: Module) -> None:
        for value, node in self._prologue(root):
            if value in ("use client", "use server"):
                module.directive = value
                module.directive_offset = self._start(node) + 1
                return

    def _visit_function(self, node: Node, scope: _Scope) -> _Scope:
        inner = super()._visit_function(node, scope)
        body = node.child_by_field_name("body")
        if body is None or body.type != "statement_block" or not body.named_child_count:
            return inner
        first = body.named_child(0)
        if first is not None and first.type in _PROLOGUE_NODES:
            for value, _ in self._prologue(body):
                if value == "use server":
                    self._add_region(body, _USE_SERVER_LABEL)
                    break
        return inner

    # --- Imports ---------------------------------------------------------

    def _visit_import(self, node: Node, scope: _Scope) -> None:
        super()._visit_import(node, scope)
        found = self._specifier(node.child_by_field_name("source"))
        names: list[tuple[str, str]] = []
        locals_: list[str] = []
        typed = self._has_keyword(node, "type")
        all_typed = True
        for clause in node.named_children:
            if clause.type == "import_require_clause":
                # TypeScript's `import x = require("m")`.
                found = self._specifier(clause.child_by_field_name("source"))
                for item in clause.named_children:
                    if item.type == "identifier":
                        names.append(("*", self._source(item)))
                        locals_.append(self._source(item))
                        all_typed = False
            if clause.type != "import_clause":
                continue
            for item in clause.named_children:
                if item.type == "identifier":
                    names.append(("default", self._source(item)))
                    locals_.append(self._source(item))
                    all_typed = False
                elif item.type == "namespace_import":
                    for name in self._named(item):
                        names.append(("*", self._source(name)))
                        locals_.append(self._source(name))
                    all_typed = False
                elif item.type == "named_imports":
                    all_typed = self._named_imports(item, names, locals_) and all_typed
        if found is None:
            return
        specifier, offset = found
        type_only = typed or (bool(names) and all_typed)
        self._add_import(
            _PendingImport(specifier, offset, "import", tuple(names), type_only, (), scope),
            () if type_only else tuple(locals_),
        )
        if specifier.startswith("$env/static/"):
            self._static_env_imports(node, specifier)

    def _named_imports(self, node: Node, names: list[tuple[str, str]], locals_: list[str]) -> bool:
        """Add the pairs of ``{ a, b as c }``; return whether every specifier is a type."""
        all_typed = True
        for specifier in node.named_children:
            if specifier.type != "import_specifier":
                continue
            name = specifier.child_by_field_name("name")
            alias = specifier.child_by_field_name("alias") or name
            if name is None or alias is None:
                continue
            imported = self._property_name(name) or self._source(name)
            local = self._source(alias)
            names.append((imported, local))
            if not self._has_keyword(specifier, "type"):
                all_typed = False
                locals_.append(local)
        return all_typed

    @staticmethod
    def _has_keyword(node: Node, keyword: str) -> bool:
        return any(not child.is_named and child.type == keyword for child in node.children)

    def _add_import(self, pending: _PendingImport, locals_: tuple[str, ...]) -> None:
        pending.locals = locals_
        self.watched.update(local.encode() for local in locals_)
        self.pending_imports.append(pending)

    def _static_env_imports(self, node: Node, module: str) -> None:
        """Record ``import { PUBLIC_X } from "$env/static/public"`` as reads of ``PUBLIC_X``."""
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for item in clause.named_children:
                if item.type != "named_imports":
                    continue
                for specifier in item.named_children:
                    name = specifier.child_by_field_name("name")
                    if specifier.type == "import_specifier" and name is not None:
                        start, end = self._start(name), self._end(name)
                        self.env_refs.append(EnvRef(self._source(name), start, end, module))

    def _require_import(self, call: Node, scope: _Scope) -> None:
        """Record ``require("m")`` and the names its result is bound to."""
        arguments = self._arguments(call)
        if len(arguments) != 1:
            return
        found = self._specifier(arguments[0])
        if found is None or DYNAMIC in found[0]:
            return
        names: list[tuple[str, str]] = []
        holder = call.parent
        imported = "*"
        if holder is not None and holder.type == "member_expression":
            prop = holder.child_by_field_name("property")
            imported = self._source(prop) if prop is not None else "*"
            holder = holder.parent
        if holder is not None and holder.type == "variable_declarator":
            target = holder.child_by_field_name("name")
            if target is not None and target.type == "identifier":
                names.append((imported, self._source(target)))
            elif target is not None and target.type == "object_pattern" and imported == "*":
                names.extend(self._destructured_names(target))
        locals_ = tuple(local for _, local in names)
        pending = _PendingImport(found[0], found[1], "require", tuple(names), scope=scope)
        self._add_import(pending, locals_)

    def _destructured_names(self, pattern: Node) -> Iterator[tuple[str, str]]:
        for element in self._named(pattern):
            if element.type == "shorthand_property_identifier_pattern":
                name = self._source(element)
                yield name, name
            elif element.type == "object_assignment_pattern":
                left = element.child_by_field_name("left")
                if left is not None:
                    yield self._source(left), self._source(left)
            elif element.type == "pair_pattern":
                key = self._property_name(element.child_by_field_name("key"))
                value = element.child_by_field_name("value")
                if value is not None and value.type == "assignment_pattern":
                    value = value.child_by_field_name("left")
                if key is not None and value is not None and value.type == "identifier":
                    yield key, self._source(value)

    def _dynamic_import(self, node: Node | None) -> None:
        found = self._specifier(node)
        if found is not None:
            self.pending_imports.append(_PendingImport(found[0], found[1], "dynamic"))

    # --- Exports ---------------------------------------------------------

    def _visit_export(self, node: Node, scope: _Scope) -> None:
        source = node.child_by_field_name("source")
        if source is not None:
            self._export_from(node, source, scope)
            return
        is_default = self._has_keyword(node, "default")
        declaration = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        if declaration is not None:
            self._export_declaration(declaration, is_default, scope)
        elif value is not None:
            self.export_names.append("default")
            self.pending_exports.append(("default", value, scope))
            self._check_worker(value)
        for clause in node.named_children:
            if clause.type != "export_clause":
                continue
            for specifier in clause.named_children:
                name = specifier.child_by_field_name("name")
                alias = specifier.child_by_field_name("alias") or name
                if specifier.type != "export_specifier" or name is None or alias is None:
                    continue
                exported = self._property_name(alias) or self._source(alias)
                self.export_names.append(exported)
                if name.type == "identifier":
                    self.pending_exports.append((exported, name, scope))

    def _export_from(self, node: Node, source: Node, scope: _Scope) -> None:
        found = self._specifier(source)
        names: list[tuple[str, str]] = []
        all_typed = True
        for child in node.named_children:
            if child.type == "namespace_export":
                for name in self._named(child):
                    names.append(("*", self._source(name)))
                    self.export_names.append(self._source(name))
                all_typed = False
            elif child.type == "export_clause":
                for specifier in child.named_children:
                    original = specifier.child_by_field_name("name")
                    alias = specifier.child_by_field_name("alias") or original
                    if specifier.type != "export_specifier" or original is None or alias is None:
                        continue
                    imported = self._property_name(original) or self._source(original)
                    exported = self._property_name(alias) or self._source(alias)
                    names.append((imported, exported))
                    self.export_names.append(exported)
                    if not self._has_keyword(specifier, "type"):
                        all_typed = False
        if not names:
            names.append(("*", "*"))
            all_typed = False
        if found is None:
            return
        type_only = self._has_keyword(node, "type") or all_typed
        pending = _PendingImport(found[0], found[1], "export", tuple(names), type_only)
        self.pending_imports.append(pending)

    def _export_declaration(self, declaration: Node, is_default: bool, scope: _Scope) -> None:
        kind = declaration.type
        if kind in _TYPE_DECLARATIONS:
            return
        if kind in ("lexical_declaration", "variable_declaration"):
            for declarator in declaration.named_children:
                if declarator.type == "variable_declarator":
                    self._export_declarator(declarator, scope)
            return
        name_node = declaration.child_by_field_name("name")
        name = "default" if is_default or name_node is None else self._source(name_node)
        self.export_names.append(name)
        label = _SERVER_EXPORTS.get(name)
        if label is not None and kind in ("function_declaration", "generator_function_declaration"):
            self._add_region(declaration.child_by_field_name("body"), label.format(name=name))

    def _export_declarator(self, declarator: Node, scope: _Scope) -> None:
        name_node = declarator.child_by_field_name("name")
        value = declarator.child_by_field_name("value")
        if name_node is None:
            return
        if name_node.type != "identifier":
            self.export_names.extend(self._pattern_names(name_node))
            return
        name = self._source(name_node)
        self.export_names.append(name)
        if value is None:
            return
        self.pending_exports.append((name, name_node, scope))
        label = _SERVER_EXPORTS.get(name)
        function = self._unwrap(value)
        if label is not None and function.type in _FUNCTION_VALUES:
            self._add_region(function.child_by_field_name("body"), label.format(name=name))

    def _check_worker(self, value: Node) -> None:
        """Record ``export default { fetch(request, env) {...} }``, a Workers entry point."""
        value = self._unwrap(value)
        if value.type != "object":
            return
        for member in self._named(value):
            if member.type == "method_definition":
                key = member.child_by_field_name("name")
            elif member.type == "pair":
                key = member.child_by_field_name("key")
            elif member.type == "shorthand_property_identifier":
                key = member
            else:
                continue
            if self._property_name(key) == "fetch":
                reason = "exports a Worker `fetch` handler (`export default { fetch }`)"
                self._signal("server", reason, self._start(member))
                return

    def _visit_commonjs_export(self, left: Node, right: Node, scope: _Scope) -> None:
        """Record ``module.exports = value``, ``exports.A = value`` and ``module.exports.A``."""
        parts = self._callee_parts(left)
        if parts == ["module", "exports"]:
            target = self._dereference(right, scope, 0)[0]
            if target.type == "object":
                for key, _ in self._object_members(target):
                    self.export_names.append(key)
                self.pending_exports.append(("", right, scope))
            else:
                self.export_names.append("default")
                self.pending_exports.append(("default", right, scope))
        elif parts is not None and len(parts) == 2 and parts[0] == "exports":
            self.export_names.append(parts[1])
            self.pending_exports.append((parts[1], right, scope))
        elif parts is not None and len(parts) == 3 and parts[:2] == ["module", "exports"]:
            self.export_names.append(parts[2])
            self.pending_exports.append((parts[2], right, scope))

    def _object_members(self, target: Node) -> Iterator[tuple[str, Node]]:
        """Yield the static keys and value nodes of an object literal (spreads skipped)."""
        for member in self._named(target):
            if member.type == "pair":
                key = self._property_name(member.child_by_field_name("key"))
                value = member.child_by_field_name("value")
                if key is not None and value is not None:
                    yield key, value
            elif member.type == "shorthand_property_identifier":
                yield self._source(member), member

    def _export_values(self, key: str, node: Node, scope: _Scope) -> Iterator[tuple[str, Literal]]:
        """Yield the static values of an exported expression, objects flattened with dots."""
        stack = [(key, node, scope, 0)]
        while stack:
            key, node, scope, depth = stack.pop()
            target, target_scope = self._dereference(node, scope, 0)
            if target.type == "object":
                if depth >= _MAX_EXPORT_DEPTH:
                    continue
                members = [
                    (f"{key}.{name}" if key else name, value, target_scope, depth + 1)
                    for name, value in self._object_members(target)
                ]
                stack.extend(reversed(members))
                continue
            if not key:
                continue
            literal = self._resolve(node, scope, 0)
            if literal.is_static and next(find_tokens(literal.value), None) is None:
                yield key, literal

    # --- Calls, names and JSX --------------------------------------------

    def _called(
        self, node: Node, function: Node | None, parts: list[str] | None, scope: _Scope
    ) -> None:
        if parts is None:
            if function is not None and function.type == "import":
                arguments = self._arguments(node)
                self._dynamic_import(arguments[0] if arguments else None)
            return
        name = parts[-1]
        if name in REACT_CLIENT_HOOKS:
            self._signal("client", f"calls the React hook `{name}`", self._start(node))
        elif name in REACT_CLIENT_FUNCTIONS:
            self._signal("client", f"calls the React function `{name}`", self._start(node))
        elif len(parts) == 1 and name == "require":
            self._require_import(node, scope)
        elif len(parts) == 1 and name == "useRuntimeConfig":
            self._runtime_config(node)
        elif parts[-2:] == ["serviceWorker", "register"] and "navigator" in parts:
            # The browser loads the service worker script from this URL.
            self._worker_script(self._arguments(node))

    def _visit_new(self, node: Node, scope: _Scope) -> None:
        super()._visit_new(node, scope)
        constructor = node.child_by_field_name("constructor")
        if constructor is None or constructor.type != "identifier":
            return
        if self._source(constructor) not in _WORKER_CONSTRUCTORS:
            return
        self._worker_script(self._arguments(node))

    def _worker_script(self, arguments: list[Node]) -> None:
        """Record the script a worker runs, given as a string or as ``new URL(path, base)``."""
        if not arguments:
            return
        target = self._unwrap(arguments[0])
        if target.type == "new_expression":
            inner = target.child_by_field_name("constructor")
            url_arguments = self._arguments(target)
            if inner is None or self._source(inner) != "URL" or not url_arguments:
                return
            target = url_arguments[0]
        self._dynamic_import(target)

    def _assign_member(self, left: Node, right: Node, scope: _Scope) -> None:
        super()._assign_member(left, right, scope)
        text = left.text
        if text is not None and text.startswith((b"module", b"exports")):
            self._visit_commonjs_export(left, right, scope)

    def _visit_jsx_attribute(self, node: Node, scope: _Scope) -> None:
        super()._visit_jsx_attribute(node, scope)
        name = node.named_children[0] if node.named_child_count else None
        if name is not None and name.type == "property_identifier":
            prop = self._source(name)
            if JSX_EVENT_PROP.fullmatch(prop):
                self._signal("client", f"sets the JSX event prop `{prop}`", self._start(name))

    def _visit_identifier(self, node: Node, scope: _Scope) -> None:
        text = node.text
        if text is not None and (text in self.watched or text.startswith(b"HTML")):
            self._watch_identifier(node, scope, text)

    def _watch_identifier(self, node: Node, scope: _Scope, text: bytes) -> None:
        """Keep an identifier whose UTF-8 ``text`` is watched or starts with ``HTML``."""
        name = text.decode()
        if text in self.watched or is_browser_global(name):
            self.references.append((node, scope, name))

    def _visit_meta_property(self, node: Node, scope: _Scope) -> None:
        parent = node.parent
        if self._source(node) != "import.meta" or parent is None:
            return
        if parent.type == "member_expression" and _same(parent.child_by_field_name("object"), node):
            prop = parent.child_by_field_name("property")
            if prop is not None and self._source(prop) == "env":
                self._env_access(parent, "import.meta.env")

    # --- Environment reads -----------------------------------------------

    def _env_access(self, env: Node, via: str) -> None:
        """Record the variables read from ``env``, a node that evaluates to an env object."""
        parent = env.parent
        if parent is None:
            return
        if parent.type == "member_expression" and _same(parent.child_by_field_name("object"), env):
            prop = parent.child_by_field_name("property")
            if prop is not None and prop.type == "property_identifier":
                start, end = self._start(prop), self._end(prop)
                self.env_refs.append(EnvRef(self._source(prop), start, end, via))
        elif parent.type == "subscript_expression":
            index = parent.child_by_field_name("index")
            if not _same(parent.child_by_field_name("object"), env) or index is None:
                return
            literal = self._string_literal(self._unwrap(index))
            if literal is not None and literal.is_static and literal.value:
                start = literal.source_offset(0)
                end = literal.source_end(len(literal.value))
                self.env_refs.append(EnvRef(literal.value, start, end, via))
            else:
                self.env_refs.append(EnvRef("", self._start(index), self._end(index), via))
        elif parent.type == "variable_declarator" and _same(
            parent.child_by_field_name("value"), env
        ):
            pattern = parent.child_by_field_name("name")
            if pattern is not None and pattern.type == "object_pattern":
                self._destructured_env(pattern, via)

    def _destructured_env(self, pattern: Node, via: str) -> None:
        """Record ``const { A, B: b, C = "x", ...rest } = process.env``."""
        for element in self._named(pattern):
            key: Node | None = None
            name: str | None = None
            if element.type == "shorthand_property_identifier_pattern":
                key = element
            elif element.type == "object_assignment_pattern":
                key = element.child_by_field_name("left")
            elif element.type == "pair_pattern":
                key = element.child_by_field_name("key")
                name = self._property_name(key)
            elif element.type == "rest_pattern":
                self.env_refs.append(EnvRef("", self._start(element), self._end(element), via))
                continue
            if key is None:
                continue
            if name is None and key.type in ("shorthand_property_identifier_pattern", "identifier"):
                name = self._source(key)
            if name is not None:
                self.env_refs.append(EnvRef(name, self._start(key), self._end(key), via))

    def _runtime_config(self, call: Node) -> None:
        """Record Nuxt's ``useRuntimeConfig().public.X``; remember ``c = useRuntimeConfig()``."""
        parent = call.parent
        if parent is None:
            return
        if parent.type == "member_expression" and _same(parent.child_by_field_name("object"), call):
            self._runtime_public(parent)
        elif parent.type == "variable_declarator" and _same(
            parent.child_by_field_name("value"), call
        ):
            name = parent.child_by_field_name("name")
            if name is not None and name.type == "identifier":
                self.runtime_configs[self._source(name)] = call
                self.watched.add(self._source(name).encode())

    def _runtime_public(self, member: Node) -> None:
        """Record the reads below ``member`` when it reads ``.public`` of a runtime config."""
        prop = member.child_by_field_name("property")
        if prop is not None and self._source(prop) == "public":
            self._env_access(member, "runtimeConfig")

    # --- After the walk --------------------------------------------------

    def _finish_module(self, root: Node) -> Module:
        module = Module(start=0, end=len(self.text), dialect=self.dialect)
        self._read_directive(root, module)
        uses = self._resolve_references()
        for pending in self.pending_imports:
            module.imports.append(self._finish_import(pending, uses))
        for key, node, scope in self.pending_exports:
            for name, literal in self._export_values(key, node, scope):
                module.exports[name] = literal
        module.export_names = list(dict.fromkeys(self.export_names))
        module.server_regions = list(self.server_regions)
        module.client_signals = sorted(self.client_signals.items(), key=lambda item: item[1])
        module.server_signals = sorted(self.server_signals.items(), key=lambda item: item[1])
        module.env_refs = sorted(self.env_refs, key=lambda ref: ref.start)
        return module

    def _finish_import(self, pending: _PendingImport, uses: dict[int, list[int]]) -> Import:
        server_only = False
        if pending.locals and pending.scope is not None and self.server_regions:
            offsets: list[int] = []
            for local in pending.locals:
                binding = pending.scope.lookup(local)
                offsets.extend(uses.get(id(binding), ()) if binding is not None else ())
            server_only = bool(offsets) and all(self._in_server_region(o) for o in offsets)
        if not pending.type_only and not server_only and DYNAMIC not in pending.specifier:
            side = import_side(pending.specifier)
            if side is not None:
                self._signal(side, f"imports `{pending.specifier}`", pending.offset)
        return Import(
            pending.specifier,
            pending.offset,
            pending.kind,
            pending.names,
            pending.type_only,
            server_only,
        )

    def _resolve_references(self) -> dict[int, list[int]]:
        """Sort the watched identifiers into globals and uses of bindings.

        Returns the offsets where each binding (by ``id``) is read.
        """
        uses: dict[int, list[int]] = {}
        for node, scope, name in self.references:
            parent = node.parent
            parent_type = parent.type if parent is not None else ""
            if parent_type in _DECLARING_PARENTS or parent_type == "pair_pattern":
                continue
            if parent_type == "variable_declarator" and _same(
                parent.child_by_field_name("name") if parent is not None else None, node
            ):
                continue
            binding = scope.lookup(name)
            if binding is None:
                if f"uses the browser global `{name}`" not in self.client_signals:
                    self._free_name(node, name, parent, parent_type)
                continue
            uses.setdefault(id(binding), []).append(self._start(node))
            if binding.kind == "import" and parent is not None:
                module = binding.module or ""
                if module.startswith("$env/dynamic/") and binding.imported == "env":
                    self._env_access(node, module)
                elif module in ("process", "node:process") and binding.imported in ("*", "default"):
                    self._process_env(node, parent)
            elif (
                name in self.runtime_configs
                and parent is not None
                and parent.type == "member_expression"
                and _same(binding.value, self.runtime_configs[name])
            ):
                self._runtime_public(parent)
        return uses

    def _free_name(self, node: Node, name: str, parent: Node | None, parent_type: str) -> None:
        """Record a signal or env read for a name that no scope of the file declares."""
        offset = self._start(node)
        if name == "process":
            if parent is not None:
                self._process_env(node, parent)
            return
        if parent is None or parent_type != "member_expression":
            if is_browser_global(name) and not self._is_type_check(parent, parent_type):
                self._signal("client", f"uses the browser global `{name}`", offset)
            return
        prop = parent.child_by_field_name("property")
        prop_name = self._source(prop) if prop is not None else ""
        is_object = _same(parent.child_by_field_name("object"), node)
        if name in ("chrome", "browser"):
            if is_object and prop_name == "runtime":
                self._signal("client", f"uses the extension API `{name}.runtime`", offset)
        elif name == "require":
            if is_object and prop_name == "main" and self._compares_with_module(parent):
                reason = "runs as a Node.js entry point (`require.main === module`)"
                self._signal("server", reason, offset)
        elif is_browser_global(name):
            self._signal("client", f"uses the browser global `{name}`", offset)

    def _is_type_check(self, parent: Node | None, parent_type: str) -> bool:
        """Tell whether a global appears as a JSX tag name, in ``typeof`` or in a type query."""
        if parent_type == "unary_expression":
            return parent is not None and self._operator(parent) == "typeof"
        return parent_type in _NOT_GLOBAL_PARENTS

    def _process_env(self, node: Node, parent: Node) -> None:
        if parent.type != "member_expression" or not _same(
            parent.child_by_field_name("object"), node
        ):
            return
        prop = parent.child_by_field_name("property")
        if prop is not None and self._source(prop) == "env":
            self._env_access(parent, "process.env")

    def _compares_with_module(self, member: Node) -> bool:
        comparison = member.parent
        if comparison is None or comparison.type != "binary_expression":
            return False
        if self._operator(comparison) not in ("===", "=="):
            return False
        left = comparison.child_by_field_name("left")
        right = comparison.child_by_field_name("right")
        other = right if _same(left, member) else left
        return other is not None and other.type == "identifier" and self._source(other) == "module"
