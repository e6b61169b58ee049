"""The profile of one package: frameworks, path aliases and the public environment policy.

A profile belongs to the directory of a ``package.json`` (the nearest one
above a file, so each package of a monorepo has its own). It is read from
that ``package.json``, the ``tsconfig.json`` or ``jsconfig.json`` beside it,
the build configurations in the same directory (``next.config.*``,
``vite.config.*``, ``webpack*.js``, ``nuxt.config.*``, ``astro.config.*``,
``svelte.config.*``, ``wrangler.*``) and a browser extension's
``manifest.json``.
"""

from __future__ import annotations

import os.path
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from tree_sitter import Node

from ttai_guard.analyzers import AnalysisError
from ttai_guard.analyzers.jsonfile import JsonNode, parse_json
from ttai_guard.clientside.configs import ConfigReader

#: Display names of the frameworks, bundlers and servers a profile detects.
FRAMEWORK_NAMES = {
    "next": "Next.js",
    "remix": "Remix",
    "react-router": "React Router",
    "sveltekit": "SvelteKit",
    "nuxt": "Nuxt",
    "astro": "Astro",
    "tanstack-start": "TanStack Start",
    "expo": "Expo",
    "react-native": "React Native",
    "electron": "Electron",
    "angular": "Angular",
    "gatsby": "Gatsby",
    "cra": "Create React App",
    "vue-cli": "Vue CLI",
    "storybook": "Storybook",
    "parcel": "Parcel",
    "vite": "Vite",
    "webpack": "webpack",
    "wrangler": "Cloudflare Workers",
    "express": "Express",
    "fastify": "Fastify",
    "koa": "Koa",
    "nestjs": "NestJS",
    "hono": "Hono",
}

#: Frameworks that build client code with Vite, so Vite's ``VITE_`` rule applies.
VITE_BASED = frozenset({"vite", "remix", "react-router", "sveltekit", "astro", "tanstack-start"})
#: Server frameworks whose package entry point is server code.
SERVER_FRAMEWORKS = frozenset({"express", "fastify", "koa", "nestjs", "hono"})
#: Frameworks under which a non-public variable reads as empty in the browser.
BLANKING = frozenset({"next", "cra", "sveltekit"}) | VITE_BASED

_EXACT_DEPENDENCIES = {
    "next": "next",
    "@react-router/dev": "react-router",
    "@sveltejs/kit": "sveltekit",
    "nuxt": "nuxt",
    "nuxt3": "nuxt",
    "astro": "astro",
    "@tanstack/react-start": "tanstack-start",
    "@tanstack/solid-start": "tanstack-start",
    "@tanstack/start": "tanstack-start",
    "expo": "expo",
    "react-native": "react-native",
    "electron": "electron",
    "@angular/core": "angular",
    "gatsby": "gatsby",
    "react-scripts": "cra",
    "@vue/cli-service": "vue-cli",
    "storybook": "storybook",
    "parcel": "parcel",
    "parcel-bundler": "parcel",
    "@parcel/core": "parcel",
    "vite": "vite",
    "webpack": "webpack",
    "wrangler": "wrangler",
    "express": "express",
    "fastify": "fastify",
    "koa": "koa",
    "@nestjs/core": "nestjs",
    "hono": "hono",
}

# Configuration file name prefixes that reveal a framework without a dependency.
_CONFIG_FRAMEWORKS = {
    "next.config.": "next",
    "vite.config.": "vite",
    "nuxt.config.": "nuxt",
    "astro.config.": "astro",
    "webpack.config.": "webpack",
    "wrangler.": "wrangler",
    "angular.json": "angular",
}

