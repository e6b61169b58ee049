"""The HTTP client libraries whose calls count as requests, and where each call takes its URL."""

from __future__ import annotations

from typing import NamedTuple

_HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options")
_URL_KEYWORDS = ("url", "uri", "str_or_url")
_HOST_KEYWORDS = ("host",)


class _UrlArgument(NamedTuple):
    """The URL argument of a request function: its ``position`` or a URL keyword.

    ``scheme`` is set for connection classes that take a host (``http`` for
    ``HTTPConnection``): the URL is then ``scheme://host``.
    """

    position: int
    scheme: str | None = None


def _method_table(request_index: int = 1, **extra: int) -> dict[str, _UrlArgument]:
    table = {method: _UrlArgument(0) for method in _HTTP_METHODS}
    table["request"] = _UrlArgument(request_index)
    table.update({name: _UrlArgument(index) for name, index in extra.items()})
    return table


_MODULE_FUNCTIONS: dict[str, _UrlArgument] = {
    **{f"requests.{name}": spec for name, spec in _method_table().items()},
    **{f"requests.api.{name}": spec for name, spec in _method_table().items()},
    **{f"httpx.{name}": spec for name, spec in _method_table(stream=1).items()},
    "aiohttp.request": _UrlArgument(1),
    "urllib.request.urlopen": _UrlArgument(0),
    "urllib.request.Request": _UrlArgument(0),
    "urllib.request.urlretrieve": _UrlArgument(0),
    "urllib3.request": _UrlArgument(1),
    "websocket.create_connection": _UrlArgument(0),
    "websocket.WebSocketApp": _UrlArgument(0),
    "websockets.connect": _UrlArgument(0),
    "websockets.client.connect": _UrlArgument(0),
    "websockets.sync.client.connect": _UrlArgument(0),
    "websockets.asyncio.client.connect": _UrlArgument(0),
    "http.client.HTTPConnection": _UrlArgument(0, "http"),
    "http.client.HTTPSConnection": _UrlArgument(0, "https"),
}

# Client classes, by the kind of client their instances are.
_CONSTRUCTORS: dict[str, str] = {
    "requests.Session": "requests",
    "requests.session": "requests",
    "requests.sessions.Session": "requests",
    "httpx.Client": "httpx",
    "httpx.AsyncClient": "httpx",
    "aiohttp.ClientSession": "aiohttp",
    "urllib3.PoolManager": "urllib3",
    "urllib3.ProxyManager": "urllib3",
    "urllib3.poolmanager.PoolManager": "urllib3",
}

# Position of a client constructor's base URL argument (None when it is
# keyword-only), which `base_url=` also sets.
_BASE_URL_ARGUMENTS: dict[str, int | None] = {"httpx": None, "aiohttp": 0}

_CLIENT_METHODS: dict[str, dict[str, _UrlArgument]] = {
    "requests": _method_table(),
    "httpx": _method_table(stream=1, build_request=1),
    "aiohttp": _method_table(ws_connect=0),
    "urllib3": {
        name: _UrlArgument(1)
        for name in ("request", "urlopen", "request_encode_url", "request_encode_body")
    },
    # Receivers of unknown origin whose name says they are a client.
    "named": _method_table(stream=1),
}

# Calls worth keeping for the request pass: bare names (possibly imported
# aliases) and attributes with one of these names.
_REQUEST_ATTRIBUTES = frozenset(
    {name.rsplit(".", 1)[-1] for name in (*_MODULE_FUNCTIONS, *_CONSTRUCTORS)}
    | {name for table in _CLIENT_METHODS.values() for name in table}
)
