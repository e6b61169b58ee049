"""Placement through the import graph: chains, cuts, cycles and cost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_clientside_support import Tree, imp, mod, package

from ttai_guard.clientside import BOTH, CLIENT, SERVER, UNKNOWN
from ttai_guard.facts import Region

PLAIN = {"package.json": package("react")}


def test_chain_from_use_client(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {**PLAIN, "app/page.tsx": "", "lib/api.ts": "ttai", "lib/ttai.ts": ""},
        {
            "app/page.tsx": [mod("../lib/api", directive="use client")],
            "lib/api.ts": [mod("./ttai")],
        },
    )
    placement = tree.place("lib/ttai.ts")
    assert placement.side == CLIENT
    assert placement.reason == (
        "`app/page.tsx` starts with 'use client' and imports `lib/api.ts`, "
        "which imports `lib/ttai.ts`"
    )


def test_chain_direct_import(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {**PLAIN, "app/page.tsx": "import './../lib/ttai'", "lib/ttai.ts": ""},
        {"app/page.tsx": [mod("../lib/ttai", directive="use client")]},
    )
    assert tree.place("lib/ttai.ts").reason == (
        "`app/page.tsx` starts with 'use client' and imports `lib/ttai.ts`"
    )


@pytest.mark.parametrize(
    ("specifier", "target"),
    [
        ("@/lib/ttai", "src/lib/ttai.ts"),
        ("~lib/ttai", "src/lib/ttai.ts"),
        ("lib/ttai", "src/lib/ttai.ts"),
        ("./lib", "src/lib/index.ts"),
        ("./lib/ttai.js", "src/lib/ttai.ts"),
        ("./lib/widget.jsx", "src/lib/widget.tsx"),
        ("./lib/ttai?worker", "src/lib/ttai.ts"),
    ],
)
def test_resolved_specifiers(tmp_path: Path, specifier: str, target: str) -> None:
    tsconfig = {
        "compilerOptions": {"baseUrl": "src", "paths": {"@/*": ["./*"], "~lib/*": ["lib/*"]}}
    }
    tree = Tree(
        tmp_path,
        {
            **PLAIN,
            "tsconfig.json": json.dumps(tsconfig),
            "src/main.tsx": specifier,
            "src/lib/ttai.ts": "",
            "src/lib/index.ts": "",
            "src/lib/widget.tsx": "",
        },
        {"src/main.tsx": [mod(specifier, directive="use client")]},
    )
    placement = tree.place(target)
    assert placement.side == CLIENT
    assert placement.reason == f"`src/main.tsx` starts with 'use client' and imports `{target}`"


def test_reexport_chain(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {
            **PLAIN,
            "components/Chat.tsx": "lib",
            "lib/index.ts": "export * from './ttai'",
            "lib/ttai.ts": "",
        },
        {
            "components/Chat.tsx": [mod("../lib", directive="use client")],
            "lib/index.ts": [mod(imp("./ttai", kind="export"))],
        },
    )
    assert tree.place("lib/ttai.ts").reason == (
        "`components/Chat.tsx` starts with 'use client' and imports `lib/index.ts`, "
        "which imports `lib/ttai.ts`"
    )


@pytest.mark.parametrize(
    "item",
    [
        imp("./ttai", type_only=True),
        imp("./ttai", server_only=True),
    ],
    ids=["type-only", "server-only"],
)
def test_cut_imports(tmp_path: Path, item: object) -> None:
    tree = Tree(
        tmp_path,
        {**PLAIN, "lib/page.tsx": "ttai", "lib/ttai.ts": ""},
        {"lib/page.tsx": [mod(item, directive="use client")]},  # type: ignore[arg-type]
    )
    placement = tree.place("lib/ttai.ts")
    assert placement.side == UNKNOWN
    assert placement.reason == (
        "no directive, framework convention or client import places `lib/ttai.ts`"
    )


def test_import_in_server_region_cut(tmp_path: Path) -> None:
    region = Region(10, 50, "inside `getServerSideProps`, which runs only on the server")
    item = imp("./ttai")
    item = type(item)("./ttai", 20, "import")
    module = mod(item, directive="use client", regions=(region,))
    tree = Tree(
        tmp_path, {**PLAIN, "lib/page.tsx": "ttai", "lib/ttai.ts": ""}, {"lib/page.tsx": [module]}
    )
    assert tree.place("lib/ttai.ts").side == UNKNOWN


def test_use_server_target(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {**PLAIN, "app/form.tsx": "actions", "app/actions.ts": "", "lib/ttai.ts": ""},
        {
            "app/form.tsx": [mod("./actions", directive="use client")],
            "app/actions.ts": [mod("../lib/ttai", directive="use server")],
        },
    )
    actions = tree.place("app/actions.ts")
    assert actions.side == SERVER
    assert actions.reason == "`app/actions.ts` starts with 'use server'"
    helper = tree.place("lib/ttai.ts")
    assert helper.side == SERVER
    assert helper.reason == "`app/actions.ts` starts with 'use server' and imports `lib/ttai.ts`"


def test_cycle_without_seed(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {**PLAIN, "lib/a.ts": "b", "lib/b.ts": "a"},
        {"lib/a.ts": [mod("./b")], "lib/b.ts": [mod("./a")]},
    )
    assert tree.place("lib/a.ts").side == UNKNOWN


def test_cycle_with_seed(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {**PLAIN, "lib/a.ts": "b c", "lib/b.ts": "a", "lib/c.tsx": "a"},
        {
            "lib/a.ts": [mod("./b")],
            "lib/b.ts": [mod("./a")],
            "lib/c.tsx": [mod("./a", directive="use client")],
        },
    )
    placement = tree.place("lib/b.ts")
    assert placement.side == CLIENT
    assert placement.reason == (
        "`lib/c.tsx` starts with 'use client' and imports `lib/a.ts`, which imports `lib/b.ts`"
    )


def test_long_chain_shortened(tmp_path: Path) -> None:
    names = [f"lib/step{index}.ts" for index in range(6)]
    files = {**PLAIN, **{name: f"step{index + 1}" for index, name in enumerate(names)}}
    modules = {name: [mod(f"./step{index + 1}")] for index, name in enumerate(names[:-1])}
    modules[names[0]] = [mod("./step1", directive="use client")]
    tree = Tree(tmp_path, files, modules)
    assert tree.place("lib/step5.ts").reason == (
        "`lib/step0.ts` starts with 'use client' and imports `lib/step1.ts`, "
        "which imports `lib/step2.ts`, which leads to `lib/step5.ts` via 2 more files"
    )
    assert tree.place("lib/step4.ts").reason == (
        "`lib/step0.ts` starts with 'use client' and imports `lib/step1.ts`, "
        "which imports `lib/step2.ts`, which leads to `lib/step4.ts` via 1 more file"
    )


def test_shortest_chain_wins(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {**PLAIN, "a.tsx": "mid ttai", "mid.ts": "ttai", "ttai.ts": ""},
        {"a.tsx": [mod("./mid", "./ttai", directive="use client")], "mid.ts": [mod("./ttai")]},
    )
    assert tree.place("ttai.ts").reason == "`a.tsx` starts with 'use client' and imports `ttai.ts`"


def test_reached_by_both(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {
            "package.json": package("next"),
            "app/api/chat/route.ts": "ttai",
            "components/Chat.tsx": "ttai",
            "lib/ttai.ts": "",
        },
        {
            "app/api/chat/route.ts": [mod("../../../lib/ttai")],
            "components/Chat.tsx": [mod("../lib/ttai", directive="use client")],
        },
    )
    placement = tree.place("lib/ttai.ts")
    assert placement.side == BOTH
    assert placement.reason == (
        "`components/Chat.tsx` starts with 'use client' and imports `lib/ttai.ts`"
    )


def test_server_chain(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {"package.json": package("next"), "app/api/chat/route.ts": "ttai", "lib/ttai.ts": ""},
        {"app/api/chat/route.ts": [mod("../../../lib/ttai")]},
    )
    placement = tree.place("lib/ttai.ts")
    assert placement.side == SERVER
    assert placement.reason == (
        "`app/api/chat/route.ts` is a Next.js route handler, run on the server, "
        "and imports `lib/ttai.ts`"
    )


def test_both_seed_gives_both(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {"package.json": package("next"), "pages/index.tsx": "ttai", "lib/ttai.ts": ""},
        {"pages/index.tsx": [mod("../lib/ttai")]},
    )
    placement = tree.place("lib/ttai.ts")
    assert placement.side == BOTH
    assert placement.reason == (
        "`pages/index.tsx` is a Next.js page rendered on the server and in the browser "
        "and imports `lib/ttai.ts`"
    )


def test_html_entry_chain(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {
            "package.json": package("vite"),
            "index.html": '<script type="module" src="/src/main.ts"></script>',
            "src/main.ts": "api",
            "src/api.ts": "",
        },
        {
            "index.html": [mod(imp("/src/main.ts", kind="script"), block="entry")],
            "src/main.ts": [mod("./api")],
        },
    )
    placement = tree.place("src/api.ts")
    assert placement.side == CLIENT
    assert placement.reason == (
        "`index.html` is an HTML page and loads `src/main.ts`, which imports `src/api.ts`"
    )


def test_html_root_absolute_public(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {
            "package.json": package("vite"),
            "pages/about.html": '<script src="/config.js"></script>',
            "public/config.js": "",
        },
        {"pages/about.html": [mod(imp("/config.js", kind="script"), block="entry")]},
    )
    assert tree.place("public/config.js").reason == (
        "`pages/about.html` is an HTML page and loads `public/config.js`"
    )


def test_astro_frontmatter_server_edge(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {
            "package.json": package("astro"),
            "src/pages/index.astro": "db ttai",
            "src/lib/db.ts": "",
            "src/lib/ttai.ts": "",
        },
        {
            "src/pages/index.astro": [
                mod("../lib/db", block="frontmatter"),
                mod("../lib/ttai", block="script"),
            ]
        },
    )
    database = tree.place("src/lib/db.ts")
    assert database.side == SERVER
    assert database.reason == (
        "the frontmatter of `src/pages/index.astro` runs only on the server "
        "and imports `src/lib/db.ts`"
    )
    script = tree.place("src/lib/ttai.ts")
    assert script.side == CLIENT
    assert script.reason == (
        "the `<script>` in `src/pages/index.astro` runs in the "
        "browser and imports `src/lib/ttai.ts`"
    )


def test_server_marker_not_followed(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {
            "package.json": package("@remix-run/react"),
            "app/routes/_index.tsx": "api.server",
            "app/api.server.ts": "util",
            "app/util.ts": "",
        },
        {
            "app/routes/_index.tsx": [mod("../api.server")],
            "app/api.server.ts": [mod("./util")],
        },
    )
    marker = tree.place("app/api.server.ts")
    assert marker.side == SERVER
    assert marker.reason == (
        "`app/api.server.ts` is a `.server` module, which Remix keeps out of client bundles"
    )
    helper = tree.place("app/util.ts")
    assert helper.side == SERVER
    assert helper.reason == (
        "`app/api.server.ts` is a `.server` module, which Remix keeps out of client bundles, "
        "and imports `app/util.ts`"
    )


def test_server_only_module_not_followed(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {**PLAIN, "a.tsx": "secrets", "secrets.ts": "ttai", "ttai.ts": ""},
        {
            "a.tsx": [mod("./secrets", directive="use client")],
            "secrets.ts": [mod("server-only", "./ttai")],
        },
    )
    assert tree.place("secrets.ts").side == SERVER
    assert tree.place("ttai.ts").reason == (
        "`secrets.ts` imports 'server-only' and imports `ttai.ts`"
    )


def test_server_region_offset(tmp_path: Path) -> None:
    label = "inside `getServerSideProps`, which Next.js strips from the client bundle"
    module = mod(directive="use client", regions=(Region(10, 40, label),))
    tree = Tree(tmp_path, {**PLAIN, "pages/x.tsx": ""}, {"pages/x.tsx": [module]})
    inside = tree.place("pages/x.tsx", offset=10)
    assert inside.side == SERVER
    assert inside.reason == label
    outside = tree.place("pages/x.tsx", offset=40)
    assert outside.side == CLIENT


def test_workspace_package(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {
            "package.json": package(),
            "apps/web/package.json": package("next"),
            "apps/web/app/chat.tsx": "@acme/ttai",
            "packages/ttai/package.json": json.dumps(
                {"name": "@acme/ttai", "main": "src/index.ts"}
            ),
            "packages/ttai/src/index.ts": "",
        },
        {"apps/web/app/chat.tsx": [mod("@acme/ttai", directive="use client")]},
    )
    placement = tree.place("packages/ttai/src/index.ts")
    assert placement.side == CLIENT
    assert placement.reason == (
        "`apps/web/app/chat.tsx` starts with 'use client' and imports `packages/ttai/src/index.ts`"
    )


def test_external_not_followed(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {**PLAIN, "a.tsx": "lodash", "lodash.ts": ""},
        {"a.tsx": [mod("lodash", directive="use client")]},
    )
    assert tree.place("lodash.ts").side == UNKNOWN


@pytest.mark.parametrize(
    ("option", "pattern", "side"),
    [
        ("client_paths", "src/web/**", CLIENT),
        ("server_paths", "src/web/**", SERVER),
        ("client_paths", "*.ts", CLIENT),
    ],
)
def test_path_overrides(tmp_path: Path, option: str, pattern: str, side: str) -> None:
    option_name = option.replace("_", "-")
    tree = Tree(
        tmp_path,
        {**PLAIN, "src/web/api.ts": ""},
        {"src/web/api.ts": [mod(directive="use server" if side == CLIENT else "use client")]},
        **{option: (pattern,)},
    )
    placement = tree.place("src/web/api.ts")
    assert placement.side == side
    assert placement.reason == f"`src/web/api.ts` matches `{option_name}` pattern `{pattern}`"


def test_client_paths_seed(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {**PLAIN, "web/main.ts": "ttai", "lib/ttai.ts": ""},
        {"web/main.ts": [mod("../lib/ttai")]},
        client_paths=("web/**",),
    )
    assert tree.place("lib/ttai.ts").reason == (
        "`web/main.ts` matches `client-paths` pattern `web/**` and imports `lib/ttai.ts`"
    )


def test_large_tree_parses_candidates_only(tmp_path: Path) -> None:
    files = {**PLAIN, "app/chat.tsx": "ttai", "lib/ttai.ts": "", "lib/other.ts": "ttai"}
    for index in range(5000):
        files[f"src/module{index}.ts"] = f"export const value{index} = {index};\n"
    tree = Tree(
        tmp_path,
        files,
        {
            "app/chat.tsx": [mod("../lib/ttai", directive="use client")],
            "lib/other.ts": [mod("./unrelated")],
        },
    )
    placement = tree.place("lib/ttai.ts")
    assert placement.side == CLIENT
    assert sorted(tree.parsed) == ["app/chat.tsx", "lib/other.ts"]


def test_build_reads_nothing(tmp_path: Path) -> None:
    tree = Tree(tmp_path, {**PLAIN, "a.ts": ""})
    assert tree.parsed == []
    assert tree.project._resolver is None


def test_placement_memoised(tmp_path: Path) -> None:
    tree = Tree(
        tmp_path,
        {**PLAIN, "a.tsx": "ttai", "ttai.ts": ""},
        {"a.tsx": [mod("./ttai", directive="use client")]},
    )
    first = tree.place("ttai.ts")
    parsed = list(tree.parsed)
    assert tree.place("ttai.ts") == first
    assert tree.parsed == parsed
