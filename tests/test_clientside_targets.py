"""What runs client code (the placement's target) and which variables bundlers inline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_files

from ttai_guard import filekinds
from ttai_guard.analysis import analyze_text
from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.clientside import (
    TARGET_BROWSER,
    TARGET_DEVICE,
    TARGET_ELECTRON,
    TARGET_ELECTRON_MAIN,
    TARGET_EXTENSION,
    Placement,
    Project,
    ProjectFiles,
)
from ttai_guard.facts import Module


def read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def parse(path: Path) -> list[Module]:
    text = path.read_text(encoding="utf-8")
    return analyze_text(filekinds.kind_of(path), text, AnalyzerSettings()).modules


def project_of(root: Path, files: dict[str, str]) -> Project:
    write_files(root, files)
    paths = tuple(sorted(root / name for name in files))
    return Project.build(ProjectFiles(paths, read, parse), pattern_root=root)


def place(root: Path, files: dict[str, str], name: str) -> Placement:
    project = project_of(root, files)
    path = root / name
    return project.placement(path, parse(path)[0])


def package(*dependencies: str, **fields: str) -> str:
    manifest: dict[str, object] = {"name": "app", "dependencies": dict.fromkeys(dependencies, "1")}
    manifest.update(fields)
    return json.dumps(manifest)


CODE = "export const x = 1;\n"
TARGETS = {
    "electron main": (
        {"package.json": package("electron", main="main.js"), "main.js": CODE},
        "main.js",
        TARGET_ELECTRON_MAIN,
    ),
    "electron other": (
        {"package.json": package("electron", main="main.js"), "main.js": CODE, "ui.js": CODE},
        "ui.js",
        TARGET_ELECTRON,
    ),
    "expo": (
        {"package.json": package("expo"), "app/index.tsx": CODE},
        "app/index.tsx",
        TARGET_DEVICE,
    ),
    "extension": (
        {
            "manifest.json": json.dumps(
                {"manifest_version": 3, "background": {"service_worker": "bg.js"}}
            ),
            "bg.js": CODE,
        },
        "bg.js",
        TARGET_EXTENSION,
    ),
    "browser chain": (
        {
            "package.json": package("vite"),
            "index.html": '<script type="module" src="/src/main.ts"></script>\n',
            "src/main.ts": 'import "./api";\n',
            "src/api.ts": CODE,
        },
        "src/api.ts",
        TARGET_BROWSER,
    ),
    "server": (
        {"package.json": package("next"), "app/api/x/route.ts": CODE},
        "app/api/x/route.ts",
        "",
    ),
}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_placement_target(tmp_path: Path, name: str) -> None:
    files, target_file, expected = TARGETS[name]
    assert place(tmp_path, files, target_file).target == expected


def test_inlined_names_webpack(tmp_path: Path) -> None:
    config = (
        'const webpack = require("webpack");\n'
        "module.exports = {\n"
        "  plugins: [\n"
        '    new webpack.EnvironmentPlugin(["TTAI_API_KEY", "NODE_ENV"]),\n'
        '    new webpack.DefinePlugin({ "process.env.TTAI_SECRET": JSON.stringify("x") }),\n'
        "  ],\n"
        "};\n"
    )
    project = project_of(
        tmp_path,
        {"package.json": package("webpack"), "webpack.config.js": config, "src/a.js": CODE},
    )
    profile = project.profile_for(tmp_path / "src" / "a.js")
    assert profile.inlined_names == {"TTAI_API_KEY", "NODE_ENV", "TTAI_SECRET"}


def test_inlined_names_none(tmp_path: Path) -> None:
    project = project_of(tmp_path, {"package.json": package("vite"), "src/a.js": CODE})
    assert project.profile_for(tmp_path / "src" / "a.js").inlined_names == set()
