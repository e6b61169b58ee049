"""Module facts of the JavaScript analyzer: directives, imports, exports, signals, env reads."""

from __future__ import annotations

import pytest
from conftest import PAT

from ttai_guard.analyzers import AnalyzerSettings, javascript
from ttai_guard.facts import DYNAMIC, EnvRef, Import, Module, Region


def module_of(text: str, dialect: str = "tsx", **settings: object) -> Module:
    facts = javascript.analyze(text, AnalyzerSettings(**settings), dialect)  # type: ignore[arg-type]
    assert len(facts.modules) == 1
    return facts.modules[0]


def at(text: str, needle: str, occurrence: int = 0) -> int:
    """Return the offset of the ``occurrence``-th ``needle`` in ``text``."""
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(needle, offset + 1)
    return offset


# --- Whole module ----------------------------------------------------------


def test_module_spans_text() -> None:
    text = "const a = 1;\n"
    module = module_of(text, "javascript")
    assert (module.start, module.end) == (0, len(text))
    assert module.dialect == "javascript"
    assert module.block == ""


@pytest.mark.parametrize("dialect", ["javascript", "typescript", "tsx"])
def test_module_dialect(dialect: str) -> None:
    assert module_of("let x = 1;", dialect).dialect == dialect


# --- Directives ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "directive", "offset"),
    [
        ("'use client';\nexport default 1;", "use client", 1),
        ('"use server"\nexport async function a() {}', "use server", 1),
        ("// header\n/* more */\n'use client';", "use client", 22),
        ("#!/usr/bin/env node\n'use strict';\n'use client';", "use client", 35),
        ("import x from 'x';\n'use client';", "", 0),
        ("('use client');", "", 0),
        ("const a = 1;\n'use client';", "", 0),
        ("'use clients';", "", 0),
    ],
)
def test_directive(text: str, directive: str, offset: int) -> None:
    module = module_of(text, "javascript")
    assert module.directive == directive
    assert module.directive_offset == offset


# --- Imports ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('import a from "m";', Import("m", 15, "import", (("default", "a"),))),
        ('import * as ns from "m";', Import("m", 21, "import", (("*", "ns"),))),
        (
            'import d, { a, b as c } from "m";',
            Import("m", 30, "import", (("default", "d"), ("a", "a"), ("b", "c"))),
        ),
        ('import "server-only";', Import("server-only", 8, "import")),
        ('export { a, b as c } from "m";', Import("m", 27, "export", (("a", "a"), ("b", "c")))),
        ('export * from "m";', Import("m", 15, "export", (("*", "*"),))),
        ('export * as ns from "m";', Import("m", 21, "export", (("*", "ns"),))),
        ('const m = require("m");', Import("m", 19, "require", (("*", "m"),))),
        ('const { a, b: c } = require("m");', Import("m", 29, "require", (("a", "a"), ("b", "c")))),
        ('const d = require("m").default;', Import("m", 19, "require", (("default", "d"),))),
        ('require("m");', Import("m", 9, "require")),
        ('import("./page");', Import("./page", 8, "dynamic")),
        ("import(`./page`);", Import("./page", 8, "dynamic")),
        ("import(`./locales/${lang}.json`);", Import("./locales/" + DYNAMIC, 8, "dynamic")),
        ('import("./a/" + name);', Import("./a/" + DYNAMIC, 8, "dynamic")),
        (
            'const C = dynamic(() => import("./Chart"));',
            Import("./Chart", 32, "dynamic"),
        ),
        (
            'const C = React.lazy(() => import("./Chart"));',
            Import("./Chart", 35, "dynamic"),
        ),
        (
            'new Worker(new URL("./w.js", import.meta.url));',
            Import("./w.js", 20, "dynamic"),
        ),
        ('new SharedWorker("./s.js");', Import("./s.js", 18, "dynamic")),
        ('navigator.serviceWorker.register("/sw.js");', Import("/sw.js", 34, "dynamic")),
        (
            'window.navigator.serviceWorker.register(new URL("./sw.js", import.meta.url));',
            Import("./sw.js", 49, "dynamic"),
        ),
        ('import x = require("m");', Import("m", 20, "import", (("*", "x"),))),
    ],
)
def test_import(text: str, expected: Import) -> None:
    dialect = "typescript" if "import x =" in text else "javascript"
    assert module_of(text, dialect).imports == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "import(name);",
        "import(`${base}/x`);",
        "require(name);",
        'require("a", "b");',
        "new Worker(url);",
        'registry.register("/sw.js");',
    ],
)
def test_import_not_static(text: str) -> None:
    assert module_of(text, "javascript").imports == []


