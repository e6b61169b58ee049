"""Script block extraction from HTML, Vue, Svelte and Astro files."""

from __future__ import annotations

import pytest

from ttai_guard import filekinds
from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.analyzers.scriptblocks import analyze, find_blocks
from ttai_guard.facts import EnvRef, Import, Module

VUE = """<template>
  <p>{{ msg }}</p>
</template>

<script>
export default { name: "A" };
</script>

<script setup lang="ts">
const s = "</script>";
const n: number = 1;
</script>
"""

SVELTE = """<script context="module">
  export const prerender = true;
</script>

<script>
  let count = 0;
</script>

<button on:click={() => count++}>{count}</button>
"""

ASTRO = """---
const key = import.meta.env.SECRET;
---
<html><body>
<script>
  console.log("hi");
</script>
</body></html>
"""


def contents(text: str, kind: str) -> list[tuple[str, str | None, str]]:
    return [
        (text[block.start : block.end].strip(), block.dialect, block.role)
        for block in find_blocks(text, kind)
    ]


def test_vue_two_blocks() -> None:
    assert contents(VUE, filekinds.VUE) == [
        ('export default { name: "A" };', "javascript", "script"),
        ('const s = "</script>";\nconst n: number = 1;', "typescript", "setup script"),
    ]


def test_vue_block_offsets_map_to_lines() -> None:
    blocks = find_blocks(VUE, filekinds.VUE)
    assert VUE.count("\n", 0, blocks[1].start) + 1 == 9


def test_svelte_module_and_instance() -> None:
    assert contents(SVELTE, filekinds.SVELTE) == [
        ("export const prerender = true;", "javascript", "module script"),
        ("let count = 0;", "javascript", "script"),
    ]


def test_astro_frontmatter_and_script() -> None:
    assert contents(ASTRO, filekinds.ASTRO) == [
        ("const key = import.meta.env.SECRET;", "typescript", "frontmatter"),
        ('console.log("hi");', "javascript", "script"),
    ]


def test_html_closing_tag_in_string_ends_block() -> None:
    html = '<script>var s = "</script>"; var t = 1;</script>'
    assert contents(html, filekinds.HTML) == [('var s = "', "javascript", "script")]


@pytest.mark.parametrize(
    ("tag", "dialect"),
    [
        ('<script type="application/ld+json">', None),
        ('<script type="module">', "javascript"),
        ('<script lang="tsx">', "tsx"),
        ('<script src="/main.js">', "javascript"),
    ],
)
def test_block_dialects(tag: str, dialect: str | None) -> None:
    blocks = find_blocks(f"{tag}x</script>", filekinds.HTML)
    assert [block.dialect for block in blocks] == [dialect]


def test_unclosed_block_runs_to_end() -> None:
    text = "<script>let a = 1;"
    assert contents(text, filekinds.HTML) == [("let a = 1;", "javascript", "script")]


# --- Modules of script blocks ------------------------------------------------


def modules_of(text: str, kind: str) -> list[Module]:
    return analyze(text, AnalyzerSettings(), kind).modules


VUE_MODULES = """<template><button @click="go">Go</button></template>
<script>
import Chart from "./Chart.vue";
export default { components: { Chart } };
</script>
<script setup lang="ts">
import { ref } from "vue";
const count = ref(0);
const key = import.meta.env.VITE_KEY;
</script>
"""


def test_vue_block_modules() -> None:
    first, second = modules_of(VUE_MODULES, filekinds.VUE)
    assert (first.block, first.dialect) == ("script", "javascript")
    assert (second.block, second.dialect) == ("setup script", "typescript")
    assert first.start == VUE_MODULES.index("\nimport Chart")
    assert first.end == VUE_MODULES.index("</script>")
    assert second.start == VUE_MODULES.index("\nimport { ref }")
    assert second.end == VUE_MODULES.rindex("</script>")


