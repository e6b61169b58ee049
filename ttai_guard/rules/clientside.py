"""TTAI201 client-side-api-call, TTAI202 public-env-token, TTAI203 token-env-in-client.

These rules need the whole project: where a module runs depends on the
framework, on path conventions and on which client code imports it. Worker
processes therefore reduce each parsed file to a :class:`ClientFacts` record
(:func:`summarize`), and after every file is scanned the project pass
(:mod:`ttai_guard.projectpass`) requests the placement of the modules that
contain a candidate and calls the ``check_*`` functions below.

A :class:`ClientFacts` record is cached on disk with the rest of a file's
report, so it never contains a whole secret: request URLs and exported values
are redacted, and a ``.env*`` value is kept only as "is it a token".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ttai_guard import filekinds
from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.facts import EnvRef, Facts, Literal, Module
from ttai_guard.finding import Level
from ttai_guard.names import is_token_name
from ttai_guard.rules import Hit
from ttai_guard.tokens import find_tokens, mask_random_runs, redact_text
from ttai_guard.urls import find_urls, is_api_url, is_toughtongue_host

#: File kinds whose facts carry modules: JavaScript, TypeScript and markup
#: with script blocks.
MODULE_KINDS = frozenset({*filekinds.JS_DIALECTS, *filekinds.SCRIPT_BLOCK_KINDS})

# `via` values of an EnvRef that read only public variables, whatever the name.
_PUBLIC_VIA = frozenset({"$env/static/public", "$env/dynamic/public", "runtimeConfig"})
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
# Longer exported strings are not kept as URL paths.
_MAX_PATH_LENGTH = 2048


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
    """The facts of one parsed file that the project pass needs.

    ``modules`` are the file's modules with only the exports that can build
    an API URL, redacted: values that name a ToughTongue or configured API
    host, and the module's URL paths when it has such a value. ``requests``
    lists the requests to API hosts, and ``env_definitions`` the bindings of
    a ``.env*`` file.
    """

    modules: list[Module] = field(default_factory=list)
    requests: list[ApiRequest] = field(default_factory=list)
    env_definitions: list[EnvDefinition] = field(default_factory=list)


class PlacementView(Protocol):
    """The placement of a module: the fields of ``clientside.Placement`` used here."""

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


def _with_scheme(value: str) -> str:
    """Return a URL with ``https:`` added when it is protocol-relative (``//host/path``).

    A browser requests a protocol-relative URL with the scheme of the page,
    which is https for any deployed app, so the request goes to that host.
    """
    return "https:" + value if value.startswith("//") else value


def _names_api_host(value: str, api_hosts: Iterable[str]) -> bool:
    extra = {host.lower() for host in api_hosts}
    urls = find_urls(_with_scheme(value))
    return any(is_toughtongue_host(url.host) or url.host in extra for url in urls)


def _is_url_path(value: str) -> bool:
    """Tell whether ``value`` reads as the path or query part of a URL (``/api/public/x``)."""
    if not value or len(value) > _MAX_PATH_LENGTH or any(c.isspace() for c in value):
        return False
    return value.startswith(("/", "?")) or ("/" in value and "://" not in value)


def _sanitized(module: Module, api_hosts: tuple[str, ...]) -> Module:
    """Return ``module`` keeping only the exports that can build an API URL, redacted.

    Those are the exports that name an API host and, when there is one, the
    module's URL paths, because an importer joins them
    (``apiConfig.baseUrl + apiConfig.endpoints.sessions``). Paths pass
    through :func:`mask_random_runs`, so a key written into a path stays out.
    """
    exports: dict[str, Literal] = {}
    for name, literal in module.exports.items():
        is_url = "://" in literal.value or literal.value.startswith("//")
        if is_url and _names_api_host(literal.value, api_hosts):
            exports[name] = Literal(redact_text(literal.value), literal.segments)
    if exports:
        for name, literal in module.exports.items():
            if name not in exports and _is_url_path(literal.value):
                masked = mask_random_runs(redact_text(literal.value))
                exports[name] = Literal(masked, literal.segments)
        exports = {name: exports[name] for name in module.exports if name in exports}
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
        url = next(find_urls(_with_scheme(request.url.value.lstrip())), None)
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

    ``None`` means the file contains nothing for these rules or was not parsed
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


#: Maximum chain of re-exporting modules (barrels) followed from a module
#: that exports an API URL to the module that imports it.
MAX_REEXPORT_DEPTH = 8


def reexported_values(
    exporters: dict[Path, dict[str, str]],
    paths: Iterable[Path],
    text: Callable[[Path], str | None],
    modules: Callable[[Path], list[Module]],
    resolve: Callable[[Path, str], Path | None],
) -> dict[Path, dict[str, str]]:
    """Add the modules that re-export values of ``exporters`` to a copy of it.

    ``exporters`` maps a module file to its exported static values (dotted
    names for object properties). A module among ``paths`` whose text
    mentions ``export`` and either an exported name or the name of an
    exporter (its file stem, or the directory name of an ``index`` file) is
    parsed with ``modules``, and each
    ``export * from``, ``export * as ns from`` and ``export { a as b } from``
    that ``resolve`` maps to an exporter adds the values under their new
    names. Chains of barrels are followed up to :data:`MAX_REEXPORT_DEPTH`
    modules long.
    """
    result = {path: dict(values) for path, values in exporters.items()}
    candidates = list(paths)
    for _ in range(MAX_REEXPORT_DEPTH):
        words = {_module_word(path) for path in result}
        words.update(name.split(".", 1)[0] for values in result.values() for name in values)
        words.discard("default")
        added = False
        for path in candidates:
            source = text(path)
            if source is None or "export" not in source:
                continue
            if not any(word in source for word in words):
                continue
            values = _reexports_of(path, result, modules(path), resolve)
            known = result.setdefault(path, {})
            for name, value in values.items():
                if name not in known:
                    known[name] = value
                    added = True
            if not known:
                del result[path]
        if not added:
            break
    return result


def _module_word(path: Path) -> str:
    """Return the word an import specifier of ``path`` contains (``./lib`` for ``lib/index.ts``)."""
    if path.stem == "index" and path.parent.name:
        return path.parent.name
    return path.stem


def _reexports_of(
    path: Path,
    exporters: dict[Path, dict[str, str]],
    modules: list[Module],
    resolve: Callable[[Path, str], Path | None],
) -> dict[str, str]:
    values: dict[str, str] = {}
    for module in modules:
        for item in module.imports:
            if item.kind != "export" or item.type_only:
                continue
            target = resolve(path, item.specifier)
            exports = exporters.get(target) if target is not None and target != path else None
            if not exports:
                continue
            for original, exported in item.names:
                if original == "*" and exported == "*":
                    # `export *` re-exports every name except the default export.
                    for name, value in exports.items():
                        if name.split(".", 1)[0] != "default":
                            values.setdefault(name, value)
                    continue
                for name, value in bound_values(original, exported, exports):
                    values.setdefault(name, value)
    return values


def bound_values(imported: str, local: str, exports: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Yield (local name, value) for what one imported name binds from ``exports``.

    ``imported`` is ``"*"`` for a namespace import, which binds every export
    as a property of ``local``.
    """
    for name, value in exports.items():
        if imported == "*":
            yield f"{local}.{name}", value
        elif name == imported:
            yield local, value
        elif name.startswith(imported + "."):
            yield local + name[len(imported) :], value


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

    A public variable that contains a token is reported in every module that
    is not server-only (TTAI202). A non-public token variable, or a read by a
    computed name, is reported in modules that ship to clients (TTAI203). It
    is an error when the bundler inlines the variable (every variable, or this
    name through EnvironmentPlugin or DefinePlugin). Otherwise it is a note,
    because the bundler does not write the value into the shipped code.
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
                yield _private_ref_hit(path, ref, dynamic, profile, placement)


def _public_reason(ref: EnvRef, profile: ProfileView) -> str | None:
    if ref.via == "runtimeConfig":
        return "Nuxt sends `runtimeConfig.public` to the browser"
    if ref.via in _PUBLIC_VIA:
        return f"`{ref.via}` exposes public variables to client code"
    public = public_prefix(ref.name, profile)
    return None if public is None else f"the `{public[0]}` prefix: {public[1]}"


def _public_fix(ref: EnvRef) -> str:
    """Return how to keep a public token variable out of client code, for the message."""
    if ref.via == "runtimeConfig":
        return "keep the key in the server-only `runtimeConfig`, outside `runtimeConfig.public`"
    if ref.via in ("$env/static/public", "$env/dynamic/public"):
        return (
            "rename the variable without the `PUBLIC_` prefix and import it from "
            "`$env/static/private` in server code"
        )
    return "give the variable a name without the public prefix"


def _public_ref_hit(ref: EnvRef, public: str, placement: PlacementView) -> Hit:
    if placement.side == "unknown":
        where = "This module may run in the browser"
    else:
        where = f"This module runs in client code: {placement.reason}"
    if ref.via == "runtimeConfig":
        delivery = "Nuxt sends the token to the browser"
    else:
        delivery = "the bundler writes the token into client code"
    return Hit(
        rule="TTAI202",
        start=ref.start,
        end=ref.end,
        message=(
            f"`{_written(ref)}` holds a ToughTongue token and is public ({public}), so "
            f"{delivery}. {where}. Move the call to your backend and {_public_fix(ref)}."
        ),
        identity=f"{ref.via} {ref.name}",
    )


#: Runtimes of client code, spelled like the ``target`` of
#: :class:`ttai_guard.clientside.Placement` (not imported here, because this
#: module runs in every worker and that package loads the parser). The runtime
#: decides what a read of a private variable gives.
BROWSER = "browser"
DEVICE = "device"
DESKTOP_MAIN = "electron-main"
DESKTOP = "electron"
EXTENSION = "extension"
_RUNTIMES = frozenset({BROWSER, DEVICE, DESKTOP_MAIN, DESKTOP, EXTENSION})


def client_runtime(path: Path, profile: ProfileView, placement: PlacementView) -> str:
    """Return where the client code of ``path`` runs: one of the runtime constants above.

    A ``target`` attribute of the placement wins when it names one of them.
    Otherwise the profile's frameworks decide: Electron's ``main`` entry is
    :data:`DESKTOP_MAIN` (Node, with the user's own environment), other
    Electron code :data:`DESKTOP`, Expo and React Native :data:`DEVICE`, and
    everything else :data:`BROWSER`.
    """
    target = getattr(placement, "target", "")
    if target in _RUNTIMES:
        return str(target)
    frameworks: frozenset[str] = getattr(profile, "frameworks", frozenset())
    if "electron" in frameworks:
        main = getattr(profile, "main", None)
        return DESKTOP_MAIN if main is not None and Path(main) == path else DESKTOP
    if "expo" in frameworks or "react-native" in frameworks:
        return DEVICE
    return BROWSER


def _inlined_reason(name: str, profile: ProfileView) -> str:
    """Return why a bundler setting writes variable ``name`` into client code, or ""."""
    inlined = getattr(profile, "inlined_names", None)
    if not inlined or name not in inlined:
        return ""
    if isinstance(inlined, Mapping):
        return str(inlined[name])
    return "a bundler setting (`EnvironmentPlugin` or `DefinePlugin`) inlines it"


# The effect of reading a variable that the bundler does not inline, by runtime.
_UNSET_EFFECT = {
    BROWSER: "The bundler leaves it empty in the browser, so the request cannot authenticate",
    DEVICE: (
        "The app bundle does not contain it, so it is undefined on users' devices and the "
        "request cannot authenticate"
    ),
    DESKTOP_MAIN: (
        "The main process runs in Node on each user's computer and reads that user's "
        "environment, so the token is set only if the app ships it, and then every user has it"
    ),
    DESKTOP: (
        "Electron app code runs on each user's computer, so the token is set only if the app "
        "ships it, and then every user has it"
    ),
    EXTENSION: (
        "The extension's bundler leaves it empty, so the request cannot authenticate, and "
        "a token built into the extension would reach every user who installs it"
    ),
}


_COMPUTED_EFFECT = (
    "Bundlers do not inline such reads, so a token read this way is empty in the browser"
)


def _private_ref_hit(
    path: Path, ref: EnvRef, dynamic: bool, profile: ProfileView, placement: PlacementView
) -> LeveledHit:
    runtime = client_runtime(path, profile, placement)
    if dynamic:
        effect = _COMPUTED_EFFECT if runtime == BROWSER else _UNSET_EFFECT[runtime]
        message = (
            f"Client code reads `{ref.via}` by a computed name: {placement.reason}. "
            f"{effect}; call your backend, which reads the token, instead."
        )
        return LeveledHit(_hit(ref, message), "note")
    inlined = _inlined_reason(ref.name, profile) or profile.inline_all
    if inlined:
        message = (
            f"Client code reads the token variable `{_written(ref)}`, and "
            f"{inlined}, so the token is written into the bundle: "
            f"{placement.reason}. Read the token in a backend route instead."
        )
        return LeveledHit(_hit(ref, message), "error")
    message = (
        f"Client code reads the server-only token variable `{_written(ref)}`: "
        f"{placement.reason}. {_UNSET_EFFECT[runtime]}; make the request from your backend, "
        "which reads the token."
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
