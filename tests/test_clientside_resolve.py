"""Specifier resolution: probing, root-absolute paths, aliases, workspace packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_clientside_support import Tree, package

FILES = {
    "package.json": package("vite"),
    "tsconfig.json": json.dumps(
        {"compilerOptions": {"paths": {"@/*": ["./src/*"], "config": ["./src/config.ts"]}}}
    ),
    "src/main.ts": "",
    "src/config.ts": "",
    "src/lib/index.tsx": "",
    "src/lib/ttai.mts": "",
    "src/widget.vue": "",
    "public/env.js": "",
    "packages/ui/package.json": json.dumps(
        {
            "name": "@acme/ui",
            "exports": {".": {"import": "./src/entry.ts"}, "./button": "./src/button.ts"},
        }
    ),
    "packages/ui/src/entry.ts": "",
    "packages/ui/src/button.ts": "",
    "packages/ui/src/card.ts": "",
    "packages/tools/package.json": json.dumps({"name": "tools"}),
    "packages/tools/index.js": "",
}


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [
        ("./config", "src/config.ts"),
        ("./config.js", "src/config.ts"),
        ("./lib", "src/lib/index.tsx"),
        ("./lib/ttai.mjs", "src/lib/ttai.mts"),
        ("./widget.vue", "src/widget.vue"),
        ("./widget", "src/widget.vue"),
        ("../src/config?raw", "src/config.ts"),
        ("/src/config.ts", "src/config.ts"),
        ("/env.js", "public/env.js"),
        ("@/lib", "src/lib/index.tsx"),
        ("config", "src/config.ts"),
        ("@acme/ui", "packages/ui/src/entry.ts"),
        ("@acme/ui/button", "packages/ui/src/button.ts"),
        ("@acme/ui/card", "packages/ui/src/card.ts"),
        ("tools", "packages/tools/index.js"),
        ("react", None),
        ("./missing", None),
        ("@/missing", None),
    ],
)
def test_resolve(tmp_path: Path, specifier: str, expected: str | None) -> None:
    tree = Tree(tmp_path, FILES)
    found = tree.project.resolve(specifier, tmp_path / "src" / "main.ts")
    shown = found.relative_to(tmp_path).as_posix() if found is not None else None
    assert shown == expected


def test_outside_scan_not_resolved(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "extra.ts").write_text("", encoding="utf-8")
    tree = Tree(tmp_path, FILES)
    assert tree.project.resolve("./extra", tmp_path / "src" / "main.ts") is None
