"""TTAI101 hardcoded-token and TTAI102 hardcoded-credential."""

from __future__ import annotations

from collections.abc import Iterator

from ttai_guard import filekinds
from ttai_guard.facts import DYNAMIC, Facts, Literal
from ttai_guard.rules import FileContext, Hit
from ttai_guard.tokens import find_tokens, is_plausible_credential, redact
from ttai_guard.urls import find_urls, is_api_url

_CODE_KINDS = frozenset(
    {
        filekinds.PYTHON,
        filekinds.NOTEBOOK,
        *filekinds.JS_DIALECTS,
        *filekinds.SCRIPT_BLOCK_KINDS,
    }
)


def remedy(kind: str) -> str:
    """Return the fix to suggest for a secret found in a file of ``kind``."""
    if kind in _CODE_KINDS:
        return "Read it from an environment variable"
    if kind == filekinds.ENV:
        return "Keep real values only in a .env file that git ignores and does not track"
    if kind == filekinds.DOCKERFILE:
        return "Pass it at run time (a build secret or `docker run --env`) instead"
    return "Load it from the environment or a secret store at run time"


def _token_hits(literal: Literal, seen: set[int], kind: str) -> Iterator[Hit]:
    for token in find_tokens(literal.value):
        start = literal.source_offset(token.start)
        if start in seen:
            continue
        seen.add(start)
        spans = tuple(literal.source_spans(token.start, token.end))
        end = spans[-1][1] if spans else start + len(token.value)
        split = " (split across several literals)" if len(spans) > 1 else ""
        yield Hit(
            rule="TTAI101",
            start=start,
            end=end,
            message=(
                f"Hardcoded ToughTongue token `{redact(token.value)}`{split}. "
                f"{remedy(kind)}, and rotate this token."
            ),
            identity=token.value,
            secret_spans=spans,
        )


def check_tokens(context: FileContext, facts: Facts) -> Iterator[Hit]:
    """Report every real-looking token, in the raw text and in folded literals."""
    if context.secrets_belong_here:
        return
    seen: set[int] = set()
    yield from _token_hits(Literal.at(context.text, 0), seen, context.kind)
    for literal in (*facts.strings, *facts.comments):
        yield from _token_hits(literal, seen, context.kind)


def _addresses_api(context: FileContext, facts: Facts) -> bool:
    """Tell whether a file mentions a ToughTongue API host in any string."""
    hosts = context.settings.api_hosts
    for literal in facts.strings:
        for url in find_urls(literal.value):
            if is_api_url(url, hosts):
                return True
    lowered = context.text.lower()
    return "api.toughtongueai.com" in lowered or any(host.lower() in lowered for host in hosts)


def check_credentials(context: FileContext, facts: Facts) -> Iterator[Hit]:
    """Report literal credentials of unknown format bound to ToughTongue names."""
    if context.secrets_belong_here or not facts.credentials:
        return
    header_allowed: bool | None = None
    seen: set[int] = set()
    for credential in facts.credentials:
        value = credential.literal.value
        if DYNAMIC in value or any(True for _ in find_tokens(value)):
            continue
        if not is_plausible_credential(value):
            continue
        if credential.name.lower() == "authorization":
            if header_allowed is None:
                header_allowed = _addresses_api(context, facts)
            if not header_allowed:
                continue
        stripped = value.strip()
        lead = len(value) - len(value.lstrip())
        start = credential.literal.source_offset(lead)
        if start in seen:
            continue
        seen.add(start)
        spans = tuple(credential.literal.source_spans(lead, lead + len(stripped)))
        end = spans[-1][1] if spans else start + len(stripped)
        yield Hit(
            rule="TTAI102",
            start=start,
            end=end,
            message=(
                f"Possible hardcoded credential `{redact(stripped)}` ({credential.context}). "
                f"{remedy(context.kind)}."
            ),
            identity=stripped,
            secret_spans=spans,
        )
