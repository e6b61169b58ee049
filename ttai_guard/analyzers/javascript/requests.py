"""Recognise request calls and resolve their URLs.

The recognised calls are ``fetch``, axios, ky, got, ofetch, superagent,
jQuery, Node's ``http`` and ``https``, ``XMLHttpRequest``, Angular's
``HttpClient``, Nuxt's ``useFetch`` and ``useLazyFetch``,
``navigator.sendBeacon``, ``WebSocket`` and ``EventSource``, including client
instances made with ``create`` or ``extend``: held in a constant, in a class
field or ``this.name`` property assigned once, or called directly
(``axios.create({...}).get(url)``). A call whose first argument is a string
left unclosed (a parse error) is recovered with the string's text.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ttai_guard.analyzers.javascript.literals import _concat, _has_static_text
from ttai_guard.analyzers.javascript.resolve import _MAX_RESOLVE_DEPTH, _join_base, _Resolver
from ttai_guard.analyzers.javascript.scopes import _Binding, _Scope
from ttai_guard.facts import Literal, Request

# Objects that hold the browser globals (`window.fetch`, `globalThis.WebSocket`).
_GLOBAL_OBJECTS = frozenset({"window", "globalThis", "self", "global"})

# Client libraries by the name of an undeclared global or a function parameter.
_CLIENTS_BY_GLOBAL_NAME = {
    "fetch": "fetch",
    "axios": "axios",
    "ky": "ky",
    "got": "got",
    "ofetch": "ofetch",
    "$fetch": "ofetch",
    # Nuxt imports its composables automatically, so they are globals there.
    "useFetch": "nuxt-fetch",
    "useLazyFetch": "nuxt-fetch",
    "superagent": "superagent",
    "$": "jquery",
    "jQuery": "jquery",
}

# Client libraries by the module they are imported from, for default and
# namespace imports; named imports are in `_CLIENTS_BY_NAMED_IMPORT`.
_CLIENTS_BY_MODULE = {
    "axios": "axios",
    "ky": "ky",
    "got": "got",
    "ofetch": "ofetch",
    "superagent": "superagent",
    "jquery": "jquery",
    "node-fetch": "fetch",
    "cross-fetch": "fetch",
    "isomorphic-fetch": "fetch",
    "http": "http",
    "node:http": "http",
    "https": "https",
    "node:https": "https",
}
_CLIENTS_BY_NAMED_IMPORT = {
    ("ofetch", "ofetch"): "ofetch",
    ("ofetch", "$fetch"): "ofetch",
    ("#app", "useFetch"): "nuxt-fetch",
    ("#app", "useLazyFetch"): "nuxt-fetch",
    ("#imports", "useFetch"): "nuxt-fetch",
    ("#imports", "useLazyFetch"): "nuxt-fetch",
    ("nuxt/app", "useFetch"): "nuxt-fetch",
    ("nuxt/app", "useLazyFetch"): "nuxt-fetch",
    ("undici", "fetch"): "fetch",
    ("node-fetch", "fetch"): "fetch",
    ("cross-fetch", "fetch"): "fetch",
    ("http", "get"): "http-function",
    ("http", "request"): "http-function",
    ("node:http", "get"): "http-function",
    ("node:http", "request"): "http-function",
    ("https", "get"): "https-function",
    ("https", "request"): "https-function",
    ("node:https", "get"): "https-function",
    ("node:https", "request"): "https-function",
}

_AXIOS_METHODS = frozenset(
    {
        "get",
        "delete",
        "head",
        "options",
        "post",
        "put",
        "patch",
        "request",
        "postForm",
        "putForm",
        "patchForm",
    }
)
# Axios methods whose second argument is the request body, so the config is third.
_AXIOS_BODY_METHODS = frozenset({"post", "put", "patch", "postForm", "putForm", "patchForm"})
_SHORTHAND_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_SUPERAGENT_METHODS = _SHORTHAND_METHODS | {"del"}
_JQUERY_METHODS = frozenset({"ajax", "get", "post", "getJSON", "getScript"})
_ANGULAR_METHODS = _SHORTHAND_METHODS | {"request", "jsonp"}
_FACTORY_METHODS = frozenset({"create", "extend"})
_HTTP_METHOD_NAMES = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})

# Final callee names that can make a request when called as a method. Calls of
# plain identifiers are always kept, because a client instance can have any name.
_REQUEST_METHOD_NAMES = (
    _AXIOS_METHODS
    | _SUPERAGENT_METHODS
    | _JQUERY_METHODS
    | _ANGULAR_METHODS
    | {"fetch", "open", "sendBeacon", "raw"}
)
_SOCKET_CONSTRUCTORS = frozenset({"EventSource", "WebSocket"})


@dataclass(frozen=True)
class _Client:
    """An HTTP client library, or an instance of one with a base URL."""

    kind: str
    base: Literal | None = None


class _NotRequest:
    """The result of a client call that makes no request (``axios.create``)."""


_NOT_REQUEST = _NotRequest()


@dataclass
class _PendingCall:
    """A call that may make a request.

    ``parts`` is the dotted callee. For a method called on a factory call
    (``axios.create({...}).get``), ``parts`` is ``["", method]`` and
    ``factory`` is the factory call.
    """

    node: Node
    parts: list[str]
    scope: _Scope
    is_new: bool
    factory: Node | None = None
    #: The argument nodes, when the call is recovered from a parse error and
    #: ``node`` is its callee.
    arguments: list[Node] | None = None


class _RequestCollector(_Resolver):
    """Collect candidate request calls during the walk and resolve them after it."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.calls: list[_PendingCall] = []
        # Values given to `this.name` and class fields, by property name.
        self.member_values: dict[str, list[tuple[Node, _Scope]]] = {}

    def _visit_call(self, node: Node, scope: _Scope) -> None:
        if node.id not in self.consumed and self._is_string_leaf(node):
            self._string_literal(node)
        function = node.child_by_field_name("function")
        parts = self._callee_parts(function)
        self._check_call_credentials(node, parts)
        self._called(node, function, parts, scope)
        if parts is None:
            self._collect_factory_call(node, function, scope)
            return
        if len(parts) == 1 or parts[-1] in _REQUEST_METHOD_NAMES:
            self.calls.append(_PendingCall(node, parts, scope, is_new=False))

    def _visit_error(self, node: Node, scope: _Scope) -> None:
        """Recover a call whose first argument is a string left unclosed.

        ``fetch("https://host/path`` with no closing quote parses as an
        expression ending in the callee, followed by an ERROR node that holds
        ``(``, the quote and the string's text. That text becomes the first
        argument.
        """
        children = node.children
        if len(children) < 3 or children[0].type != "(" or children[1].type not in ('"', "'"):
            return
        fragment = children[2]
        callee = node.prev_named_sibling
        # The callee ends the expression before the error: `fetch` in
        # `const r = await fetch(` is the last node of the declaration.
        while callee is not None and callee.type not in ("identifier", "member_expression"):
            callee = callee.named_children[-1] if callee.named_child_count else None
        if fragment.type != "string_fragment" or callee is None:
            return
        if self._source_between(callee.end_byte, node.start_byte)[0].strip():
            return
        parts = self._callee_parts(callee)
        if parts is not None:
            self.calls.append(_PendingCall(callee, parts, scope, False, arguments=[fragment]))

    def _called(
        self, node: Node, function: Node | None, parts: list[str] | None, scope: _Scope
    ) -> None:
        """Note a call of ``function``, whose dotted name is ``parts``, for later layers."""

    def _collect_factory_call(self, node: Node, function: Node | None, scope: _Scope) -> None:
        """Collect ``axios.create({...}).get(url)``, a method called on a factory call."""
        if function is None or function.type != "member_expression":
            return
        prop = function.child_by_field_name("property")
        obj = function.child_by_field_name("object")
        if prop is None or obj is None or prop.type != "property_identifier":
            return
        method = self._source(prop)
        obj = self._unwrap(obj)
        if method in _REQUEST_METHOD_NAMES and obj.type == "call_expression":
            self.calls.append(_PendingCall(node, ["", method], scope, False, factory=obj))

    def _assign_member(self, left: Node, right: Node, scope: _Scope) -> None:
        super()._assign_member(left, right, scope)
        obj = left.child_by_field_name("object")
        if obj is not None and obj.type == "this":
            prop = left.child_by_field_name("property")
            if prop is not None:
                self._add_member_value(self._source(prop), right, scope)

    def _visit_field(self, node: Node, scope: _Scope) -> None:
        super()._visit_field(node, scope)
        key = node.child_by_field_name("property") or node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        name = self._property_name(key)
        if name is not None and value is not None:
            self._add_member_value(name, value, scope)

    def _add_member_value(self, name: str, value: Node, scope: _Scope) -> None:
        self.member_values.setdefault(name, []).append((value, scope))

    def _visit_new(self, node: Node, scope: _Scope) -> None:
        parts = self._callee_parts(node.child_by_field_name("constructor"))
        self._check_call_credentials(node, parts)
        if parts is not None and parts[-1] in _SOCKET_CONSTRUCTORS:
            self.calls.append(_PendingCall(node, parts, scope, is_new=True))

    def _request(self, call: _PendingCall) -> Request | None:
        found = self._request_target(call)
        if found is None:
            return None
        callee, url = found
        if url is not None and not _has_static_text(url):
            url = None
        return Request(callee, self._start(call.node), url)

    def _request_target(self, call: _PendingCall) -> tuple[str, Literal | None] | None:
        """Recognise a request call and resolve its URL. Returns ``None`` for other calls."""
        node, parts, scope = call.node, call.parts, call.scope
        callee = ".".join(parts)
        arguments = self._arguments(node) if call.arguments is None else call.arguments
        if call.is_new:
            if len(parts) == 1 or (len(parts) == 2 and parts[0] in _GLOBAL_OBJECTS):
                return "new " + callee, self._resolve_argument(arguments, 0, scope)
            return None
        if call.factory is not None:
            client = self._factory_client(call.factory, scope, 0)
            if client is None:
                return None
            url = self._client_call_url(client, parts[1], arguments, scope)
            factory = self._callee_parts(call.factory.child_by_field_name("function")) or []
            written = f"{'.'.join(factory)}(…).{parts[1]}"
            return None if isinstance(url, _NotRequest) else (written, url)
        if len(parts) == 3 and parts[0] == "this":
            client = self._member_client(parts[1], 0)
            if client is not None:
                url = self._client_call_url(client, parts[2], arguments, scope)
                return None if isinstance(url, _NotRequest) else (callee, url)
        if len(parts) == 2 and parts[0] in _GLOBAL_OBJECTS and parts[1] == "fetch":
            return callee, self._resolve_argument(arguments, 0, scope)
        if parts[-1] == "sendBeacon" and parts[:-1] in (["navigator"], ["window", "navigator"]):
            return callee, self._resolve_argument(arguments, 0, scope)
        if len(parts) == 3 and parts[:2] == ["this", "http"] and parts[2] in _ANGULAR_METHODS:
            # Angular's HttpClient: `request(method, url)`, the others `(url, …)`.
            index = 1 if parts[2] == "request" else 0
            return callee, self._resolve_argument(arguments, index, scope)
        if len(parts) == 1:
            client = self._client(parts[0], scope, 0)
            if client is None:
                return None
            url = self._client_call_url(client, None, arguments, scope)
            return None if isinstance(url, _NotRequest) else (callee, url)
        if len(parts) == 2:
            client = self._client(parts[0], scope, 0)
            if client is not None:
                url = self._client_call_url(client, parts[1], arguments, scope)
                if not isinstance(url, _NotRequest):
                    return callee, url
            if parts[1] == "open" and len(arguments) >= 2:
                # `xhr.open(method, url)` on an object not known as an XMLHttpRequest.
                method = self._static_string(arguments[0])
                if method is not None and method.upper() in _HTTP_METHOD_NAMES:
                    return callee, self._resolve_argument(arguments, 1, scope)
        return None

    def _client_call_url(
        self, client: _Client, method: str | None, arguments: list[Node], scope: _Scope
    ) -> Literal | _NotRequest | None:
        """Return the URL of a call on ``client``, or ``_NOT_REQUEST`` when it makes no request."""
        kind = client.kind
        if kind == "fetch":
            return self._resolve_argument(arguments, 0, scope) if method is None else _NOT_REQUEST
        if kind == "axios":
            return self._axios_url(client, method, arguments, scope)
        if kind in ("ky", "got", "ofetch"):
            if method is not None and method not in _SHORTHAND_METHODS and method != "raw":
                return _NOT_REQUEST
            return self._prefixed_url(client, arguments, scope)
        if kind == "nuxt-fetch":
            # `useFetch(url, { baseURL })` passes its options to `$fetch`. The URL
            # may also be a getter, `useFetch(() => url)`.
            if method is not None:
                return _NOT_REQUEST
            if arguments and arguments[0].type == "arrow_function":
                body = arguments[0].child_by_field_name("body")
                if body is not None and body.type != "statement_block":
                    arguments = [body, *arguments[1:]]
            return self._prefixed_url(client, arguments, scope)
        if kind == "superagent":
            if method is None:
                return self._resolve_argument(arguments, 1 if len(arguments) >= 2 else 0, scope)
            if method not in _SUPERAGENT_METHODS:
                return _NOT_REQUEST
            return self._resolve_argument(arguments, 0, scope)
        if kind == "jquery":
            if method not in _JQUERY_METHODS or not arguments:
                return _NOT_REQUEST
            return self._url_or_config(arguments[0], "url", scope)
        if kind in ("http", "https"):
            if method not in ("get", "request"):
                return _NOT_REQUEST
            return self._node_http_url(kind, arguments, scope)
        if kind in ("http-function", "https-function"):
            if method is not None:
                return _NOT_REQUEST
            return self._node_http_url(kind.split("-")[0], arguments, scope)
        if kind == "xhr":
            return self._resolve_argument(arguments, 1, scope) if method == "open" else _NOT_REQUEST
        return _NOT_REQUEST

    def _axios_url(
        self, client: _Client, method: str | None, arguments: list[Node], scope: _Scope
    ) -> Literal | _NotRequest | None:
        if method is not None and method not in _AXIOS_METHODS:
            return _NOT_REQUEST
        url_node: Node | None = None
        config: Node | None = None
        if method is None or method == "request":
            if arguments and self._is_object(arguments[0], scope):
                config = arguments[0]
                found = self._object_value(config, scope, "url", 0)
                url_node = found[0] if found else None
            elif arguments:
                url_node = arguments[0]
                config = arguments[1] if len(arguments) > 1 else None
        else:
            url_node = arguments[0] if arguments else None
            index = 2 if method in _AXIOS_BODY_METHODS else 1
            config = arguments[index] if len(arguments) > index else None
        base = client.base
        if config is not None:
            found = self._object_value(config, scope, "baseURL", 0)
            if found is not None:
                base = self._resolve(found[0], found[1], 1)
        url = self._resolve(url_node, scope, 0) if url_node is not None else None
        return _join_base(base, url)

    def _prefixed_url(
        self, client: _Client, arguments: list[Node], scope: _Scope
    ) -> Literal | None:
        """Return the URL of a ky, got or ofetch call, with the instance or option prefix."""
        if not arguments:
            return client.base
        base = client.base
        url: Literal | None
        if self._is_object(arguments[0], scope):
            url = self._config_literal(arguments[0], "url", scope)
            options: Node | None = arguments[0]
        else:
            url = self._resolve(arguments[0], scope, 0)
            options = arguments[1] if len(arguments) > 1 else None
        if options is not None:
            for key in ("prefixUrl", "baseURL"):
                prefix = self._config_literal(options, key, scope)
                if prefix is not None:
                    base = prefix
        return _join_base(base, url)

    def _url_or_config(self, node: Node, key: str, scope: _Scope) -> Literal | None:
        if self._is_object(node, scope):
            return self._config_literal(node, key, scope)
        return self._resolve(node, scope, 0)

    def _config_literal(self, node: Node, key: str, scope: _Scope) -> Literal | None:
        found = self._object_value(node, scope, key, 0)
        if found is None:
            return None
        return self._resolve(found[0], found[1], 1)

    def _node_http_url(self, kind: str, arguments: list[Node], scope: _Scope) -> Literal | None:
        """Return the URL of ``http.get(url | options)`` and ``https.request``."""
        if not arguments:
            return None
        if not self._is_object(arguments[0], scope):
            return self._resolve(arguments[0], scope, 0)
        options = arguments[0]
        host = self._config_literal(options, "hostname", scope) or self._config_literal(
            options, "host", scope
        )
        if host is None:
            return None
        protocol = self._config_literal(options, "protocol", scope)
        port = self._config_literal(options, "port", scope)
        path = self._config_literal(options, "path", scope)
        parts: list[Literal | str] = [protocol if protocol is not None else f"{kind}:", "//", host]
        if port is not None:
            parts += [":", port]
        parts.append(path if path is not None else "/")
        return _concat(*parts)

    def _client(self, name: str, scope: _Scope, depth: int) -> _Client | None:
        """Return the HTTP client that ``name`` refers to in ``scope``, if any."""
        binding = scope.lookup(name)
        if binding is None or binding.kind == "param":
            kind = _CLIENTS_BY_GLOBAL_NAME.get(name)
            return _Client(kind) if kind is not None else None

        if binding.kind == "import" and binding.module is not None:
            module = binding.module
            if binding.imported in ("default", "*"):
                kind = _CLIENTS_BY_MODULE.get(module)
            else:
                kind = _CLIENTS_BY_NAMED_IMPORT.get((module, binding.imported or ""))
            return _Client(kind) if kind is not None else None

        if not self._is_constant(binding) or binding.key is not None:
            return None
        if depth >= _MAX_RESOLVE_DEPTH:
            return None
        return self._client_instance(binding, depth)

    def _member_client(self, name: str, depth: int) -> _Client | None:
        """Return the client in ``this.name`` when exactly one value is given to that name."""
        values = self.member_values.get(name, [])
        if len(values) != 1:
            return None
        value, scope = values[0]
        return self._factory_client(value, scope, depth)

    def _client_instance(self, binding: _Binding, depth: int) -> _Client | None:
        """Return the client in a constant (an ``XMLHttpRequest``, an ``axios.create`` result)."""
        if binding.value is None or binding.scope is None:
            return None
        return self._factory_client(binding.value, binding.scope, depth)

    def _factory_client(self, node: Node, scope: _Scope, depth: int) -> _Client | None:
        """Return the client that an expression makes (``new XMLHttpRequest()``, ``ky.create``)."""
        value = self._unwrap(node)
        if value.type == "new_expression":
            parts = self._callee_parts(value.child_by_field_name("constructor"))
            if parts is not None and parts[-1] == "XMLHttpRequest":
                return _Client("xhr")
            return None
        if value.type != "call_expression":
            return None

        parts = self._callee_parts(value.child_by_field_name("function"))
        if parts is None or len(parts) != 2 or parts[1] not in _FACTORY_METHODS:
            return None
        parent = self._client(parts[0], scope, depth + 1)
        if parent is None or parent.kind not in ("axios", "ky", "got", "ofetch"):
            return None

        arguments = self._arguments(value)
        base = parent.base
        if arguments:
            for key in ("baseURL", "prefixUrl"):
                prefix = self._config_literal(arguments[0], key, scope)
                if prefix is not None:
                    base = _join_base(parent.base, prefix)
        return _Client(parent.kind, base)