def test_vue_block_import_offsets() -> None:
    first, second = modules_of(VUE_MODULES, filekinds.VUE)
    assert first.imports == [
        Import("./Chart.vue", VUE_MODULES.index("./Chart.vue"), "import", (("default", "Chart"),))
    ]
    assert second.imports == [
        Import("vue", VUE_MODULES.index('"vue"') + 1, "import", (("ref", "ref"),))
    ]
    assert first.export_names == ["default"]


def test_vue_block_env_ref_offsets() -> None:
    second = modules_of(VUE_MODULES, filekinds.VUE)[1]
    start = VUE_MODULES.index("VITE_KEY")
    assert second.env_refs == [EnvRef("VITE_KEY", start, start + 8, "import.meta.env")]


SVELTE_MODULES = """<script context="module">
  export const prerender = true;
</script>

<script lang="ts">
  import { onMount } from "svelte";
  onMount(() => { localStorage.setItem("a", "b"); });
</script>

<p>hello</p>
"""


def test_svelte_block_modules() -> None:
    first, second = modules_of(SVELTE_MODULES, filekinds.SVELTE)
    assert first.block == "module script"
    assert first.export_names == ["prerender"]
    assert second.block == "script"
    assert second.dialect == "typescript"
    offset = SVELTE_MODULES.index("localStorage")
    assert second.client_signals == [("uses the browser global `localStorage`", offset)]


def test_svelte5_module_attribute() -> None:
    text = "<script module>\n  export const a = 1;\n</script>\n"
    assert [m.block for m in modules_of(text, filekinds.SVELTE)] == ["module script"]


ASTRO_MODULES = """---
import fs from "node:fs";
const data = fs.readFileSync("x.json", "utf8");
---
<html><body>
<script>
  document.title = "hi";
</script>
</body></html>
"""


def test_astro_block_modules() -> None:
    first, second = modules_of(ASTRO_MODULES, filekinds.ASTRO)
    assert (first.block, first.dialect) == ("frontmatter", "typescript")
    assert first.server_signals == [("imports `node:fs`", ASTRO_MODULES.index("node:fs"))]
    assert first.start == ASTRO_MODULES.index("import fs")
    assert first.end == ASTRO_MODULES.index("---\n<html>")
    assert second.block == "script"
    offset = ASTRO_MODULES.index("document")
    assert second.client_signals == [("uses the browser global `document`", offset)]


HTML_MODULES = """<!doctype html>
<html><head>
<link rel="modulepreload" href="/assets/chunk.js">
<link rel="stylesheet" href="/style.css">
<!-- <script src="/old.js"></script> -->
<script type="module" src='/src/main.ts'></script>
<script>window.ready = true;</script>
<script src=/vendor.js></script>
</head><body><p>x</p></body></html>
"""


def test_html_entry_module() -> None:
    modules = modules_of(HTML_MODULES, filekinds.HTML)
    entry = modules[0]
    assert (entry.block, entry.start, entry.end) == ("entry", 0, len(HTML_MODULES))
    assert entry.imports == [
        Import("/assets/chunk.js", HTML_MODULES.index("/assets/chunk.js"), "script"),
        Import("/src/main.ts", HTML_MODULES.index("/src/main.ts"), "script"),
        Import("/vendor.js", HTML_MODULES.index("/vendor.js"), "script"),
    ]


def test_html_inline_script_module() -> None:
    modules = modules_of(HTML_MODULES, filekinds.HTML)
    assert [m.block for m in modules] == ["entry", "script"]
    inline = modules[1]
    assert inline.start == HTML_MODULES.index("window.ready")
    assert inline.client_signals == [("uses the browser global `window`", inline.start)]


def test_html_without_scripts_has_entry() -> None:
    modules = modules_of("<p>plain</p>", filekinds.HTML)
    assert [(m.block, m.imports) for m in modules] == [("entry", [])]


def test_vue_has_no_entry_module() -> None:
    blocks = [m.block for m in modules_of(VUE_MODULES, filekinds.VUE)]
    assert "entry" not in blocks
