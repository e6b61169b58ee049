"""Recognise request calls and resolve their URL arguments after the pass over the tree."""

from __future__ import annotations

import libcst as cst

from ttai_guard.analyzers.python.bindings import _Scope
from ttai_guard.analyzers.python.clients import (
    _BASE_URL_ARGUMENTS,
    _CLIENT_METHODS,
    _CONSTRUCTORS,
    _HOST_KEYWORDS,
    _MODULE_FUNCTIONS,
    _URL_KEYWORDS,
    _UrlArgument,
)
from ttai_guard.analyzers.python.credentials import _CredentialCollector
from ttai_guard.analyzers.python.nodes import _argument, _qualify, _written
from ttai_guard.analyzers.python.resolve import _Resolver
from ttai_guard.analyzers.python.strings import _has_static_text, _LiteralBuilder
from ttai_guard.facts import Literal, Request


def _find_requests(walker: _CredentialCollector, resolver: _Resolver, text: str) -> list[Request]:
    requests: list[Request] = []
    for call, scope in walker.calls:
        found = _request_for(call, scope, resolver)
        if found is None:
            continue
        argument, url_argument = found
        callee = _written(call.func)
        start = walker.starts[id(call)]
        if callee is None:
            callee = " ".join(text[start : walker.ends.get(id(call), start)].split())
        url = None
        if argument is not None:
            url = resolver.resolve(argument, scope)
            if url is not None and url_argument.scheme is not None:
                url = _host_url(url, url_argument.scheme)
        if url is not None and not _has_static_text(url.value):
            url = None
        requests.append(Request(callee, start, url))
    requests.sort(key=lambda request: request.offset)
    return requests


def _request_for(
    call: cst.Call, scope: _Scope, resolver: _Resolver
) -> tuple[cst.BaseExpression | None, _UrlArgument] | None:
    """Return the URL argument of a request call and where it was taken from, or None."""
    func = call.func
    qualified = _qualify(func, resolver.aliases)
    if qualified is not None:
        spec = _MODULE_FUNCTIONS.get(qualified)
        if spec is not None:
            names = _HOST_KEYWORDS if spec.scheme else _URL_KEYWORDS
            return _argument(call, spec.position, names), spec
        kind = _CONSTRUCTORS.get(qualified)
        if kind is not None:
            if kind not in _BASE_URL_ARGUMENTS:
                return None
            base_url = _argument(call, _BASE_URL_ARGUMENTS[kind], ("base_url",))
            if base_url is None:
                return None
            return base_url, _UrlArgument(0)
    if not isinstance(func, cst.Attribute):
        return None
    kind = resolver.instance_kind(func.value, scope)
    if kind is None:
        return None
    method = _CLIENT_METHODS[kind].get(func.attr.value)
    if method is None:
        return None
    return _argument(call, method.position, _URL_KEYWORDS), method


def _host_url(host: Literal, scheme: str) -> Literal | None:
    """Build ``scheme://host`` for a connection class, only from a static plain host."""
    value = host.value
    if not value or not host.is_static or any(character in value for character in "/ \t@"):
        return None
    builder = _LiteralBuilder()
    builder.set_anchor(host.source_offset(0))
    # The scheme is implied by the class, so its characters map to the host's start.
    builder.add_unmapped(scheme + "://")
    builder.add_literal(host)
    return builder.build()
