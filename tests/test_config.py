"""Configuration files: discovery, every key, and errors that name the key and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PAT, run_cli, write_files

from ttai_guard.config import ConfigError, find_config, load_config

GITIGNORE = ".env\n.env.local\n"


def test_nearest_file_wins(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": '[tool.ttai-guard]\nignore = ["TTAI3"]\n',
            "sub/ttai-guard.toml": 'ignore = ["TTAI1"]\n',
            "sub/deeper/a.py": "",
        },
    )
    assert find_config(tmp_path / "sub" / "deeper" / "a.py") == tmp_path / "sub" / "ttai-guard.toml"
    assert find_config(tmp_path) == tmp_path / "pyproject.toml"


def test_dot_file_beats_plain_name(tmp_path: Path) -> None:
    write_files(tmp_path, {"ttai-guard.toml": "", ".ttai-guard.toml": "", "pyproject.toml": ""})
    assert find_config(tmp_path) == tmp_path / ".ttai-guard.toml"


def test_pyproject_without_table_skipped(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"pyproject.toml": "[tool.ruff]\nline-length = 100\n", "sub/pyproject.toml": "[project]\n"},
    )
    assert find_config(tmp_path / "sub") is None


def test_every_key_loads(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "ttai-guard.toml": (
                'select = ["ttai1", "TTAI301"]\n'
                'ignore = ["TTAI102"]\n'
                'exclude = ["vendor"]\n'
                'extend-exclude = ["fixtures/"]\n'
                'fail-on = "error"\n'
                'client-paths = ["web/**"]\n'
                'server-paths = ["api/**"]\n'
                'api-hosts = ["tt-proxy.acme-corp.io"]\n'
                'token-env-names = ["ROLEPLAY_KEY"]\n'
                'public-env-prefixes = ["MYAPP_"]\n'
                "max-file-size = 1000\n"
                'baseline = ".ttai-guard-baseline.json"\n'
                "respect-gitignore = false\n"
                '[per-file-ignores]\n"tests/*" = ["TTAI101"]\n'
            )
        },
    )
    config = load_config(tmp_path / "ttai-guard.toml")
    assert config.select == ("TTAI1", "TTAI301")
    assert config.ignore == ("TTAI102",)
    assert config.exclude == ("vendor",)
    assert config.extend_exclude == ("fixtures/",)
    assert config.fail_on == "error"
    assert config.client_paths == ("web/**",)
    assert config.server_paths == ("api/**",)
    assert config.api_hosts == ("tt-proxy.acme-corp.io",)
    assert config.token_env_names == ("ROLEPLAY_KEY",)
    assert config.public_env_prefixes == ("MYAPP_",)
    assert config.max_file_size == 1000
    assert config.baseline == ".ttai-guard-baseline.json"
    assert config.respect_gitignore is False
    assert config.per_file_ignores == {"tests/*": ("TTAI101",)}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('select = ["TTAI101"]\ncolour = "red"\n', ":2: `colour` is not a known setting"),
        ('\n\nselect = "TTAI101"\n', ":3: `select` must be a list of strings"),
        ('ignore = ["TTAI999"]\n', ":1: `ignore` names an unknown rule 'TTAI999'"),
        ('fail-on = "fatal"\n', ":1: `fail-on` must be one of error, warning, note"),
        ("max-file-size = -5\n", ":1: `max-file-size` must be a positive integer (bytes)"),
        ('respect-gitignore = "yes"\n', ":1: `respect-gitignore` must be true or false"),
        ('[per-file-ignores]\n"a/*" = ["XYZ"]\n', ":2: `a/*` names an unknown rule 'XYZ'"),
        ("select = [\n", ": invalid TOML: "),
    ],
)
def test_invalid_config_rejected(tmp_path: Path, content: str, message: str) -> None:
    write_files(tmp_path, {"ttai-guard.toml": content})
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path / "ttai-guard.toml")
    assert f"ttai-guard.toml{message}" in str(raised.value)


def test_invalid_config_exits_two(tmp_path: Path) -> None:
    write_files(tmp_path, {"pyproject.toml": '[tool.ttai-guard]\nselekt = ["TTAI101"]\n'})
    run = run_cli(tmp_path, "check")
    assert run.code == 2
    assert "invalid configuration: " in run.stderr
    assert "pyproject.toml:2: `selekt` is not a known setting" in run.stderr


def test_config_applies_to_check(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".gitignore": GITIGNORE,
            "pyproject.toml": (
                "[tool.ttai-guard]\n"
                'extend-exclude = ["fixtures"]\n'
                'token-env-names = ["ROLEPLAY_KEY"]\n'
                '[tool.ttai-guard.per-file-ignores]\n"docs/*.md" = ["TTAI1"]\n'
            ),
            "fixtures/app.py": f'T = "{PAT}"\n',
            "docs/guide.md": f"`{PAT}`\n",
            "app.py": 'ROLEPLAY_KEY = "q8Zr2LmP0xVb7TnK4sWd"\n',
        },
    )
    run = run_cli(tmp_path, "check", "--format", "json")
    assert run.findings() == [("TTAI102", "app.py", 1, 17)]


def test_excluded_file_argument_skipped(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".gitignore": GITIGNORE,
            "ttai-guard.toml": 'extend-exclude = ["fixtures/demo"]\n',
            "fixtures/demo/app.py": f'T = "{PAT}"\n',
        },
    )
    run = run_cli(tmp_path, "check", "fixtures/demo/app.py", "-v")
    assert run.code == 0
    assert "excluded by configuration" in run.stderr


def test_cli_select_overrides_config(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".gitignore": GITIGNORE,
            "ttai-guard.toml": 'select = ["TTAI3"]\nfail-on = "error"\n',
            "app.py": f'T = "{PAT}"\n',
        },
    )
    assert run_cli(tmp_path, "check", "--format", "json").findings() == []
    selected = run_cli(tmp_path, "check", "--format", "json", "--select", "TTAI1")
    assert selected.findings() == [("TTAI101", "app.py", 1, 6)]


def test_explicit_config_option(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".gitignore": GITIGNORE,
            "ci/strict.toml": 'ignore = ["TTAI101"]\n',
            "app.py": f'T = "{PAT}"\n',
        },
    )
    run = run_cli(tmp_path, "check", "--config", "ci/strict.toml", "--format", "json")
    assert run.code == 0
    assert run.findings() == []


def test_fail_on_error_from_config(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            ".gitignore": GITIGNORE,
            "ttai-guard.toml": 'fail-on = "error"\n',
            "app.py": 'import requests\nrequests.get("http://tt-proxy.acme-corp.io")\n',
        },
    )
    run = run_cli(tmp_path, "check")
    assert run.code == 0
    assert "TTAI302 [warning]" in run.stdout
