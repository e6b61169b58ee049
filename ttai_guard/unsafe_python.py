"""Rewrite hardcoded tokens in Python source to ``os.environ`` lookups (``--unsafe-fixes``).

The rewrite is a LibCST transformation, so everything it does not replace,
comments and formatting included, is written back unchanged:

* A string literal whose value is exactly the token becomes
  ``os.environ["NAME"]``.
* A plain or raw ``str`` literal that contains the token next to other text
  (``"Bearer <token>"``), or that is one piece of an implicit concatenation,
  becomes an f-string that reads the variable: ``f"Bearer {os.environ['NAME']}"``.
* ``import os`` is added after the module docstring and the ``__future__``
  imports, unless the module already has a top-level ``import os`` (or
  ``import os.path``). ``from os import environ`` does not count, because the
  new code refers to ``os.environ``.

Not rewritten, with the reason given: bytes literals, tokens split across
several literals, tokens inside f-strings, tokens written with escape
sequences, docstrings and other string statements, literals in ``match``
patterns, annotations and ``Literal[...]`` subscripts, and literals where a
name ``os`` other than the top-level ``import os`` is visible (a parameter,
a local variable or a module-level assignment). The rewritten code raises
KeyError when the variable is not set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import (
    CodeRange,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from ttai_guard.names import is_token_name

#: Returns the environment variable name for a token, given the name its
#: literal is bound to (or None).
NameChooser = Callable[[str, str | None], str]

_GETENV_CALLEES = {"os.getenv", "os.environ.get", "getenv", "environ.get"}


@dataclass(frozen=True)
class TokenSite:
    """A token to move: its value and the 1-based line and column where it starts."""

    token: str
    line: int
    column: int


@dataclass(frozen=True)
class SiteOutcome:
    """The outcome for one site: the variable name it now reads, or why it was left."""

    site: TokenSite
    name: str = ""
    reason: str = ""


def _contains(code_range: CodeRange, line: int, column: int) -> bool:
    start, end = code_range.start, code_range.end
    if (line, column) < (start.line, start.column):
        return False
    return (line, column) < (end.line, end.column)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _string_value(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class _Finder(cst.CSTVisitor):
    """Collects the string literal that contains each site."""

    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    def __init__(self, sites: Sequence[TokenSite]) -> None:
        super().__init__()
        self.sites = sites
        self.strings: dict[TokenSite, cst.CSTNode] = {}

    def _claim(self, node: cst.CSTNode) -> None:
        code_range = self.get_metadata(PositionProvider, node)
        for site in self.sites:
            if _contains(code_range, site.line, site.column - 1):
                self.strings[site] = node

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._claim(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._claim(node)


class _Planner:
    """Decides the replacement of each literal and the variable name of each token."""

    def __init__(self, wrapper: MetadataWrapper, choose_name: NameChooser) -> None:
        self.parents = wrapper.resolve(ParentNodeProvider)
        self.scopes = wrapper.resolve(ScopeProvider)
        self.choose_name = choose_name
        self.replacements: dict[cst.CSTNode, cst.BaseExpression] = {}
        self.names: dict[cst.CSTNode, dict[str, str]] = {}

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def _ancestors(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        chain = []
        current = self.parent(node)
        while current is not None:
            chain.append(current)
            current = self.parent(current)
        return chain

    def bound_name(self, node: cst.CSTNode) -> str | None:
        """Return the variable, keyword, dict key or getenv name the literal is bound to."""
        child = node
        for parent in self._ancestors(node):
            if isinstance(parent, (cst.ConcatenatedString, cst.BinaryOperation)):
                child = parent
                continue
            if isinstance(parent, (cst.Assign, cst.AnnAssign)):
                targets = (
                    [item.target for item in parent.targets]
                    if isinstance(parent, cst.Assign)
                    else [parent.target]
                )
                return _target_name(targets[-1])
            if isinstance(parent, cst.NamedExpr):
                return _target_name(parent.target)
            if isinstance(parent, cst.DictElement) and parent.value is child:
                return _string_value(parent.key)
            if isinstance(parent, cst.Arg):
                if parent.keyword is not None:
                    return parent.keyword.value
                call = self.parent(parent)
                if isinstance(call, cst.Call) and _dotted(call.func) in _GETENV_CALLEES:
                    first = call.args[0].value if call.args else None
                    if first is not None and first is not child:
                        return _string_value(first)
                return None
            return None
        return None

    def refusal(self, node: cst.CSTNode, site: TokenSite) -> str:
        """Return why the literal at ``site`` cannot be rewritten, or ""."""
        if isinstance(node, cst.FormattedString):
            return "it is inside an f-string"
        assert isinstance(node, cst.SimpleString)
        if "b" in node.prefix.lower():
            return "it is a bytes literal"
        if self._is_string_statement(node):
            return (
                "a docstring is documentation, not configuration: remove the token by hand "
                "and rotate it"
            )
        for ancestor in self._ancestors(node):
            if isinstance(ancestor, cst.FormattedStringExpression):
                return "it is inside an f-string"
            if isinstance(ancestor, (cst.MatchPattern, cst.Annotation)):
                return "it is in a match pattern or an annotation"
            if isinstance(ancestor, cst.Subscript) and _dotted(ancestor.value).split(".")[-1] in (
                "Literal",
                "LiteralString",
            ):
                return "it is a type in a `Literal[...]` subscript"
        if self._os_shadowed(node):
            return (
                "a name `os` other than the module is visible there (a parameter, variable "
                "or import), so `os.environ` would not read the environment"
            )
        value = _string_value(node)
        if value is None or site.token not in value:
            return "it is split across several literals"
        if site.token not in node.value:
            return "it is written with escape sequences"
        return ""

    def _is_string_statement(self, node: cst.CSTNode) -> bool:
        """Tell whether ``node`` is (part of) a string that forms a whole statement.

        Such a string is a docstring when it comes first in a module, class or
        function, and documentation of the line above otherwise.
        """
        child = node
        parent = self.parent(node)
        while isinstance(parent, cst.ConcatenatedString):
            child, parent = parent, self.parent(parent)
        return isinstance(parent, cst.Expr) and parent.value is child

    def _os_shadowed(self, node: cst.CSTNode) -> bool:
        """Tell whether ``os`` at ``node`` could name something other than the os module."""
        scope = self.scopes.get(node)
        if not isinstance(scope, Scope):
            return False
        for assignment in scope["os"]:
            binding = getattr(assignment, "node", None)
            if not _imports_os_module(binding):
                return True
        return False

    def plan(self, node: cst.SimpleString, tokens: list[str]) -> None:
        """Record the replacement of ``node``, which contains every token of ``tokens``."""
        binding = self.bound_name(node)
        names = self.names.setdefault(node, {})
        for token in tokens:
            names[token] = self.choose_name(token, binding)
        value = _string_value(node)
        standalone = not isinstance(self.parent(node), cst.ConcatenatedString)
        if standalone and len(tokens) == 1 and value == tokens[0]:
            self.replacements[node] = cst.parse_expression(f'os.environ["{names[tokens[0]]}"]')
            return
        self.replacements[node] = _as_fstring(node, names)


def _target_name(target: cst.BaseExpression) -> str | None:
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, cst.Attribute):
        return target.attr.value
    if isinstance(target, cst.Subscript) and len(target.slice) == 1:
        index = target.slice[0].slice
        if isinstance(index, cst.Index):
            return _string_value(index.value)
    return None


def _as_fstring(node: cst.SimpleString, names: dict[str, str]) -> cst.BaseExpression:
    """Return ``node`` as an f-string in which each token reads its variable."""
    prefix = node.prefix.replace("u", "").replace("U", "")
    quote = node.quote
    body = node.value[len(node.prefix) + len(quote) : -len(quote)]
    inner = "'" if '"' in quote else '"'
    pattern = re.compile("|".join(re.escape(token) for token in sorted(names, key=len)[::-1]))
    pieces = []
    position = 0
    for match in pattern.finditer(body):
        pieces.append(body[position : match.start()].replace("{", "{{").replace("}", "}}"))
        pieces.append(f"{{os.environ[{inner}{names[match.group(0)]}{inner}]}}")
        position = match.end()
    pieces.append(body[position:].replace("{", "{{").replace("}", "}}"))
    return cst.parse_expression(f"{prefix}f{quote}{''.join(pieces)}{quote}")


class _Replacer(cst.CSTTransformer):
    def __init__(self, replacements: dict[cst.CSTNode, cst.BaseExpression]) -> None:
        super().__init__()
        self.replacements = replacements

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        replacement = self.replacements.get(original_node)
        if replacement is None:
            return updated_node
        # Keep the parentheses that were around the literal.
        return replacement.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)


def _imports_os_module(node: object) -> bool:
    """Tell whether ``node`` is an ``import`` that binds ``os`` to the os module."""
    if not isinstance(node, cst.Import):
        return False
    for alias in node.names:
        if _dotted(alias.name).split(".")[0] != "os":
            continue
        if alias.asname is None:
            return True
        target = alias.asname.name
        if isinstance(target, cst.Name) and target.value == "os" and _dotted(alias.name) == "os":
            return True
    return False


def _imports_os(module: cst.Module) -> bool:
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if alias.asname is None and _dotted(alias.name).split(".")[0] == "os":
                        return True
    return False


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_future_import(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return any(
        isinstance(small, cst.ImportFrom)
        and small.module is not None
        and _dotted(small.module) == "__future__"
        for small in statement.body
    )


def _add_import_os(module: cst.Module) -> cst.Module:
    """Insert ``import os`` after the docstring and ``__future__`` imports."""
    body = list(module.body)
    position = 0
    if body and _is_docstring(body[0]):
        position = 1
    while position < len(body) and _is_future_import(body[position]):
        position += 1
    body.insert(position, cst.parse_statement("import os\n"))
    return module.with_changes(body=body)


def rewrite_python(
    source: bytes, sites: Sequence[TokenSite], choose_name: NameChooser
) -> tuple[bytes, list[SiteOutcome]]:
    """Return ``source`` with each site's token read from the environment, and each outcome.

    Raises ``libcst.ParserSyntaxError`` when ``source`` is not valid Python.
    """
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    finder = _Finder(sites)
    wrapper.visit(finder)
    planner = _Planner(wrapper, choose_name)
    outcomes: list[SiteOutcome] = []
    accepted: dict[cst.SimpleString, list[TokenSite]] = {}
    for site in sites:
        node = finder.strings.get(site)
        if node is None:
            outcomes.append(SiteOutcome(site, reason="it is not in a string literal"))
            continue
        reason = planner.refusal(node, site)
        if reason:
            outcomes.append(SiteOutcome(site, reason=reason))
            continue
        assert isinstance(node, cst.SimpleString)
        accepted.setdefault(node, []).append(site)
    for node, node_sites in accepted.items():
        planner.plan(node, sorted({site.token for site in node_sites}))
        names = planner.names[node]
        outcomes.extend(SiteOutcome(site, name=names[site.token]) for site in node_sites)
    if not accepted:
        return source, outcomes
    rewritten = module.visit(_Replacer(planner.replacements))
    if not _imports_os(rewritten):
        rewritten = _add_import_os(rewritten)
    return rewritten.bytes, outcomes


def env_name_for(binding: str | None, extra_names: Sequence[str] = ()) -> str:
    """Return the variable name for a token bound to ``binding``, else ``TTAI_TOKEN``.

    A token-named binding is used in upper case, camelCase split at the humps
    (``ttaiApiKey`` gives ``TTAI_API_KEY``).
    """
    if binding and is_token_name(binding, extra_names):
        snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", binding)
        return re.sub(r"[^A-Z0-9_]", "_", snake.upper())
    return "TTAI_TOKEN"
