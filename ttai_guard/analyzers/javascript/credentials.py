"""Find credentials: string values given to token-named slots, and ``Authorization`` Bearer tokens.

A slot is a variable, property, class field, default value, JSX attribute,
environment-variable fallback (``process.env.X || "…"``) or a credential
option of a ToughTongue client.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ttai_guard.analyzers.javascript.literals import _has_static_text, _slice_literal
from ttai_guard.analyzers.javascript.scopes import _NAME_NODES, _Scope
from ttai_guard.analyzers.javascript.strings import _StringFolder
from ttai_guard.facts import Credential, Literal
from ttai_guard.names import CLIENT_CREDENTIAL_KEYWORDS, is_token_name, is_toughtongue_client

_BEARER_PREFIX = re.compile(r"bearer[ \t]+", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")

# Header setters whose first argument is the header name (`headers.set`,
# `xhr.setRequestHeader`, superagent `.set`).
_HEADER_SETTERS = frozenset({"set", "append", "setRequestHeader"})

_AUTHORIZATION_CONTEXT = "sent as the Bearer token in the `Authorization` header"


class _CredentialCollector(_StringFolder):
    """Record a credential wherever a token-named slot or ``Authorization`` header gets a string."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.credential_keys: set[tuple[str, int, str]] = set()

    def _visit_jsx_attribute(self, node: Node, scope: _Scope) -> None:
        children = self._named(node)
        if len(children) != 2:
            return
        name = self._source(children[0])
        value = children[1]
        if value.type == "jsx_expression":
            inner = self._named(value)
            if len(inner) != 1:
                return
            value = inner[0]
        self._bind_credential(name, value, f"assigned to `{name}`")
        element = node.parent
        if element is not None and name in CLIENT_CREDENTIAL_KEYWORDS:
            tag = element.child_by_field_name("name")
            if tag is not None and is_toughtongue_client(self._source(tag)):
                literal = self._string_literal(value)
                self._add_credential(name, literal, f"passed as `{name}` to `{self._source(tag)}`")

    def _add_credential(self, name: str, literal: Literal | None, context: str) -> None:
        if literal is None or not _has_static_text(literal):
            return
        first = literal.segments[0].source_start if literal.segments else -1
        key = (name, first, literal.value)
        if key in self.credential_keys:
            return
        self.credential_keys.add(key)
        self.facts.credentials.append(Credential(name, literal, context))

    def _bind_credential(self, name: str | None, value: Node | None, context: str) -> None:
        """Add a credential when a token-named slot receives a string expression."""
        if name is None or value is None:
            return
        if name.lower() == "authorization":
            self._add_bearer(value)
        elif is_token_name(name, self.settings.token_names):
            self._add_credential(name, self._string_literal(value), context)

    def _add_bearer(self, value: Node) -> None:
        literal = self._string_literal(value)
        if literal is None:
            return
        match = _BEARER_PREFIX.match(literal.value)
        if match is not None:
            token = _slice_literal(literal, match.end())
            self._add_credential("Authorization", token, _AUTHORIZATION_CONTEXT)

    def _visit_pair(self, node: Node, scope: _Scope) -> None:
        name = self._property_name(node.child_by_field_name("key"))
        self._bind_credential(name, node.child_by_field_name("value"), f"assigned to `{name}`")

    def _visit_field(self, node: Node, scope: _Scope) -> None:
        key = node.child_by_field_name("property")
        if key is None:
            key = node.child_by_field_name("name")
        name = self._property_name(key)
        self._bind_credential(name, node.child_by_field_name("value"), f"assigned to `{name}`")

    def _visit_default(self, node: Node, scope: _Scope) -> None:
        """Check a default value in destructuring or a parameter list."""
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        names = [self._source(left)] if left is not None and left.type in _NAME_NODES else []
        parent = node.parent
        if parent is not None and parent.type == "pair_pattern":
            names.append(self._property_name(parent.child_by_field_name("key")) or "")
        for name in names:
            if is_token_name(name, self.settings.token_names):
                literal = self._string_literal(right) if right is not None else None
                self._add_credential(name, literal, f"the default value of `{name}`")
                return

    def _visit_parameter(self, node: Node, scope: _Scope) -> None:
        pattern = node.child_by_field_name("pattern")
        value = node.child_by_field_name("value")
        if pattern is not None and value is not None and pattern.type == "identifier":
            name = self._source(pattern)
            if is_token_name(name, self.settings.token_names):
                literal = self._string_literal(value)
                self._add_credential(name, literal, f"the default value of `{name}`")

    def _visit_binary(self, node: Node, scope: _Scope) -> None:
        operator = self._operator(node)
        if operator == "+":
            if node.id not in self.consumed:
                self._string_literal(node)
            return
        if operator not in ("||", "??"):
            return
        left = node.child_by_field_name("left")
        while left is not None:
            left = self._unwrap(left)
            if left.type != "binary_expression" or self._operator(left) not in ("||", "??"):
                break
            left = left.child_by_field_name("right")
        read = self._env_read(left)
        if read is None:
            return
        name, expression = read
        right = node.child_by_field_name("right")
        if right is not None and is_token_name(name, self.settings.token_names):
            literal = self._string_literal(right)
            self._add_credential(name, literal, f"the fallback for `{expression}`")

    def _env_read(self, node: Node | None) -> tuple[str, str] | None:
        """Return the variable name and the source of an environment read, else ``None``.

        Recognises ``process.env.X``, ``process.env["X"]``, ``import.meta.env.X``,
        ``Bun.env.X`` and ``Deno.env.get("X")``.
        """
        if node is None:
            return None
        name: str | None = None
        if node.type in ("member_expression", "subscript_expression"):
            obj = node.child_by_field_name("object")
            if obj is None or not self._is_env_object(obj):
                return None
            if node.type == "member_expression":
                name = self._property_name(node.child_by_field_name("property"))
            else:
                name = self._static_string(node.child_by_field_name("index"))
        elif node.type == "call_expression":
            parts = self._callee_parts(node.child_by_field_name("function"))
            arguments = self._arguments(node)
            if parts == ["Deno", "env", "get"] and len(arguments) == 1:
                name = self._static_string(arguments[0])
        if name is None:
            return None
        return name, _WHITESPACE.sub("", self._source(node))

    def _is_env_object(self, node: Node) -> bool:
        node = self._unwrap(node)
        if node.type != "member_expression":
            return False
        prop = node.child_by_field_name("property")
        obj = node.child_by_field_name("object")
        if prop is None or obj is None or self._source(prop) != "env":
            return False
        if obj.type == "meta_property":
            return True
        return obj.type == "identifier" and self._source(obj) in ("process", "Bun")

    def _visit_array(self, node: Node, scope: _Scope) -> None:
        """Check a ``["Authorization", "Bearer …"]`` header entry."""
        elements = self._named(node)
        if len(elements) != 2:
            return
        first = self._unwrap(elements[0])
        if first.type != "string":
            return
        name = self._static_string(first)
        if name is not None and name.lower() == "authorization":
            self._add_bearer(elements[1])

    def _check_call_credentials(self, node: Node, parts: list[str] | None) -> None:
        arguments = self._arguments(node)
        if parts and parts[-1] in _HEADER_SETTERS and len(parts) > 1 and len(arguments) >= 2:
            header = self._static_string(arguments[0])
            if header is not None and header.lower() == "authorization":
                self._add_bearer(arguments[1])
        if not parts or not is_toughtongue_client(".".join(parts)):
            return
        callee = ("new " if node.type == "new_expression" else "") + ".".join(parts)
        for argument in arguments:
            argument = self._unwrap(argument)
            if argument.type != "object":
                continue
            for pair in self._named(argument):
                if pair.type != "pair":
                    continue
                name = self._property_name(pair.child_by_field_name("key"))
                value = pair.child_by_field_name("value")
                if name in CLIENT_CREDENTIAL_KEYWORDS and value is not None:
                    literal = self._string_literal(value)
                    self._add_credential(name, literal, f"passed as `{name}` to `{callee}`")
