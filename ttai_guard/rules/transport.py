"""TTAI301 insecure-api-url and TTAI302 insecure-request-url."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ttai_guard import filekinds
from ttai_guard.facts import Facts, Literal
from ttai_guard.rules import FileContext, Hit
from ttai_guard.urls import UrlMatch, find_urls, is_local_host, is_toughtongue_host

# `.env*` settings that hold an API base URL: names ending in URL or
# containing BASE or ENDPOINT (TTAI_BASE_URL, API_ENDPOINT, BACKEND_URL).
_BASE_URL_SETTING = re.compile(r"(?:URL|URI)$|BASE|ENDPOINT|(?:^|_)HOST$", re.IGNORECASE)

# Kinds whose whole text is code or configuration, read line by line.
_URL_TEXT_KINDS = frozenset({filekinds.TEXT})


def _secure_form(url: UrlMatch) -> str:
    return "https" if url.scheme == "http" else "wss"


def _api_url_hit(literal: Literal, url: UrlMatch) -> Hit:
    start = literal.source_offset(url.start)
    end = literal.source_end(url.end)
    return Hit(
        rule="TTAI301",
        start=start,
        end=end,
        message=(
            f"Plain `{url.scheme}://` URL to ToughTongue host `{url.host}`. "
            f"Use `{_secure_form(url)}://` so the token is never sent in clear text."
        ),
        identity=url.text,
        fixable=False,
    )


def check_api_urls(context: FileContext, facts: Facts) -> Iterator[Hit]:
    """Report ``http://`` URLs to any ToughTongue host in code and configuration."""
    literals = list(facts.strings)
    if not facts.parsed or context.kind in _URL_TEXT_KINDS:
        literals = [Literal.at(context.text, 0)]
    seen: set[int] = set()
    for literal in literals:
        if "toughtongue" not in literal.value.lower():
            continue
        for url in find_urls(literal.value):
            if not url.insecure or not url.host_complete or not is_toughtongue_host(url.host):
                continue
            hit = _api_url_hit(literal, url)
            if hit.start not in seen:
                seen.add(hit.start)
                yield hit


def _leading_insecure_url(literal: Literal) -> UrlMatch | None:
    """Return the URL a request goes to, when it uses plain HTTP to a remote host."""
    value = literal.value.lstrip()
    offset = len(literal.value) - len(value)
    if not value.lower().startswith(("http://", "ws://")):
        return None
    url = next(find_urls(literal.value[offset:]), None)
    if url is None or url.start != 0 or not url.host_complete:
        return None
    if is_local_host(url.host) or is_toughtongue_host(url.host):
        return None
    return UrlMatch(
        url.start + offset,
        url.end + offset,
        url.text,
        url.scheme,
        url.host,
        url.path,
        url.host_complete,
    )


def _request_url_hit(literal: Literal, url: UrlMatch, why: str) -> Hit:
    return Hit(
        rule="TTAI302",
        start=literal.source_offset(url.start),
        end=literal.source_end(url.end),
        message=f"{why} uses plain `{url.scheme}://` to `{url.host}`. Use `{_secure_form(url)}://`.",
        identity=url.text,
    )


def check_request_urls(context: FileContext, facts: Facts) -> Iterator[Hit]:
    """Report plain-HTTP request targets in code and base URL settings in ``.env*``."""
    seen: set[int] = set()
    hits: list[Hit] = []
    for request in facts.requests:
        if request.url is None:
            continue
        url = _leading_insecure_url(request.url)
        if url is not None:
            hits.append(
                _request_url_hit(request.url, url, f"The request target of `{request.callee}`")
            )
    if context.kind == filekinds.ENV:
        for name, literal in facts.settings:
            if not _BASE_URL_SETTING.search(name):
                continue
            url = _leading_insecure_url(literal)
            if url is not None:
                hits.append(_request_url_hit(literal, url, f"Base URL setting `{name}`"))
    for hit in hits:
        if hit.start not in seen:
            seen.add(hit.start)
            yield hit
