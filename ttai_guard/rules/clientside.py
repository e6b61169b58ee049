"""TTAI201 client-side-api-call, TTAI202 public-env-token, TTAI203 token-env-in-client.

These rules need the whole project: where a module runs depends on the
framework, on path conventions and on which client code imports it. Worker
processes therefore reduce each parsed file to a :class:`ClientFacts` record
(:func:`summarize`), and after every file is scanned the project pass
(:mod:`ttai_guard.projectpass`) asks the placement of the modules that hold a
candidate and calls the ``check_*`` functions below.

A :class:`ClientFacts` record is cached on disk with the rest of a file's
report, so it never holds a whole secret: request URLs and exported values
are redacted, and a ``.env*`` value is kept only as "is it a token".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ttai_guard import filekinds
from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.facts import EnvRef, Facts, Literal, Module
from ttai_guard.finding import Level
from ttai_guard.names import is_token_name
from ttai_guard.rules import Hit
from ttai_guard.tokens import find_tokens, redact_text
from ttai_guard.urls import find_urls, is_api_url, is_toughtongue_host

#: File kinds whose facts carry modules: JavaScript, TypeScript and markup
#: with script blocks.
MODULE_KINDS = frozenset({*filekinds.JS_DIALECTS, *filekinds.SCRIPT_BLOCK_KINDS})

# `via` values of an EnvRef that read only public variables, whatever the name.
_PUBLIC_VIA = frozenset({"$env/static/public", "$env/dynamic/public", "runtimeConfig"})
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


@dataclass(frozen=True)
class ApiRequest:
    """A request whose URL resolves to an API host.

    ``target`` is the resolved URL with tokens redacted, for messages and
    fingerprints.
    """

    callee: str
    offset: int
    host: str
    target: str


@dataclass(frozen=True)
class EnvDefinition:
    """One ``NAME=value`` line of a ``.env*`` file.

    ``start`` and ``end`` span the name. ``token_value`` is true when the
    value contains a real-looking ToughTongue token (the value itself is not
    kept).
    """

    name: str
    start: int
    end: int
    token_value: bool


@dataclass
class ClientFacts:
    """What the project pass needs from one parsed file.

    ``modules`` are the file's modules with only the exports whose value
    names a ToughTongue or configured API host (redacted). ``requests``
    lists the requests to API hosts, and ``env_definitions`` the bindings of
    a ``.env*`` file.
    """

    modules: list[Module] = field(default_factory=list)
    requests: list[ApiRequest] = field(default_factory=list)
    env_definitions: list[EnvDefinition] = field(default_factory=list)


class PlacementView(Protocol):
    """Where a module runs, as :class:`ttai_guard.clientside.Placement` describes it."""

    @property
    def side(self) -> str: ...

    @property
    def reason(self) -> str: ...

    @property
    def ships_to_client(self) -> bool: ...


class ProfileView(Protocol):
    """The public environment policy of :class:`ttai_guard.clientside.Profile`."""

    @property
    def public_prefixes(self) -> tuple[tuple[str, str], ...]: ...

    @property
    def inline_all(self) -> str: ...

    @property
    def blanks_private(self) -> bool: ...

    @property
    def exposures(self) -> Sequence[tuple[Path, int, int, str, str]]: ...


class ProjectView(Protocol):
    """The part of :class:`ttai_guard.clientside.Project` the rules call."""

    def profile_for(self, path: Path) -> ProfileView: ...

    def placement(self, path: Path, module: Module, offset: int | None = None) -> PlacementView: ...


# --- Worker side -----------------------------------------------------------------


def _names_api_host(value: str, api_hosts: Iterable[str]) -> bool:
    extra = {host.lower() for host in api_hosts}
    return any(is_toughtongue_host(url.host) or url.host in extra for url in find_urls(value))


def _sanitized(module: Module, api_hosts: tuple[str, ...]) -> Module:
    """Return ``module`` keeping only exports that name an API host, redacted."""
    exports: dict[str, Literal] = {}
    for name, literal in module.exports.items():
        if "://" in literal.value and _names_api_host(literal.value, api_hosts):
            exports[name] = Literal(redact_text(literal.value), literal.segments)
    if len(exports) == len(module.exports):
        return module
    sanitized = module.shifted(0)
    sanitized.exports = exports
    return sanitized


def _api_requests(facts: Facts, api_hosts: tuple[str, ...]) -> list[ApiRequest]:
    found: list[ApiRequest] = []
    for request in facts.requests:
        if request.url is None:
            continue
        url = next(find_urls(request.url.value.lstrip()), None)
        if url is None or not url.host_complete or not is_api_url(url, api_hosts):
            continue
        found.append(ApiRequest(request.callee, request.offset, url.host, redact_text(url.text)))
    return found


def _env_definitions(text: str) -> list[EnvDefinition]:
    from ttai_guard.analyzers.envfile import parse_env

    definitions = []
    for entry in parse_env(text):
        start = entry.key_start
        if text.startswith("'", start):
            start += 1
        token_value = next(find_tokens(entry.value), None) is not None
        definitions.append(EnvDefinition(entry.key, start, start + len(entry.key), token_value))
    return definitions


def summarize(kind: str, text: str, facts: Facts, settings: AnalyzerSettings) -> ClientFacts | None:
    """Reduce one file's facts to what the project pass needs, or ``None``.

    ``None`` means the file holds nothing for these rules or was not parsed
    (a JavaScript file without modules), so the pass parses it on demand
    when it has to.
    """
    if kind == filekinds.ENV:
        definitions = _env_definitions(text)
        return ClientFacts(env_definitions=definitions) if definitions else None
    if kind not in MODULE_KINDS or not facts.parsed:
        return None
    requests = _api_requests(facts, settings.api_hosts)
    if not facts.modules and not requests:
        return None
    modules = [_sanitized(module, settings.api_hosts) for module in facts.modules]
    return ClientFacts(modules=modules, requests=requests)


# --- Project side ----------------------------------------------------------------


@dataclass(frozen=True)
class LeveledHit:
    """A hit with the level it is reported at, which TTAI203 chooses per finding."""

    hit: Hit
    level: Level


def module_at(modules: list[Module], offset: int) -> Module | None:
    """Return the innermost module whose span contains ``offset``."""
    best: Module | None = None
    for module in modules:
        if not module.start <= offset < module.end:
            continue
        if best is None or module.end - module.start < best.end - best.start:
            best = module
    return best


def public_prefix(name: str, profile: ProfileView) -> tuple[str, str] | None:
    """Return the (prefix, reason) under which a bundler inlines ``name``, if any."""
    for prefix, reason in profile.public_prefixes:
        if prefix and name.startswith(prefix):
            return prefix, reason
    return None


def is_dynamic(ref: EnvRef) -> bool:
    """Tell whether an environment read uses a computed name (``process.env[key]``)."""
    return _IDENTIFIER.fullmatch(ref.name) is None


def _written(ref: EnvRef) -> str:
    if ref.via in ("process.env", "import.meta.env"):
        return f"{ref.via}.{ref.name}"
    return ref.name


def check_api_calls(
    path: Path, facts: ClientFacts, project: ProjectView, fallback: Module
) -> Iterator[Hit]:
    """TTAI201: report each request to an API host made by a module that ships to clients.

    ``fallback`` stands for the whole file when the analyzer listed no module.
    """
    for request in facts.requests:
        module = module_at(facts.modules, request.offset) or fallback
        placement = project.placement(path, module, request.offset)
        if not placement.ships_to_client:
            continue
        yield Hit(
            rule="TTAI201",
            start=request.offset,
            end=request.offset + len(request.callee),
            message=(
                f"Request to the ToughTongue API from client code: {placement.reason}. "
                "Call your own backend route instead and keep the token on the server."
            ),
            identity=f"{request.callee} {request.target}",
        )


@dataclass(frozen=True)
class TokenVariables:
    """Environment variable names known to hold a ToughTongue token.

    ``token_names`` are the configured extra token variable names, and
    ``token_valued`` the names that some ``.env*`` file binds to a token.
    """

    token_names: tuple[str, ...] = ()
    token_valued: frozenset[str] = frozenset()

    def marks_token(self, name: str) -> bool:
        return name in self.token_valued or is_token_name(name, self.token_names)


def check_env_definitions(
    facts: ClientFacts, profile: ProfileView, variables: TokenVariables
) -> Iterator[Hit]:
    """TTAI202: report ``.env*`` bindings of public variables that hold a token."""
    for definition in facts.env_definitions:
        public = public_prefix(definition.name, profile)
        if public is None:
            continue
        if definition.token_value:
            what = "holds a ToughTongue token"
        elif is_token_name(definition.name, variables.token_names):
            what = "is named as a ToughTongue token"
        else:
            continue
        prefix, reason = public
        yield Hit(
            rule="TTAI202",
            start=definition.start,
            end=definition.end,
            message=(
                f"`{definition.name}` {what}, and the `{prefix}` prefix puts it in client "
                f"code: {reason}. Drop the public prefix and read the token only on the server."
            ),
            identity=definition.name,
        )


def check_env_references(
    path: Path,
    facts: ClientFacts,
    project: ProjectView,
    variables: TokenVariables,
    fallback: Module,
) -> Iterator[LeveledHit]:
    """TTAI202 and TTAI203: report code that reads a token variable where clients see it.

    A public variable that holds a token is reported in every module that is
    not server-only (TTAI202). A non-public token variable, or a read by a
    computed name, is reported in modules that ship to clients (TTAI203):
    as an error when the bundler inlines every variable, otherwise as a note,
    because the value is empty in the browser.
    """
    profile: ProfileView | None = None
    for module in facts.modules or [fallback]:
        for ref in module.env_refs:
            dynamic = is_dynamic(ref)
            if not dynamic and not variables.marks_token(ref.name):
                continue
            profile = profile or project.profile_for(path)
            public = None if dynamic else _public_reason(ref, profile)
            placement = project.placement(path, module, ref.start)
            if public is not None:
                if placement.side == "server":
                    continue
                yield LeveledHit(_public_ref_hit(ref, public, placement), "error")
            elif placement.ships_to_client:
                yield _private_ref_hit(ref, dynamic, profile, placement)


def _public_reason(ref: EnvRef, profile: ProfileView) -> str | None:
    if ref.via in _PUBLIC_VIA:
        return f"`{ref.via}` exposes public variables to client code"
    public = public_prefix(ref.name, profile)
    return None if public is None else f"the `{public[0]}` prefix: {public[1]}"


def _public_ref_hit(ref: EnvRef, public: str, placement: PlacementView) -> Hit:
    if placement.side == "unknown":
        where = "This module may run in the browser"
    else:
        where = f"This module runs in client code: {placement.reason}"
    return Hit(
        rule="TTAI202",
        start=ref.start,
        end=ref.end,
        message=(
            f"`{_written(ref)}` holds a ToughTongue token and is public ({public}), so "
            f"the bundler writes the token into client code. {where}. Move the call to "
            "your backend and give the variable a name without the public prefix."
        ),
        identity=f"{ref.via} {ref.name}",
    )


def _private_ref_hit(
    ref: EnvRef, dynamic: bool, profile: ProfileView, placement: PlacementView
) -> LeveledHit:
    if dynamic:
        message = (
            f"Client code reads `{ref.via}` by a computed name: {placement.reason}. "
            "Bundlers do not inline such reads, so a token read this way is empty in the "
            "browser; call your backend, which reads the token, instead."
        )
        return LeveledHit(_hit(ref, message), "note")
    if profile.inline_all:
        message = (
            f"Client code reads the token variable `{_written(ref)}`, and "
            f"{profile.inline_all}, so the token is written into the bundle: "
            f"{placement.reason}. Read the token in a backend route instead."
        )
        return LeveledHit(_hit(ref, message), "error")
    message = (
        f"Client code reads the server-only token variable `{_written(ref)}`: "
        f"{placement.reason}. The bundler leaves it empty in the browser, so the "
        "request cannot authenticate; make it from your backend, which reads the token."
    )
    return LeveledHit(_hit(ref, message), "note")


def _hit(ref: EnvRef, message: str) -> Hit:
    return Hit(
        rule="TTAI203",
        start=ref.start,
        end=ref.end,
        message=message,
        identity=f"{ref.via} {ref.name}",
    )


def check_exposure(
    name: str, start: int, end: int, reason: str, variables: TokenVariables
) -> Hit | None:
    """TTAI202: report a bundler setting that inlines a token variable into client code.

    ``name`` is the exposed name as configured (``TTAI_TOKEN``,
    ``process.env.TTAI_TOKEN``, ``import.meta.env.TTAI_TOKEN``); the last
    dotted part is the variable.
    """
    variable = name.rsplit(".", 1)[-1].strip("\"'`")
    if not variable or not variables.marks_token(variable):
        return None
    return Hit(
        rule="TTAI202",
        start=start,
        end=end,
        message=(
            f"`{variable}` holds a ToughTongue token and this setting inlines it into client "
            f"code: {reason}. Remove it from the client configuration and read the token "
            "only on the server."
        ),
        identity=name,
    )
