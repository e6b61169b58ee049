"""Script block extraction from HTML, Vue, Svelte and Astro files."""

from __future__ import annotations

import pytest

from ttai_guard import filekinds
from ttai_guard.analyzers.scriptblocks import find_blocks

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
