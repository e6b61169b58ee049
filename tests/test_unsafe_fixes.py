"""check --fix/--diff --unsafe-fixes: tokens moved from code into .env, with real files and git."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PAT, SK, git, run_cli, write_files

from ttai_guard.fixes import ApplyError, FileEdit, apply_edits
from ttai_guard.tokens import redact
from ttai_guard.unsafe_fixes import _compile_problem
from ttai_guard.unsafe_python import TokenSite, rewrite_python

GITIGNORE = ".env\n.env.local\n"


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def fix(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    run = run_cli(repo, "check", "--fix", "--unsafe-fixes", *args)
    assert run.code in (0, 1), run.stderr
    return run  # type: ignore[return-value]


PYTHON_BEFORE = f'''#!/usr/bin/env python
"""Talk to the ToughTongue API."""

from __future__ import annotations

import json  # standard library

# Credentials (do not share).
TTAI_TOKEN = "{PAT}"  # set by ops
HEADERS = {{
    "Authorization": "Bearer {SK}",   # odd spacing kept
}}


def payload() -> str:
    return json.dumps({{"token": TTAI_TOKEN, "auth": HEADERS["Authorization"]}})
'''

PYTHON_AFTER = """#!/usr/bin/env python
\"\"\"Talk to the ToughTongue API.\"\"\"

from __future__ import annotations
import os

import json  # standard library

# Credentials (do not share).
TTAI_TOKEN = os.environ["TTAI_TOKEN"]  # set by ops
HEADERS = {
    "Authorization": f"Bearer {os.environ['TTAI_TOKEN_2']}",   # odd spacing kept
}


def payload() -> str:
    return json.dumps({"token": TTAI_TOKEN, "auth": HEADERS["Authorization"]})