@pytest.mark.parametrize(
    ("text", "type_only"),
    [
        ('import type { A } from "m";', True),
        ('import type A from "m";', True),
        ('import { type A, type B } from "m";', True),
        ('import { type A, B } from "m";', False),
        ('import D, { type A } from "m";', False),
        ('export type { A } from "m";', True),
        ('export { type A } from "m";', True),
        ('export { type A, B } from "m";', False),
        ('import { A } from "m";', False),
        ('import "m";', False),
    ],
)
def test_import_type_only(text: str, type_only: bool) -> None:
    assert module_of(text, "typescript").imports[0].type_only is type_only


def test_import_offsets_in_order() -> None:
    text = 'import a from "first";\nimport("second");\nconst c = require("third");\n'
    imports = module_of(text, "javascript").imports
    assert [i.specifier for i in imports] == ["first", "second", "third"]
    assert [i.offset for i in imports] == [
        at(text, "first"),
        at(text, "second"),
        at(text, "third"),
    ]


# --- Server regions and server_only ------------------------------------------

PAGE = """import fs from "fs";
import { db } from "../lib/db";
import { format } from "../lib/format";

export default function Page({ data }) {
  return <p>{format(data)}</p>;
}

export async function getServerSideProps() {
  const raw = fs.readFileSync("data.json", "utf8");
  return { props: { data: db.parse(raw), label: format(raw) } };
}
"""


def test_server_region_of_gssp() -> None:
    module = module_of(PAGE)
    start = at(PAGE, "{\n  const raw")
    end = len(PAGE.rstrip("\n"))
    label = "inside `getServerSideProps`, which Next.js runs only on the server"
    assert module.server_regions == [Region(start, end, label)]


@pytest.mark.parametrize(
    ("specifier", "server_only"),
    [("fs", True), ("../lib/db", True), ("../lib/format", False)],
)
def test_server_only_imports(specifier: str, server_only: bool) -> None:
    imports = {i.specifier: i for i in module_of(PAGE).imports}
    assert imports[specifier].server_only is server_only


def test_server_only_import_gives_no_signal() -> None:
    assert module_of(PAGE).server_signals == []


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "export async function getStaticProps() { return {}; }",
            "inside `getStaticProps`, which Next.js runs only on the server",
        ),
        (
            "export const getStaticPaths = async () => { return {}; };",
            "inside `getStaticPaths`, which Next.js runs only on the server",
        ),
        (
            "export async function loader() { return {}; }",
            "inside `loader`, which Remix and React Router run only on the server",
        ),
        (
            "export const action = async function () { return {}; };",
            "inside `action`, which Remix and React Router run only on the server",
        ),
        (
            "async function save() { 'use server'; return {}; }",
            "inside a function marked 'use server', which runs only on the server",
        ),
        (
            "const save = async () => { 'use strict'; \"use server\"; return {}; };",
            "inside a function marked 'use server', which runs only on the server",
        ),
    ],
)
def test_server_region_kinds(text: str, label: str) -> None:
    regions = module_of(text, "javascript").server_regions
    assert len(regions) == 1
    assert regions[0].label == label
    assert text[regions[0].start] == "{"
    assert text[regions[0].end - 1] == "}"


@pytest.mark.parametrize(
    "text",
    [
        "async function getServerSideProps() { return {}; }",
        "export function helper() { return 'use server'; }",
        "export const loader = { a: 1 };",
    ],
)
def test_no_server_region(text: str) -> None:
    assert module_of(text, "javascript").server_regions == []


def test_use_server_function_import_server_only() -> None:
    text = (
        'import { cookies } from "next/headers";\n'
        "export async function save() {\n  'use server';\n  return cookies();\n}\n"
    )
    module = module_of(text)
    assert module.imports[0].server_only is True
    assert module.server_signals == []


