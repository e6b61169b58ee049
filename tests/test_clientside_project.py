"""Placement end to end: real files parsed by the real JavaScript and markup analyzers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_files

from ttai_guard import filekinds
from ttai_guard.analysis import analyze_text
from ttai_guard.analyzers import AnalysisError, AnalyzerSettings
from ttai_guard.clientside import BOTH, CLIENT, SERVER, UNKNOWN, Placement, Project, ProjectFiles
from ttai_guard.facts import Module


class RealTree:
    """Files on disk whose modules come from the analyzers the scanner runs."""

    def __init__(self, root: Path, files: dict[str, str]) -> None:
        write_files(root, files)
        self.root = root
        self.parsed: list[str] = []
        paths = tuple(sorted(root / name for name in files))
        self.project = Project.build(
            ProjectFiles(paths, self.text, self.modules), pattern_root=root
        )

    def text(self, path: Path) -> str | None:
        return path.read_text(encoding="utf-8")

    def modules(self, path: Path) -> list[Module]:
        self.parsed.append(path.relative_to(self.root).as_posix())
        kind = filekinds.kind_of(path)
        try:
            facts = analyze_text(kind, path.read_text(encoding="utf-8"), AnalyzerSettings())
        except AnalysisError:
            return []
        return facts.modules

    def place(self, name: str, index: int = 0) -> Placement:
        modules = self.modules(self.root / name)
        return self.project.placement(self.root / name, modules[index])


NEXT_APP = {
    "package.json": json.dumps({"name": "web", "dependencies": {"next": "15.0.0"}}),
    "tsconfig.json": (
        '{\n  "compilerOptions": {\n    "paths": { "@/*": ["./*"] }, // root\n  },\n}\n'
    ),
    "app/chat/page.tsx": (
        "'use client';\nimport { useState } from 'react';\n"
        "import { startSession } from '@/lib/api';\n"
        "export default function Page() { return null; }\n"
    ),
    "lib/api.ts": "export { startSession } from './ttai.js';\n",
    "lib/ttai.ts": "export async function startSession() { return fetch('/x'); }\n",
    "app/api/chat/route.ts": (
        "import { db } from '../../../lib/db';\nexport async function GET() {}\n"
    ),
    "lib/db.ts": "export const db = 1;\n",
    "lib/types.ts": "export type Session = { id: string };\n",
    "components/Card.tsx": (
        "'use client';\nimport type { Session } from '../lib/types';\n"
        "export function Card() { return null; }\n"
    ),
}


def test_javascript_reports_modules() -> None:
    facts = analyze_text(
        filekinds.TYPESCRIPT, "'use client'\nimport x from './a'\n", AnalyzerSettings()
    )
    if not facts.modules:
        pytest.skip("the JavaScript analyzer does not report modules yet")
    assert facts.modules[0].directive == "use client"


def require_modules() -> None:
    facts = analyze_text(filekinds.TYPESCRIPT, "import x from './a'\n", AnalyzerSettings())
    if not facts.modules:
        pytest.skip("the JavaScript analyzer does not report modules yet")


def test_next_client_chain(tmp_path: Path) -> None:
    require_modules()
    tree = RealTree(tmp_path, NEXT_APP)
    placement = tree.place("lib/ttai.ts")
    assert placement.side == CLIENT
    assert placement.reason == (
        "`app/chat/page.tsx` starts with 'use client' and imports `lib/api.ts`, "
        "which imports `lib/ttai.ts`"
    )


def test_next_server_chain(tmp_path: Path) -> None:
    require_modules()
    tree = RealTree(tmp_path, NEXT_APP)
    placement = tree.place("lib/db.ts")
    assert placement.side == SERVER
    assert placement.reason == (
        "`app/api/chat/route.ts` is a Next.js route handler, run on the server, "
        "and imports `lib/db.ts`"
    )


def test_next_type_import_cut(tmp_path: Path) -> None:
    require_modules()
    tree = RealTree(tmp_path, NEXT_APP)
    assert tree.place("lib/types.ts").side == UNKNOWN


def test_next_query_parses_candidates(tmp_path: Path) -> None:
    require_modules()
    tree = RealTree(tmp_path, NEXT_APP)
    tree.place("lib/ttai.ts")
    assert sorted(tree.parsed) == ["app/chat/page.tsx", "lib/api.ts", "lib/ttai.ts"]


def test_vite_html_entry(tmp_path: Path) -> None:
    require_modules()
    tree = RealTree(
        tmp_path,
        {
            "package.json": json.dumps({"devDependencies": {"vite": "5.0.0"}}),
            "index.html": (
                "<!doctype html>\n<html><body>\n"
                '<script type="module" src="/src/main.ts"></script>\n</body></html>\n'
            ),
            "src/main.ts": "import { call } from './client';\ncall();\n",
            "src/client.ts": "export function call() {}\n",
        },
    )
    entries = [m for m in tree.modules(tmp_path / "index.html") if m.block == "entry"]
    if not entries:
        pytest.skip("the markup analyzer does not report `<script src>` entries yet")
    placement = tree.place("src/client.ts")
    assert placement.side == CLIENT
    assert placement.reason == (
        "`index.html` is an HTML page and loads `src/main.ts`, which imports `src/client.ts`"
    )


def test_sveltekit_component(tmp_path: Path) -> None:
    require_modules()
    tree = RealTree(
        tmp_path,
        {
            "package.json": json.dumps({"devDependencies": {"@sveltejs/kit": "2.0.0"}}),
            "src/routes/+page.svelte": (
                "<script lang=\"ts\">\nimport { ask } from '$lib/tutor';\n</script>\n<p>hi</p>\n"
            ),
            "src/lib/tutor.ts": "export function ask() {}\n",
        },
    )
    placement = tree.place("src/lib/tutor.ts")
    assert placement.side == BOTH
    assert placement.reason == (
        "`src/routes/+page.svelte` is a Svelte component rendered in the browser "
        "and imports `src/lib/tutor.ts`"
    )