"""


def test_python_rewrite_whole_file(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "client.py": PYTHON_BEFORE})
    run = fix(repo)
    assert run.code == 0
    assert (repo / "client.py").read_text() == PYTHON_AFTER
    assert (repo / ".env").read_text() == f"TTAI_TOKEN={PAT}\nTTAI_TOKEN_2={SK}\n"
    assert (repo / ".gitignore").read_text() == GITIGNORE


def test_python_rewrite_still_runs(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "client.py": PYTHON_BEFORE})
    fix(repo)
    env = {**os.environ, "TTAI_TOKEN": "one", "TTAI_TOKEN_2": "two"}
    completed = subprocess.run(
        [sys.executable, "-c", "import client; print(client.payload())"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == '{"token": "one", "auth": "Bearer two"}\n'


def test_fix_twice_changes_nothing(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "client.py": PYTHON_BEFORE})
    fix(repo)
    before = snapshot(repo)
    again = fix(repo)
    assert again.code == 0
    assert "moved token" not in again.stderr
    assert snapshot(repo) == before


def test_diff_writes_nothing(repo: Path) -> None:
    write_files(repo, {"client.py": PYTHON_BEFORE})
    before = snapshot(repo)
    run = run_cli(repo, "check", "--diff", "--unsafe-fixes")
    assert run.code == 1
    assert snapshot(repo) == before
    assert "+++ b/client.py" in run.stdout
    assert "+++ b/.env" in run.stdout
    assert "+++ b/.gitignore" in run.stdout
    assert "+TTAI_TOKEN=ttai_pat_Zq4L…(44 chars)" in run.stdout
    assert PAT not in run.stdout
    assert SK not in run.stdout


def test_rotation_reminder_redacted(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "client.py": PYTHON_BEFORE})
    run = fix(repo)
    assert (
        "moved token `ttai_pat_Zq4L…(44 chars)` from client.py:9 to .env as TTAI_TOKEN; "
        "revoke and rotate it" in run.stderr
    )
    assert PAT not in run.stderr


def test_env_name_clobber_avoided(repo: Path) -> None:
    write_files(
        repo,
        {".gitignore": GITIGNORE, ".env": "TTAI_TOKEN=other-value\n", "a.py": f'x = "{PAT}"\n'},
    )
    fix(repo)
    assert (repo / "a.py").read_text() == 'import os\nx = os.environ["TTAI_TOKEN_2"]\n'
    assert (repo / ".env").read_text() == f"TTAI_TOKEN=other-value\nTTAI_TOKEN_2={PAT}\n"


def test_env_existing_token_reused(repo: Path) -> None:
    write_files(
        repo,
        {".gitignore": GITIGNORE, ".env": f"TTAI_PAT={PAT}\n", "a.py": f'x = "{PAT}"\n'},
    )
    fix(repo)
    assert (repo / "a.py").read_text() == 'import os\nx = os.environ["TTAI_PAT"]\n'
    assert (repo / ".env").read_text() == f"TTAI_PAT={PAT}\n"


def test_env_gets_ignored(repo: Path) -> None:
    write_files(repo, {".gitignore": "dist/\n", "a.py": f'x = "{PAT}"\n'})
    fix(repo)
    assert (repo / ".gitignore").read_text() == "dist/\n.env\n.env.local\n"
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".env"], cwd=repo, capture_output=True
    ).returncode
    assert ignored == 0


def test_tracked_env_blocks(repo: Path) -> None:
    write_files(repo, {".gitignore": "", ".env": "A=1\n", "a.py": f'x = "{PAT}"\n'})
    git(repo, "add", "-f", ".env")
    run = fix(repo)
    assert (repo / "a.py").read_text() == f'x = "{PAT}"\n'
    assert "is tracked by git; run `git rm --cached .env` first" in run.stderr


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (f'x = "sk_" + "live_" + "{SK[8:]}"\n', "it is split across several literals"),
        (f'x = f"{{1}} {PAT}"\n', "it is inside an f-string"),
        (f'x = b"{PAT}"\n', "it is a bytes literal"),
    ],
)
def test_python_not_rewritten(repo: Path, source: str, reason: str) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "a.py": source})
    run = fix(repo)
    assert (repo / "a.py").read_text() == source
    assert not (repo / ".env").exists()
    assert f"was not moved: {reason}" in run.stderr


def test_non_code_not_rewritten(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "notes.md": f"token {PAT}\n"})
    run = fix(repo)
    assert (repo / "notes.md").read_text() == f"token {PAT}\n"
    assert "only Python and JavaScript/TypeScript code is rewritten" in run.stderr


def test_python_keyword_and_existing_import(repo: Path) -> None:
    source = (
        '"""Doc."""\nimport os.path\n\n'
        f'client = ToughTongueClient(ttai_api_key="{PAT}")\n'
        f'default = os.getenv("TTAI_PAT", "{SK}")\n'
    )
    write_files(repo, {".gitignore": GITIGNORE, "a.py": source})
    fix(repo)
    assert (repo / "a.py").read_text() == (
        '"""Doc."""\nimport os.path\n\n'
        'client = ToughTongueClient(ttai_api_key=os.environ["TTAI_API_KEY"])\n'
        'default = os.getenv("TTAI_PAT", os.environ["TTAI_PAT"])\n'
    )


def test_rewrite_python_outcomes() -> None:
    source = f'A = "{PAT}"\nB = ("x"\n     "{SK}")\n'.encode()
    sites = [TokenSite(PAT, 1, 6), TokenSite(SK, 3, 7)]
    new, outcomes = rewrite_python(source, sites, lambda token, binding: binding or "T")
    assert new.decode() == (
        'import os\nA = os.environ["A"]\nB = ("x"\n     f"{os.environ[\'B\']}")\n'
    )
    assert [(o.name, o.reason) for o in outcomes] == [("A", ""), ("B", "")]


JS_BEFORE = f"""// Server-side client.
import fetch from "node-fetch";

const ttaiToken = "{PAT}"; /* keep me */
const headers = {{
  Authorization: 'Bearer {SK}',
}};
const fallback = process.env.TTAI_PAT || `{PAT}`;