def test_shadowed_import_not_a_use() -> None:
    text = (
        'import fs from "fs";\n'
        "function show(fs) { return fs; }\n"
        "export async function getStaticProps() { return fs.x; }\n"
    )
    assert module_of(text, "javascript").imports[0].server_only is True


def test_unused_import_not_server_only() -> None:
    text = 'import fs from "fs";\nexport async function loader() { return 1; }\n'
    assert module_of(text, "javascript").imports[0].server_only is False


def test_require_server_only() -> None:
    text = 'const fs = require("fs");\nexport async function loader() { return fs.x; }\n'
    assert module_of(text, "javascript").imports[0].server_only is True


# --- Exports -------------------------------------------------------------------


def export_values(text: str, dialect: str = "javascript", **settings: object) -> dict[str, str]:
    module = module_of(text, dialect, **settings)
    return {name: literal.value for name, literal in module.exports.items()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('export const A = "https://x.io";', {"A": "https://x.io"}),
        ("export const A = `https://x.io/v1`;", {"A": "https://x.io/v1"}),
        (
            'const HOST = "x.io";\nexport const A = "https://" + HOST + "/v1";',
            {"A": "https://x.io/v1"},
        ),
        ('const H = "x.io";\nexport const A = `https://${H}`;', {"A": "https://x.io"}),
        ('export default "https://x.io";', {"default": "https://x.io"}),
        ('const A = "a", B = "b";\nexport { A, B as C };', {"A": "a", "C": "b"}),
        (
            'export const apiConfig = { baseUrl: "https://x", endpoints: { analyze: "/a" } };',
            {"apiConfig.baseUrl": "https://x", "apiConfig.endpoints.analyze": "/a"},
        ),
        (
            'const cfg = Object.freeze({ url: "https://x" });\nexport { cfg };',
            {"cfg.url": "https://x"},
        ),
        ('module.exports = { A: "a", B: { C: "c" } };', {"A": "a", "B.C": "c"}),
        ('module.exports = "https://x";', {"default": "https://x"}),
        ('exports.A = "a";', {"A": "a"}),
        ('module.exports.A = "a";', {"A": "a"}),
        ('export const A = process.env.API_URL || "https://x";', {"A": "https://x"}),
        ("export const A = `https://${host}`;", {}),
        ("export const F = () => 1;", {}),
        ("export const N = 3000;", {"N": "3000"}),
        ('export const E = "";', {"E": ""}),
    ],
)
def test_exports(text: str, expected: dict[str, str]) -> None:
    assert export_values(text) == expected


def test_export_drops_token() -> None:
    text = f'export const A = "{PAT}";\nexport const B = "b";\n'
    assert export_values(text) == {"B": "b"}


def test_export_drops_folded_token() -> None:
    half = len(PAT) // 2
    text = f'export const A = "{PAT[:half]}" + "{PAT[half:]}";\n'
    assert export_values(text) == {}


def test_export_offsets_map_to_source() -> None:
    text = 'export const A = "https://x.io";\n'
    literal = module_of(text, "javascript").exports["A"]
    assert literal.source_offset(0) == at(text, "https")


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("export function getServerSideProps() {}", ["getServerSideProps"]),
        ("export class Widget {}", ["Widget"]),
        ('export const runtime = "edge";', ["runtime"]),
        ("export default function Page() {}", ["default"]),
        ("export default class {}", ["default"]),
        ("export default 1;", ["default"]),
        ("export const { a, b: c } = obj;", ["a", "c"]),
        ("const a = 1;\nexport { a as b, a };", ["b", "a"]),
        ("export async function loader() {}", ["loader"]),
        ("export enum Mode { A }", ["Mode"]),
        ("export interface Props {}\nexport type T = string;", []),
        ('export * as ns from "m";', ["ns"]),
        ('export { x as y } from "m";', ["y"]),
        ("module.exports = { a: 1, b };", ["a", "b"]),
        ("module.exports = run;", ["default"]),
    ],
)
def test_export_names(text: str, names: list[str]) -> None:
    assert module_of(text, "typescript").export_names == names


