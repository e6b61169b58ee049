"""The label one module earns on its own, before imports are followed.

:func:`classify` applies these tests in order, and the first that matches
wins. Test files are server code (never bundled). Storybook stories are client
code, because a built Storybook is a static site that is often published.
Then come files a distributed app ships (Expo, React Native, Electron,
browser extensions), the ``'use server'`` and ``'use client'`` directives,
imports of ``server-only``/``client-only`` and SvelteKit's private modules,
framework path conventions and script blocks of markup files, build
configurations and server entry points, and finally the module's content
signals. A module that
none of them places is :data:`UNKNOWN`.
"""

from __future__ import annotations

import os.path
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ttai_guard.clientside import (
    BOTH,
    CLIENT,
    SERVER,
    TARGET_BROWSER,
    TARGET_DEVICE,
    TARGET_ELECTRON,
    TARGET_ELECTRON_MAIN,
    TARGET_EXTENSION,
    UNKNOWN,
)
from ttai_guard.clientside.profile import SERVER_FRAMEWORKS, Profile
from ttai_guard.facts import Module

_SCRIPT = (".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts")
_BUILD_CONFIG = re.compile(r"^[\w.-]+\.config\.(?:[cm]?[jt]s)$|^webpack\b.*\.(?:[cm]?[jt]s)$")
_PRIVATE_IMPORTS = ("$env/static/private", "$env/dynamic/private", "$app/server")
_NEXT_SERVER_COMPONENTS = (
    "page",
    "layout",
    "template",
    "loading",
    "not-found",
    "default",
    "forbidden",
    "unauthorized",
)
_NEXT_METADATA_ROUTES = (
    "sitemap",
    "robots",
    "manifest",
    "opengraph-image",
    "twitter-image",
    "icon",
    "apple-icon",
)
# Jest, Vitest, Mocha, Playwright and Cypress name their test files this way.
_TEST_NAME_MARKERS = (".test.", ".spec.", ".cy.", ".e2e.")
_TEST_DIRECTORIES = frozenset(("__tests__", "__mocks__", "e2e", "cypress", "playwright"))
_NUXT_APP_DIRECTORIES = (
    "pages",
    "components",
    "layouts",
    "composables",
    "plugins",
    "middleware",
    "utils",
)


@dataclass(frozen=True)
class Label:
    """The side a module runs on by itself, with the reason as a clause.

    ``reason`` starts with the module's subject ("`app/page.tsx` starts with
    'use client'"), so the graph can append "and imports `lib/api.ts`".
    ``hard`` marks server-only modules: client code never reaches them,
    because the framework strips the import or fails the build.
    """

    side: str
    reason: str
    hard: bool = False
    #: False for test files: no app bundle contains them, so they seed no chain.
    bundled: bool = True
    #: True when only content signals (hooks, browser globals) set the side.
    heuristic: bool = False
    #: What runs the module when it is client code (a ``TARGET_*`` value).
    target: str = TARGET_BROWSER


def classify(
    module: Module,
    relative: str,
    profile: Profile,
    shown: str,
) -> Label:
    """Return the intrinsic label of ``module``.

    ``relative`` is the file's path relative to ``profile.root`` (POSIX
    separators) and ``shown`` its path as reasons show it.
    """
    name = f"`{shown}`"
    path = PurePosixPath(relative)
    tests = (
        _test_file,
        _story,
        _distributed,
        _directive,
        _marker_import,
        _framework,
        _markup,
        _generic,
    )
    for test in tests:
        label = test(module, path, profile, name)
        if label is not None:
            return label
    if module.client_signals:
        return Label(CLIENT, f"{name} {module.client_signals[0][0]}", heuristic=True)
    if module.server_signals:
        return Label(SERVER, f"{name} {module.server_signals[0][0]}", heuristic=True)
    return Label(UNKNOWN, f"no directive, framework convention or client import places {name}")


def is_build_config(file_name: str) -> bool:
    """Tell whether a file name is a build tool configuration (``vite.config.ts``)."""
    return _BUILD_CONFIG.match(file_name) is not None


# Each test below takes (module, path, profile, name) and returns a label or None.


def is_test_file(path: PurePosixPath) -> bool:
    """Tell whether ``path`` is a test, mock or end-to-end file, which no app bundle contains.

    Storybook stories (``*.stories.*``) are not test files: a built Storybook
    is a static site that is often published, so stories run in its
    visitors' browsers.
    """
    if any(marker in path.name for marker in _TEST_NAME_MARKERS):
        return True
    return any(part in _TEST_DIRECTORIES for part in path.parts[:-1])


