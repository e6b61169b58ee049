"""Names and module specifiers that show where JavaScript code runs.

The lists follow the checks that Next.js applies to React Server Components
and that ``eslint-plugin-react-server-components`` applies for its
``use-client`` rule: browser-only globals, React client hooks, JSX event
props, and imports that only one side can load.
"""

from __future__ import annotations

import re

# Globals that exist in browsers but not in Node.js. `navigator` exists in
# Node.js 21 and later too, but code that reads it is written for browsers.
BROWSER_GLOBALS = frozenset(
    {
        "window",
        "document",
        "localStorage",
        "sessionStorage",
        "navigator",
        "location",
        "history",
        "alert",
        "confirm",
        "prompt",
        "HTMLElement",
        "IntersectionObserver",
        "ResizeObserver",
        "MutationObserver",
        "requestAnimationFrame",
        "cancelAnimationFrame",
        "requestIdleCallback",
        "customElements",
        "matchMedia",
        "getComputedStyle",
        "indexedDB",
        "DOMParser",
        "FileReader",
        "Image",
        "screen",
        "innerWidth",
        "innerHeight",
        "scrollX",
        "scrollY",
    }
)
# `HTMLInputElement`, `HTMLCanvasElement` and the other element interfaces.
HTML_ELEMENT_INTERFACE = re.compile(r"HTML[A-Za-z]*Element")

REACT_CLIENT_HOOKS = frozenset(
    {
        "useState",
        "useEffect",
        "useRef",
        "useReducer",
        "useLayoutEffect",
        "useInsertionEffect",
        "useSyncExternalStore",
        "useTransition",
        "useDeferredValue",
        "useOptimistic",
        "useActionState",
        "useImperativeHandle",
    }
)
REACT_CLIENT_FUNCTIONS = frozenset({"createContext"})

JSX_EVENT_PROP = re.compile(r"on[A-Z][A-Za-z]*")

_CLIENT_MODULES = frozenset(
    {
        "client-only",
        "react-dom/client",
        "next/navigation",
        "next/router",
        "react-native",
        "webextension-polyfill",
    }
)
_CLIENT_PREFIXES = ("expo-", "expo/", "@expo/", "react-native-", "react-native/")

# Node.js built-in modules that bundlers do not replace with a browser
# version. `path`, `url`, `util`, `events`, `buffer` and `stream` are left out
# because npm packages of the same names serve browsers.
_NODE_BUILTINS = frozenset(
    {
        "fs",
        "fs/promises",
        "child_process",
        "cluster",
        "crypto",
        "dgram",
        "dns",
        "http",
        "http2",
        "https",
        "inspector",
        "module",
        "net",
        "os",
        "perf_hooks",
        "readline",
        "repl",
        "tls",
        "v8",
        "vm",
        "worker_threads",
        "zlib",
    }
)
_SERVER_MODULES = frozenset(
    {
        "server-only",
        "express",
        "fastify",
        "koa",
        "hono",
        "h3",
        "next/headers",
        "next/server",
        "next/root-params",
        "$env/static/private",
        "$env/dynamic/private",
        "$app/server",
        "cloudflare:workers",
        "@remix-run/node",
        "@react-router/node",
        "@vercel/node",
        "firebase-admin",
        # Database drivers and ORMs.
        "pg",
        "mysql",
        "mysql2",
        "mysql2/promise",
        "mongodb",
        "mongoose",
        "@prisma/client",
        "sqlite3",
        "better-sqlite3",
        "redis",
        "ioredis",
        "knex",
        "sequelize",
        "typeorm",
        "postgres",
        "@neondatabase/serverless",
        "@planetscale/database",
    }
)
_SERVER_PREFIXES = ("node:", "@nestjs/", "@koa/", "@fastify/", "hono/", "express-")
# Subpaths of server packages that run in browsers.
_BROWSER_SUBPATHS = frozenset({"hono/client"})


def import_side(specifier: str) -> str | None:
    """Return ``"client"`` or ``"server"`` when importing ``specifier`` decides the side."""
    if (
        specifier in _CLIENT_MODULES
        or specifier == "expo"
        or specifier.startswith(_CLIENT_PREFIXES)
    ):
        return "client"
    if specifier in _BROWSER_SUBPATHS:
        return None
    if specifier in _SERVER_MODULES or specifier in _NODE_BUILTINS:
        return "server"
    if specifier.startswith(_SERVER_PREFIXES):
        return "server"
    return None


def is_browser_global(name: str) -> bool:
    return name in BROWSER_GLOBALS or HTML_ELEMENT_INTERFACE.fullmatch(name) is not None