# --- Client and server signals ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "signals"),
    [
        ("window.scrollTo(0, 0);", [("uses the browser global `window`", 0)]),
        ("const n = document.title;", [("uses the browser global `document`", 10)]),
        ("alert(1);", [("uses the browser global `alert`", 0)]),
        ("localStorage.setItem('a', 'b');", [("uses the browser global `localStorage`", 0)]),
        (
            "let x = el instanceof HTMLInputElement;",
            [("uses the browser global `HTMLInputElement`", 22)],
        ),
        ("const [a] = useState(0);", [("calls the React hook `useState`", 12)]),
        ("React.useEffect(() => {});", [("calls the React hook `useEffect`", 0)]),
        ("const C = createContext(null);", [("calls the React function `createContext`", 10)]),
        ("const e = <b onClick={go} />;", [("sets the JSX event prop `onClick`", 13)]),
        ('import { createRoot } from "react-dom/client";', [("imports `react-dom/client`", 28)]),
        ('import { useRouter } from "next/navigation";', [("imports `next/navigation`", 27)]),
        ('import Router from "next/router";', [("imports `next/router`", 20)]),
        ('import { View } from "react-native";', [("imports `react-native`", 22)]),
        ('import * as Linking from "expo-linking";', [("imports `expo-linking`", 26)]),
        ('import browser from "webextension-polyfill";', [("imports `webextension-polyfill`", 21)]),
        ('import "client-only";', [("imports `client-only`", 8)]),
        ("chrome.runtime.sendMessage({});", [("uses the extension API `chrome.runtime`", 0)]),
        ("browser.runtime.getURL('x');", [("uses the extension API `browser.runtime`", 0)]),
        (
            "window.a = 1;\nwindow.b = 2;\nuseState();",
            [("uses the browser global `window`", 0), ("calls the React hook `useState`", 28)],
        ),
    ],
)
def test_client_signals(text: str, signals: list[tuple[str, int]]) -> None:
    module = module_of(text)
    assert module.client_signals == signals
    assert module.server_signals == []


@pytest.mark.parametrize(
    ("text", "signals"),
    [
        ('import fs from "fs";\nfs.x;', [("imports `fs`", 16)]),
        ('import { readFile } from "node:fs/promises";', [("imports `node:fs/promises`", 26)]),
        ('const cp = require("child_process");', [("imports `child_process`", 20)]),
        ('import express from "express";', [("imports `express`", 21)]),
        ('import { Module } from "@nestjs/common";', [("imports `@nestjs/common`", 24)]),
        ('import { Hono } from "hono";', [("imports `hono`", 22)]),
        ('import { cors } from "hono/cors";', [("imports `hono/cors`", 22)]),
        ('import { Pool } from "pg";', [("imports `pg`", 22)]),
        ('import { PrismaClient } from "@prisma/client";', [("imports `@prisma/client`", 30)]),
        ('import { cookies } from "next/headers";', [("imports `next/headers`", 25)]),
        ('import { NextResponse } from "next/server";', [("imports `next/server`", 30)]),
        ('import { env } from "$env/dynamic/private";', [("imports `$env/dynamic/private`", 21)]),
        ('import { read } from "$app/server";', [("imports `$app/server`", 22)]),
        ('import "server-only";', [("imports `server-only`", 8)]),
        ('export * from "fs";', [("imports `fs`", 15)]),
        ('const m = await import("node:os");', [("imports `node:os`", 24)]),
        (
            "export default { async fetch(request, env) { return new Response('ok'); } };",
            [("exports a Worker `fetch` handler (`export default { fetch }`)", 17)],
        ),
        (
            "if (require.main === module) { main(); }",
            [("runs as a Node.js entry point (`require.main === module`)", 4)],
        ),
    ],
)
def test_server_signals(text: str, signals: list[tuple[str, int]]) -> None:
    module = module_of(text, "typescript")
    assert module.server_signals == signals
    assert module.client_signals == []


@pytest.mark.parametrize(
    "text",
    [
        "const o = { window: 1 };\no.window = 2;",
        "function f(window) { return window.x; }",
        "const document = load();\ndocument.title;",
        'import { location } from "./place";\nlocation.x;',
        "if (typeof window !== 'undefined') {}",
        "let w: typeof window;",
        "class A { alert() { this.alert(); } }",
        'import { hc } from "hono/client";',
        'import type { Request } from "express";',
        'import path from "path";',
        "const v = <location />;",
        "const onClick = 1;\nconst o = { onClick };",
    ],
)
def test_no_signal(text: str) -> None:
    module = module_of(text, "tsx")
    assert module.client_signals == []
    assert module.server_signals == []


