"""TTAI201-203 and the project pass, with a stand-in for the project placement.

Files are real and scanned with the real analyzers; only the placement of a
file (client, server, both, unknown) and the public environment policy come
from :class:`StubProject`, so each rule's decisions are tested on their own.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import PAT, SK, write_files

from ttai_guard.analysis import FileJob, scan_file
from ttai_guard.analyzers import AnalyzerSettings
from ttai_guard.facts import EnvRef, Literal, Module, Region
from ttai_guard.projectpass import (
    PassResult,
    ProjectInput,
    _Pass,
    has_candidates,
    run_project_pass,
)
from ttai_guard.rules.clientside import (
    ApiRequest,
    ClientFacts,
    EnvDefinition,
    TokenVariables,
    bound_values,
    summarize,
)
from ttai_guard.runner import ScanOptions

API = "https://api.toughtongueai.com/api/public/sessions"
NEXT_REASON = "Next.js inlines `NEXT_PUBLIC_` variables into the browser bundle"


@dataclass(frozen=True)
class StubPlacement:
    side: str
    reason: str

    @property
    def ships_to_client(self) -> bool:
        return self.side in ("client", "both")


@dataclass
class StubProfile:
    public_prefixes: tuple[tuple[str, str], ...] = (("NEXT_PUBLIC_", NEXT_REASON),)
    inline_all: str = ""
    blanks_private: bool = True
    exposures: list[tuple[Path, int, int, str, str]] = field(default_factory=list)


@dataclass
class StubProject:
    """Places files by their path relative to ``root``; server regions win."""

    root: Path
    sides: dict[str, str]
    profile: StubProfile = field(default_factory=StubProfile)
    asked: list[str] = field(default_factory=list)

    def profile_for(self, path: Path) -> StubProfile:
        return self.profile

    def placement(self, path: Path, module: Module, offset: int | None = None) -> StubPlacement:
        relative = path.relative_to(self.root).as_posix()
        self.asked.append(relative)
        for region in module.server_regions:
            if offset is not None and region.start <= offset < region.end:
                return StubPlacement("server", region.label)
        side = self.sides.get(relative, "unknown")
        return StubPlacement(side, f"`{relative}` is {side} code")


def collect(root: Path, names: list[str]) -> ProjectInput:
    project_input = ProjectInput()
    reports = (scan_file(FileJob(root / name), AnalyzerSettings(), 10_000_000) for name in names)
    for _ in project_input.record(reports):
        pass
    return project_input


def run(
    root: Path,
    project_input: ProjectInput,
    project: StubProject,
    enabled: tuple[str, ...] = ("TTAI201", "TTAI202", "TTAI203"),
) -> PassResult:
    return run_project_pass(
        project_input,
        ScanOptions(paths=(str(root),)),
        lambda rule: rule in enabled,
        build=lambda state, options: project,
    )


def rows(result: PassResult, root: Path) -> list[tuple[str, str, int, int, str]]:
    return sorted(
        (f.rule, f.path.relative_to(root).as_posix(), f.line, f.column, f.level)
        for f in result.findings
    )


def never_built(state: _Pass, options: ScanOptions) -> StubProject:
    raise AssertionError("the project was built although nothing could be reported")


# --- Worker side: summaries -----------------------------------------------------------


def test_summary_keeps_api_requests() -> None:
    from ttai_guard.analyzers import javascript

    text = f'fetch("/api/sessions");\nfetch("{API}");\nfetch("https://example.com/x");\n'
    facts = javascript.analyze(text, AnalyzerSettings(), "typescript")
    summary = summarize("typescript", text, facts, AnalyzerSettings())
    assert summary is not None
    assert summary.requests == [ApiRequest("fetch", 24, "api.toughtongueai.com", API)]


def test_summary_configured_api_host() -> None:
    from ttai_guard.analyzers import javascript

    text = 'axios.get("https://tt-proxy.acme.io/v1/sessions");\n'
    settings = AnalyzerSettings(api_hosts=("tt-proxy.acme.io",))
    facts = javascript.analyze(text, settings, "javascript")
    summary = summarize("javascript", text, facts, settings)
    assert summary is not None
    assert [request.host for request in summary.requests] == ["tt-proxy.acme.io"]


@pytest.mark.parametrize(
    "url",
    [
        "https://app.toughtongueai.com/embed/abc",
        "https://app.toughtongueai.com/widget/loader.js",
        "https://docs.toughtongueai.com/api/public",
    ],
)
def test_summary_browser_urls_ignored(url: str) -> None:
    from ttai_guard.analyzers import javascript

    text = f'fetch("{url}");\n'
    facts = javascript.analyze(text, AnalyzerSettings(), "javascript")
    summary = summarize("javascript", text, facts, AnalyzerSettings())
    assert summary is None or summary.requests == []


def test_summary_env_definitions() -> None:
    from ttai_guard.analyzers import envfile

    text = f"# local\nNEXT_PUBLIC_TTAI_TOKEN={PAT}\nexport 'VITE_URL'=https://x.io\n"
    facts = envfile.analyze(text, AnalyzerSettings())
    summary = summarize("env", text, facts, AnalyzerSettings())
    assert summary is not None
    quoted = text.index("'VITE_URL'") + 1
    assert summary.env_definitions == [
        EnvDefinition("NEXT_PUBLIC_TTAI_TOKEN", 8, 30, True),
        EnvDefinition("VITE_URL", quoted, quoted + 8, False),
    ]


def test_summary_holds_no_secret() -> None:
    from ttai_guard.analyzers import envfile

    text = f"NEXT_PUBLIC_TTAI_TOKEN={PAT}\n"
    summary = summarize("env", text, envfile.analyze(text, AnalyzerSettings()), AnalyzerSettings())
    module = Module(
        end=10,
        exports={
            "API_BASE": Literal.at(f"https://api.toughtongueai.com/api/public?key={SK}", 0),
            "KEY": Literal.at(PAT, 0),
        },
    )
    from ttai_guard.facts import Facts

    code = summarize("javascript", "", Facts(modules=[module]), AnalyzerSettings())
    assert code is not None
    assert list(code.modules[0].exports) == ["API_BASE"]
    data = pickle.dumps((summary, code))
    assert PAT.encode() not in data
    assert SK.encode() not in data
    assert SK[len("sk_live_") :].encode() not in data


def test_summary_unparsed_module_none() -> None:
    from ttai_guard.facts import Facts

    assert summarize("javascript", "let a = 1;\n", Facts(), AnalyzerSettings()) is None


def test_scan_file_fills_client_facts(tmp_path: Path) -> None:
    write_files(tmp_path, {"app/page.tsx": f'"use client";\nfetch("{API}");\n'})
    report = scan_file(FileJob(tmp_path / "app/page.tsx"), AnalyzerSettings(), 10_000_000)
    assert report.client_facts is not None
    assert [r.offset for r in report.client_facts.requests] == [14]


# --- TTAI201 ----------------------------------------------------------------------------


PAGE = f'"use client";\nexport function Start() {{\n  return fetch("{API}");\n}}\n'


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        ("client", [("TTAI201", "app/page.tsx", 3, 10, "error")]),
        ("both", [("TTAI201", "app/page.tsx", 3, 10, "error")]),
        ("server", []),
        ("unknown", []),
    ],
)
def test_api_call_by_side(tmp_path: Path, side: str, expected: list) -> None:
    write_files(tmp_path, {"app/page.tsx": PAGE})
    project = StubProject(tmp_path, {"app/page.tsx": side})
    result = run(tmp_path, collect(tmp_path, ["app/page.tsx"]), project)
    assert rows(result, tmp_path) == expected


def test_api_call_message(tmp_path: Path) -> None:
    write_files(tmp_path, {"app/page.tsx": PAGE})
    project = StubProject(tmp_path, {"app/page.tsx": "client"})
    (finding,) = run(tmp_path, collect(tmp_path, ["app/page.tsx"]), project).findings
    assert finding.message == (
        "Request to the ToughTongue API from client code: `app/page.tsx` is client code. "
        "Call your own backend route instead and keep the token on the server."
    )
    assert finding.end_column == 15
    assert finding.snippet == f'  return fetch("{API}");'


def test_api_call_suppressed(tmp_path: Path) -> None:
    text = PAGE.replace(");\n}", "); // ttai-guard: ignore[TTAI201]\n}")
    write_files(tmp_path, {"app/page.tsx": text})
    project = StubProject(tmp_path, {"app/page.tsx": "client"})
    result = run(tmp_path, collect(tmp_path, ["app/page.tsx"]), project)
    assert result.findings == []
    assert result.used_markers == {(tmp_path / "app/page.tsx", 3)}


def test_api_call_rule_disabled(tmp_path: Path) -> None:
    write_files(tmp_path, {"app/page.tsx": PAGE})
    project = StubProject(tmp_path, {"app/page.tsx": "client"})
    result = run(tmp_path, collect(tmp_path, ["app/page.tsx"]), project, ("TTAI202",))
    assert result.findings == []


def test_api_call_server_region(tmp_path: Path) -> None:
    write_files(tmp_path, {"pages/index.tsx": PAGE})
    project_input = collect(tmp_path, ["pages/index.tsx"])
    facts = project_input.facts[tmp_path / "pages/index.tsx"]
    facts.modules = [Module(end=len(PAGE), server_regions=[Region(14, 60, "getServerSideProps")])]
    project = StubProject(tmp_path, {"pages/index.tsx": "both"})
    assert run(tmp_path, project_input, project).findings == []


@pytest.mark.parametrize(
    "text",
    [
        'fetch("/api/sessions");\n',
        'const frame = "https://app.toughtongueai.com/embed/abc";\n',
        "let a = 1;\n",
    ],
)
def test_no_candidates_no_project(tmp_path: Path, text: str) -> None:
    write_files(tmp_path, {"src/App.tsx": text})
    result = run_project_pass(
        collect(tmp_path, ["src/App.tsx"]),
        ScanOptions(paths=(str(tmp_path),)),
        lambda rule: True,
        build=never_built,
    )
    assert result.findings == []


def test_all_rules_disabled_no_project(tmp_path: Path) -> None:
    write_files(tmp_path, {"app/page.tsx": PAGE})
    result = run_project_pass(
        collect(tmp_path, ["app/page.tsx"]),
        ScanOptions(paths=(str(tmp_path),)),
        lambda rule: rule == "TTAI101",
        build=never_built,
    )
    assert result.findings == []


# --- TTAI202: .env* definitions and exposures -----------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"NEXT_PUBLIC_TTAI_TOKEN={PAT}\n", [("TTAI202", ".env.local", 1, 1, "error")]),
        ("NEXT_PUBLIC_TTAI_TOKEN=\n", [("TTAI202", ".env.local", 1, 1, "error")]),
        (f"NEXT_PUBLIC_KEY={SK}\n", [("TTAI202", ".env.local", 1, 1, "error")]),
        (f"TTAI_TOKEN={PAT}\n", []),
        ("NEXT_PUBLIC_TTAI_URL=https://api.toughtongueai.com\n", []),
        (f"VITE_TTAI_TOKEN={PAT}\n", []),
    ],
)
def test_env_definition(tmp_path: Path, line: str, expected: list) -> None:
    write_files(tmp_path, {".env.local": "# keys\n\n" + line})
    project = StubProject(tmp_path, {})
    result = run(tmp_path, collect(tmp_path, [".env.local"]), project)
    shifted = [(rule, path, row + 2, column, level) for rule, path, row, column, level in expected]
    assert rows(result, tmp_path) == shifted


def test_env_definition_message(tmp_path: Path) -> None:
    write_files(tmp_path, {".env": f"NEXT_PUBLIC_TTAI_TOKEN={PAT}\n"})
    (finding,) = run(tmp_path, collect(tmp_path, [".env"]), StubProject(tmp_path, {})).findings
    assert finding.message == (
        "`NEXT_PUBLIC_TTAI_TOKEN` holds a ToughTongue token, and the `NEXT_PUBLIC_` prefix "
        f"puts it in client code: {NEXT_REASON}. Drop the public prefix and read the token "
        "only on the server."
    )
    assert finding.end_column == 23
    assert PAT not in finding.snippet


def test_env_definition_widened_prefix(tmp_path: Path) -> None:
    write_files(tmp_path, {".env": f"APP_TTAI_KEY={PAT}\n"})
    profile = StubProfile(public_prefixes=(("APP_", "vite.config.ts sets `envPrefix`"),))
    project = StubProject(tmp_path, {}, profile)
    result = run(tmp_path, collect(tmp_path, [".env"]), project)
    assert rows(result, tmp_path) == [("TTAI202", ".env", 1, 1, "error")]


CONFIG = "module.exports = {\n  env: {\n    TTAI_TOKEN: process.env.TTAI_TOKEN,\n  },\n};\n"


def config_input(root: Path, text: str, *others: Path) -> ProjectInput:
    """Write ``next.config.js`` and give it one module, as a parsed bundler config has."""
    write_files(root, {"next.config.js": text})
    path = root / "next.config.js"
    project_input = collect(root, [other.name for other in others])
    project_input.paths.append(path)
    project_input.kinds[path] = "javascript"
    project_input.facts[path] = ClientFacts(modules=[Module(end=len(text))])
    return project_input


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("TTAI_TOKEN", [("TTAI202", "next.config.js", 3, 5, "error")]),
        ("process.env.TTAI_TOKEN", [("TTAI202", "next.config.js", 3, 5, "error")]),
        ("API_URL", []),
    ],
)
def test_exposure(tmp_path: Path, name: str, expected: list) -> None:
    project_input = config_input(tmp_path, CONFIG)
    config = tmp_path / "next.config.js"
    exposure = (config, 32, 42, name, "`next.config.js` lists it under `env`")
    project = StubProject(tmp_path, {}, StubProfile(exposures=[exposure, exposure]))
    result = run(tmp_path, project_input, project)
    assert rows(result, tmp_path) == expected


def test_exposure_token_valued_name(tmp_path: Path) -> None:
    write_files(tmp_path, {".env": f"SECRET={PAT}\n"})
    project_input = config_input(tmp_path, CONFIG.replace("TTAI_TOKEN", "SECRET"), Path(".env"))
    config = tmp_path / "next.config.js"
    exposure = (config, 32, 38, "SECRET", "`next.config.js` lists it under `env`")
    project = StubProject(tmp_path, {}, StubProfile(exposures=[exposure]))
    result = run(tmp_path, project_input, project)
    assert rows(result, tmp_path) == [("TTAI202", "next.config.js", 3, 5, "error")]


# --- TTAI202 and TTAI203: reads in code -------------------------------------------------

READ = "const token = process.env.NEXT_PUBLIC_TTAI_TOKEN;\n"


def env_input(
    root: Path, text: str, refs: list[EnvRef], regions: list[Region] = ()
) -> ProjectInput:
    """Write ``src/view.tsx`` and give it one module with ``refs``."""
    write_files(root, {"src/view.tsx": text})
    path = root / "src/view.tsx"
    module = Module(end=len(text), env_refs=refs, server_regions=list(regions))
    return ProjectInput(
        paths=[path], kinds={path: "tsx"}, facts={path: ClientFacts(modules=[module])}
    )


PUBLIC_REF = EnvRef("NEXT_PUBLIC_TTAI_TOKEN", 26, 48, "process.env")


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        ("client", [("TTAI202", "src/view.tsx", 1, 27, "error")]),
        ("both", [("TTAI202", "src/view.tsx", 1, 27, "error")]),
        ("unknown", [("TTAI202", "src/view.tsx", 1, 27, "error")]),
        ("server", []),
    ],
)
def test_public_read_by_side(tmp_path: Path, side: str, expected: list) -> None:
    project_input = env_input(tmp_path, READ, [PUBLIC_REF])
    result = run(tmp_path, project_input, StubProject(tmp_path, {"src/view.tsx": side}))
    assert rows(result, tmp_path) == expected


def test_public_read_message(tmp_path: Path) -> None:
    project_input = env_input(tmp_path, READ, [PUBLIC_REF])
    project = StubProject(tmp_path, {"src/view.tsx": "client"})
    (finding,) = run(tmp_path, project_input, project).findings
    assert finding.message == (
        "`process.env.NEXT_PUBLIC_TTAI_TOKEN` holds a ToughTongue token and is public (the "
        f"`NEXT_PUBLIC_` prefix: {NEXT_REASON}), so the bundler writes the token into client "
        "code. This module runs in client code: `src/view.tsx` is client code. Move the call "
        "to your backend and give the variable a name without the public prefix."
    )


def test_public_read_token_valued(tmp_path: Path) -> None:
    text = "const key = process.env.NEXT_PUBLIC_KEY;\n"
    project_input = env_input(tmp_path, text, [EnvRef("NEXT_PUBLIC_KEY", 24, 39, "process.env")])
    write_files(tmp_path, {".env": f"NEXT_PUBLIC_KEY={SK}\n"})
    env = tmp_path / ".env"
    project_input.paths.append(env)
    project_input.kinds[env] = "env"
    project_input.facts[env] = ClientFacts(
        env_definitions=[EnvDefinition("NEXT_PUBLIC_KEY", 0, 15, True)]
    )
    result = run(tmp_path, project_input, StubProject(tmp_path, {"src/view.tsx": "client"}))
    assert rows(result, tmp_path) == [
        ("TTAI202", ".env", 1, 1, "error"),
        ("TTAI202", "src/view.tsx", 1, 25, "error"),
    ]


def test_public_read_runtime_config(tmp_path: Path) -> None:
    text = "const t = useRuntimeConfig().public.ttaiToken;\n"
    project_input = env_input(tmp_path, text, [EnvRef("ttaiToken", 36, 45, "runtimeConfig")])
    result = run(tmp_path, project_input, StubProject(tmp_path, {"src/view.tsx": "both"}))
    assert rows(result, tmp_path) == [("TTAI202", "src/view.tsx", 1, 37, "error")]


PRIVATE = "const token = process.env.TTAI_TOKEN;\n"
PRIVATE_REF = EnvRef("TTAI_TOKEN", 26, 36, "process.env")


@pytest.mark.parametrize(
    ("side", "profile", "expected"),
    [
        ("client", StubProfile(), [("TTAI203", "src/view.tsx", 1, 27, "note")]),
        (
            "client",
            StubProfile(public_prefixes=(), inline_all="Parcel inlines every variable"),
            [("TTAI203", "src/view.tsx", 1, 27, "error")],
        ),
        ("both", StubProfile(), [("TTAI203", "src/view.tsx", 1, 27, "note")]),
        ("server", StubProfile(inline_all="Parcel inlines every variable"), []),
        ("unknown", StubProfile(), []),
    ],
)
def test_private_read(tmp_path: Path, side: str, profile: StubProfile, expected: list) -> None:
    project_input = env_input(tmp_path, PRIVATE, [PRIVATE_REF])
    result = run(tmp_path, project_input, StubProject(tmp_path, {"src/view.tsx": side}, profile))
    assert rows(result, tmp_path) == expected


def test_private_read_error_message(tmp_path: Path) -> None:
    project_input = env_input(tmp_path, PRIVATE, [PRIVATE_REF])
    profile = StubProfile(inline_all="Parcel inlines every `process.env` variable it reads")
    project = StubProject(tmp_path, {"src/view.tsx": "client"}, profile)
    (finding,) = run(tmp_path, project_input, project).findings
    assert finding.message == (
        "Client code reads the token variable `process.env.TTAI_TOKEN`, and Parcel inlines "
        "every `process.env` variable it reads, so the token is written into the bundle: "
        "`src/view.tsx` is client code. Read the token in a backend route instead."
    )


def test_private_read_server_region(tmp_path: Path) -> None:
    region = Region(0, 40, "the body of `getServerSideProps`")
    project_input = env_input(tmp_path, PRIVATE, [PRIVATE_REF], [region])
    result = run(tmp_path, project_input, StubProject(tmp_path, {"src/view.tsx": "both"}))
    assert result.findings == []


def test_dynamic_read_note(tmp_path: Path) -> None:
    text = "const value = process.env[name];\n"
    refs = [EnvRef("", 25, 31, "process.env"), PRIVATE_REF]
    project_input = env_input(tmp_path, text + PRIVATE, [refs[0]])
    project_input.facts[tmp_path / "src/view.tsx"].modules[0].env_refs.append(
        EnvRef("TTAI_TOKEN", 26 + len(text), 36 + len(text), "process.env")
    )
    result = run(tmp_path, project_input, StubProject(tmp_path, {"src/view.tsx": "client"}))
    assert rows(result, tmp_path) == [
        ("TTAI203", "src/view.tsx", 1, 26, "note"),
        ("TTAI203", "src/view.tsx", 2, 27, "note"),
    ]


def test_private_read_rule_ignored(tmp_path: Path) -> None:
    project_input = env_input(tmp_path, PRIVATE, [PRIVATE_REF])
    project = StubProject(tmp_path, {"src/view.tsx": "client"})
    assert run(tmp_path, project_input, project, ("TTAI201", "TTAI202")).findings == []


def test_unrelated_read_not_candidate(tmp_path: Path) -> None:
    text = "const mode = process.env.NODE_ENV;\n"
    project_input = env_input(tmp_path, text, [EnvRef("NODE_ENV", 25, 33, "process.env")])
    variables = TokenVariables()
    assert not has_candidates(project_input, variables)


# --- Second look: imported values and resolution ----------------------------------------


@pytest.mark.parametrize(
    ("imported", "local", "expected"),
    [
        ("API_BASE", "API_BASE", [("API_BASE", API)]),
        ("API_BASE", "base", [("base", API)]),
        ("apiConfig", "cfg", [("cfg.baseUrl", API)]),
        ("*", "config", [("config.API_BASE", API), ("config.apiConfig.baseUrl", API)]),
        ("other", "other", []),
    ],
)
def test_bound_values(imported: str, local: str, expected: list) -> None:
    exports = {"API_BASE": API, "apiConfig.baseUrl": API}
    assert list(bound_values(imported, local, exports)) == expected


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [
        ("./config", "src/config.ts"),
        ("./config.js", "src/config.ts"),
        ("../lib", "lib/index.tsx"),
        ("./missing", None),
        ("config", None),
    ],
)
def test_resolve_relative(tmp_path: Path, specifier: str, expected: str | None) -> None:
    names = ["src/config.ts", "lib/index.tsx", "src/App.tsx"]
    paths = [tmp_path / name for name in names]
    project_input = ProjectInput(paths=paths, kinds=dict.fromkeys(paths, "typescript"))
    state = _Pass(project_input, ScanOptions(paths=(str(tmp_path),)))
    resolved = state.resolve(tmp_path / "src/App.tsx", specifier)
    assert resolved == (tmp_path / expected if expected else None)