export async function call() {{
  return fetch("https://api.toughtongueai.com/api/public/me", {{ headers }});
}}
"""

JS_AFTER = """// Server-side client.
import fetch from "node-fetch";

const ttaiToken = process.env.TTAI_TOKEN; /* keep me */
const headers = {
  Authorization: `Bearer ${process.env.TTAI_TOKEN_2}`,
};
const fallback = process.env.TTAI_PAT || process.env.TTAI_TOKEN;

export async function call() {
  return fetch("https://api.toughtongueai.com/api/public/me", { headers });
}
"""


def test_javascript_rewrite_whole_file(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "server/client.mjs": JS_BEFORE})
    run = fix(repo)
    assert run.code == 0, run.stdout
    assert (repo / "server" / "client.mjs").read_text() == JS_AFTER
    assert (repo / ".env").read_text() == f"TTAI_TOKEN={PAT}\nTTAI_TOKEN_2={SK}\n"


def test_javascript_rewrite_parses(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "lib/api.ts": JS_BEFORE})
    fix(repo)
    node = subprocess.run(["node", "--version"], capture_output=True)
    if node.returncode != 0:
        pytest.skip("node is not installed")
    (repo / "lib" / "check.mjs").write_text(JS_AFTER.replace('import fetch from "node-fetch";', ""))
    completed = subprocess.run(
        ["node", "--check", "lib/check.mjs"], cwd=repo, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr


def test_typescript_template_kept(repo: Path) -> None:
    source = f"const url = `https://x.test/?key={PAT}&v=${{version}}`;\n"
    write_files(repo, {".gitignore": GITIGNORE, "api/route.ts": source})
    fix(repo)
    assert (repo / "api" / "route.ts").read_text() == (
        "const url = `https://x.test/?key=${process.env.TTAI_TOKEN}&v=${version}`;\n"
    )


@pytest.mark.parametrize(
    ("path", "source", "reason"),
    [
        ("components/Chat.tsx", f'export const t = "{PAT}";\n', "it is under `components/`"),
        ("app/chat.js", f'"use client";\nconst t = "{PAT}";\n', "it starts with 'use client'"),
        ("src/App.jsx", f'const t = "{PAT}";\n', "it is a JSX component file"),
    ],
)
def test_client_side_not_rewritten(repo: Path, path: str, source: str, reason: str) -> None:
    write_files(repo, {".gitignore": GITIGNORE, path: source})
    run = fix(repo)
    assert (repo / path).read_text() == source
    assert f"the file runs on users' devices ({reason}" in run.stderr
    assert "Move the API call behind a backend route" in run.stderr
    assert not (repo / ".env").exists()


def test_javascript_tagged_template_refused(repo: Path) -> None:
    source = f"const q = sql`SELECT '{PAT}'`;\n"
    write_files(repo, {".gitignore": GITIGNORE, "server/db.js": source})
    run = fix(repo)
    assert (repo / "server" / "db.js").read_text() == source
    assert "it is a tagged template" in run.stderr


def test_unsafe_fixes_with_staged_usage(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "a.py": f'x = "{PAT}"\n'})
    git(repo, "add", "a.py")
    run = run_cli(repo, "check", "--staged", "--fix", "--unsafe-fixes")
    assert run.code == 2
    assert "cannot be combined with --staged" in run.stderr


def test_unsafe_fixes_alone_notice(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "a.py": "x = 1\n"})
    run = run_cli(repo, "check", "--unsafe-fixes")
    assert run.code == 0
    assert "--unsafe-fixes does nothing without --fix or --diff" in run.stderr


DOCSTRING_REASON = "a docstring is documentation, not configuration: remove the token by hand"


@pytest.mark.parametrize(
    "source",
    [
        f'"""Client for {PAT}."""\nfrom __future__ import annotations\n',
        f'class A:\n    """Uses {PAT}."""\n',
        f'def f() -> None:\n    "Uses " "{PAT}"\n',
        f'X = 1\n"""Attribute note: {PAT}."""\n',
    ],
)
def test_docstring_not_rewritten(repo: Path, source: str) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "a.py": source})
    run = fix(repo)
    assert (repo / "a.py").read_text() == source
    assert not (repo / ".env").exists()
    assert DOCSTRING_REASON in run.stderr


def test_docstring_kept_beside_moved_token(repo: Path) -> None:
    source = (
        f'"""Client; the old token {SK} is revoked."""\n'
        "from __future__ import annotations\n"
        f'TOKEN = "{PAT}"\n'
    )
    write_files(repo, {".gitignore": GITIGNORE, "a.py": source})
    fix(repo)
    assert (repo / "a.py").read_text() == (
        f'"""Client; the old token {SK} is revoked."""\n'
        "from __future__ import annotations\n"
        "import os\n"
        'TOKEN = os.environ["TTAI_TOKEN"]\n'
    )
    completed = subprocess.run(
        [sys.executable, "-c", "import a; print(a.__doc__[:6], a.TOKEN)"],
        cwd=repo,
        env={**os.environ, "TTAI_TOKEN": "one"},
        capture_output=True,
        text=True,
    )
    assert completed.stdout == "Client one\n"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        (f'def f(os):\n    return "{PAT}"\n', "a name `os` other than the module is visible"),
        (f'import json as os\nX = "{PAT}"\n', "a name `os` other than the module is visible"),
        (f'import os\nos = None\nX = "{PAT}"\n', "a name `os` other than the module is visible"),
        (
            f'from typing import Literal\nK = Literal["{PAT}"]\n',
            "it is a type in a `Literal[...]` subscript",
        ),
    ],
)
def test_python_shadowed_or_typed(repo: Path, source: str, reason: str) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "a.py": source})
    run = fix(repo)
    assert (repo / "a.py").read_text() == source
    assert not (repo / ".env").exists()
    assert f"was not moved: {reason}" in run.stderr


def test_local_import_os_not_shadowing() -> None:
    source = f'def f():\n    import os\n    return "{PAT}"\n'.encode()
    new, outcomes = rewrite_python(source, [TokenSite(PAT, 3, 13)], lambda token, binding: "T")
    assert new.decode() == ('import os\ndef f():\n    import os\n    return os.environ["T"]\n')
    assert outcomes[0].reason == ""


def test_compile_problem_reported() -> None:
    assert _compile_problem(b"x = 1\n", Path("a.py")) == ""
    assert _compile_problem(b"x = 1\nfrom __future__ import annotations\n", Path("a.py")) == (
        "line 2: from __future__ imports must occur at the beginning of the file"
    )


def test_env_directory_exit_2(repo: Path) -> None:
    write_files(repo, {"a.py": f'X = "{PAT}"\n'})
    (repo / ".env").mkdir()
    before = snapshot(repo)
    run = run_cli(repo, "check", "--fix", "--unsafe-fixes")
    assert run.code == 2
    assert "cannot write .env: Is a directory; no file was changed" in run.stderr
    assert "internal error" not in run.stderr
    assert snapshot(repo) == before
    assert sorted(path.name for path in repo.iterdir()) == [".env", ".git", "a.py"]


def test_env_symlink_not_replaced(repo: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared.env"
    shared.write_text("OTHER=1\n")
    write_files(repo, {".gitignore": GITIGNORE, "a.py": f'X = "{PAT}"\n'})
    (repo / ".env").symlink_to(shared)
    run = fix(repo)
    assert (repo / ".env").is_symlink()
    assert shared.read_text() == "OTHER=1\n"
    assert (repo / "a.py").read_text() == f'X = "{PAT}"\n'
    assert "was not moved: .env is a symbolic link; move the token by hand" in run.stderr


def test_new_env_owner_only(repo: Path) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "a.py": f'X = "{PAT}"\n'})
    fix(repo)
    assert stat.S_IMODE((repo / ".env").stat().st_mode) == 0o600


def test_apply_edits_restores_on_failure(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    gitignore = tmp_path / ".gitignore"
    gitignore.write_text("dist/\n")
    edits = [
        FileEdit(env, "", "T=1\n", ()),
        FileEdit(gitignore, "dist/\n", "dist/\n.env\n", ()),
        FileEdit(tmp_path / "missing" / "a.py", "", "x = 1\n", ()),
    ]
    with pytest.raises(ApplyError) as raised:
        apply_edits(edits)
    assert "No such file or directory; no file was changed" in str(raised.value)
    assert not env.exists()
    assert gitignore.read_text() == "dist/\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == [".gitignore"]


def test_fix_reports_positions_after_rewrite(repo: Path) -> None:
    source = f'"""Doc."""\nX = "{PAT}"\n\n\ndef f(os):\n    return "{SK}"\n'
    write_files(repo, {".gitignore": GITIGNORE, "a.py": source})
    run = run_cli(repo, "check", "--fix", "--unsafe-fixes", "--format", "json")
    assert run.code == 1
    assert run.findings() == [("TTAI101", "a.py", 7, 13)]


def test_diff_masks_env_and_context(repo: Path) -> None:
    api_key = "Zr81kdq0PLmn72hsgWqa5Tc9Ve3Bx6Ny"
    bearer = "Yt4Wq8Lm2Ns6Kp0Vr3Xb7Jd1Hf5Gz9Cu"
    write_files(
        repo,
        {
            ".gitignore": GITIGNORE,
            ".env": f"TTAI_API_KEY={api_key}\nDB_PASSWORD=hunter2hunter2\n",
            "api.py": (
                'URL = "https://api.toughtongueai.com/api/public/sessions"\n'
                f'HEADERS = {{"Authorization": "Bearer {bearer}"}}\n'
                f'TOKEN = "{PAT}"\n'
            ),
        },
    )
    run = run_cli(repo, "check", "--diff", "--unsafe-fixes")
    assert run.code == 1
    assert " TTAI_API_KEY=Zr…(32 chars)\n" in run.stdout
    assert " DB_PASSWORD=hu…(14 chars)\n" in run.stdout
    assert "+TTAI_TOKEN=ttai_pat_Zq4L…(44 chars)\n" in run.stdout
    assert f'"Bearer {redact(bearer)}"' in run.stdout
    for secret in (api_key, bearer, "hunter2hunter2", PAT):
        assert secret not in run.stdout


@pytest.mark.parametrize(
    ("source", "after"),
    [
        (
            f'const TTAI_TOKEN: string = "{PAT}";\n',
            'const TTAI_TOKEN: string = process.env.TTAI_TOKEN ?? "";\n',
        ),
        (
            f'class C {{\n  ttaiToken: string = "{PAT}";\n}}\n',
            'class C {\n  ttaiToken: string = process.env.TTAI_TOKEN ?? "";\n}\n',
        ),
        (f'const TTAI_TOKEN = "{PAT}";\n', "const TTAI_TOKEN = process.env.TTAI_TOKEN;\n"),
    ],
    ids=["typed-const", "typed-field", "untyped-const"],
)
def test_typescript_annotated_default(repo: Path, source: str, after: str) -> None:
    write_files(repo, {".gitignore": GITIGNORE, "server/config.ts": source})
    fix(repo)
    assert (repo / "server" / "config.ts").read_text() == after


def test_typescript_enum_refused(repo: Path) -> None:
    source = f'enum Keys {{\n  Live = "{PAT}",\n}}\n'
    write_files(repo, {".gitignore": GITIGNORE, "server/keys.ts": source})
    run = fix(repo)
    assert (repo / "server" / "keys.ts").read_text() == source
    assert "was not moved: it is an enum member, which must be a constant" in run.stderr