def test_signal_inside_server_region_skipped() -> None:
    text = (
        "export default function Page() { return 1; }\n"
        "export async function getServerSideProps() { return { props: { w: window } }; }\n"
    )
    assert module_of(text, "javascript").client_signals == []


def test_import_in_both_places_not_server_only() -> None:
    text = (
        'import { helper } from "./helper";\n'
        "export default function Page() { return helper(); }\n"
        "export async function getServerSideProps() { return { props: helper() }; }\n"
    )
    imports = module_of(text, "javascript").imports
    assert imports[0].server_only is False


# --- Environment reads ---------------------------------------------------------


def env_refs(text: str, dialect: str = "javascript") -> list[EnvRef]:
    return module_of(text, dialect).env_refs


@pytest.mark.parametrize(
    ("text", "name", "via"),
    [
        ("const a = process.env.NEXT_PUBLIC_URL;", "NEXT_PUBLIC_URL", "process.env"),
        ('const a = process.env["TTAI_TOKEN"];', "TTAI_TOKEN", "process.env"),
        ("const a = process.env?.TTAI_TOKEN;", "TTAI_TOKEN", "process.env"),
        ("const a = import.meta.env.VITE_TOKEN;", "VITE_TOKEN", "import.meta.env"),
        ("const { TTAI_TOKEN } = process.env;", "TTAI_TOKEN", "process.env"),
        ("const { VITE_KEY } = import.meta.env;", "VITE_KEY", "import.meta.env"),
        (
            'import { env } from "$env/dynamic/public";\nenv.PUBLIC_KEY;',
            "PUBLIC_KEY",
            "$env/dynamic/public",
        ),
        (
            'import { env as e } from "$env/dynamic/private";\ne.TOKEN;',
            "TOKEN",
            "$env/dynamic/private",
        ),
        ("const c = useRuntimeConfig().public.apiKey;", "apiKey", "runtimeConfig"),
        ("const config = useRuntimeConfig();\nconfig.public.apiKey;", "apiKey", "runtimeConfig"),
        ('import process from "node:process";\nprocess.env.KEY;', "KEY", "process.env"),
    ],
)
def test_env_ref(text: str, name: str, via: str) -> None:
    start = text.rindex(name)
    assert env_refs(text) == [EnvRef(name, start, start + len(name), via)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'import { PUBLIC_A, SECRET as S } from "$env/static/public";',
            [
                EnvRef("PUBLIC_A", 9, 17, "$env/static/public"),
                EnvRef("SECRET", 19, 25, "$env/static/public"),
            ],
        ),
        (
            "const { A, B: b, C = 1, ...rest } = process.env;",
            [
                EnvRef("A", 8, 9, "process.env"),
                EnvRef("B", 11, 12, "process.env"),
                EnvRef("C", 17, 18, "process.env"),
                EnvRef("", 24, 31, "process.env"),
            ],
        ),
        ("const v = process.env[name];", [EnvRef("", 22, 26, "process.env")]),
        ("const v = import.meta.env[key];", [EnvRef("", 26, 29, "import.meta.env")]),
    ],
)
def test_env_refs(text: str, expected: list[EnvRef]) -> None:
    assert env_refs(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "function f(process) { return process.env.X; }",
        "const env = {}; env.X;",
        "const config = {}; config.public.apiKey;",
        "const x = useRuntimeConfig().apiSecret;",
        "obj.process.env.X;",
    ],
)
def test_no_env_ref(text: str) -> None:
    assert env_refs(text) == []


def test_env_ref_inside_server_region_kept() -> None:
    text = "export async function loader() { return process.env.SECRET; }"
    start = at(text, "SECRET")
    assert env_refs(text) == [EnvRef("SECRET", start, start + 6, "process.env")]


def test_env_ref_non_ascii_offsets() -> None:
    text = "const s = 'é€😀';\nconst a = process.env.KEY;"
    start = at(text, "KEY")
    assert env_refs(text) == [EnvRef("KEY", start, start + 3, "process.env")]


# --- Imported values in request URLs -------------------------------------------

API = "https://api.toughtongueai.com"


def request_urls(text: str, values: tuple[tuple[str, str], ...]) -> list[str | None]:
    facts = javascript.analyze(text, AnalyzerSettings(imported_values=values), "typescript")
    return [r.url.value if r.url else None for r in facts.requests]


