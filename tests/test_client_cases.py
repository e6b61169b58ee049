"""TTAI201-203 end to end on cases a first user ran into.

Values imported from other modules (nested object members, barrels that
re-export), Nuxt's fetch composables, protocol-relative URLs, the wording of
messages per framework, files that parse only partly, and excerpts of lines
that hold a token. Each case is a real project in a temporary directory,
scanned through the CLI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import PAT, run_cli, write_files
from test_clientside_support import Tree

from ttai_guard.analyzers import AnalyzerSettings, javascript
from ttai_guard.clientside import SERVER
from ttai_guard.facts import EnvRef, Module
from ttai_guard.rules.clientside import (
    ClientFacts,
    TokenVariables,
    check_env_references,
    client_runtime,
)
from ttai_guard.tokens import redact

API = "https://api.toughtongueai.com/api/public/sessions"
GITIGNORE = ".env\n.env.local\n.env.*.local\n"
NEXT = json.dumps({"name": "app", "dependencies": {"next": "14.0.0", "react": "18.0.0"}})
CLIENT_REASON = "`app/chat.tsx` starts with 'use client'"
CONFIG = (
    "export const apiConfig = {\n"
    '  baseUrl: "https://api.toughtongueai.com",\n'
    '  endpoints: { sessions: "/api/public/sessions" },\n'
    "};\n"
)
SESSIONS = 'export const API = "https://api.toughtongueai.com/api/public/sessions";\n'


def scan(root: Path, files: dict[str, str], rule: str = "TTAI2") -> list[tuple[str, str, int, int]]:
    """Write a project and return (rule, path, line, column) of its findings of ``rule``."""
    write_files(root, {".gitignore": GITIGNORE, "package.json": NEXT, **files})
    run = run_cli(root, "check", "--format", "json", "--exit-zero")
    assert run.code == 0, run.stderr
    return [finding for finding in run.findings() if finding[0].startswith(rule)]


def chat(imports: str, *calls: str) -> str:
    """Return a 'use client' component: ``imports`` on line 2, then ``calls`` from line 5 on."""
    body = "".join(f"  fetch({call});\n" for call in calls)
    return f'"use client";\n{imports}\n\nexport function Chat() {{\n{body}}}\n'


# --- Imported values -------------------------------------------------------------


def test_imported_nested_member(tmp_path: Path) -> None:
    files = {
        "lib/config.ts": CONFIG,
        "app/chat.tsx": chat(
            'import { apiConfig } from "../lib/config";',
            "apiConfig.baseUrl + apiConfig.endpoints.sessions",
        ),
    }
    assert scan(tmp_path, files) == [("TTAI201", "app/chat.tsx", 5, 3)]


def test_imported_namespace_member(tmp_path: Path) -> None:
    files = {
        "lib/config.ts": CONFIG,
        "app/chat.tsx": chat(
            'import * as settings from "../lib/config";',
            "settings.apiConfig.baseUrl + settings.apiConfig.endpoints.sessions",
        ),
    }
    assert scan(tmp_path, files) == [("TTAI201", "app/chat.tsx", 5, 3)]


def test_imported_path_alone_silent(tmp_path: Path) -> None:
    files = {
        "lib/routes.ts": 'export const SESSIONS = "/api/public/sessions";\n',
        "app/chat.tsx": chat('import { SESSIONS } from "../lib/routes";', "SESSIONS"),
    }
    assert scan(tmp_path, files) == []


@pytest.mark.parametrize(
    ("barrel", "imports", "call"),
    [
        ('export * from "./api";\n', 'import { API } from "../lib";', "API"),
        ('export { API } from "./api";\n', 'import { API } from "../lib";', "API"),
        (
            'export { API as SESSIONS } from "./api";\n',
            'import { SESSIONS } from "../lib";',
            "SESSIONS",
        ),
        ('export * as api from "./api";\n', 'import { api } from "../lib";', "api.API"),
        (
            'export { apiConfig as cfg } from "./config";\n',
            'import { cfg } from "../lib";',
            "cfg.baseUrl + cfg.endpoints.sessions",
        ),
    ],
)
def test_reexport_barrel(tmp_path: Path, barrel: str, imports: str, call: str) -> None:
    files = {
        "lib/api.ts": SESSIONS,
        "lib/config.ts": CONFIG,
        "lib/index.ts": barrel,
        "app/chat.tsx": chat(imports, call),
    }
    assert scan(tmp_path, files) == [("TTAI201", "app/chat.tsx", 5, 3)]


def test_reexport_chain(tmp_path: Path) -> None:
    files = {
        "lib/api.ts": SESSIONS,
        "lib/index.ts": 'export * from "./api";\n',
        "lib/public/index.ts": 'export { API as PUBLIC_API } from "..";\n',
        "app/chat.tsx": chat('import { PUBLIC_API } from "../lib/public";', "PUBLIC_API"),
    }
    assert scan(tmp_path, files) == [("TTAI201", "app/chat.tsx", 5, 3)]


def test_reexport_star_skips_default(tmp_path: Path) -> None:
    files = {
        "lib/api.ts": f'export default "{API}";\n',
        "lib/index.ts": 'export * from "./api";\n',
        "app/chat.tsx": chat('import { default as API } from "../lib";', "API"),
    }
    assert scan(tmp_path, files) == []


def test_reexport_type_only_silent(tmp_path: Path) -> None:
    files = {
        "lib/api.ts": SESSIONS,
        "lib/index.ts": 'export type { API } from "./api";\n',
        "app/chat.tsx": chat('import { API } from "../lib";', "API"),
    }
    assert scan(tmp_path, files) == []


# --- Nuxt fetch composables --------------------------------------------------------

NUXT = json.dumps({"name": "app", "dependencies": {"nuxt": "3.0.0"}})


def nuxt_page(root: Path, script: str) -> list[tuple[str, str, int, int]]:
    return scan(
        root, {"package.json": NUXT, "pages/index.vue": f"<script setup>\n{script}</script>\n"}
    )


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (f'const {{ data }} = await useFetch("{API}");\n', [("TTAI201", "pages/index.vue", 2, 24)]),
        (f'const lazy = useLazyFetch("{API}");\n', [("TTAI201", "pages/index.vue", 2, 14)]),
        (
            'useFetch("/api/public/sessions", { baseURL: "https://api.toughtongueai.com" });\n',
            [("TTAI201", "pages/index.vue", 2, 1)],
        ),
        (f'useFetch(() => "{API}");\n', [("TTAI201", "pages/index.vue", 2, 1)]),
        (
            f'import {{ useFetch }} from "#imports";\nuseFetch("{API}");\n',
            [("TTAI201", "pages/index.vue", 3, 1)],
        ),
        ('useFetch("/api/sessions");\n', []),
    ],
)
def test_nuxt_use_fetch(tmp_path: Path, script: str, expected: list) -> None:
    assert nuxt_page(tmp_path, script) == expected


def test_local_use_fetch_hook_silent(tmp_path: Path) -> None:
    files = {
        "app/hooks.ts": "export function useFetch(url: string) {\n  return url;\n}\n",
        "app/chat.tsx": chat('import { useFetch } from "./hooks";\nuseFetch("' + API + '");'),
    }
    assert scan(tmp_path, files) == []


# --- Protocol-relative URLs ---------------------------------------------------------


def test_protocol_relative_request(tmp_path: Path) -> None:
    files = {"app/chat.tsx": chat("", '"//api.toughtongueai.com/api/public/sessions"')}
    assert scan(tmp_path, files, rule="TTAI") == [("TTAI201", "app/chat.tsx", 5, 3)]


def test_protocol_relative_export(tmp_path: Path) -> None:
    files = {
        "lib/api.ts": 'export const API = "//api.toughtongueai.com/api/public/sessions";\n',
        "app/chat.tsx": chat('import { API } from "../lib/api";', "API"),
    }
    assert scan(tmp_path, files, rule="TTAI") == [("TTAI201", "app/chat.tsx", 5, 3)]


def test_protocol_relative_other_host(tmp_path: Path) -> None:
    files = {"app/chat.tsx": chat("", '"//cdn.toughtongueai.com/widget.js"')}
    assert scan(tmp_path, files, rule="TTAI") == []


# --- Messages per framework ----------------------------------------------------------


def messages(root: Path, files: dict[str, str]) -> list[tuple[str, str, int, int, str, str]]:
    write_files(root, {".gitignore": GITIGNORE, **files})
    run = run_cli(root, "check", "--format", "json", "--exit-zero")
    assert run.code == 0, run.stderr
    return [
        (f["rule"], f["path"], f["line"], f["column"], f["level"], f["message"])
        for f in run.json()["findings"]
        if f["rule"].startswith("TTAI2")
    ]


READ = "const token = process.env.TTAI_TOKEN;\n"


def test_runtime_config_public_message(tmp_path: Path) -> None:
    script = "const config = useRuntimeConfig();\nconst t = config.public.ttaiToken;\n"
    files = {"package.json": NUXT, "pages/index.vue": f"<script setup>\n{script}</script>\n"}
    assert messages(tmp_path, files) == [
        (
            "TTAI202",
            "pages/index.vue",
            3,
            25,
            "error",
            "`ttaiToken` holds a ToughTongue token and is public (Nuxt sends "
            "`runtimeConfig.public` to the browser), so Nuxt sends the token to the browser. "
            "This module runs in client code: `pages/index.vue` is Nuxt app code run on the "
            "server and in the browser. Move the call to your backend and keep the key in the "
            "server-only `runtimeConfig`, outside `runtimeConfig.public`.",
        )
    ]


def test_expo_private_read_message(tmp_path: Path) -> None:
    manifest = json.dumps({"dependencies": {"expo": "51.0.0", "react-native": "0.74.0"}})
    files = {"package.json": manifest, "App.tsx": READ}
    assert messages(tmp_path, files) == [
        (
            "TTAI203",
            "App.tsx",
            1,
            27,
            "note",
            "Client code reads the server-only token variable `process.env.TTAI_TOKEN`: "
            "`App.tsx` is part of the Expo app, shipped to users' devices. The app bundle "
            "does not contain it, so it is undefined on users' devices and the request cannot "
            "authenticate; make the request from your backend, which reads the token.",
        )
    ]


def test_electron_main_read_message(tmp_path: Path) -> None:
    manifest = json.dumps({"main": "main.js", "dependencies": {"electron": "30.0.0"}})
    files = {"package.json": manifest, "main.js": 'const { app } = require("electron");\n' + READ}
    assert messages(tmp_path, files) == [
        (
            "TTAI203",
            "main.js",
            2,
            27,
            "note",
            "Client code reads the server-only token variable `process.env.TTAI_TOKEN`: "
            "`main.js` is the Electron main process (`main` in `package.json`), shipped to "
            "users. The main process runs in Node on each user's computer and reads that "
            "user's environment, so the token is set only if the app ships it, and then every "
            "user has it; make the request from your backend, which reads the token.",
        )
    ]


@dataclass(frozen=True)
class Placed:
    side: str = "client"
    reason: str = "`src/app.js` is client code"
    target: str = ""

    @property
    def ships_to_client(self) -> bool:
        return self.side in ("client", "both")


@dataclass
class Policy:
    frameworks: frozenset[str] = frozenset()
    main: Path | None = None
    inlined_names: object = None
    public_prefixes: tuple[tuple[str, str], ...] = ()
    inline_all: str = ""
    blanks_private: bool = True
    exposures: list = field(default_factory=list)


@dataclass
class OneFile:
    profile: Policy
    placed: Placed = Placed()

    def profile_for(self, path: Path) -> Policy:
        return self.profile

    def placement(self, path: Path, module: Module, offset: int | None = None) -> Placed:
        return self.placed


def read_levels(project: OneFile, path: Path = Path("/p/src/app.js")) -> list[tuple[str, str]]:
    module = Module(end=len(READ), env_refs=[EnvRef("TTAI_TOKEN", 26, 36, "process.env")])
    facts = ClientFacts(modules=[module])
    found = check_env_references(path, facts, project, TokenVariables(), module)
    return [(item.hit.rule, item.level) for item in found]


@pytest.mark.parametrize(
    "inlined",
    [
        frozenset({"TTAI_TOKEN"}),
        {"TTAI_TOKEN": "webpack's `EnvironmentPlugin` in `webpack.config.js` inlines it"},
    ],
)
def test_inlined_name_error(inlined: object) -> None:
    assert read_levels(OneFile(Policy(inlined_names=inlined))) == [("TTAI203", "error")]


def test_inlined_other_name_note() -> None:
    project = OneFile(Policy(inlined_names=frozenset({"API_URL"})))
    assert read_levels(project) == [("TTAI203", "note")]


@pytest.mark.parametrize(
    ("policy", "placed", "expected"),
    [
        (Policy(), Placed(), "browser"),
        (Policy(frameworks=frozenset({"react-native"})), Placed(), "device"),
        (
            Policy(frameworks=frozenset({"electron"}), main=Path("/p/src/app.js")),
            Placed(),
            "electron-main",
        ),
        (Policy(frameworks=frozenset({"electron"}), main=Path("/p/main.js")), Placed(), "electron"),
        (Policy(frameworks=frozenset({"expo"})), Placed(target="browser"), "browser"),
        (Policy(frameworks=frozenset({"expo"})), Placed(target="web"), "device"),
    ],
)
def test_client_runtime(policy: Policy, placed: Placed, expected: str) -> None:
    assert client_runtime(Path("/p/src/app.js"), policy, placed) == expected


def test_inlined_message() -> None:
    reason = "webpack's `EnvironmentPlugin` in `webpack.config.js` inlines it"
    module = Module(end=len(READ), env_refs=[EnvRef("TTAI_TOKEN", 26, 36, "process.env")])
    project = OneFile(Policy(inlined_names={"TTAI_TOKEN": reason}))
    (found,) = check_env_references(
        Path("/p/src/app.js"), ClientFacts(modules=[module]), project, TokenVariables(), module
    )
    assert found.hit.message == (
        "Client code reads the token variable `process.env.TTAI_TOKEN`, and webpack's "
        "`EnvironmentPlugin` in `webpack.config.js` inlines it, so the token is written into "
        "the bundle: `src/app.js` is client code. Read the token in a backend route instead."
    )


# --- Excerpts -------------------------------------------------------------------------


def test_env_token_excerpt(tmp_path: Path) -> None:
    # A `.env` file that git does not ignore, so TTAI101 reports the token too.
    write_files(tmp_path, {"package.json": NEXT, ".env": f"NEXT_PUBLIC_TTAI_TOKEN2={PAT}\n"})
    run = run_cli(tmp_path, "check", "--format", "json", "--exit-zero", "--ignore", "TTAI401")
    excerpts = [(f["rule"], f["column"], f["snippet"]) for f in run.json()["findings"]]
    line = f"NEXT_PUBLIC_TTAI_TOKEN2={redact(PAT)}"
    assert excerpts == [("TTAI202", 1, line), ("TTAI101", 25, line)]


# --- Files that parse only partly -------------------------------------------------------


def test_unclosed_string_request(tmp_path: Path) -> None:
    text = f'"use client";\nexport function Chat() {{\n  fetch("{API}\n  return null;\n}}\n'
    files = {"app/chat.tsx": text}
    assert scan(tmp_path, files) == [("TTAI201", "app/chat.tsx", 3, 3)]


def test_service_worker_registered(tmp_path: Path) -> None:
    files = {
        "package.json": json.dumps({"dependencies": {"vite": "5.0.0"}}),
        "index.html": '<script type="module" src="/src/main.js"></script>\n',
        "src/main.js": 'navigator.serviceWorker.register("/sw.js");\n',
        "public/sw.js": f'self.addEventListener("fetch", () => {{}});\nfetch("{API}");\n',
    }
    assert scan(tmp_path, files) == [("TTAI201", "public/sw.js", 2, 1)]


# --- TTAI203 by runtime, from the real project profile ----------------------------------


def test_electron_main_read_note(tmp_path: Path) -> None:
    files = {
        ".gitignore": GITIGNORE,
        "package.json": json.dumps(
            {"name": "desk", "main": "src/main.js", "devDependencies": {"electron": "33.0.0"}}
        ),
        "src/main.js": (
            'const { app } = require("electron");\n'
            "const token = process.env.TTAI_TOKEN;\n"
            "app.whenReady();\n"
        ),
    }
    write_files(tmp_path, files)
    run = run_cli(tmp_path, "check", "--format", "json", "--exit-zero")
    (finding,) = [f for f in run.json()["findings"] if f["rule"] == "TTAI203"]
    assert (finding["path"], finding["line"], finding["column"]) == ("src/main.js", 2, 27)
    assert finding["level"] == "note"
    assert "main process runs in Node on each user's computer" in finding["message"]
    assert "empty in the browser" not in finding["message"]


def test_environment_plugin_read_error(tmp_path: Path) -> None:
    files = {
        ".gitignore": GITIGNORE,
        "package.json": json.dumps({"name": "web", "devDependencies": {"webpack": "5.0.0"}}),
        "webpack.config.js": (
            'const webpack = require("webpack");\n'
            'module.exports = { plugins: [new webpack.EnvironmentPlugin(["TTAI_TOKEN"])] };\n'
        ),
        "src/index.js": "document.title = process.env.TTAI_TOKEN;\n",
    }
    write_files(tmp_path, files)
    run = run_cli(tmp_path, "check", "--format", "json", "--exit-zero")
    found = [
        (f["rule"], f["path"], f["line"], f["column"], f["level"])
        for f in run.json()["findings"]
        if f["path"] == "src/index.js"
    ]
    assert found == [("TTAI203", "src/index.js", 1, 30, "error")]


@pytest.mark.parametrize(
    ("framework", "server"),
    [
        (
            "fastify",
            'import Fastify from "fastify";\nconst app = Fastify();\n'
            'app.get("/api/s", async () => (await fetch("' + API + '")).json());\n',
        ),
        (
            "koa",
            'const Koa = require("koa");\nconst app = new Koa();\n'
            'app.use(async (ctx) => { ctx.body = await fetch("' + API + '"); });\n',
        ),
        (
            "hono",
            'import { Hono } from "hono";\nconst app = new Hono();\n'
            'app.get("/api/s", (c) => fetch("' + API + '"));\n',
        ),
    ],
)
def test_node_server_placed_server(tmp_path: Path, framework: str, server: str) -> None:
    package = json.dumps({"name": "api", "dependencies": {framework: "1.0.0"}})
    modules = javascript.analyze(server, AnalyzerSettings()).modules
    tree = Tree(tmp_path, {"package.json": package, "server.js": server}, {"server.js": modules})
    placement = tree.place("server.js")
    assert placement.side == SERVER
    assert placement.reason == f"`server.js` imports `{framework}`"
