"""Find credentials: strings given to credential slots, and Bearer tokens in ``Authorization``.

A credential slot is a token-named variable, attribute, subscript or dict
key, parameter default or keyword argument, the default or ``or`` fallback
of an environment lookup of a token-named variable
(``os.getenv("API_TOKEN", "…")``), or a credential option of a ToughTongue
client.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import libcst as cst

from ttai_guard.analyzers.python.bindings import _BindingCollector, _Scope
from ttai_guard.analyzers.python.clients import _REQUEST_ATTRIBUTES
from ttai_guard.analyzers.python.nodes import (
    _argument,
    _dotted,
    _or_operands,
    _paired_elements,
    _qualify,
    _written,
)
from ttai_guard.analyzers.python.strings import _has_static_text, _slice_literal
from ttai_guard.facts import Credential, Literal
from ttai_guard.names import CLIENT_CREDENTIAL_KEYWORDS, is_token_name, is_toughtongue_client

_ENV_LOOKUPS_WRITTEN = frozenset(
    {
        "os.getenv",
        "os.environ.get",
        "os.environ.setdefault",
        "environ.get",
        "environ.setdefault",
        "getenv",
    }
)
_ENV_LOOKUPS_QUALIFIED = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_BEARER = re.compile(r"\s*bearer\s+", re.IGNORECASE)
_AUTHORIZATION_CONTEXT = "sent as the Bearer token in the `Authorization` header"


class _EnvLookup(NamedTuple):
    """An environment lookup call: the variable name, the callee as written, the default."""

    variable: str
    callee: str
    default: cst.BaseExpression | None


class _CredentialCollector(_BindingCollector):
    """Record a credential wherever a credential slot receives a string."""

    def __init__(self, module: cst.Module, extra_names: tuple[str, ...]) -> None:
        super().__init__(module)
        self.extra_names = extra_names
        self.env_lookups: dict[int, _EnvLookup] = {}
        self.credential_literals: set[Literal] = set()
        # Calls that may be requests, with their scope, for the request pass.
        self.calls: list[tuple[cst.Call, _Scope]] = []

    def _add_credential(self, name: str, literal: Literal, context: str) -> None:
        # An empty value, or one with nothing but DYNAMIC parts, is never a secret.
        if not _has_static_text(literal.value):
            return
        if literal in self.credential_literals:
            return
        self.credential_literals.add(literal)
        self.facts.credentials.append(Credential(name, literal, context))

    def _is_token_name(self, name: str) -> bool:
        return is_token_name(name, self.extra_names)

    def _slot_values(self, value: cst.BaseExpression) -> list[tuple[Literal, str]]:
        """Return the literals a credential slot receives, each with a context suffix.

        A string expression is the value itself. An environment lookup gives
        its default, and an ``or`` chain gives each string operand and lookup
        default.
        """
        literal = self.literals.get(id(value))
        if literal is not None:
            return [(literal, "")]
        found: list[tuple[Literal, str]] = []
        operands = _or_operands(value) if isinstance(value, cst.BooleanOperation) else [value]
        for operand in operands:
            literal = self.literals.get(id(operand))
            if literal is not None and len(operands) > 1:
                found.append((literal, ", as the fallback value"))
                continue
            lookup = self.env_lookups.get(id(operand))
            if lookup is not None and lookup.default is not None:
                default = self.literals.get(id(lookup.default))
                if default is not None:
                    found.append(
                        (default, f', as the default of `{lookup.callee}("{lookup.variable}")`')
                    )
        return found

    def _credential_slot(self, name: str, value: cst.BaseExpression, context: str) -> None:
        for literal, suffix in self._slot_values(value):
            self._add_credential(name, literal, context + suffix)

    def _keyed_credential(self, key: str, value: cst.BaseExpression, context: str) -> None:
        """Inspect a value stored under a string key (a dict entry or a subscript)."""
        if key.strip().lower() == "authorization":
            literal = self.literals.get(id(value))
            if literal is None:
                return
            bearer = _BEARER.match(literal.value)
            if bearer is not None:
                token = _slice_literal(literal, bearer.end())
                self._add_credential("Authorization", token, _AUTHORIZATION_CONTEXT)
        elif self._is_token_name(key):
            self._credential_slot(key, value, context)

    def _static_key(self, node: cst.BaseExpression | None) -> str | None:
        if node is None:
            return None
        literal = self.literals.get(id(node))
        if literal is None or not literal.is_static:
            return None
        return literal.value

    def _is_token_attribute(self, target: cst.Attribute) -> bool:
        name = target.attr.value
        if self._is_token_name(name):
            return True
        if name not in CLIENT_CREDENTIAL_KEYWORDS:
            return False
        owner = _dotted(target.value) or ""
        if is_toughtongue_client(owner):
            return True
        method = self.scope.method_scope()
        base = target.value
        return (
            method is not None
            and method.class_scope is not None
            and isinstance(base, cst.Name)
            and base.value == method.instance_name
            and is_toughtongue_client(method.class_scope.name)
        )

    def _target_credential(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            values = _paired_elements(target, value)
            if values is not None:
                for element, element_value in zip(target.elements, values, strict=True):
                    self._target_credential(element.value, element_value)
            return
        if isinstance(target, cst.Name):
            if self._is_token_name(target.value):
                self._credential_slot(target.value, value, f"assigned to `{target.value}`")
        elif isinstance(target, cst.Attribute):
            if self._is_token_attribute(target):
                written = _written(target) or target.attr.value
                self._credential_slot(written, value, f"assigned to `{written}`")
        elif isinstance(target, cst.Subscript) and len(target.slice) == 1:
            index = target.slice[0].slice
            key = self._static_key(index.value if isinstance(index, cst.Index) else None)
            if key is not None:
                base = _written(target.value) or "…"
                self._keyed_credential(key, value, f'assigned to `{base}["{key}"]`')

    def _leave_assign(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Assign)
        for target in node.targets:
            self._bind_target(target.target, node.value, "assign")
        for target in node.targets:
            self._target_credential(target.target, node.value)

    def _leave_annotated_assign(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.AnnAssign)
        if node.value is None:
            return
        self._bind_target(node.target, node.value, "assign")
        self._target_credential(node.target, node.value)

    def _leave_named_expression(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.NamedExpr)
        if isinstance(node.target, cst.Name):
            self._bind_name(node.target.value, node.value, "assign", walrus=True)
        self._target_credential(node.target, node.value)

    def _leave_param(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Param)
        name = node.name.value
        if node.default is not None and self._is_token_name(name):
            self._credential_slot(name, node.default, f"the default of parameter `{name}`")

    def _leave_dict(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Dict)
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                continue
            key = self._static_key(element.key)
            if key is None:
                continue
            if key.lower().startswith("x-"):
                context = f"sent in the `{key}` header"
            else:
                context = f"stored under the key `{key}`"
            self._keyed_credential(key, element.value, context)

    def _leave_boolean(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.BooleanOperation)
        if not isinstance(node.operator, cst.Or):
            return
        lookup: _EnvLookup | None = None
        for operand in _or_operands(node):
            found = self.env_lookups.get(id(operand))
            if found is not None and self._is_token_name(found.variable):
                lookup = found
                continue
            literal = self.literals.get(id(operand))
            if lookup is not None and literal is not None:
                context = f'the fallback for `{lookup.callee}("{lookup.variable}")`'
                self._add_credential(lookup.variable, literal, context)

    def _qualify(self, expression: cst.BaseExpression) -> str | None:
        return _qualify(expression, self.aliases)

    def _leave_call(self, node: cst.CSTNode) -> None:
        assert isinstance(node, cst.Call)
        func = node.func
        written = _written(func)
        qualified = self._qualify(func)
        if written in _ENV_LOOKUPS_WRITTEN or qualified in _ENV_LOOKUPS_QUALIFIED:
            self._env_lookup(node, written or qualified or "")
        client = is_toughtongue_client(written or "") or is_toughtongue_client(qualified or "")
        for argument in node.args:
            if argument.keyword is None:
                continue
            keyword = argument.keyword.value
            if self._is_token_name(keyword) or (client and keyword in CLIENT_CREDENTIAL_KEYWORDS):
                context = f"passed as `{keyword}=`"
                if written is not None:
                    context += f" to `{written}`"
                self._credential_slot(keyword, argument.value, context)
        if isinstance(func, cst.Name) or (
            isinstance(func, cst.Attribute) and func.attr.value in _REQUEST_ATTRIBUTES
        ):
            self.calls.append((node, self.scope))

    def _env_lookup(self, node: cst.Call, callee: str) -> None:
        variable_node = _argument(node, 0, ("key",))
        variable = self._static_key(variable_node)
        if variable is None:
            return
        default = _argument(node, 1, ("default",))
        self.env_lookups[id(node)] = _EnvLookup(variable, callee, default)
        if default is None or not self._is_token_name(variable):
            return
        literal = self.literals.get(id(default))
        if literal is not None:
            self._add_credential(variable, literal, f'the default of `{callee}("{variable}")`')