@pytest.mark.parametrize(
    ("text", "values", "url"),
    [
        (
            'import { API_BASE } from "./config";\nfetch(`${API_BASE}/x`);',
            (("API_BASE", API),),
            API + "/x",
        ),
        (
            'import BASE from "./config";\nfetch(BASE + "/x");',
            (("BASE", API),),
            API + "/x",
        ),
        (
            'import { apiConfig } from "./config";\n'
            "fetch(apiConfig.baseUrl + apiConfig.endpoints.analyze);",
            (("apiConfig.baseUrl", API), ("apiConfig.endpoints.analyze", "/a")),
            API + "/a",
        ),
        (
            'import * as cfg from "./config";\nfetch(cfg.BASE + "/x");',
            (("cfg.BASE", API),),
            API + "/x",
        ),
        (
            'import axios from "axios";\nimport { API_BASE } from "./config";\n'
            'const api = axios.create({ baseURL: API_BASE });\napi.get("/x");',
            (("API_BASE", API),),
            API + "/x",
        ),
        (
            'const { API_BASE } = require("./config");\nfetch(API_BASE);',
            (("API_BASE", API),),
            API,
        ),
    ],
)
def test_imported_value_url(text: str, values: tuple[tuple[str, str], ...], url: str) -> None:
    assert request_urls(text, values) == [url]


def test_imported_value_unknown_stays_dynamic() -> None:
    text = 'import { OTHER } from "./config";\nfetch(OTHER);'
    assert request_urls(text, (("API_BASE", API),)) == [None]


def test_imported_value_shadowed() -> None:
    text = 'import { API_BASE } from "./config";\nfunction f(API_BASE) { return fetch(API_BASE); }'
    assert request_urls(text, (("API_BASE", API),)) == [None]


def test_imported_value_maps_to_local_name() -> None:
    text = 'import { API_BASE } from "./config";\nfetch(`${API_BASE}/x`);'
    facts = javascript.analyze(
        text, AnalyzerSettings(imported_values=(("API_BASE", API),)), "typescript"
    )
    url = facts.requests[0].url
    assert url is not None
    assert url.source_offset(0) == at(text, "API_BASE")
    assert url.source_offset(3) == at(text, "API_BASE") + 3
    # The segment covers the 8 characters of the name, and `source_offset`
    # clamps a value offset past a segment to one past its end.
    assert url.source_end(len(API)) == at(text, "API_BASE") + len("API_BASE") + 1
    assert url.source_offset(len(API)) == at(text, "/x")


# --- axios instances ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "callee", "url"),
    [
        (
            'import axios from "axios";\nconst api = axios.create({ baseURL: "http://h.io/v1" });\n'
            'api.get("/a");',
            "api.get",
            "http://h.io/v1/a",
        ),
        (
            'import axios from "axios";\nclass C {\n'
            '  constructor() { this.http = axios.create({ baseURL: "http://h.io" }); }\n'
            '  load() { return this.http.get("/a"); }\n}',
            "this.http.get",
            "http://h.io/a",
        ),
        (
            'import axios from "axios";\nclass C {\n'
            '  client = axios.create({ baseURL: "http://h.io" });\n'
            '  load() { return this.client.post("/b", {}); }\n}',
            "this.client.post",
            "http://h.io/b",
        ),
        (
            'import axios from "axios";\naxios.create({ baseURL: "http://h.io" }).get("/c");',
            "axios.create(…).get",
            "http://h.io/c",
        ),
    ],
)
def test_axios_instance_base(text: str, callee: str, url: str) -> None:
    facts = javascript.analyze(text, AnalyzerSettings(), "typescript")
    assert [(r.callee, r.url.value if r.url else None) for r in facts.requests] == [(callee, url)]


def test_this_member_assigned_twice() -> None:
    text = (
        'import axios from "axios";\nclass C {\n'
        '  a() { this.api = axios.create({ baseURL: "http://h.io" }); }\n'
        '  b() { this.api = axios.create({ baseURL: "http://k.io" }); }\n'
        '  c() { return this.api.get("/a"); }\n}'
    )
    assert javascript.analyze(text, AnalyzerSettings(), "typescript").requests == []
