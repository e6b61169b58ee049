"""Extract facts from JavaScript and TypeScript source with tree-sitter.

One analyzer serves JavaScript with JSX (``.js .mjs .cjs .jsx``), TypeScript
(``.ts .mts .cts``) and TSX (``.tsx``). The analyzers for HTML, Vue, Svelte
and Astro pass the text of each ``<script>`` block here, so every offset in the
returned facts is a code-point offset into the text passed in.

The tree is walked once with a cursor, so nesting depth costs no Python stack.
During the walk the analyzer folds string expressions, records comments and
credentials, and builds scopes with their bindings. Request calls are
collected on the way and resolved after the walk, when every binding of the
file is known, so a request may use a constant declared further down.

The analyzer class is a chain of subclasses, one module each: ``nodes``
(reading nodes), ``strings`` (folding string expressions), ``credentials``,
``bindings`` (scopes and declarations), ``resolve`` (URL resolution),
``requests`` (request calls) and ``modules`` (imports, exports, signals of
where the code runs, environment reads). :class:`_Analyzer` below adds the walk that
dispatches each node to its visitor. The ``parser`` module loads the grammars
and maps byte offsets to code points, ``literals`` and ``scopes`` hold the
value types that the layers share, and ``signals`` lists the names and modules
that show where code runs.
"""

from __future__ import annotations

from collections.abc import Callable

from tree_sitter import Node, Tree

from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.analyzers.javascript.modules import _ModuleCollector
from ttai_guard.analyzers.javascript.nodes import _WRAPPER_NODES
from ttai_guard.analyzers.javascript.parser import DIALECTS, _has_statement, _parse
from ttai_guard.analyzers.javascript.scopes import _FUNCTION_NODES, _Scope
from ttai_guard.facts import Facts

__all__ = ["DIALECTS", "analyze", "dialect_for_suffix"]

_DIALECT_BY_SUFFIX = {
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
}


def dialect_for_suffix(suffix: str) -> str | None:
    """Return the dialect that parses files ending in ``suffix`` (``".tsx"``), or ``None``."""
    normalized = "." + suffix.lower().lstrip(".")
    return _DIALECT_BY_SUFFIX.get(normalized)


def analyze(text: str, settings: AnalyzerSettings, dialect: str = "javascript") -> Facts:
    """Parse ``text`` as ``dialect`` and extract strings, credentials, requests and the module.

    Raises :class:`AnalysisError` when the parser recognises no statement at all,
    and :class:`ValueError` for a dialect other than those in :data:`DIALECTS`.
    """
    tree = _parse(text, dialect)
    root = tree.root_node
    if root.type == "ERROR" or (root.has_error and not _has_statement(root)):
        raise AnalysisError(f"invalid {dialect} source: the parser recognised no statement")
    return _Analyzer(text, settings, dialect).run(tree)


class _Analyzer(_ModuleCollector):
    """Extract the facts of one parsed text."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.module_scope = _Scope(None, is_function=True)
        self.first_error: int | None = None

        self.handlers: dict[str, Callable[[Node, _Scope], _Scope | None]] = {
            "comment": self._visit_comment,
            "html_comment": self._visit_comment,
            "hash_bang_line": self._visit_comment,
            "string": self._visit_string,
            "template_string": self._visit_string,
            "binary_expression": self._visit_binary,
            "call_expression": self._visit_call,
            "new_expression": self._visit_new,
            "jsx_element": self._visit_jsx_element,
            "jsx_attribute": self._visit_jsx_attribute,
            "lexical_declaration": self._visit_declaration,
            "variable_declaration": self._visit_declaration,
            "assignment_expression": self._visit_assignment,
            "augmented_assignment_expression": self._visit_assignment,
            "update_expression": self._visit_update,
            "pair": self._visit_pair,
            "field_definition": self._visit_field,
            "public_field_definition": self._visit_field,
            "assignment_pattern": self._visit_default,
            "object_assignment_pattern": self._visit_default,
            "required_parameter": self._visit_parameter,
            "optional_parameter": self._visit_parameter,
            "array": self._visit_array,
            "import_statement": self._visit_import,
            "enum_declaration": self._visit_enum,
            "class_declaration": self._visit_class,
            "formal_parameters": self._visit_parameters,
            "for_in_statement": self._visit_for_in,
            "catch_clause": self._visit_catch,
            "export_statement": self._visit_export,
            "shorthand_property_identifier": self._visit_identifier,
            "meta_property": self._visit_meta_property,
            "ERROR": self._visit_error,
        }
        for kind in _WRAPPER_NODES:
            self.handlers[kind] = self._visit_string
        for kind in _FUNCTION_NODES:
            self.handlers[kind] = self._visit_function
        for kind in ("statement_block", "for_statement", "switch_body"):
            self.handlers[kind] = self._visit_block

    def run(self, tree: Tree) -> Facts:
        root = tree.root_node
        self._walk(root)
        for call in self.calls:
            request = self._request(call)
            if request is not None:
                self.facts.requests.append(request)
        self.facts.modules.append(self._finish_module(root))
        if root.has_error:
            line = self._line_number(self.first_error or 0)
            self.facts.notes.append(f"parse errors near line {line}; read partly")
        self.facts.parsed = True
        return self.facts

    # --- Walking ---------------------------------------------------------

    def _walk(self, root: Node) -> None:
        """Visit every node in document order, tracking the innermost scope."""
        cursor = root.walk()
        goto_first_child = cursor.goto_first_child
        goto_next_sibling = cursor.goto_next_sibling
        goto_parent = cursor.goto_parent
        handlers = self.handlers
        check_errors = root.has_error
        watched = self.watched
        watch_identifier = self._watch_identifier

        depth = 0
        # The innermost scope, the depth of the node that opened it, and the
        # enclosing scopes to return to when the walk leaves that node.
        scope = self.module_scope
        scope_depth = -1
        outer: list[tuple[_Scope, int]] = []

        while True:
            node = cursor.node
            if node is None:
                return
            kind = node.type
            if kind == "identifier":
                # Identifiers are the most common named node, so the walk
                # checks their names itself instead of calling a handler.
                text = node.text
                if text is not None and (text in watched or text.startswith(b"HTML")):
                    watch_identifier(node, scope, text)
                handler = None
            else:
                handler = handlers.get(kind)
            # TypeScript's `string` keyword is an anonymous node of type "string".
            if handler is not None and node.is_named:
                inner = handler(node, scope)
                if inner is not None:
                    outer.append((scope, scope_depth))
                    scope = inner
                    scope_depth = depth
            if check_errors and self.first_error is None and (node.is_error or node.is_missing):
                self.first_error = self._start(node)
            if goto_first_child():
                depth += 1
                continue
            while True:
                if depth == scope_depth:
                    scope, scope_depth = outer.pop()
                if goto_next_sibling():
                    break
                if not goto_parent():
                    return
                depth -= 1

    def _line_number(self, offset: int) -> int:
        text = self.text
        crlf = text.count("\r\n", 0, offset)
        return text.count("\n", 0, offset) + text.count("\r", 0, offset) - crlf + 1
