"""Read the static parts of JavaScript build configurations.

``next.config.*``, ``vite.config.*``, ``webpack.config.*``, ``nuxt.config.*``,
``astro.config.*`` and ``svelte.config.*`` are programs, but the parts that
decide what reaches client bundles are nearly always object literals: the
exported configuration object, ``define`` and ``env`` tables, plugin
arguments. :class:`ConfigReader` parses one file with tree-sitter, finds the
exported configuration objects and reads keys, strings and paths from them.
Every offset it returns is a code-point offset into the text it was given.
"""

from __future__ import annotations

import os.path
from collections.abc import Iterator
from pathlib import Path

from tree_sitter import Node

from ttai_guard.analyzers.javascript.parser import _OffsetMap, _parse

_TYPESCRIPT_SUFFIXES = (".ts", ".mts", ".cts")
# Wrappers that pass their operand through unchanged.
_TRANSPARENT = (
    "parenthesized_expression",
    "satisfies_expression",
    "as_expression",
    "await_expression",
)
_FUNCTIONS = ("arrow_function", "function_expression", "function_declaration", "function")
_MAX_DEPTH = 12


class ConfigReader:
    """One parsed configuration file with helpers to read its literal values."""

    def __init__(self, text: str, path: Path) -> None:
        self.text = text
        self.path = path
        dialect = "typescript" if path.suffix in _TYPESCRIPT_SUFFIXES else "javascript"
        self.root = _parse(text, dialect).root_node
        self._offsets = _OffsetMap(text)

    # --- Positions and scalar values --------------------------------------

    def start(self, node: Node) -> int:
        return self._offsets.char_offset(node.start_byte)

    def end(self, node: Node) -> int:
        return self._offsets.char_offset(node.end_byte)

    def source(self, node: Node) -> str:
        return self.text[self.start(node) : self.end(node)]

    def string(self, node: Node | None) -> tuple[str, int, int] | None:
        """Return the value of a string literal and the span of its content.

        Handles quoted strings and template literals without substitutions.
        Escape sequences are kept as written, which is enough for the names
        and paths that configurations hold.
        """
        if node is None:
            return None
        node = self.unwrap(node)
        if node.type not in ("string", "template_string"):
            return None
        if any(child.type == "template_substitution" for child in node.named_children):
            return None
        start = self.start(node) + 1
        end = self.end(node) - 1
        if end < start:
            return None
        return self.text[start:end], start, end

    def key(self, pair: Node) -> tuple[str, int, int] | None:
        """Return the name of an object member and the span of the name."""
        if pair.type == "shorthand_property_identifier":
            return self.source(pair), self.start(pair), self.end(pair)
        key = pair.child_by_field_name("key")
        if key is None:
            return None
        if key.type in ("property_identifier", "identifier", "number"):
            return self.source(key), self.start(key), self.end(key)
        return self.string(key)

    def unwrap(self, node: Node) -> Node:
        while node.type in _TRANSPARENT and node.named_children:
            node = node.named_children[0]
        return node

    # --- Objects ----------------------------------------------------------

    def members(self, node: Node | None) -> Iterator[tuple[tuple[str, int, int], Node | None]]:
        """Yield (key, value) for every named member of an object literal."""
        if node is None:
            return
        node = self.unwrap(node)
        if node.type != "object":
            return
        for child in node.named_children:
            if child.type not in ("pair", "shorthand_property_identifier"):
                continue
            key = self.key(child)
            if key is not None:
                yield key, child.child_by_field_name("value")

    def member(self, node: Node | None, name: str) -> Node | None:
        """Return the value of member ``name`` (the last one), or ``None``."""
        found = None
        for (key, _, _), value in self.members(node):
            if key == name:
                found = value
        return found

    def lookup(self, node: Node | None, *names: str) -> Node | None:
        """Follow nested members, ``lookup(config, "resolve", "alias")``."""
        for name in names:
            node = self.member(node, name)
            if node is None:
                return None
        return node

    def strings(self, node: Node | None) -> list[tuple[str, int, int]]:
        """Return a string, or the strings of an array literal, with their spans."""
        if node is None:
            return []
        node = self.unwrap(node)
        single = self.string(node)
        if single is not None:
            return [single]
        if node.type != "array":
            return []
        found = []
        for item in node.named_children:
            value = self.string(item)
            if value is not None:
                found.append(value)
        return found

    # --- The exported configuration ---------------------------------------

    def config_objects(self) -> list[Node]:
        """Return the object literals that the file exports as its configuration.

        Follows ``export default``, ``module.exports =``, wrapper calls
        (``defineConfig(...)``, ``withPlugin(config)``), functions returning
        an object, and identifiers bound by ``const`` in the file.
        """
        found: list[Node] = []
        for statement in self.root.named_children:
            if statement.type == "export_statement":
                value = statement.child_by_field_name("value")
                if value is None:
                    declaration = statement.child_by_field_name("declaration")
                    if declaration is not None and declaration.type in _FUNCTIONS:
                        value = declaration
                if value is not None:
                    self._collect_objects(value, found, 0)
            elif statement.type == "expression_statement" and statement.named_children:
                expression = statement.named_children[0]
                if expression.type != "assignment_expression":
                    continue
                left = expression.child_by_field_name("left")
                right = expression.child_by_field_name("right")
                if left is not None and right is not None and self.source(left) == "module.exports":
                    self._collect_objects(right, found, 0)
        return found

    def _collect_objects(self, node: Node, found: list[Node], depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        node = self.unwrap(node)
        if node.type == "object":
            found.append(node)
        elif node.type == "call_expression":
            arguments = node.child_by_field_name("arguments")
            for argument in arguments.named_children if arguments is not None else ():
                self._collect_objects(argument, found, depth + 1)
        elif node.type in _FUNCTIONS:
            body = node.child_by_field_name("body")
            if body is None:
                return
            if body.type == "statement_block":
                for returned in _return_values(body):
                    self._collect_objects(returned, found, depth + 1)
            else:
                self._collect_objects(body, found, depth + 1)
        elif node.type == "identifier":
            value = self._binding(self.source(node))
            if value is not None:
                self._collect_objects(value, found, depth + 1)

    def _binding(self, name: str) -> Node | None:
        """Return the initial value of a top-level ``const``/``let``/``var`` ``name``."""
        for statement in self.root.named_children:
            declaration = statement
            if statement.type == "export_statement":
                inner = statement.child_by_field_name("declaration")
                if inner is None:
                    continue
                declaration = inner
            if declaration.type in ("lexical_declaration", "variable_declaration"):
                for declarator in declaration.named_children:
                    if declarator.type != "variable_declarator":
                        continue
                    bound = declarator.child_by_field_name("name")
                    if bound is not None and self.source(bound) == name:
                        return declarator.child_by_field_name("value")
            elif declaration.type == "function_declaration":
                bound = declaration.child_by_field_name("name")
                if bound is not None and self.source(bound) == name:
                    return declaration
        return None

    # --- Searches over the whole file -------------------------------------

    def nodes(self, *types: str) -> Iterator[Node]:
        """Yield every node of the given types, in source order."""
        cursor = self.root.walk()
        while True:
            node = cursor.node
            if node is not None and node.type in types:
                yield node
            if cursor.goto_first_child():
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return

    def constructions(self, class_name: str) -> Iterator[Node]:
        """Yield the argument lists of ``new X(...)`` where ``X`` ends with ``class_name``."""
        for node in self.nodes("new_expression"):
            constructor = node.child_by_field_name("constructor")
            arguments = node.child_by_field_name("arguments")
            if constructor is None or arguments is None:
                continue
            name = self.source(constructor)
            if name == class_name or name.endswith("." + class_name):
                yield arguments

    # --- Paths ------------------------------------------------------------

    def path_value(self, node: Node | None) -> Path | None:
        """Evaluate a filesystem path expression relative to the config's directory.

        Understands string literals, ``path.resolve``/``path.join`` (and the
        bare imports ``resolve``/``join``) over ``__dirname``, ``process.cwd()``
        and strings, and ``fileURLToPath(new URL("./src", import.meta.url))``.
        Returns ``None`` for anything else.
        """
        if node is None:
            return None
        node = self.unwrap(node)
        base = self.path.parent
        literal = self.string(node)
        if literal is not None:
            return _join(base, [literal[0]])
        if node.type == "member_expression" and self.source(node).endswith(".pathname"):
            inner = node.child_by_field_name("object")
            return self.path_value(inner)
        if node.type == "new_expression":
            constructor = node.child_by_field_name("constructor")
            arguments = node.child_by_field_name("arguments")
            if constructor is None or arguments is None or self.source(constructor) != "URL":
                return None
            first = arguments.named_children[0] if arguments.named_children else None
            literal = self.string(first)
            return _join(base, [literal[0]]) if literal is not None else None
        if node.type != "call_expression":
            return None
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if function is None or arguments is None:
            return None
        name = self.source(function)
        if name in ("fileURLToPath", "url.fileURLToPath") and arguments.named_children:
            return self.path_value(arguments.named_children[0])
        if name not in ("path.resolve", "path.join", "resolve", "join"):
            return None
        parts: list[str] = []
        for argument in arguments.named_children:
            text = self.source(argument)
            if text in ("__dirname", "process.cwd()", "import.meta.dirname"):
                continue
            literal = self.string(argument)
            if literal is None:
                return None
            parts.append(literal[0])
        return _join(base, parts)


def _return_values(block: Node) -> Iterator[Node]:
    for statement in block.named_children:
        if statement.type == "return_statement" and statement.named_children:
            yield statement.named_children[0]


def _join(base: Path, parts: list[str]) -> Path:
    """Join path pieces under ``base``, reading a leading ``/`` as the config's directory."""
    path = base
    for part in parts:
        path = path / part.lstrip("/")
    return Path(os.path.normpath(path))
