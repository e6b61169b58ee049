"""Intrinsic labels: directives, marker imports, framework conventions, signals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_clientside_support import Tree, mod, package

from ttai_guard.clientside import BOTH, CLIENT, SERVER, UNKNOWN
from ttai_guard.clientside.classify import is_build_config
from ttai_guard.facts import Module

# (dependency, file, side, reason) for files that earn a label by their path.
CONVENTIONS = [
    # Next.js app router
    ("next", "app/page.tsx", SERVER, "`app/page.tsx` is a Next.js Server Component (`page`)"),
    (
        "next",
        "src/app/blog/layout.tsx",
        SERVER,
        "`src/app/blog/layout.tsx` is a Next.js Server Component (`layout`)",
    ),
    (
        "next",
        "app/error.tsx",
        CLIENT,
        "`app/error.tsx` is a Next.js error boundary, always a Client Component",
    ),
    (
        "next",
        "app/x/global-error.js",
        CLIENT,
        "`app/x/global-error.js` is a Next.js error boundary, always a Client Component",
    ),
    (
        "next",
        "app/api/chat/route.ts",
        SERVER,
        "`app/api/chat/route.ts` is a Next.js route handler, run on the server",
    ),
    (
        "next",
        "app/sitemap.ts",
        SERVER,
        "`app/sitemap.ts` is a Next.js metadata route, run on the server",
    ),
    ("next", "middleware.ts", SERVER, "`middleware.ts` is Next.js middleware, run on the server"),
    ("next", "src/proxy.ts", SERVER, "`src/proxy.ts` is the Next.js proxy, run on the server"),
    (
        "next",
        "instrumentation.ts",
        SERVER,
        "`instrumentation.ts` is Next.js server instrumentation",
    ),
    (
        "next",
        "src/instrumentation-client.ts",
        CLIENT,
        "`src/instrumentation-client.ts` is Next.js client instrumentation, run in the browser",
    ),
    # Next.js pages router
    (
        "next",
        "pages/api/chat.ts",
        SERVER,
        "`pages/api/chat.ts` is a Next.js API route, run on the server",
    ),
    (
        "next",
        "pages/_document.tsx",
        SERVER,
        "`pages/_document.tsx` is the Next.js custom document, rendered only on the server",
    ),
    (
        "next",
        "pages/index.tsx",
        BOTH,
        "`pages/index.tsx` is a Next.js page rendered on the server and in the browser",
    ),
    (
        "next",
        "src/pages/_app.tsx",
        BOTH,
        "`src/pages/_app.tsx` is a Next.js page rendered on the server and in the browser",
    ),
    (
        "next",
        "next.config.mjs",
        SERVER,
        "`next.config.mjs` is a build configuration, run by Node at build time",
    ),
    # Remix and React Router
    (
        "@remix-run/react",
        "app/entry.server.tsx",
        SERVER,
        "`app/entry.server.tsx` is the Remix server entry",
    ),
    (
        "@remix-run/react",
        "app/entry.client.tsx",
        CLIENT,
        "`app/entry.client.tsx` is the Remix browser entry",
    ),
    (
        "@react-router/dev",
        "app/db.server.ts",
        SERVER,
        "`app/db.server.ts` is a `.server` module, which React Router keeps out of client bundles",
    ),
    (
        "@react-router/dev",
        "app/.server/db.ts",
        SERVER,
        "`app/.server/db.ts` is a `.server` module, which React Router keeps out of client bundles",
    ),
    (
        "@react-router/dev",
        "app/analytics.client.ts",
        CLIENT,
        "`app/analytics.client.ts` is a `.client` module, run only in the browser",
    ),
    (
        "@react-router/dev",
        "app/routes/chat.tsx",
        BOTH,
        "`app/routes/chat.tsx` is a React Router route module "
        "rendered on the server and in the browser",
    ),
    (
        "@react-router/dev",
        "app/root.tsx",
        BOTH,
        "`app/root.tsx` is a React Router route module rendered on the server and in the browser",
    ),
    # SvelteKit
    (
        "@sveltejs/kit",
        "src/routes/+page.server.ts",
        SERVER,
        "`src/routes/+page.server.ts` is a SvelteKit server load module, run only on the server",
    ),
    (
        "@sveltejs/kit",
        "src/routes/x/+layout.server.js",
        SERVER,
        "`src/routes/x/+layout.server.js` is a SvelteKit server "
        "load module, run only on the server",
    ),
    (
        "@sveltejs/kit",
        "src/routes/api/+server.ts",
        SERVER,
        "`src/routes/api/+server.ts` is a SvelteKit endpoint, run on the server",
    ),
    (
        "@sveltejs/kit",
        "src/hooks.server.ts",
        SERVER,
        "`src/hooks.server.ts` is the SvelteKit server hooks file",
    ),
    (
        "@sveltejs/kit",
        "src/hooks.client.ts",
        CLIENT,
        "`src/hooks.client.ts` is the SvelteKit client hooks file, run in the browser",
    ),
    (
        "@sveltejs/kit",
        "src/hooks.ts",
        BOTH,
        "`src/hooks.ts` is the SvelteKit universal hooks file, "
        "run on the server and in the browser",
    ),
    (
        "@sveltejs/kit",
        "src/lib/server/db.ts",
        SERVER,
        "`src/lib/server/db.ts` is under `$lib/server`, which SvelteKit keeps out of client code",
    ),
    (
        "@sveltejs/kit",
        "src/lib/keys.server.ts",
        SERVER,
        "`src/lib/keys.server.ts` is a `.server` module, which SvelteKit keeps out of client code",
    ),
    (
        "@sveltejs/kit",
        "src/routes/+page.ts",
        BOTH,
        "`src/routes/+page.ts` is a SvelteKit universal load "
        "module run on the server and in the browser",
    ),
    (
        "@sveltejs/kit",
        "src/service-worker.ts",
        CLIENT,
        "`src/service-worker.ts` is the SvelteKit service worker, run in the browser",
    ),
    (
        "@sveltejs/kit",
        "src/routes/+page.svelte",
        BOTH,
        "`src/routes/+page.svelte` is a Svelte component rendered in the browser",
    ),
    # Nuxt
    (
        "nuxt",
        "server/api/chat.ts",
        SERVER,
        "`server/api/chat.ts` is under `server/`, which Nuxt builds into the server bundle only",
    ),
    (
        "nuxt",
        "plugins/ttai.client.ts",
        CLIENT,
        "`plugins/ttai.client.ts` is a Nuxt `.client` component or plugin, run only in the browser",
    ),
    (
        "nuxt",
        "plugins/ttai.server.ts",
        SERVER,
        "`plugins/ttai.server.ts` is a Nuxt `.server` component or plugin",
    ),
    (
        "nuxt",
        "composables/useChat.ts",
        BOTH,
        "`composables/useChat.ts` is Nuxt app code run on the server and in the browser",
    ),
    (
        "nuxt",
        "app/composables/useChat.ts",
        BOTH,
        "`app/composables/useChat.ts` is Nuxt app code run on the server and in the browser",
    ),
    (
        "nuxt",
        "shared/api.ts",
        BOTH,
        "`shared/api.ts` is Nuxt app code run on the server and in the browser",
    ),
    (
        "nuxt",
        "pages/index.vue",
        BOTH,
        "`pages/index.vue` is Nuxt app code run on the server and in the browser",
    ),
    # Astro
    (
        "astro",
        "src/pages/api/chat.ts",
        SERVER,
        "`src/pages/api/chat.ts` is an Astro endpoint, run on the server",
    ),
    (
        "astro",
        "src/middleware.ts",
        SERVER,
        "`src/middleware.ts` is Astro middleware, run on the server",
    ),
    # Vue, Angular, Gatsby, CRA, Vue CLI, TanStack Start
    ("vite", "src/App.vue", BOTH, "`src/App.vue` is a Vue component rendered in the browser"),
    (
        "@angular/core",
        "src/environments/environment.prod.ts",
        CLIENT,
        "`src/environments/environment.prod.ts` is an Angular "
        "environment file, compiled into the browser bundle",
    ),
    ("@angular/core", "src/main.ts", CLIENT, "`src/main.ts` is the Angular browser entry"),
    ("@angular/core", "src/server.ts", SERVER, "`src/server.ts` is the Angular server entry"),
    (
        "@angular/core",
        "src/app/api.service.ts",
        CLIENT,
        "`src/app/api.service.ts` is Angular app code, compiled into the browser bundle",
    ),
    (
        "@angular/core",
        "src/app/app.server.ts",
        SERVER,
        "`src/app/app.server.ts` is the Angular server entry",
    ),
    (
        "gatsby",
        "gatsby-browser.js",
        CLIENT,
        "`gatsby-browser.js` is the Gatsby browser API file, run in the browser",
    ),
    (
        "gatsby",
        "gatsby-node.js",
        SERVER,
        "`gatsby-node.js` runs in Node when Gatsby builds the site",
    ),
    (
        "gatsby",
        "src/api/chat.ts",
        SERVER,
        "`src/api/chat.ts` is a Gatsby Function, run on the server",
    ),
    (
        "gatsby",
        "src/pages/index.tsx",
        BOTH,
        "`src/pages/index.tsx` is a Gatsby page rendered at build time and in the browser",
    ),
    (
        "react-scripts",
        "src/index.tsx",
        CLIENT,
        "`src/index.tsx` is the Create React App entry, bundled for the browser",
    ),
    (
        "@vue/cli-service",
        "src/main.js",
        CLIENT,
        "`src/main.js` is the Vue CLI entry, bundled for the browser",
    ),
    (
        "@tanstack/react-start",
        "src/routes/index.tsx",
        BOTH,
        "`src/routes/index.tsx` is a TanStack Start route run on the server and in the browser",
    ),
    # Build configurations of any tool
    (
        "vite",
        "vite.config.ts",
        SERVER,
        "`vite.config.ts` is a build configuration, run by Node at build time",
    ),
    (
        "tailwindcss",
        "tailwind.config.js",
        SERVER,
        "`tailwind.config.js` is a build configuration, run by Node at build time",
    ),
    (
        "webpack",
        "webpack.prod.js",
        SERVER,
        "`webpack.prod.js` is a build configuration, run by Node at build time",
    ),
]

# (dependency, file) pairs where the framework's convention does not apply.
NO_CONVENTION = [
    ("next", "app/components/Chat.tsx"),
    ("next", "lib/ttai.ts"),
    ("react", "app/page.tsx"),
    ("react", "pages/api/chat.ts"),
    ("react", "src/routes/+server.ts"),
    ("@sveltejs/kit", "src/lib/ttai.ts"),
    ("nuxt", "lib/ttai.ts"),
    ("astro", "src/lib/ttai.ts"),
    ("@remix-run/react", "app/utils.ts"),
    ("next", "app/db.server.ts"),
]


@pytest.mark.parametrize(("dependency", "name", "side", "reason"), CONVENTIONS)
def test_convention(tmp_path: Path, dependency: str, name: str, side: str, reason: str) -> None:
    tree = Tree(tmp_path, {"package.json": package(dependency), name: ""})
    placement = tree.place(name)
    assert placement.side == side
    assert placement.reason == reason


@pytest.mark.parametrize(("dependency", "name"), NO_CONVENTION)
def test_no_convention(tmp_path: Path, dependency: str, name: str) -> None:
    tree = Tree(tmp_path, {"package.json": package(dependency), name: ""})
    placement = tree.place(name)
    assert placement.side == UNKNOWN
    assert (
        placement.reason == f"no directive, framework convention or client import places `{name}`"
    )


# (module, side, reason) for a file without any path convention.
MODULE_CASES = [
    (mod(directive="use client"), CLIENT, "`lib/x.ts` starts with 'use client'"),
    (mod(directive="use server"), SERVER, "`lib/x.ts` starts with 'use server'"),
    (mod("server-only"), SERVER, "`lib/x.ts` imports 'server-only'"),
    (mod("client-only"), CLIENT, "`lib/x.ts` imports 'client-only'"),
    (mod("server-only", "client-only"), CLIENT, "`lib/x.ts` imports 'client-only'"),
    (mod("server-only", directive="use client"), CLIENT, "`lib/x.ts` starts with 'use client'"),
    (
        mod("$env/static/private"),
        SERVER,
        "`lib/x.ts` imports `$env/static/private`, which SvelteKit allows only in server code",
    ),
    (
        mod(client=("uses the browser global `window`",), server=("imports `fs`",)),
        CLIENT,
        "`lib/x.ts` uses the browser global `window`",
    ),
    (mod(server=("imports `fs`",)), SERVER, "`lib/x.ts` imports `fs`"),
]


@pytest.mark.parametrize(("module", "side", "reason"), MODULE_CASES)
def test_module_label(tmp_path: Path, module: Module, side: str, reason: str) -> None:
    tree = Tree(
        tmp_path, {"package.json": package("react"), "lib/x.ts": ""}, {"lib/x.ts": [module]}
    )
    placement = tree.place("lib/x.ts")
    assert placement.side == side
    assert placement.reason == reason


def test_directive_beats_convention(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {"package.json": package("next"), "app/page.tsx": ""},
        {"app/page.tsx": [mod(directive="use client")]},
    )
    assert tree.place("app/page.tsx").reason == "`app/page.tsx` starts with 'use client'"


# (file, block, side, reason) for script blocks of markup files, with no framework.
MARKUP = [
    (
        "src/pages/index.astro",
        "frontmatter",
        SERVER,
        "the frontmatter of `src/pages/index.astro` runs only on the server",
    ),
    (
        "src/pages/index.astro",
        "script",
        CLIENT,
        "the `<script>` in `src/pages/index.astro` runs in the browser",
    ),
    ("index.html", "script", CLIENT, "the inline `<script>` in `index.html` runs in the browser"),
    (
        "index.html",
        "module script",
        CLIENT,
        "the inline `<script>` in `index.html` runs in the browser",
    ),
    ("index.html", "entry", CLIENT, "`index.html` is an HTML page"),
    (
        "src/Chat.vue",
        "setup script",
        BOTH,
        "`src/Chat.vue` is a Vue component rendered in the browser",
    ),
    (
        "src/Chat.svelte",
        "script",
        BOTH,
        "`src/Chat.svelte` is a Svelte component rendered in the browser",
    ),
]


@pytest.mark.parametrize(("name", "block", "side", "reason"), MARKUP)
def test_markup_block(tmp_path: Path, name: str, block: str, side: str, reason: str) -> None:
    tree = Tree(tmp_path, {"package.json": package(), name: ""}, {name: [mod(block=block)]})
    placement = tree.place(name)
    assert placement.side == side
    assert placement.reason == reason


# Distributed targets: every app file ships.
DISTRIBUTED = [
    (
        package("expo"),
        "app/index.tsx",
        CLIENT,
        "`app/index.tsx` is part of the Expo app, shipped to users' devices",
    ),
    (
        package("react-native"),
        "src/api.ts",
        CLIENT,
        "`src/api.ts` is part of the React Native app, shipped to users' devices",
    ),
    (
        package("expo"),
        "app/chat+api.ts",
        SERVER,
        "`app/chat+api.ts` is an Expo Router API route, run on the server",
    ),
    (
        package("expo"),
        "metro.config.js",
        SERVER,
        "`metro.config.js` is a build configuration, run by Node at build time",
    ),
    (
        package("electron", main="main.js"),
        "main.js",
        CLIENT,
        "`main.js` is the Electron main process (`main` in `package.json`), shipped to users",
    ),
    (
        package("electron", main="main.js"),
        "preload.js",
        CLIENT,
        "`preload.js` is part of the Electron app, shipped to users",
    ),
    (
        package("express", main="server.js"),
        "server.js",
        SERVER,
        "`server.js` is the entry point of the Express server (`main` in `package.json`)",
    ),
]


@pytest.mark.parametrize(("manifest", "name", "side", "reason"), DISTRIBUTED)
def test_distributed(tmp_path: Path, manifest: str, name: str, side: str, reason: str) -> None:
    tree = Tree(tmp_path, {"package.json": manifest, name: ""})
    placement = tree.place(name)
    assert placement.side == side
    assert placement.reason == reason


def test_distributed_beats_use_server(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {"package.json": package("expo"), "app/actions.ts": ""},
        {"app/actions.ts": [mod(directive="use server")]},
    )
    assert tree.place("app/actions.ts").side == CLIENT


EXTENSION_MANIFEST = {
    "manifest_version": 3,
    "name": "Tutor",
    "background": {"service_worker": "background.js"},
    "action": {"default_popup": "popup.html"},
    "options_ui": {"page": "options/index.html"},
    "content_scripts": [{"matches": ["<all_urls>"], "js": ["content/inject.js"]}],
}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("background.js", "`background.js` is the background service worker in `manifest.json`"),
        ("content/inject.js", "`content/inject.js` is a content script in `manifest.json`"),
        ("popup.html", "`popup.html` is the popup page in `manifest.json`"),
        ("options/index.html", "`options/index.html` is the options page in `manifest.json`"),
    ],
)
def test_extension_roles(tmp_path: Path, name: str, reason: str) -> None:
    tree = Tree(tmp_path, {"manifest.json": json.dumps(EXTENSION_MANIFEST), name: ""})
    placement = tree.place(name)
    assert placement.side == CLIENT
    assert placement.reason == reason


def test_extension_popup_script(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {"manifest.json": json.dumps(EXTENSION_MANIFEST), "popup.html": "", "popup.js": ""},
        {"popup.html": [mod("./popup.js", block="entry")]},
    )
    assert tree.place("popup.js").reason == (
        "`popup.html` is the popup page in `manifest.json` and imports `popup.js`"
    )


def test_worker_entry(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {
            "package.json": package("hono", "wrangler"),
            "wrangler.toml": 'name = "api"\nmain = "src/index.ts"\n',
            "src/index.ts": "",
        },
    )
    placement = tree.place("src/index.ts")
    assert placement.side == SERVER
    assert placement.reason == (
        "`src/index.ts` is the Cloudflare Worker entry (`main` in the wrangler configuration)"
    )


def test_monorepo_profiles(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {
            "package.json": package(),
            "apps/web/package.json": package("next"),
            "apps/web/app/error.tsx": "",
            "apps/site/package.json": package("astro"),
            "apps/site/app/error.tsx": "",
        },
    )
    assert tree.place("apps/web/app/error.tsx").side == CLIENT
    assert tree.place("apps/site/app/error.tsx").side == UNKNOWN


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("vite.config.ts", True),
        ("next.config.mjs", True),
        ("svelte.config.js", True),
        ("webpack.config.cjs", True),
        ("webpack.dev.js", True),
        ("app.config.json", False),
        ("config.ts", False),
        ("webpacker.ts", False),
    ],
)
def test_is_build_config(name: str, expected: bool) -> None:
    assert is_build_config(name) is expected
