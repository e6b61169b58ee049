"""Read which components an ``.astro`` template renders, and which it hydrates.

An ``.astro`` file is frontmatter (server code between two ``---`` lines)
followed by a template. A component tag in the template such as
``<Counter client:load />`` or ``<UI.Menu client:visible>`` makes Astro ship
that component to the browser. Only the tag's name and its attributes are
read. Attribute values in quotes or braces are skipped, so a ``>`` or a
``client:`` inside them does not count.
"""

from __future__ import annotations

import re

_COMPONENT_TAG = re.compile(r"<([A-Za-z_$][\w$]*(?:\.[\w$]+)*)")
_CLIENT_DIRECTIVE = re.compile(r"(?<![\w:.-])client:([A-Za-z][\w-]*)")
_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def template_of(text: str) -> str:
    """Return the template part of an ``.astro`` file: everything after the frontmatter."""
    if not text.lstrip().startswith("---"):
        return text
    fences = list(_FENCE.finditer(text, 0))
    if len(fences) < 2:
        return ""
    return text[fences[1].end() :]


def rendered_components(text: str) -> dict[str, str]:
    """Map each component name the template renders to its ``client:*`` directive, or "".

    ``<UI.Menu client:idle>`` maps ``UI``, the name the frontmatter imports.
    A name rendered several times maps to the first directive it has.
    """
    template = template_of(text)
    found: dict[str, str] = {}
    for match in _COMPONENT_TAG.finditer(template):
        name = match.group(1)
        if not (name[0].isupper() or "." in name):
            continue
        base = name.split(".", 1)[0]
        directive = _CLIENT_DIRECTIVE.search(_attributes(template, match.end()))
        if directive is not None and not found.get(base):
            found[base] = directive.group(1)
        else:
            found.setdefault(base, "")
    return found


def _attributes(template: str, start: int) -> str:
    """Return the attribute text of the tag opened before ``start``, without values."""
    kept: list[str] = []
    depth = 0
    quote = ""
    for position in range(start, len(template)):
        character = template[position]
        if quote:
            if character == quote:
                quote = ""
            continue
        if depth:
            if character == "{":
                depth += 1
            elif character == "}":
                depth -= 1
            elif character in "\"'`":
                quote = character
            continue
        if character == ">":
            break
        if character in "\"'`":
            quote = character
            kept.append(" ")
        elif character == "{":
            depth = 1
            kept.append(" ")
        else:
            kept.append(character)
    return "".join(kept)