def _test_file(module: Module, path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    if not is_test_file(path):
        return None
    return Label(SERVER, f"{name} is a test file, not bundled", hard=True, bundled=False)


def _story(module: Module, path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    if ".stories." not in path.name:
        return None
    return Label(CLIENT, f"{name} is a Storybook story, bundled into the Storybook site")


def _distributed(module: Module, path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    role = profile.roles.get(profile.root / path)
    if role is not None:
        return Label(CLIENT, f"{name} {role}", target=TARGET_EXTENSION)
    if is_build_config(path.name) or path.suffix not in (*_SCRIPT, ".html", ".htm"):
        return None
    if profile.has("electron"):
        if _absolute(profile, path) == profile.main:
            reason = "is the Electron main process (`main` in `package.json`), shipped to users"
            return Label(CLIENT, f"{name} {reason}", target=TARGET_ELECTRON_MAIN)
        reason = f"{name} is part of the Electron app, shipped to users"
        return Label(CLIENT, reason, target=TARGET_ELECTRON)
    if profile.has("expo", "react-native"):
        if "+api." in path.name:
            return Label(SERVER, f"{name} is an Expo Router API route, run on the server")
        app = profile.framework_name("expo", "react-native")
        reason = f"{name} is part of the {app} app, shipped to users' devices"
        return Label(CLIENT, reason, target=TARGET_DEVICE)
    return None


def _directive(module: Module, path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    if module.directive == "use server":
        return Label(SERVER, f"{name} starts with 'use server'", hard=True)
    if module.directive == "use client":
        return Label(CLIENT, f"{name} starts with 'use client'")
    return None


def _marker_import(
    module: Module, path: PurePosixPath, profile: Profile, name: str
) -> Label | None:
    specifiers = [item.specifier for item in module.imports if not item.type_only]
    if "client-only" in specifiers:
        return Label(CLIENT, f"{name} imports 'client-only'")
    if "server-only" in specifiers:
        return Label(SERVER, f"{name} imports 'server-only'", hard=True)
    for specifier in specifiers:
        if specifier in _PRIVATE_IMPORTS:
            reason = f"{name} imports `{specifier}`, which SvelteKit allows only in server code"
            return Label(SERVER, reason, hard=True)
    return None


def _framework(module: Module, path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    for framework, test in _FRAMEWORK_TESTS:
        if profile.has(*framework):
            label = test(path, profile, name)
            if label is not None:
                return label
    return None


def _next(path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    parts = path.parts
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    stem, suffix = _split(path.name)
    if suffix not in _SCRIPT:
        return None
    if len(parts) == 1:
        if stem == "middleware":
            return Label(SERVER, f"{name} is Next.js middleware, run on the server")
        if stem == "proxy":
            return Label(SERVER, f"{name} is the Next.js proxy, run on the server")
        if stem == "instrumentation":
            return Label(SERVER, f"{name} is Next.js server instrumentation")
        if stem == "instrumentation-client":
            return Label(CLIENT, f"{name} is Next.js client instrumentation, run in the browser")
        return None
    if parts[0] == "app":
        if stem in ("error", "global-error"):
            return Label(CLIENT, f"{name} is a Next.js error boundary, always a Client Component")
        if stem == "route":
            return Label(SERVER, f"{name} is a Next.js route handler, run on the server")
        if stem in _NEXT_METADATA_ROUTES:
            return Label(SERVER, f"{name} is a Next.js metadata route, run on the server")
        if stem in _NEXT_SERVER_COMPONENTS:
            return Label(SERVER, f"{name} is a Next.js Server Component (`{stem}`)")
        return None
    if parts[0] == "pages":
        if parts[1] == "api":
            return Label(SERVER, f"{name} is a Next.js API route, run on the server")
        if stem == "_document":
            return Label(
                SERVER, f"{name} is the Next.js custom document, rendered only on the server"
            )
        return Label(BOTH, f"{name} is a Next.js page rendered on the server and in the browser")
    return None


def _remix(path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    framework = profile.framework_name("react-router", "remix")
    stem, suffix = _split(path.name)
    if stem == "entry.server":
        return Label(SERVER, f"{name} is the {framework} server entry", hard=True)
    if stem == "entry.client":
        return Label(CLIENT, f"{name} is the {framework} browser entry")
    directories = path.parts[:-1]
    if ".server." in path.name or any(part.endswith(".server") for part in directories):
        reason = f"{name} is a `.server` module, which {framework} keeps out of client bundles"
        return Label(SERVER, reason, hard=True)
    if ".client." in path.name or any(part.endswith(".client") for part in directories):
        return Label(CLIENT, f"{name} is a `.client` module, run only in the browser")
    if suffix not in _SCRIPT:
        return None
    if path.parts[:2] == ("app", "routes") or path.parts == ("app", f"root{suffix}"):
        reason = f"{name} is a {framework} route module rendered on the server and in the browser"
        return Label(BOTH, reason)
    return None


def _sveltekit(path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    stem, suffix = _split(path.name)
    relative = path.as_posix()
    in_routes = relative.startswith("src/routes/")
    if in_routes and stem in ("+page.server", "+layout.server"):
        return Label(
            SERVER, f"{name} is a SvelteKit server load module, run only on the server", hard=True
        )
    if in_routes and stem == "+server":
        return Label(SERVER, f"{name} is a SvelteKit endpoint, run on the server")
    if relative.startswith("src/hooks.server."):
        return Label(SERVER, f"{name} is the SvelteKit server hooks file", hard=True)
    if relative.startswith("src/hooks.client."):
        return Label(CLIENT, f"{name} is the SvelteKit client hooks file, run in the browser")
    if len(path.parts) == 2 and path.parts[0] == "src" and stem == "hooks" and suffix in _SCRIPT:
        return Label(
            BOTH,
            f"{name} is the SvelteKit universal hooks file, run on the server and in the browser",
        )
    if relative.startswith("src/lib/server/"):
        reason = f"{name} is under `$lib/server`, which SvelteKit keeps out of client code"
        return Label(SERVER, reason, hard=True)
    if ".server." in path.name:
        reason = f"{name} is a `.server` module, which SvelteKit keeps out of client code"
        return Label(SERVER, reason, hard=True)
    if relative.startswith("src/service-worker.") or relative.startswith("src/service-worker/"):
        return Label(CLIENT, f"{name} is the SvelteKit service worker, run in the browser")
    if in_routes and stem in ("+page", "+layout") and suffix in _SCRIPT:
        reason = f"{name} is a SvelteKit universal load module run on the server and in the browser"
        return Label(BOTH, reason)
    return None


def _nuxt(path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    if path.parts[0] == "server":
        reason = f"{name} is under `server/`, which Nuxt builds into the server bundle only"
        return Label(SERVER, reason, hard=True)
    if ".server." in path.name:
        return Label(SERVER, f"{name} is a Nuxt `.server` component or plugin", hard=True)
    if ".client." in path.name:
        return Label(
            CLIENT, f"{name} is a Nuxt `.client` component or plugin, run only in the browser"
        )
    parts = path.parts
    source = profile.nuxt_source
    if source is not None and source != profile.root:
        prefix = (
            source.relative_to(profile.root).parts if source.is_relative_to(profile.root) else ()
        )
        if parts[: len(prefix)] == prefix:
            parts = parts[len(prefix) :]
    elif parts[0] == "app" and len(parts) > 1:
        parts = parts[1:]
    app_code = parts[0] in _NUXT_APP_DIRECTORIES and len(parts) > 1
    if app_code or path.parts[0] == "shared" or path.name in ("app.vue", "error.vue"):
        return Label(BOTH, f"{name} is Nuxt app code run on the server and in the browser")
    return None


def _astro(path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    stem, suffix = _split(path.name)
    if suffix not in _SCRIPT:
        return None
    if path.parts[:2] == ("src", "pages"):
        return Label(SERVER, f"{name} is an Astro endpoint, run on the server")
    relative = path.as_posix()
    if stem == "middleware" and (
        relative.startswith("src/middleware.") or relative.startswith("src/middleware/")
    ):
        return Label(SERVER, f"{name} is Astro middleware, run on the server")
    if relative.startswith("src/middleware/") and stem == "index":
        return Label(SERVER, f"{name} is Astro middleware, run on the server")
    return None


def _angular(path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    relative = path.as_posix()
    stem, suffix = _split(path.name)
    if (
        relative.startswith("src/environments/")
        and stem.startswith("environment")
        and suffix == ".ts"
    ):
        return Label(
            CLIENT, f"{name} is an Angular environment file, compiled into the browser bundle"
        )
    if relative in ("server.ts", "src/server.ts") or stem.endswith(".server"):
        return Label(SERVER, f"{name} is the Angular server entry")
    if relative == "src/main.ts":
        return Label(CLIENT, f"{name} is the Angular browser entry")
    if relative.startswith("src/app/") and suffix == ".ts":
        return Label(CLIENT, f"{name} is Angular app code, compiled into the browser bundle")
    return None


def _gatsby(path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    stem, suffix = _split(path.name)
    if suffix not in _SCRIPT:
        return None
    if len(path.parts) == 1 and stem in ("gatsby-node", "gatsby-config", "gatsby-ssr"):
        return Label(SERVER, f"{name} runs in Node when Gatsby builds the site")
    if len(path.parts) == 1 and stem == "gatsby-browser":
        return Label(CLIENT, f"{name} is the Gatsby browser API file, run in the browser")
    if path.parts[:2] == ("src", "api"):
        return Label(SERVER, f"{name} is a Gatsby Function, run on the server")
    if path.parts[:2] == ("src", "pages"):
        return Label(BOTH, f"{name} is a Gatsby page rendered at build time and in the browser")
    return None


def _spa_entry(path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    stem, suffix = _split(path.name)
    if suffix not in _SCRIPT or len(path.parts) != 2 or path.parts[0] != "src":
        return None
    if profile.has("cra") and stem == "index":
        return Label(CLIENT, f"{name} is the Create React App entry, bundled for the browser")
    if profile.has("vue-cli") and stem == "main":
        return Label(CLIENT, f"{name} is the Vue CLI entry, bundled for the browser")
    return None


def _tanstack(path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    _, suffix = _split(path.name)
    if suffix in _SCRIPT and "routes" in path.parts[:2] and path.parts[0] in ("src", "app"):
        reason = f"{name} is a TanStack Start route run on the server and in the browser"
        return Label(BOTH, reason)
    return None


_FRAMEWORK_TESTS: tuple[
    tuple[tuple[str, ...], Callable[[PurePosixPath, Profile, str], Label | None]], ...
] = (
    (("next",), _next),
    (("remix", "react-router"), _remix),
    (("sveltekit",), _sveltekit),
    (("nuxt",), _nuxt),
    (("astro",), _astro),
    (("angular",), _angular),
    (("gatsby",), _gatsby),
    (("cra", "vue-cli"), _spa_entry),
    (("tanstack-start",), _tanstack),
)


def _markup(module: Module, path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    """Label the script blocks of markup files (every framework, or none)."""
    suffix = path.suffix.lower()
    if suffix == ".astro":
        if module.block == "frontmatter":
            return Label(SERVER, f"the frontmatter of {name} runs only on the server", hard=True)
        return Label(CLIENT, f"the `<script>` in {name} runs in the browser")
    if suffix in (".html", ".htm"):
        if module.block == "entry":
            return Label(CLIENT, f"{name} is an HTML page")
        return Label(CLIENT, f"the inline `<script>` in {name} runs in the browser")
    if suffix == ".vue":
        return Label(BOTH, f"{name} is a Vue component rendered in the browser")
    if suffix == ".svelte":
        return Label(BOTH, f"{name} is a Svelte component rendered in the browser")
    return None


def _generic(module: Module, path: PurePosixPath, profile: Profile, name: str) -> Label | None:
    if is_build_config(path.name):
        return Label(SERVER, f"{name} is a build configuration, run by Node at build time")
    absolute = _absolute(profile, path)
    if profile.worker_main is not None and absolute == profile.worker_main:
        return Label(
            SERVER, f"{name} is the Cloudflare Worker entry (`main` in the wrangler configuration)"
        )
    if (
        profile.main is not None
        and absolute == profile.main
        and profile.frameworks & SERVER_FRAMEWORKS
    ):
        server = profile.framework_name(*sorted(profile.frameworks & SERVER_FRAMEWORKS))
        return Label(
            SERVER, f"{name} is the entry point of the {server} server (`main` in `package.json`)"
        )
    return None


def _absolute(profile: Profile, path: PurePosixPath) -> Path:
    return Path(os.path.normpath(profile.root / path))


def _split(file_name: str) -> tuple[str, str]:
    """Split ``page.server.ts`` into (``page.server``, ``.ts``)."""
    stem, dot, suffix = file_name.rpartition(".")
    if not dot:
        return file_name, ""
    return stem, "." + suffix
