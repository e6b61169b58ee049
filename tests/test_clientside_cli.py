"""Placement cases scanned through the CLI: script pages, test files, path options, notices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli, write_files

API = "https://api.toughtongueai.com/api/public/sessions"
CALL = f'fetch("{API}")'
HELPER = f"export function start() {{\n  return {CALL};\n}}\n"
ADVICE = "Call your own backend route instead and keep the token on the server."


def package(*dependencies: str) -> str:
    return json.dumps({"name": "app", "dependencies": dict.fromkeys(dependencies, "1.0.0")})


def message(reason: str) -> str:
    return f"Request to the ToughTongue API from client code: {reason}. {ADVICE}"


def scan(root: Path, files: dict[str, str], *options: str) -> list[tuple[str, str, int, int, str]]:
    write_files(root, {".gitignore": ".env\n", **files})
    run = run_cli(root, "check", "--format", "json", "--exit-zero", *options)
    assert run.code == 0, run.stderr
    return [
        (f["rule"], f["path"], f["line"], f["column"], f["message"])
        for f in run.json()["findings"]
        if f["rule"].startswith("TTAI2")
    ]


SCRIPT_PAGES = {
    "bare src": (
        {"index.html": '<script src="js/app.js"></script>\n', "js/app.js": HELPER},
        "`index.html` is an HTML page and loads `js/app.js`",
    ),
    "query and fragment": (
        {"index.html": '<script src="js/app.js?v=2#top"></script>\n', "js/app.js": HELPER},
        "`index.html` is an HTML page and loads `js/app.js`",
    ),
    "page in subdirectory": (
        {"site/index.html": '<script src="app.js"></script>\n', "site/app.js": HELPER},
        "`site/index.html` is an HTML page and loads `site/app.js`",
    ),
}


@pytest.mark.parametrize("name", sorted(SCRIPT_PAGES))
def test_script_src_linked(tmp_path: Path, name: str) -> None:
    files, reason = SCRIPT_PAGES[name]
    script = next(path for path in files if path.endswith(".js"))
    assert scan(tmp_path, files) == [("TTAI201", script, 2, 10, message(reason))]


def test_script_src_extension_popup(tmp_path: Path) -> None:
    manifest = json.dumps({"manifest_version": 3, "action": {"default_popup": "popup.html"}})
    files = {
        "manifest.json": manifest,
        "popup.html": '<script src="popup.js"></script>\n',
        "popup.js": HELPER,
    }
    reason = "`popup.html` is the popup page in `manifest.json` and loads `popup.js`"
    assert scan(tmp_path, files) == [("TTAI201", "popup.js", 2, 10, message(reason))]


def test_script_src_remote_ignored(tmp_path: Path) -> None:
    files = {
        "index.html": '<script src="https://cdn.example.com/app.js"></script>\n',
        "app.js": HELPER,
    }
    assert scan(tmp_path, files) == []


TEST_FILES = [
    "src/api.test.tsx",
    "src/api.spec.ts",
    "src/__tests__/api.ts",
    "src/__mocks__/api.ts",
    "e2e/login.ts",
    "cypress/support/api.ts",
    "playwright/api.ts",
    "src/Button.cy.tsx",
]


@pytest.mark.parametrize("test_file", TEST_FILES)
def test_test_file_not_client(tmp_path: Path, test_file: str) -> None:
    files = {
        "package.json": package("vite", "react"),
        "index.html": '<script type="module" src="/src/main.tsx"></script>\n',
        "src/main.tsx": f'import "/{test_file}";\n',
        test_file: HELPER.replace("export function", "export default function"),
    }
    assert scan(tmp_path, files) == []


def test_test_file_stops_chain(tmp_path: Path) -> None:
    """Client reachability does not pass through a test file into what it imports."""
    files = {
        "package.json": package("vite", "react"),
        "index.html": '<script type="module" src="/src/main.tsx"></script>\n',
        "src/main.tsx": 'import "./api.test";\n',
        "src/api.test.ts": 'import { start } from "./api";\nstart();\n',
        "src/api.ts": HELPER,
    }
    assert scan(tmp_path, files) == []


def test_story_is_client(tmp_path: Path) -> None:
    files = {
        "package.json": package("@storybook/react", "react"),
        "src/Button.stories.tsx": HELPER,
    }
    reason = "`src/Button.stories.tsx` is a Storybook story, bundled into the Storybook site"
    assert scan(tmp_path, files) == [("TTAI201", "src/Button.stories.tsx", 2, 10, message(reason))]


PATH_PATTERNS = {
    "directory with slash": ("apps/worker/", "`apps/worker/src/api.ts`"),
    "directory": ("apps/worker", "`apps/worker/src/api.ts`"),
    "name anywhere": ("worker", "`apps/worker/src/api.ts`"),
    "glob segment": ("apps/*/src", "`apps/worker/src/api.ts`"),
}


@pytest.mark.parametrize("name", sorted(PATH_PATTERNS))
def test_client_paths_patterns(tmp_path: Path, name: str) -> None:
    pattern, shown = PATH_PATTERNS[name]
    config = f'[tool.ttai-guard]\nclient-paths = ["{pattern}"]\n'
    files = {"pyproject.toml": config, "apps/worker/src/api.ts": HELPER}
    reason = f"{shown} matches `client-paths` pattern `{pattern}`"
    assert scan(tmp_path, files) == [("TTAI201", "apps/worker/src/api.ts", 2, 10, message(reason))]


def test_server_paths_directory(tmp_path: Path) -> None:
    config = '[tool.ttai-guard]\nserver-paths = ["app/api"]\n'
    files = {
        "pyproject.toml": config,
        "package.json": package("next", "react"),
        "app/api/chat.tsx": '"use client";\n' + HELPER,
    }
    assert scan(tmp_path, files) == []


def test_invalid_package_json_notice(tmp_path: Path) -> None:
    write_files(tmp_path, {"package.json": '{"name": "app",,}', "src/api.ts": HELPER})
    run = run_cli(tmp_path, "check", "--format", "json", "--exit-zero")
    notice = (
        f"{tmp_path / 'package.json'}: invalid JSON at line 1, column 16: expected `}}` or an "
        "object key, found ','; frameworks and settings in it are ignored, so client-side "
        "placement may be wrong"
    )
    assert notice in run.json()["notices"]


ASTRO = package("astro", "@astrojs/react", "react")
PLAIN = f"export default function Plain() {{\n  {CALL};\n  return null;\n}}\n"
HOOKED = (
    'import { useState } from "react";\n'
    "export default function Hooked() {\n"
    "  const [x] = useState(0);\n"
    f"  {CALL};\n"
    "  return <button onClick={() => x} />;\n"
    "}\n"
)


def astro_page(component: str, tag: str) -> str:
    return f'---\nimport {component} from "../components/{component}.tsx";\n---\n{tag}\n'


def test_astro_hydrated_component(tmp_path: Path) -> None:
    files = {
        "package.json": ASTRO,
        "src/components/Plain.tsx": PLAIN,
        "src/pages/two.astro": astro_page("Plain", "<Plain client:load />"),
    }
    reason = "`src/pages/two.astro` renders `Plain` with `client:load`"
    assert scan(tmp_path, files) == [("TTAI201", "src/components/Plain.tsx", 2, 3, message(reason))]


def test_astro_hydration_chain(tmp_path: Path) -> None:
    files = {
        "package.json": ASTRO,
        "src/components/Plain.tsx": (
            'import { start } from "../lib/api";\n'
            "export default function Plain() {\n  start();\n  return null;\n}\n"
        ),
        "src/lib/api.ts": HELPER,
        "src/pages/two.astro": astro_page("Plain", '<Plain client:only="react" />'),
    }
    reason = "`src/pages/two.astro` renders `Plain` with `client:only` and imports `src/lib/api.ts`"
    assert scan(tmp_path, files) == [("TTAI201", "src/lib/api.ts", 2, 10, message(reason))]


def test_astro_static_component(tmp_path: Path) -> None:
    """Hooks and event props do not ship a component that Astro renders without `client:*`."""
    files = {
        "package.json": ASTRO,
        "src/components/Hooked.tsx": HOOKED,
        "src/pages/x.astro": astro_page("Hooked", '<Hooked title="client:load" />'),
    }
    assert scan(tmp_path, files) == []


def test_astro_static_but_imported(tmp_path: Path) -> None:
    """A component also imported by hydrated client code still ships."""
    files = {
        "package.json": ASTRO,
        "src/components/Hooked.tsx": HOOKED,
        "src/components/Plain.tsx": 'import Hooked from "./Hooked";\n' + PLAIN,
        "src/pages/x.astro": astro_page("Hooked", "<Hooked />"),
        "src/pages/two.astro": astro_page("Plain", "<Plain client:visible />"),
    }
    hooked_reason = (
        "`src/pages/two.astro` renders `Plain` with `client:visible` and imports "
        "`src/components/Hooked.tsx`"
    )
    plain_reason = "`src/pages/two.astro` renders `Plain` with `client:visible`"
    assert scan(tmp_path, files) == [
        ("TTAI201", "src/components/Hooked.tsx", 4, 3, message(hooked_reason)),
        ("TTAI201", "src/components/Plain.tsx", 3, 3, message(plain_reason)),
    ]
