"""Each file rule on real files: positive and negative tables with exact positions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import PAT, SK, git, write_files

from ttai_guard.runner import ScanOptions, run_scan


def scan(root: Path, *paths: str, **options: object) -> list[tuple[str, str, int, int]]:
    """Scan ``paths`` under ``root`` and return (rule, path, line, column) tuples."""
    targets = tuple(str(root / path) for path in paths) or (str(root),)
    result = run_scan(ScanOptions(paths=targets, jobs=1, **options))  # type: ignore[arg-type]
    assert result.errors == []
    return [
        (f.rule, os.path.relpath(f.path, root).replace(os.sep, "/"), f.line, f.column)
        for f in result.findings
    ]


def file_findings(tmp_path: Path, name: str, content: str, rule_prefix: str) -> list[tuple]:
    write_files(tmp_path, {name: content})
    return [f for f in scan(tmp_path, name) if f[0].startswith(rule_prefix)]


TOKEN_POSITIVE = [
    ("app.py", f'TOKEN = "{PAT}"\n', [("TTAI101", "app.py", 1, 10)]),
    ("app.py", f'x = 1\nTOKEN = "sk_" "live_" "{SK[8:]}"\n', [("TTAI101", "app.py", 2, 10)]),
    ("app.py", f'TOKEN = "ttai_" + "pat_" + "{PAT[9:]}"\n', [("TTAI101", "app.py", 1, 10)]),
    ("app.py", f'T = f"sk_live_{SK[8:20]}" f"{SK[20:]}"\n', [("TTAI101", "app.py", 1, 7)]),
    ("app.py", f'T = b"{SK}"\n', [("TTAI101", "app.py", 1, 7)]),
    ("app.py", f'import os\nT = os.getenv("TTAI_PAT", "{PAT}")\n', [("TTAI101", "app.py", 2, 28)]),
    ("app.py", f"# old token: {SK}\n", [("TTAI101", "app.py", 1, 14)]),
    ("api.ts", f'const t: string = "{PAT}";\n', [("TTAI101", "api.ts", 1, 20)]),
    ("api.js", f'const t = "{PAT}" || process.env.X;\n', [("TTAI101", "api.js", 1, 12)]),
    ("api.js", f"const t = `sk_live_{SK[8:]}`;\n", [("TTAI101", "api.js", 1, 12)]),
    ("api.js", f'const t = "sk_" + "live_" + "{SK[8:]}";\n', [("TTAI101", "api.js", 1, 12)]),
    (
        "App.tsx",
        f'export const A = () => <div data-k="{SK}" />;\n',
        [("TTAI101", "App.tsx", 1, 37)],
    ),
    ("config.yaml", f"ttai:\n  token: {PAT}\n", [("TTAI101", "config.yaml", 2, 10)]),
    ("settings.json", f'{{"token": "{PAT}"}}\n', [("TTAI101", "settings.json", 1, 12)]),
    ("Dockerfile", f"FROM python:3.12\nENV TTAI_TOKEN={SK}\n", [("TTAI101", "Dockerfile", 2, 16)]),
    ("run.sh", f"curl -H 'Authorization: Bearer {PAT}' x\n", [("TTAI101", "run.sh", 1, 32)]),
    ("notes.txt", f"prod {SK}\n", [("TTAI101", "notes.txt", 1, 6)]),
    (
        "README.md",
        f"# Setup\n\n```bash\nexport TTAI_TOKEN={PAT}\n```\n",
        [("TTAI101", "README.md", 4, 19)],
    ),
    (
        "url.py",
        f'U = "https://api.toughtongueai.com/x?token={PAT}"\n',
        [("TTAI101", "url.py", 1, 44)],
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), TOKEN_POSITIVE)
def test_hardcoded_token_reported(tmp_path: Path, name: str, content: str, expected: list) -> None:
    assert file_findings(tmp_path, name, content, "TTAI101") == expected


TOKEN_NEGATIVE = [
    ("app.py", 'import os\nTOKEN = "ttai_pat_" + os.environ["X"]\n'),
    ("app.py", 'TOKEN = f"sk_live_{secret}"\n'),
    ("app.py", 'TOKEN = "sk_live_xxx"  # placeholder\n'),
    ("api.js", "const t = `ttai_pat_${TOKEN}`;\n"),
    ("README.md", "Set `TTAI_TOKEN=sk_live_" + "X" * 24 + "` and `ttai_pat_...`.\n"),
    ("docs.mdx", "```js\nconst t = 'ttai_pat_<your-token>';\n```\n"),
    (".env.example", "TTAI_TOKEN=sk_live_REPLACE_ME\n"),
    ("notes.txt", "sk_live_*** and sk_live_abc123\n"),
]


@pytest.mark.parametrize(("name", "content"), TOKEN_NEGATIVE)
def test_placeholders_silent(tmp_path: Path, name: str, content: str) -> None:
    assert file_findings(tmp_path, name, content, "TTAI101") == []


CREDENTIAL_POSITIVE = [
    ("app.py", 'TTAI_TOKEN = "q8Zr2LmP0xVb7TnK4sWd"\n', [("TTAI102", "app.py", 1, 15)]),
    (
        "client.py",
        'client = ToughTongueClient(api_key="q8Zr2LmP0xVb7TnK4sWd")\n',
        [("TTAI102", "client.py", 1, 37)],
    ),
    (
        "call.py",
        'import requests\nrequests.get("https://api.toughtongueai.com/api/public/x",\n'
        '    headers={"Authorization": "Bearer q8Zr2LmP0xVb7TnK4sWd"})\n',
        [("TTAI102", "call.py", 3, 39)],
    ),
    ("api.js", 'const TTAI_API_KEY = "q8Zr2LmP0xVb7TnK4sWd";\n', [("TTAI102", "api.js", 1, 23)]),
    ("config.toml", 'ttai_token = "q8Zr2LmP0xVb7TnK4sWd"\n', [("TTAI102", "config.toml", 1, 15)]),
]


@pytest.mark.parametrize(("name", "content", "expected"), CREDENTIAL_POSITIVE)
def test_hardcoded_credential_reported(
    tmp_path: Path, name: str, content: str, expected: list
) -> None:
    assert file_findings(tmp_path, name, content, "TTAI102") == expected


CREDENTIAL_NEGATIVE = [
    ("app.py", 'import os\nTTAI_TOKEN = os.environ["TTAI_TOKEN"]\n'),
    ("app.py", "TTAI_TOKEN = get_token()\n"),
    ("app.py", 'API_KEY = "q8Zr2LmP0xVb7TnK4sWd"\n'),
    ("app.py", 'token_name = "TTAI_TOKEN"\n'),
    ("app.py", 'TTAI_TOKEN = "your_token_here"\n'),
    ("app.py", 'TTAI_TOKEN = "short"\n'),
    ("api.js", "const TTAI_TOKEN = process.env.TTAI_TOKEN;\n"),
    (
        "api.js",
        'fetch("https://api.toughtongueai.com/x", {headers: {Authorization: `Bearer ${t}`}});\n',
    ),
    # A Bearer header in a file that never addresses the API belongs to some other service.
    ("other.py", 'H = {"Authorization": "Bearer q8Zr2LmP0xVb7TnK4sWd"}\n'),
]


@pytest.mark.parametrize(("name", "content"), CREDENTIAL_NEGATIVE)
def test_credential_negatives_silent(tmp_path: Path, name: str, content: str) -> None:
    assert file_findings(tmp_path, name, content, "TTAI102") == []


URL_POSITIVE = [
    ("app.py", 'BASE = "http://api.toughtongueai.com/api/public"\n', [("TTAI301", "app.py", 1, 9)]),
    (
        "app.js",
        'const u = "http://localhost.toughtongueai.com/x";\n',
        [("TTAI301", "app.js", 1, 12)],
    ),
    (
        "app.js",
        'const u = "http://localhost@api.toughtongueai.com/x";\n',
        [("TTAI301", "app.js", 1, 12)],
    ),
    (".env", "TTAI_BASE_URL=http://api.toughtongueai.com\n", [("TTAI301", ".env", 1, 15)]),
    (
        "compose.yaml",
        "  url: http://app.toughtongueai.com/api/x\n",
        [("TTAI301", "compose.yaml", 1, 8)],
    ),
    (
        "README.md",
        "```python\nu = 'http://api.toughtongueai.com'\n```\n",
        [("TTAI301", "README.md", 2, 6)],
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), URL_POSITIVE)
def test_insecure_api_url_reported(tmp_path: Path, name: str, content: str, expected: list) -> None:
    assert file_findings(tmp_path, name, content, "TTAI301") == expected


URL_NEGATIVE = [
    ("app.py", 'BASE = "https://api.toughtongueai.com/api/public"\n'),
    ("app.py", "# see http://api.toughtongueai.com for details\n"),
    (
        "README.md",
        "See [the API](http://api.toughtongueai.com) or <http://docs.toughtongueai.com>.\n",
    ),
    ("app.js", "// http://api.toughtongueai.com\nconst a = 1;\n"),
]


@pytest.mark.parametrize(("name", "content"), URL_NEGATIVE)
def test_api_url_negatives_silent(tmp_path: Path, name: str, content: str) -> None:
    assert file_findings(tmp_path, name, content, "TTAI301") == []


REQUEST_POSITIVE = [
    (
        "app.py",
        'import requests\nrequests.get("http://tt-proxy.acme-corp.io/v1")\n',
        [("TTAI302", "app.py", 2, 15)],
    ),
    (
        "app.py",
        'import requests\nBASE = "http://tt-proxy.acme-corp.io"\nrequests.post(BASE + "/v1")\n',
        [("TTAI302", "app.py", 2, 9)],
    ),
    ("app.js", 'fetch("http://status.acme-corp.io/ping");\n', [("TTAI302", "app.js", 1, 8)]),
    (".env", "API_BASE_URL=http://tt-proxy.acme-corp.io\n", [("TTAI302", ".env", 1, 14)]),
]


@pytest.mark.parametrize(("name", "content", "expected"), REQUEST_POSITIVE)
def test_insecure_request_reported(tmp_path: Path, name: str, content: str, expected: list) -> None:
    assert file_findings(tmp_path, name, content, "TTAI302") == expected


REQUEST_NEGATIVE = [
    ("app.py", 'import requests\nrequests.get("http://localhost:8000/x")\n'),
    ("app.py", 'import requests\nrequests.get("http://127.0.0.1/x")\n'),
    ("app.py", 'import requests\nrequests.get("http://[::1]:9000/x")\n'),
    ("app.py", 'import requests\nrequests.get("http://0.0.0.0:3000")\n'),
    ("app.py", 'import requests\nrequests.get("https://tt-proxy.acme-corp.io")\n'),
    ("app.py", 'LINK = "http://acme-corp.io/about"\n'),
    ("icon.js", 'document.createElementNS("http://www.w3.org/2000/svg", "path");\n'),
    ("page.html", '<svg xmlns="http://www.w3.org/2000/svg"></svg>\n'),
    ("package-lock.json", '{"resolved": "http://registry.npmjs.org/a/-/a-1.0.0.tgz"}\n'),
    (".env", "HOMEPAGE=http://acme-corp.io\n"),
]


@pytest.mark.parametrize(("name", "content"), REQUEST_NEGATIVE)
def test_request_negatives_silent(tmp_path: Path, name: str, content: str) -> None:
    assert file_findings(tmp_path, name, content, "TTAI302") == []


def test_ignored_env_file_may_hold_token(repo: Path) -> None:
    write_files(repo, {".gitignore": ".env\n.env.local\n", ".env": f"TTAI_TOKEN={PAT}\n"})
    assert scan(repo, ".env") == []


def test_unignored_env_file_token_reported(repo: Path) -> None:
    write_files(repo, {".env": f"TTAI_TOKEN={PAT}\n"})
    assert scan(repo, ".env") == [("TTAI101", ".env", 1, 12)]


def test_tracked_ignored_env_token_reported(repo: Path) -> None:
    write_files(repo, {".env": f"TTAI_TOKEN={PAT}\n"})
    git(repo, "add", ".env")
    write_files(repo, {".gitignore": ".env\n.env.local\n"})
    assert scan(repo, ".env") == [("TTAI101", ".env", 1, 12)]


def test_env_template_token_reported(repo: Path) -> None:
    write_files(repo, {".gitignore": ".env*\n", ".env.example": f"TTAI_TOKEN={SK}\n"})
    assert scan(repo, ".env.example") == [("TTAI101", ".env.example", 1, 12)]


def test_docstring_url_is_prose(tmp_path: Path) -> None:
    source = f'"""See http://api.toughtongueai.com for details."""\nT = "{PAT}"\n'
    write_files(tmp_path, {"mod.py": source})
    assert scan(tmp_path, "mod.py") == [("TTAI101", "mod.py", 2, 6)]


def test_docstring_token_reported(tmp_path: Path) -> None:
    write_files(tmp_path, {"mod.py": f'def f():\n    """Use {PAT}."""\n'})
    assert scan(tmp_path, "mod.py") == [("TTAI101", "mod.py", 2, 12)]
