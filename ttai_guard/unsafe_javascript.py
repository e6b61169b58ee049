"""Rewrite hardcoded tokens in server-side JavaScript/TypeScript to ``process.env`` reads.

Edits replace the bytes of one literal each, so the rest of the file stays
byte for byte as it was:

* A string or template literal whose content is exactly the token becomes
  ``process.env.NAME`` (``{process.env.NAME}`` as a JSX attribute value).
* A string that contains the token next to other text becomes a template
  literal with a ``${process.env.NAME}`` substitution, and a template literal
  gets the substitution in place of the token.

* In TypeScript, a literal that is the whole initializer of a declaration
  with a type annotation (``const TOKEN: string = "..."``, a class field, a
  parameter default) becomes ``process.env.NAME ?? ""``, because
  ``process.env.NAME`` has the type ``string | undefined``, which ``strict``
  rejects there. The token then reads as "" when the variable is not set.

Not rewritten, with the reason given: tagged templates, tokens split across
literals or written with escapes, object keys, import and export sources,
literal types and enum members.

NOTE: a bare ``process.env.NAME`` in another typed place (a property of an
object literal of an interface type, an argument) can still fail a
``strict`` type check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tree_sitter import Node

from ttai_guard.analyzers.javascript.parser import _parser_for
from ttai_guard.unsafe_python import NameChooser, SiteOutcome, TokenSite

_LITERALS = ("string", "template_string")
_NO_EXPRESSION = {
    "import_statement",
    "export_statement",
    "literal_type",
    "import_require_clause",
    "external_module_reference",
    "module",
    "ambient_declaration",
}
_ANNOTATED_DECLARATIONS = {
    "variable_declarator",
    "public_field_definition",
    "required_parameter",
    "optional_parameter",
}
_PASS_THROUGH = {"binary_expression", "parenthesized_expression", "template_substitution"}


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: bytes


def _enclosing_literal(root: Node, offset: int) -> Node | None:
    node: Node | None = root.descendant_for_byte_range(offset, offset + 1)
    while node is not None and node.type not in _LITERALS:
        node = node.parent
    return node


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "surrogateescape")


def _env_member(node: Node) -> str | None:
    """Return NAME for a ``process.env.NAME`` expression, else None."""
    text = _text(node)
    match = re.fullmatch(r"process\.env\.([A-Za-z_$][\w$]*)", text)
    return match.group(1) if match else None


def _bound_name(literal: Node) -> str | None:
    """Return the variable, property or attribute the literal is assigned to."""
    child = literal
    parent = literal.parent
    while parent is not None and parent.type in _PASS_THROUGH:
        if parent.type == "binary_expression":
            for side in ("left", "right"):
                other = parent.child_by_field_name(side)
                if other is not None and other != child:
                    name = _env_member(other)
                    if name:
                        return name
        child, parent = parent, parent.parent
    if parent is None:
        return None
    field = {
        "variable_declarator": "name",
        "assignment_expression": "left",
        "pair": "key",
        "public_field_definition": "name",
        "jsx_attribute": None,
    }
    if parent.type not in field:
        return None
    if parent.type == "jsx_attribute":
        target = parent.named_children[0] if parent.named_children else None
    else:
        target = parent.child_by_field_name(field[parent.type] or "")
    if target is None or target == child:
        return None
    if target.type == "member_expression":
        target = target.child_by_field_name("property") or target
    name = _text(target)
    if target.type == "string":
        name = name[1:-1]
    return name or None


def _refusal(literal: Node) -> str:
    parent = literal.parent
    if parent is None:
        return ""
    if parent.type in _NO_EXPRESSION:
        return "the literal is a module source or a type, not a value"
    if parent.type == "pair" and parent.child_by_field_name("key") == literal:
        return "it is an object key"
    if literal.type == "template_string" and parent.type == "call_expression":
        return "it is a tagged template"
    if parent.type == "enum_assignment":
        return "it is an enum member, which must be a constant"
    return ""


def _annotated_initializer(literal: Node) -> bool:
    """Tell whether ``literal`` is the whole initializer of a type-annotated declaration."""
    parent = literal.parent
    if parent is None or parent.type not in _ANNOTATED_DECLARATIONS:
        return False
    return parent.child_by_field_name("type") is not None and (
        parent.child_by_field_name("value") == literal
    )


def _escape_template(text: str) -> str:
    return text.replace("`", "\\`").replace("${", "\\${")


def _replacement(literal: Node, tokens: dict[str, str]) -> tuple[str, str]:
    """Return the new text of ``literal`` in which each token reads its variable, or a reason."""
    raw = _text(literal)
    body = raw[1:-1]
    if literal.type == "template_string":
        # Only the text outside substitutions may be replaced.
        outside = re.sub(r"\$\{[^}]*\}", lambda match: "\0" * len(match.group(0)), body)
    else:
        outside = body
    pattern = re.compile("|".join(re.escape(token) for token in sorted(tokens, key=len)[::-1]))
    matches = list(pattern.finditer(outside))
    if len({match.group(0) for match in matches}) < len(tokens):
        return "", "it is split across literals or written with escapes"
    if len(matches) == 1 and matches[0].group(0) == body:
        expression = f"process.env.{tokens[body]}"
        if _annotated_initializer(literal):
            expression += ' ?? ""'
        if literal.parent is not None and literal.parent.type == "jsx_attribute":
            expression = "{" + expression + "}"
        return expression, ""
    pieces = []
    position = 0
    escape = _escape_template if literal.type == "string" else (lambda text: text)
    for match in matches:
        pieces.append(escape(body[position : match.start()]))
        pieces.append(f"${{process.env.{tokens[match.group(0)]}}}")
        position = match.end()
    pieces.append(escape(body[position:]))
    expression = "`" + "".join(pieces) + "`"
    if literal.parent is not None and literal.parent.type == "jsx_attribute":
        expression = "{" + expression + "}"
    return expression, ""


def rewrite_javascript(
    text: str,
    dialect: str,
    sites: Sequence[TokenSite],
    choose_name: NameChooser,
    offset_of: Callable[[int, int], int],
) -> tuple[str, list[SiteOutcome]]:
    """Return ``text`` with each site's token read from ``process.env``, and each outcome.

    ``offset_of`` turns a site's 1-based line and column into a text offset.
    """
    source = text.encode("utf-8", "surrogateescape")
    tree = _parser_for(dialect).parse(source)
    outcomes: list[SiteOutcome] = []
    by_literal: dict[tuple[int, int], tuple[Node, list[TokenSite]]] = {}
    for site in sites:
        offset = len(text[: offset_of(site.line, site.column)].encode("utf-8", "surrogateescape"))
        literal = _enclosing_literal(tree.root_node, offset)
        if literal is None:
            outcomes.append(SiteOutcome(site, reason="it is not in a string literal"))
            continue
        reason = _refusal(literal)
        if reason:
            outcomes.append(SiteOutcome(site, reason=reason))
            continue
        key = (literal.start_byte, literal.end_byte)
        by_literal.setdefault(key, (literal, []))[1].append(site)
    edits: list[_Edit] = []
    for literal, literal_sites in by_literal.values():
        # Check with stand-in names first, so a refused literal reserves no name.
        _, reason = _replacement(literal, {site.token: "NAME" for site in literal_sites})
        if reason:
            outcomes.extend(SiteOutcome(site, reason=reason) for site in literal_sites)
            continue
        binding = _bound_name(literal)
        names = {site.token: choose_name(site.token, binding) for site in literal_sites}
        replacement, _ = _replacement(literal, names)
        edits.append(_Edit(literal.start_byte, literal.end_byte, replacement.encode("utf-8")))
        outcomes.extend(SiteOutcome(site, name=names[site.token]) for site in literal_sites)
    for edit in sorted(edits, key=lambda item: item.start, reverse=True):
        source = source[: edit.start] + edit.text + source[edit.end :]
    return source.decode("utf-8", "surrogateescape"), outcomes
