"""URL finding and host classification."""

from __future__ import annotations

import pytest

from ttai_guard.facts import DYNAMIC
from ttai_guard.urls import find_urls, is_api_url, is_local_host, is_toughtongue_host


@pytest.mark.parametrize(
    ("text", "host"),
    [
        ("http://localhost:8000/x", "localhost"),
        ("http://127.0.0.1", "127.0.0.1"),
        ('["http://[::1]:9000/x"]', "::1"),
        ("http://0.0.0.0:3000", "0.0.0.0"),
        ("http://localhost@api.toughtongueai.com/api/public", "api.toughtongueai.com"),
        ("see (http://localhost.toughtongueai.com).", "localhost.toughtongueai.com"),
        ("ws://app.toughtongueai.com/api/live", "app.toughtongueai.com"),
    ],
)
def test_find_url_host(text: str, host: str) -> None:
    urls = list(find_urls(text))
    assert [url.host for url in urls] == [host]


def test_malformed_port_skipped() -> None:
    assert list(find_urls("http://a.b:99999/x")) == []


def test_trailing_punctuation_trimmed() -> None:
    url = next(find_urls("Go to http://x.io/a."))
    assert url.text == "http://x.io/a"


def test_dynamic_host_incomplete() -> None:
    url = next(find_urls("http://api." + DYNAMIC + "/v1"))
    assert url.host_complete is False


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.9.9.9", True),
        ("[::1]", True),
        ("0.0.0.0", True),
        ("web.localhost", True),
        ("printer.local", True),
        ("api.test", True),
        ("db.internal", True),
        ("host.docker.internal", True),
        ("otel-collector", True),
        ("db", True),
        ("localhost.toughtongueai.com", False),
        ("10.0.0.5", False),
        ("169.254.169.254", True),
        ("api.acme-corp.io", False),
    ],
)
def test_local_hosts(host: str, local: bool) -> None:
    assert is_local_host(host) is local


@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("https://api.toughtongueai.com/anything", True),
        ("https://app.toughtongueai.com/api/public/scenarios", True),
        ("https://app.toughtongueai.com/embed/abc", False),
        ("https://app.toughtongueai.com/widget/x.js", False),
        ("https://docs.toughtongueai.com/api/public", False),
        ("https://www.toughtongueai.com", False),
    ],
)
def test_api_urls(url: str, api: bool) -> None:
    assert is_api_url(next(find_urls(url))) is api


def test_extra_api_host() -> None:
    url = next(find_urls("https://tt-proxy.acme-corp.io/v1"))
    assert is_api_url(url, ["tt-proxy.acme-corp.io"]) is True


def test_toughtongue_host_suffix_only() -> None:
    assert is_toughtongue_host("toughtongueai.com.evil.io") is False
    assert is_toughtongue_host("eu.api.toughtongueai.com") is True
