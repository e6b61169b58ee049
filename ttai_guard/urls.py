"""Find URLs in text and classify their hosts.

URLs are parsed with :func:`urllib.parse.urlsplit`, never matched as
substrings, so ``http://localhost@api.toughtongueai.com`` is a ToughTongue
URL (the part before ``@`` is user information) and
``http://localhost.toughtongueai.com`` is not a local one.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from ttai_guard.facts import DYNAMIC

TOUGHTONGUE_DOMAIN = "toughtongueai.com"
DEFAULT_API_HOSTS = ("api.toughtongueai.com",)
#: Hosts that serve the public API under ``/api/`` and browser pages elsewhere.
API_PATH_HOSTS = ("app.toughtongueai.com",)

# A URL runs until whitespace, a quote, a bracket or a backslash. DYNAMIC
# (a non-literal part of a folded string) also ends it, and a URL whose host
# is cut off that way has no host to judge.
URL_PATTERN = re.compile(
    r"(?<![A-Za-z0-9+.-])(?P<scheme>https?|wss?)://(?:[^\s\"'`<>()\[\]{}\\|^/@" + DYNAMIC + r"]*@)?"
    r"(?:\[[0-9A-Fa-f:.]+\])?[^\s\"'`<>()\[\]{}\\|^" + DYNAMIC + r"]*",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,;:!?*"
# Local-only names, plus the top-level names RFC 2606 reserves for examples
# and invalid hosts, which never reach a real server.
_LOCAL_SUFFIXES = (".localhost", ".local", ".test", ".internal", ".example", ".invalid")
_LOCAL_NAMES = {"localhost", "host.docker.internal", "0.0.0.0"}


@dataclass(frozen=True)
class UrlMatch:
    """A URL found in a text: its span, its text and its parsed form."""

    start: int
    end: int
    text: str
    scheme: str
    host: str
    path: str
    host_complete: bool

    @property
    def insecure(self) -> bool:
        return self.scheme in ("http", "ws")


def find_urls(text: str) -> Iterator[UrlMatch]:
    """Yield every absolute http(s)/ws(s) URL in ``text`` with a parsable host."""
    for match in URL_PATTERN.finditer(text):
        raw = match.group(0).rstrip(_TRAILING_PUNCTUATION)
        end = match.start() + len(raw)
        authority = raw.split("://", 1)[1]
        cut_by_dynamic = match.end() < len(text) and text[match.end()] == DYNAMIC
        host_complete = not (cut_by_dynamic and "/" not in authority)
        parsed = _split(raw)
        if parsed is None or not parsed.hostname:
            continue
        yield UrlMatch(
            start=match.start(),
            end=end,
            text=raw,
            scheme=match.group("scheme").lower(),
            host=parsed.hostname.rstrip(".").lower(),
            path=parsed.path,
            host_complete=host_complete,
        )


def _split(raw: str) -> SplitResult | None:
    """Parse a URL, or return ``None`` when its host or port is malformed."""
    try:
        parsed = urlsplit(raw)
        parsed.port  # noqa: B018  (the property raises ValueError on a bad port)
    except ValueError:
        return None
    return parsed


def is_toughtongue_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == TOUGHTONGUE_DOMAIN or host.endswith("." + TOUGHTONGUE_DOMAIN)


def is_api_url(url: UrlMatch, extra_hosts: Iterable[str] = ()) -> bool:
    """Tell whether a URL addresses the ToughTongue public API.

    ``api.toughtongueai.com`` serves the API on every path and
    ``app.toughtongueai.com`` under ``/api/``; ``extra_hosts`` adds hosts
    (a company proxy), each matching on every path.
    """
    hosts = {host.lower() for host in (*DEFAULT_API_HOSTS, *extra_hosts)}
    if url.host in hosts:
        return True
    return url.host in API_PATH_HOSTS and (url.path == "/api" or url.path.startswith("/api/"))


def is_local_host(host: str) -> bool:
    """Tell whether a host is loopback or local-only, where HTTP is acceptable."""
    host = host.lower().rstrip(".").strip("[]")
    if host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES):
        return True
    if "." not in host and ":" not in host:
        # A single-label name (a Compose service, a Kubernetes short name)
        # resolves only inside a private network.
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    # Link-local addresses (169.254.0.0/16) serve cloud instance metadata,
    # which is plain HTTP by design and never leaves the host.
    return address.is_loopback or address.is_unspecified or address.is_link_local
