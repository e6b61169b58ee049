"""Package profiles: frameworks, public prefixes, inlining, exposures and aliases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_clientside_support import Tree, mod, package

from ttai_guard.clientside import CLIENT, Profile
from ttai_guard.clientside.profile import Exposure


def profile_of(tmp_path: Path, files: dict[str, str], **options: object) -> Profile:
    tree = Tree(tmp_path, {"src/x.ts": "", **files}, **options)
    return tree.project.profile_for(tmp_path / "src" / "x.ts")


@pytest.mark.parametrize(
    ("dependencies", "frameworks"),
    [
        (("next", "react"), {"next"}),
        (("@remix-run/react", "@remix-run/router"), {"remix"}),
        (("@react-router/dev",), {"react-router"}),
        (("@sveltejs/kit", "vite"), {"sveltekit", "vite"}),
        (("@storybook/react",), {"storybook"}),
        (("@nestjs/core", "express"), {"nestjs", "express"}),
        (("@tanstack/react-start",), {"tanstack-start"}),
        (("@remix-run/router",), set()),
    ],
)
def test_frameworks(tmp_path: Path, dependencies: tuple[str, ...], frameworks: set[str]) -> None:
    profile = profile_of(tmp_path, {"package.json": package(*dependencies)})
    assert set(profile.frameworks) == frameworks


def test_dev_dependencies(tmp_path: Path) -> None:
    manifest = json.dumps({"devDependencies": {"vite": "5"}})
    assert profile_of(tmp_path, {"package.json": manifest}).frameworks == {"vite"}


def test_config_file_framework(tmp_path: Path) -> None:
    profile = profile_of(tmp_path, {"package.json": package(), "next.config.js": ""})
    assert profile.frameworks == {"next"}


@pytest.mark.parametrize(
    ("dependencies", "prefixes"),
    [
        (("next",), ["NEXT_PUBLIC_"]),
        (("vite",), ["VITE_"]),
        (("@sveltejs/kit",), ["VITE_", "PUBLIC_"]),
        (("astro",), ["VITE_", "PUBLIC_"]),
        (("react-scripts",), ["REACT_APP_"]),
        (("expo",), ["EXPO_PUBLIC_"]),
        (("gatsby",), ["GATSBY_"]),
        (("@vue/cli-service",), ["VUE_APP_"]),
        (("storybook",), ["STORYBOOK_"]),
        (("nuxt",), ["NUXT_PUBLIC_"]),
        (
            ("express",),
            [
                "NEXT_PUBLIC_",
                "VITE_",
                "PUBLIC_",
                "REACT_APP_",
                "EXPO_PUBLIC_",
                "GATSBY_",
                "VUE_APP_",
                "STORYBOOK_",
                "NUXT_PUBLIC_",
            ],
        ),
    ],
)
def test_public_prefixes(
    tmp_path: Path, dependencies: tuple[str, ...], prefixes: list[str]
) -> None:
    profile = profile_of(tmp_path, {"package.json": package(*dependencies)})
    assert [prefix for prefix, _ in profile.public_prefixes] == prefixes


def test_prefix_reason(tmp_path: Path) -> None:
    profile = profile_of(tmp_path, {"package.json": package("next")})
    assert profile.public_prefixes == (
        ("NEXT_PUBLIC_", "Next.js inlines `NEXT_PUBLIC_` variables into client bundles"),
    )


def test_no_package_json(tmp_path: Path) -> None:
    profile = profile_of(tmp_path, {".env": "X=1"})
    assert profile.package_json is None
    assert len(profile.public_prefixes) == 9


def test_configured_prefix(tmp_path: Path) -> None:
    profile = profile_of(tmp_path, {"package.json": package("next")}, public_env_prefixes=("APP_",))
    assert profile.public_prefixes[-1] == ("APP_", "`APP_` is listed in `public-env-prefixes`")


@pytest.mark.parametrize(
    ("config", "prefixes"),
    [
        (
            "export default { envPrefix: 'APP_' }",
            [("APP_", "`vite.config.ts` sets `envPrefix` to `APP_`")],
        ),
        (
            "export default defineConfig({ envPrefix: ['VITE_', `TUTOR_`] })",
            [
                ("VITE_", "`vite.config.ts` sets `envPrefix` to `VITE_`"),
                ("TUTOR_", "`vite.config.ts` sets `envPrefix` to `TUTOR_`"),
            ],
        ),
    ],
)
def test_vite_env_prefix(tmp_path: Path, config: str, prefixes: list[tuple[str, str]]) -> None:
    profile = profile_of(tmp_path, {"package.json": package("vite"), "vite.config.ts": config})
    assert list(profile.public_prefixes) == prefixes


def test_sveltekit_public_prefix(tmp_path: Path) -> None:
    config = "const config = { kit: { env: { publicPrefix: 'OPEN_' } } };\nexport default config;\n"
    profile = profile_of(
        tmp_path, {"package.json": package("@sveltejs/kit"), "svelte.config.js": config}
    )
    assert profile.public_prefixes[1] == (
        "OPEN_",
        "`svelte.config.js` sets `kit.env.publicPrefix` to `OPEN_`",
    )


@pytest.mark.parametrize(
    ("dependencies", "blanks"),
    [
        (("next",), True),
        (("vite",), True),
        (("react-scripts",), True),
        (("@sveltejs/kit",), True),
        (("astro",), True),
        (("parcel",), False),
        (("gatsby",), False),
        (("express",), False),
    ],
)
def test_blanks_private(tmp_path: Path, dependencies: tuple[str, ...], blanks: bool) -> None:
    assert profile_of(tmp_path, {"package.json": package(*dependencies)}).blanks_private is blanks


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        (
            {"package.json": package("parcel")},
            "Parcel inlines every `process.env` variable that browser code reads",
        ),
        (
            {
                "package.json": package("webpack"),
                "webpack.config.js": (
                    "const webpack = require('webpack');\n"
                    "module.exports = { plugins: [new webpack.DefinePlugin({\n"
                    "  'process.env': JSON.stringify(process.env),\n})] };\n"
                ),
            },
            "`webpack.config.js` passes `process.env` to `DefinePlugin` as "
            "a whole, so webpack inlines every variable",
        ),
        (
            {
                "package.json": package("vite"),
                "vite.config.ts": "export default defineConfig(({ mode }) => "
                "({ define: { 'process.env': process.env } }))",
            },
            "`vite.config.ts` defines `process.env` as a whole, so Vite inlines every variable",
        ),
        ({"package.json": package("vite")}, ""),
    ],
)
def test_inline_all(tmp_path: Path, files: dict[str, str], reason: str) -> None:
    assert profile_of(tmp_path, files).inline_all == reason


def exposures(profile: Profile, root: Path) -> list[tuple[str, str, str, str]]:
    """Return (file, spanned text, name, reason) per exposure."""
    found = []
    for exposure in profile.exposures:
        assert isinstance(exposure, Exposure)
        text = exposure.path.read_text(encoding="utf-8")
        spanned = text[exposure.start : exposure.end]
        found.append(
            (exposure.path.relative_to(root).as_posix(), spanned, exposure.name, exposure.reason)
        )
    return found


def test_next_env_exposures(tmp_path: Path) -> None:
    config = (
        "/** @type {import('next').NextConfig} */\n"
        "const nextConfig = {\n"
        "  env: { TTAI_TOKEN: process.env.TTAI_TOKEN, 'API_BASE': 'x' },\n"
        "  webpack: (config) => ({ ...config, env: { NOT_THIS: 1 } }),\n"
        "};\n"
        "export default nextConfig;\n"
    )
    profile = profile_of(tmp_path, {"package.json": package("next"), "next.config.mjs": config})
    reason = "`next.config.mjs` sets `{}` under `env`, which Next.js inlines into client bundles"
    assert exposures(profile, tmp_path) == [
        ("next.config.mjs", "TTAI_TOKEN", "TTAI_TOKEN", reason.format("TTAI_TOKEN")),
        ("next.config.mjs", "API_BASE", "API_BASE", reason.format("API_BASE")),
    ]


def test_next_env_offsets(tmp_path: Path) -> None:
    config = "module.exports = {\n  env: { TTAI_TOKEN: '' },\n};\n"
    profile = profile_of(tmp_path, {"package.json": package("next"), "next.config.js": config})
    assert [(e.start, e.end) for e in profile.exposures] == [(28, 38)]


def test_next_env_non_ascii_offsets(tmp_path: Path) -> None:
    config = "// é 日本\nmodule.exports = { env: { TTAI_TOKEN: '' } };\n"
    profile = profile_of(tmp_path, {"package.json": package("next"), "next.config.js": config})
    start = config.index("TTAI_TOKEN")
    assert [(e.start, e.end) for e in profile.exposures] == [(start, start + 10)]


def test_vite_define_exposures(tmp_path: Path) -> None:
    config = (
        "import { defineConfig } from 'vite';\n"
        "export default defineConfig({\n"
        "  define: {\n"
        "    'process.env.TTAI_TOKEN': JSON.stringify(process.env.TTAI_TOKEN),\n"
        "    __API_KEY__: JSON.stringify('x'),\n"
        "    'import.meta.env': { SECRET: '1' },\n"
        "  },\n"
        "});\n"
    )
    profile = profile_of(tmp_path, {"package.json": package("vite"), "vite.config.ts": config})
    assert exposures(profile, tmp_path) == [
        (
            "vite.config.ts",
            "process.env.TTAI_TOKEN",
            "TTAI_TOKEN",
            "`vite.config.ts` defines `process.env.TTAI_TOKEN`, which Vite inlines into the bundle",
        ),
        (
            "vite.config.ts",
            "__API_KEY__",
            "__API_KEY__",
            "`vite.config.ts` defines `__API_KEY__`, which Vite inlines into the bundle",
        ),
        (
            "vite.config.ts",
            "SECRET",
            "SECRET",
            "`vite.config.ts` defines `import.meta.env.SECRET`, which Vite inlines into the bundle",
        ),
    ]
    assert profile.inline_all == ""


def test_webpack_plugin_exposures(tmp_path: Path) -> None:
    config = (
        "const webpack = require('webpack');\n"
        "module.exports = {\n"
        "  plugins: [\n"
        "    new webpack.DefinePlugin({ 'process.env.TTAI_TOKEN': JSON.stringify(t) }),\n"
        "    new webpack.EnvironmentPlugin(['TTAI_PAT', 'NODE_ENV']),\n"
        "    new EnvironmentPlugin({ API_KEY: '' }),\n"
        "  ],\n"
        "};\n"
    )
    profile = profile_of(
        tmp_path, {"package.json": package("webpack"), "webpack.config.js": config}
    )
    listed = (
        "`webpack.config.js` lists it in `EnvironmentPlugin`, which webpack inlines into the bundle"
    )
    assert exposures(profile, tmp_path) == [
        (
            "webpack.config.js",
            "process.env.TTAI_TOKEN",
            "TTAI_TOKEN",
            "`webpack.config.js` passes `process.env.TTAI_TOKEN` to "
            "`DefinePlugin`, which webpack inlines into the bundle",
        ),
        ("webpack.config.js", "TTAI_PAT", "TTAI_PAT", listed),
        ("webpack.config.js", "NODE_ENV", "NODE_ENV", listed),
        ("webpack.config.js", "API_KEY", "API_KEY", listed),
    ]


def test_nuxt_public_runtime_config(tmp_path: Path) -> None:
    config = (
        "export default defineNuxtConfig({\n"
        "  runtimeConfig: {\n"
        "    ttaiToken: '',\n"
        "    public: { apiBase: '/api', ttai: { token: '' } },\n"
        "  },\n"
        "});\n"
    )
    profile = profile_of(tmp_path, {"package.json": package("nuxt"), "nuxt.config.ts": config})
    reason = (
        "`nuxt.config.ts` sets it under `runtimeConfig.public`, which Nuxt sends to the browser"
    )
    assert sorted(exposures(profile, tmp_path)) == [
        ("nuxt.config.ts", "apiBase", "apiBase", reason),
        ("nuxt.config.ts", "token", "ttai.token", reason),
    ]


def test_astro_client_env_field(tmp_path: Path) -> None:
    config = (
        "import { defineConfig, envField } from 'astro/config';\n"
        "export default defineConfig({\n"
        "  env: { schema: {\n"
        "    TTAI_TOKEN: envField.string({ context: 'client', access: 'public' }),\n"
        "    DB_URL: envField.string({ context: 'server', access: 'secret' }),\n"
        "  } },\n"
        "});\n"
    )
    profile = profile_of(tmp_path, {"package.json": package("astro"), "astro.config.mjs": config})
    assert exposures(profile, tmp_path) == [
        (
            "astro.config.mjs",
            "TTAI_TOKEN",
            "TTAI_TOKEN",
            "`astro.config.mjs` declares it with `context: "
            '"client"`, which Astro exposes to client code',
        ),
    ]


def test_typescript_config_parses(tmp_path: Path) -> None:
    config = (
        "import type { NextConfig } from 'next';\n"
        "const nextConfig: NextConfig = { env: { TTAI_TOKEN: '' } } satisfies NextConfig;\n"
        "export default nextConfig;\n"
    )
    profile = profile_of(tmp_path, {"package.json": package("next"), "next.config.ts": config})
    assert [e.name for e in profile.exposures] == ["TTAI_TOKEN"]


def test_tsconfig_extends_with_comments(tmp_path: Path) -> None:
    base = (
        '{\n  // shared options\n  "compilerOptions": { "paths": { "@/*": ["./src/*"], }, },\n}\n'
    )
    child = '{ "extends": "./tsconfig.base", "compilerOptions": { "strict": true } }'
    profile = profile_of(
        tmp_path, {"package.json": package(), "tsconfig.base.json": base, "tsconfig.json": child}
    )
    assert profile.aliases == (("@/*", (str(tmp_path / "src" / "*"),)),)


def test_jsconfig_base_url(tmp_path: Path) -> None:
    config = '{ "compilerOptions": { "baseUrl": "./src", "paths": { "#lib/*": ["lib/*"] } } }'
    profile = profile_of(tmp_path, {"package.json": package(), "jsconfig.json": config})
    assert profile.base_url == tmp_path / "src"
    assert profile.aliases == (("#lib/*", (str(tmp_path / "src" / "lib" / "*"),)),)


def test_framework_aliases(tmp_path: Path) -> None:
    profile = profile_of(tmp_path, {"package.json": package("@sveltejs/kit")})
    assert profile.aliases == (
        ("$lib", (str(tmp_path / "src" / "lib"),)),
        ("$lib/*", (str(tmp_path / "src" / "lib") + "/*",)),
    )


def test_nuxt_aliases(tmp_path: Path) -> None:
    config = "export default defineNuxtConfig({ srcDir: 'app/' })"
    profile = profile_of(tmp_path, {"package.json": package("nuxt"), "nuxt.config.ts": config})
    table = dict(profile.aliases)
    assert table["~"] == (str(tmp_path / "app"),)
    assert table["@@/*"] == (f"{tmp_path}/*",)


@pytest.mark.parametrize(
    "value",
    [
        "path.resolve(__dirname, './src')",
        "resolve(__dirname, 'src')",
        "fileURLToPath(new URL('./src', import.meta.url))",
        "'/src'",
        "'./src'",
    ],
)
def test_vite_alias_values(tmp_path: Path, value: str) -> None:
    config = f"export default defineConfig({{ resolve: {{ alias: {{ '@': {value} }} }} }})"
    tree = Tree(
        tmp_path,
        {
            "package.json": package("vite"),
            "vite.config.ts": config,
            "index.html": "",
            "src/main.ts": "",
            "src/ttai.ts": "",
        },
        {"index.html": [mod("@/main", block="script")], "src/main.ts": [mod("@/ttai")]},
    )
    placement = tree.place("src/ttai.ts")
    assert placement.side == CLIENT
    assert placement.reason == (
        "the inline `<script>` in `index.html` runs in the browser and imports `src/main.ts`, "
        "which imports `src/ttai.ts`"
    )


def test_profile_stops_at_root(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(package("next"), encoding="utf-8")
    project_root = tmp_path / "project"
    profile = profile_of(project_root, {".env": ""})
    assert profile.root == project_root
    assert profile.frameworks == frozenset()