# Public prefixes in the order they are listed, with the framework that sets each.
_DEFAULT_PREFIXES = (
    ("next", "NEXT_PUBLIC_", "Next.js inlines `NEXT_PUBLIC_` variables into client bundles"),
    ("vite", "VITE_", "Vite exposes `VITE_` variables to client code in `import.meta.env`"),
    ("sveltekit", "PUBLIC_", "SvelteKit exposes `PUBLIC_` variables to client code"),
    ("astro", "PUBLIC_", "Astro exposes `PUBLIC_` variables to client code"),
    ("cra", "REACT_APP_", "Create React App inlines `REACT_APP_` variables into the bundle"),
    ("expo", "EXPO_PUBLIC_", "Expo inlines `EXPO_PUBLIC_` variables into the app bundle"),
    ("gatsby", "GATSBY_", "Gatsby inlines `GATSBY_` variables into client code"),
    ("vue-cli", "VUE_APP_", "Vue CLI inlines `VUE_APP_` variables into the bundle"),
    ("storybook", "STORYBOOK_", "Storybook inlines `STORYBOOK_` variables into the bundle"),
    ("nuxt", "NUXT_PUBLIC_", "Nuxt sends `NUXT_PUBLIC_` variables to the browser"),
)
_PREFIX_FRAMEWORKS = frozenset(framework for framework, _, _ in _DEFAULT_PREFIXES) | VITE_BASED

_SCRIPT_SUFFIXES = (".js", ".cjs", ".mjs", ".ts", ".mts", ".cts")
_MANIFEST_DIRECTORIES = ("", "public", "src", "static", "extension")
_WRANGLER_MAIN = re.compile(r'^\s*main\s*=\s*["\']([^"\']+)["\']', re.MULTILINE)


class Exposure(NamedTuple):
    """A configuration entry that inlines a variable into client bundles.

    ``start`` and ``end`` span ``name`` as written in ``path``'s decoded text.
    """

    path: Path
    start: int
    end: int
    name: str
    reason: str


