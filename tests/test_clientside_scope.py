"""Placement does not depend on which paths were named on the command line.

The pre-commit hook passes file names, and users run the scanner from a
subdirectory. Each project below is scanned by its root directory, by a
subdirectory (from inside it, with `.`), and file by file. Every scan must
report the same client-side findings, with reasons that name paths relative
to the project root.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import git, run_cli, write_files

API = "https://api.toughtongueai.com/api/public/sessions"
CALL = f'fetch("{API}")'
HELPER = f"export function start() {{\n  return {CALL};\n}}\n"
ADVICE = "Call your own backend route instead and keep the token on the server."


def package(*dependencies: str) -> str:
    return json.dumps({"name": "app", "dependencies": dict.fromkeys(dependencies, "1.0.0")})


def message(reason: str) -> str:
    return f"Request to the ToughTongue API from client code: {reason}. {ADVICE}"


Finding = tuple[str, str, int, int, str]


def client_findings(root: Path, cwd: Path, *paths: str) -> list[Finding]:
    """Run the CLI in ``cwd`` and return TTAI2xx findings with paths relative to ``root``."""
    run = run_cli(cwd, "check", "--format", "json", "--exit-zero", *paths)
    assert run.code == 0, run.stderr
    found = []
    for item in run.json()["findings"]:
        if not item["rule"].startswith("TTAI2"):
            continue
        absolute = Path(os.path.normpath(cwd / item["path"]))
        shown = absolute.relative_to(root).as_posix()
        found.append((item["rule"], shown, item["line"], item["column"], item["message"]))
    return sorted(found)


REACT_ROUTER = {
    "package.json": package("@react-router/dev", "react"),
    ".gitignore": ".env\n",
    "app/routes/login.client.ts": HELPER,
    "app/entry.client.tsx": f"export function boot() {{\n  {CALL};\n}}\n",
    "app/lib/api.ts": HELPER,
    "app/routes/bad.tsx": (
        'import { start } from "../lib/api";\n'
        "export default function Bad() {\n"
        "  return <button onClick={() => start()} />;\n"
        "}\n"
    ),
}
REACT_ROUTER_FINDINGS = [
    (
        "TTAI201",
        "app/entry.client.tsx",
        2,
        3,
        message("`app/entry.client.tsx` is the React Router browser entry"),
    ),
    (
        "TTAI201",
        "app/lib/api.ts",
        2,
        10,
        message(
            "`app/routes/bad.tsx` is a React Router route module rendered on the server "
            "and in the browser and imports `app/lib/api.ts`"
        ),
    ),
    (
        "TTAI201",
        "app/routes/login.client.ts",
        2,
        10,
        message("`app/routes/login.client.ts` is a `.client` module, run only in the browser"),
    ),
]

NUXT = {
    "package.json": package("nuxt"),
    ".gitignore": ".env\n",
    "composables/useTtai.ts": HELPER,
    "server/api/chat.ts": HELPER,
}
NUXT_FINDINGS = [
    (
        "TTAI201",
        "composables/useTtai.ts",
        2,
        10,
        message("`composables/useTtai.ts` is Nuxt app code run on the server and in the browser"),
    ),
]

ANGULAR = {
    "package.json": package("@angular/core"),
    ".gitignore": ".env\n",
    "src/app/x.ts": HELPER,
    "server.ts": HELPER,
}
ANGULAR_FINDINGS = [
    (
        "TTAI201",
        "src/app/x.ts",
        2,
        10,
        message("`src/app/x.ts` is Angular app code, compiled into the browser bundle"),
    ),
]

PROJECTS = {
    "react router": (REACT_ROUTER, "app", REACT_ROUTER_FINDINGS),
    "nuxt": (NUXT, "composables", NUXT_FINDINGS),
    "angular": (ANGULAR, "src", ANGULAR_FINDINGS),
}


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_scope_directory(tmp_path: Path, name: str) -> None:
    files, _, expected = PROJECTS[name]
    write_files(tmp_path, files)
    assert client_findings(tmp_path, tmp_path) == expected


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_scope_subdirectory_dot(tmp_path: Path, name: str) -> None:
    files, subdirectory, expected = PROJECTS[name]
    write_files(tmp_path, files)
    found = client_findings(tmp_path, tmp_path / subdirectory, ".")
    assert found == [item for item in expected if item[1].startswith(subdirectory + "/")]


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_scope_each_file(tmp_path: Path, name: str) -> None:
    files, _, expected = PROJECTS[name]
    write_files(tmp_path, files)
    for file_name in sorted(name for name in files if name.endswith((".ts", ".tsx"))):
        found = client_findings(tmp_path, tmp_path, file_name)
        assert found == [item for item in expected if item[1] == file_name], file_name


def test_scope_helper_named_alone(tmp_path: Path) -> None:
    write_files(tmp_path, REACT_ROUTER)
    found = client_findings(tmp_path, tmp_path, "app/lib/api.ts")
    assert found == [REACT_ROUTER_FINDINGS[1]]


def test_scope_git_monorepo_file(tmp_path: Path) -> None:
    """In a git work tree, reasons name paths from the top of the work tree."""
    files = {f"apps/web/{name}": text for name, text in REACT_ROUTER.items()}
    write_files(tmp_path, files)
    git(tmp_path, "init", "-q")
    found = client_findings(tmp_path, tmp_path / "apps" / "web", "app/lib/api.ts")
    reason = (
        "`apps/web/app/routes/bad.tsx` is a React Router route module rendered on the server "
        "and in the browser and imports `apps/web/app/lib/api.ts`"
    )
    assert found == [("TTAI201", "apps/web/app/lib/api.ts", 2, 10, message(reason))]


def test_scope_ignores_gitignored_importer(tmp_path: Path) -> None:
    """Importers that `.gitignore` hides are not part of the project."""
    files = dict(REACT_ROUTER)
    files[".gitignore"] = ".env\napp/routes/bad.tsx\n"
    write_files(tmp_path, files)
    assert client_findings(tmp_path, tmp_path, "app/lib/api.ts") == []


def test_scope_no_findings_outside_named(tmp_path: Path) -> None:
    """A configuration file read for the profile gets no findings unless it was scanned."""
    files = {
        "package.json": package("webpack"),
        ".gitignore": ".env\n",
        "webpack.config.js": (
            'const webpack = require("webpack");\n'
            "module.exports = {\n"
            '  plugins: [new webpack.EnvironmentPlugin(["TTAI_API_KEY"])],\n'
            "};\n"
        ),
        "src/index.js": "export const key = process.env.TTAI_API_KEY;\n",
    }
    write_files(tmp_path, files)
    whole = client_findings(tmp_path, tmp_path)
    named = client_findings(tmp_path, tmp_path, "src/index.js")
    assert [item[1] for item in whole if item[1] == "webpack.config.js"] == ["webpack.config.js"]
    assert [item[1] for item in named if item[1] == "webpack.config.js"] == []