@dataclass
class Profile:
    """The settings of one package that decide where its code runs.

    ``root`` is the package directory (the scan root when no ``package.json``
    was found). ``frameworks`` contains keys of :data:`FRAMEWORK_NAMES`.
    ``aliases`` maps an import pattern with at most one ``*`` to absolute
    target patterns, ``tsconfig.json`` style. ``public_prefixes`` pairs each
    environment variable prefix that reaches client code with the reason.
    ``inline_all`` is the reason when the bundler inlines every referenced
    variable, else "". ``blanks_private`` is true when a non-public variable
    reads as empty in the browser. ``roles`` maps files that a distributed
    target loads (Electron main, extension scripts and pages) to a phrase
    naming their role.
    """

    root: Path
    package_json: Path | None = None
    name: str = ""
    frameworks: frozenset[str] = frozenset()
    main: Path | None = None
    worker_main: Path | None = None
    nuxt_source: Path | None = None
    base_url: Path | None = None
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    public_prefixes: tuple[tuple[str, str], ...] = ()
    inline_all: str = ""
    blanks_private: bool = False
    exposures: list[Exposure] = field(default_factory=list)
    roles: dict[Path, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    #: Variables that a bundler replaces with their build-time value in client
    #: code (webpack ``EnvironmentPlugin`` and ``DefinePlugin``, Vite
    #: ``define``, Next.js ``env``), so reading one there writes it into the bundle.
    inlined_names: set[str] = field(default_factory=set)

    def has(self, *frameworks: str) -> bool:
        return any(framework in self.frameworks for framework in frameworks)

    def framework_name(self, *frameworks: str) -> str:
        """Return the display name of the first of ``frameworks`` this profile has."""
        for framework in frameworks:
            if framework in self.frameworks:
                return FRAMEWORK_NAMES[framework]
        return FRAMEWORK_NAMES[frameworks[0]]


def load_profile(
    root: Path,
    package_json: Path | None,
    *,
    read: Callable[[Path], str | None],
    listing: Iterable[Path],
    extra_prefixes: tuple[str, ...] = (),
    display: Callable[[Path], str] = lambda path: path.name,
) -> Profile:
    """Read the profile of the package in ``root``.

    ``read`` returns a file's text or ``None``, ``listing`` the files directly
    in ``root``, and ``display`` the name of a file as reasons show it.
    """
    profile = Profile(root=root, package_json=package_json)
    manifest = None
    if package_json is not None:
        manifest = _package_manifest(package_json, read(package_json), profile.notices)
    frameworks: set[str] = set()
    if manifest is not None:
        _read_package(profile, manifest, frameworks)
    names = sorted(path.name for path in listing)
    for name in names:
        for prefix, framework in _CONFIG_FRAMEWORKS.items():
            if name.startswith(prefix):
                frameworks.add(framework)
    profile.frameworks = frozenset(frameworks)
    _read_tsconfig(profile, read)
    state = _ConfigState()
    for name in names:
        if _is_build_config(name):
            _read_build_config(profile, root / name, read, display, state)
    if "wrangler" in frameworks:
        profile.worker_main = _wrangler_main(root, names, read)
    _add_framework_aliases(profile, state)
    _read_extension_manifests(profile, read)
    profile.public_prefixes = _public_prefixes(profile, state, extra_prefixes)
    if "parcel" in frameworks and not state.inline_all:
        state.inline_all = "Parcel inlines every `process.env` variable that browser code reads"
    profile.inline_all = state.inline_all
    profile.blanks_private = bool(profile.frameworks & BLANKING)
    return profile


# --- package.json and tsconfig.json ----------------------------------------


def _package_manifest(path: Path, text: str | None, notices: list[str]) -> JsonNode | None:
    """Parse a ``package.json``, adding a notice when it is not a valid JSON object."""
    if text is None:
        return None
    try:
        document, _ = parse_json(text, allow_comments=True)
    except AnalysisError as error:
        notices.append(
            f"{path}: {error}; frameworks and settings in it are ignored, "
            "so client-side placement may be wrong"
        )
        return None
    if document.kind != "object":
        notices.append(
            f"{path}: invalid package.json: expected a JSON object; frameworks and "
            "settings in it are ignored, so client-side placement may be wrong"
        )
        return None
    return document


def _read_package(profile: Profile, manifest: JsonNode, frameworks: set[str]) -> None:
    name = manifest.member("name")
    profile.name = (name.string or "") if name is not None else ""
    for section in ("dependencies", "devDependencies", "peerDependencies"):
        table = manifest.member(section)
        if table is None:
            continue
        for key, _ in table.members:
            dependency = key.string or ""
            framework = _EXACT_DEPENDENCIES.get(dependency)
            if framework is not None:
                frameworks.add(framework)
            elif dependency.startswith("@remix-run/") and dependency != "@remix-run/router":
                frameworks.add("remix")
            elif dependency.startswith("@storybook/"):
                frameworks.add("storybook")
    main = manifest.member("main")
    if main is not None and main.string:
        profile.main = _under(profile.root, main.string)


def _read_tsconfig(profile: Profile, read: Callable[[Path], str | None]) -> None:
    """Read ``compilerOptions.paths`` and ``baseUrl``, following relative ``extends``."""
    for name in ("tsconfig.json", "jsconfig.json"):
        config = profile.root / name
        paths, paths_base, base_url = _tsconfig_options(config, read, depth=0)
        if paths is None and base_url is None and read(config) is None:
            continue
        profile.base_url = base_url
        if paths is not None:
            directory = base_url if base_url is not None else paths_base
            aliases = []
            for pattern, targets in paths:
                absolute = tuple(os.path.normpath(directory / target) for target in targets)
                aliases.append((pattern, absolute))
            profile.aliases = tuple(aliases)
        return


def _tsconfig_options(
    config: Path, read: Callable[[Path], str | None], depth: int
) -> tuple[list[tuple[str, list[str]]] | None, Path, Path | None]:
    """Return (paths, directory of the file that set them, baseUrl) for ``config``."""
    document = _json(read(config), comments=True)
    if document is None:
        return None, config.parent, None
    paths: list[tuple[str, list[str]]] | None = None
    paths_base = config.parent
    base_url: Path | None = None
    extends = document.member("extends")
    parents = []
    if extends is not None:
        parents = [extends] if extends.kind == "string" else list(extends.items)
    for parent in parents:
        target = parent.string or ""
        if depth >= 2 or not target.startswith("."):
            continue
        if not target.endswith(".json"):
            target += ".json"
        inherited = _tsconfig_options(
            Path(os.path.normpath(config.parent / target)), read, depth + 1
        )
        if inherited[0] is not None:
            paths, paths_base = inherited[0], inherited[1]
        if inherited[2] is not None:
            base_url = inherited[2]
    options = document.member("compilerOptions")
    if options is not None:
        base = options.member("baseUrl")
        if base is not None and base.string is not None:
            base_url = Path(os.path.normpath(config.parent / base.string))
        table = options.member("paths")
        if table is not None and table.kind == "object":
            paths = []
            for key, value in table.members:
                targets = [item.string for item in value.items if item.string is not None]
                if key.string is not None:
                    paths.append((key.string, targets))
            paths_base = config.parent
    return paths, paths_base, base_url


# --- Build configurations --------------------------------------------------


@dataclass
class _ConfigState:
    """Values collected from several configuration files of one package."""

    env_prefixes: list[tuple[str, str]] = field(default_factory=list)
    public_prefix: tuple[str, str] | None = None
    inline_all: str = ""
    aliases: list[tuple[str, Path]] = field(default_factory=list)


def _is_build_config(name: str) -> bool:
    if not name.endswith(_SCRIPT_SUFFIXES):
        return False
    return ".config." in name or name.startswith("webpack")


def _read_build_config(
    profile: Profile,
    path: Path,
    read: Callable[[Path], str | None],
    display: Callable[[Path], str],
    state: _ConfigState,
) -> None:
    text = read(path)
    if text is None:
        return
    reader = ConfigReader(text, path)
    shown = f"`{display(path)}`"
    _read_plugins(profile, reader, shown, state)
    kind = path.name.split(".", 1)[0]
    for config in reader.config_objects():
        if kind == "next":
            for (name, start, end), _ in reader.members(reader.member(config, "env")):
                reason = (
                    f"{shown} sets `{name}` under `env`, which Next.js inlines into client bundles"
                )
                profile.exposures.append(Exposure(path, start, end, name, reason))
                profile.inlined_names.add(name)
        vite = config if kind == "vite" else reader.member(config, "vite")
        if kind in ("vite", "astro", "nuxt"):
            _read_vite_options(profile, reader, vite, shown, state)
        if kind == "nuxt":
            _read_nuxt(profile, reader, config, shown, state)
        if kind == "svelte":
            kit = reader.member(config, "kit")
            for prefix, _, _ in reader.strings(reader.lookup(kit, "env", "publicPrefix")):
                state.public_prefix = (prefix, f"{shown} sets `kit.env.publicPrefix` to `{prefix}`")
            _read_alias_object(reader, reader.member(kit, "alias"), state, relative_to=profile.root)
    if kind == "astro":
        _read_astro_env(profile, reader, shown)


def _read_vite_options(
    profile: Profile, reader: ConfigReader, vite: Node | None, shown: str, state: _ConfigState
) -> None:
    if vite is None:
        return
    for prefix, _, _ in reader.strings(reader.member(vite, "envPrefix")):
        state.env_prefixes.append((prefix, f"{shown} sets `envPrefix` to `{prefix}`"))
    define = reader.member(vite, "define")
    for key, value in reader.members(define):
        _add_define(profile, reader, key, value, (f"{shown} defines", "", "Vite"), state)
    _read_alias_object(reader, reader.lookup(vite, "resolve", "alias"), state)


def _add_define(
    profile: Profile,
    reader: ConfigReader,
    key: tuple[str, int, int],
    value: Node | None,
    wording: tuple[str, str, str],
    state: _ConfigState,
) -> None:
    """Record one ``define``/``DefinePlugin`` key: a variable, or all of ``process.env``.

    ``wording`` is (subject and verb, text after the key, tool name), as in
    ("`webpack.config.js` passes", " to `DefinePlugin`", "webpack").
    """
    name, start, end = key
    subject, after, tool = wording
    if name in ("process.env", "import.meta.env"):
        if value is not None and reader.unwrap(value).type == "object":
            for (inner, inner_start, inner_end), _ in reader.members(value):
                reason = f"{subject} `{name}.{inner}`{after}, which {tool} inlines into the bundle"
                profile.exposures.append(
                    Exposure(reader.path, inner_start, inner_end, inner, reason)
                )
                profile.inlined_names.add(inner)
            return
        if not state.inline_all:
            state.inline_all = (
                f"{subject} `{name}`{after} as a whole, so {tool} inlines every variable"
            )
        return
    variable = name
    for prefix in ("process.env.", "import.meta.env."):
        if variable.startswith(prefix):
            variable = variable[len(prefix) :]
    reason = f"{subject} `{name}`{after}, which {tool} inlines into the bundle"
    profile.exposures.append(Exposure(reader.path, start, end, variable, reason))
    profile.inlined_names.add(variable)


def _read_plugins(profile: Profile, reader: ConfigReader, shown: str, state: _ConfigState) -> None:
    for arguments in reader.constructions("DefinePlugin"):
        first = arguments.named_children[0] if arguments.named_children else None
        wording = (f"{shown} passes", " to `DefinePlugin`", "webpack")
        for key, value in reader.members(first):
            _add_define(profile, reader, key, value, wording, state)
    for arguments in reader.constructions("EnvironmentPlugin"):
        reason = f"{shown} lists it in `EnvironmentPlugin`, which webpack inlines into the bundle"
        for argument in arguments.named_children:
            for name, start, end in reader.strings(argument):
                profile.exposures.append(Exposure(reader.path, start, end, name, reason))
                profile.inlined_names.add(name)
            for (name, start, end), _ in reader.members(argument):
                profile.exposures.append(Exposure(reader.path, start, end, name, reason))
                profile.inlined_names.add(name)


def _read_nuxt(
    profile: Profile, reader: ConfigReader, config: Node, shown: str, state: _ConfigState
) -> None:
    public = reader.lookup(config, "runtimeConfig", "public")
    reason = f"{shown} sets it under `runtimeConfig.public`, which Nuxt sends to the browser"
    stack = [(public, "")]
    while stack:
        table, prefix = stack.pop()
        for (name, start, end), value in reader.members(table):
            if value is not None and reader.unwrap(value).type == "object":
                stack.append((value, f"{prefix}{name}."))
            else:
                profile.exposures.append(Exposure(reader.path, start, end, prefix + name, reason))
    source = reader.string(reader.member(config, "srcDir"))
    if source is not None:
        profile.nuxt_source = Path(os.path.normpath(profile.root / source[0]))
    _read_alias_object(reader, reader.member(config, "alias"), state)


def _read_astro_env(profile: Profile, reader: ConfigReader, shown: str) -> None:
    """Record ``envField`` declarations with ``context: "client"``."""
    for call in reader.nodes("call_expression"):
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        if function is None or arguments is None:
            continue
        if not reader.source(function).startswith("envField."):
            continue
        options = arguments.named_children[0] if arguments.named_children else None
        context = reader.string(reader.member(options, "context"))
        if context is None or context[0] != "client":
            continue
        pair = call.parent
        if pair is None or pair.type != "pair":
            continue
        key = reader.key(pair)
        if key is None:
            continue
        name, start, end = key
        reason = f'{shown} declares it with `context: "client"`, which Astro exposes to client code'
        profile.exposures.append(Exposure(reader.path, start, end, name, reason))


def _read_alias_object(
    reader: ConfigReader, table: Node | None, state: _ConfigState, relative_to: Path | None = None
) -> None:
    """Read a plain ``{ "@": path }`` alias object (array forms are not read)."""
    if table is None:
        return
    for (name, _, _), value in reader.members(table):
        target = None
        literal = reader.string(value) if value is not None else None
        if literal is not None and relative_to is not None:
            target = Path(os.path.normpath(relative_to / literal[0]))
        elif value is not None:
            target = reader.path_value(value)
        if target is not None:
            state.aliases.append((name, target))


def _add_framework_aliases(profile: Profile, state: _ConfigState) -> None:
    extra: list[tuple[str, Path]] = list(state.aliases)
    if profile.has("sveltekit"):
        extra.append(("$lib", profile.root / "src" / "lib"))
    if profile.has("nuxt"):
        source = profile.nuxt_source or profile.root
        extra.extend([("~~", profile.root), ("@@", profile.root), ("~", source), ("@", source)])
    aliases = list(profile.aliases)
    known = {pattern for pattern, _ in aliases}
    for name, target in extra:
        name = name.rstrip("/")
        for pattern, replacement in ((name, str(target)), (name + "/*", f"{target}/*")):
            if pattern not in known:
                known.add(pattern)
                aliases.append((pattern, (replacement,)))
    profile.aliases = tuple(aliases)


def _wrangler_main(root: Path, names: list[str], read: Callable[[Path], str | None]) -> Path | None:
    for name in names:
        if not name.startswith("wrangler."):
            continue
        text = read(root / name)
        if text is None:
            continue
        if name.endswith(".toml"):
            match = _WRANGLER_MAIN.search(text)
            if match is not None:
                return _under(root, match.group(1))
        else:
            document = _json(text, comments=True)
            main = document.member("main") if document is not None else None
            if main is not None and main.string:
                return _under(root, main.string)
    return None


# --- Browser extensions ----------------------------------------------------

_EXTENSION_PAGES = (
    (("action", "default_popup"), "the popup page"),
    (("browser_action", "default_popup"), "the popup page"),
    (("page_action", "default_popup"), "the popup page"),
    (("options_page",), "the options page"),
    (("options_ui", "page"), "the options page"),
    (("side_panel", "default_path"), "the side panel page"),
    (("sidebar_action", "default_panel"), "the sidebar page"),
    (("devtools_page",), "the DevTools page"),
    (("background", "page"), "the background page"),
    (("background", "service_worker"), "the background service worker"),
)


def _read_extension_manifests(profile: Profile, read: Callable[[Path], str | None]) -> None:
    for directory in _MANIFEST_DIRECTORIES:
        path = (
            profile.root / directory / "manifest.json"
            if directory
            else profile.root / "manifest.json"
        )
        document = _json(read(path))
        if document is None or document.member("manifest_version") is None:
            continue
        base = path.parent
        shown = "`manifest.json`" if not directory else f"`{directory}/manifest.json`"
        for keys, role in _EXTENSION_PAGES:
            node: JsonNode | None = document
            for key in keys:
                node = node.member(key) if node is not None else None
            if node is not None and node.string:
                profile.roles.setdefault(_under(base, node.string), f"is {role} in {shown}")
        background = document.member("background")
        scripts = background.member("scripts") if background is not None else None
        for item in scripts.items if scripts is not None else ():
            if item.string:
                role = f"is a background script in {shown}"
                profile.roles.setdefault(_under(base, item.string), role)
        content = document.member("content_scripts")
        for entry in content.items if content is not None else ():
            listed = entry.member("js")
            for item in listed.items if listed is not None else ():
                if item.string:
                    role = f"is a content script in {shown}"
                    profile.roles.setdefault(_under(base, item.string), role)
        overrides = document.member("chrome_url_overrides")
        for _, page in overrides.members if overrides is not None else ():
            if page.string:
                role = f"replaces a browser page in {shown}"
                profile.roles.setdefault(_under(base, page.string), role)


# --- Public prefixes -------------------------------------------------------


def _public_prefixes(
    profile: Profile, state: _ConfigState, extra_prefixes: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    detected = profile.frameworks & _PREFIX_FRAMEWORKS
    for framework, prefix, reason in _DEFAULT_PREFIXES:
        if framework == "vite":
            if detected and not detected & VITE_BASED:
                continue
            if state.env_prefixes:
                found.extend(state.env_prefixes)
                continue
        elif detected and framework not in detected:
            continue
        if framework == "sveltekit" and state.public_prefix is not None and detected:
            found.append(state.public_prefix)
            continue
        found.append((prefix, reason))
    for prefix in extra_prefixes:
        found.append((prefix, f"`{prefix}` is listed in `public-env-prefixes`"))
    unique: dict[str, str] = {}
    for prefix, reason in found:
        if prefix and prefix not in unique:
            unique[prefix] = reason
    return tuple(unique.items())


# --- Helpers ---------------------------------------------------------------


def _json(text: str | None, *, comments: bool = True) -> JsonNode | None:
    if text is None:
        return None
    try:
        document, _ = parse_json(text, allow_comments=comments)
    except AnalysisError:
        return None
    return document if document.kind == "object" else None


def _under(base: Path, relative: str) -> Path:
    return Path(os.path.normpath(base / relative.lstrip("/")))
