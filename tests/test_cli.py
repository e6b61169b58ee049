"""The command line as a user runs it: real processes, exit codes, output formats."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import jsonschema
import pytest
from conftest import PAT, REPOSITORY_ROOT, SK, git, run_cli, write_files


def validate_sarif(document: dict, schema: dict) -> None:
    jsonschema.validate(document, schema, cls=jsonschema.Draft7Validator)


def make_project(root: Path) -> None:
    write_files(
        root,
        {
            ".gitignore": ".env\n.env.local\n",
            "app.py": f'TOKEN = "{PAT}"\nOTHER = "{SK}"',
            "ok.py": "x = 1\n",
        },
    )


def test_text_output_and_exit_code(tmp_path: Path) -> None:
    make_project(tmp_path)
    run = run_cli(tmp_path, "check")
    assert run.code == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith("app.py:1:10: TTAI101 [error] Hardcoded ToughTongue token")
    assert lines[1] == f'    1 | TOKEN = "ttai_pat_{PAT[9:13]}…({len(PAT)} chars)"'
    assert lines[2].startswith("app.py:2:10: TTAI101 [error]")
    assert lines[-1] == "Found 2 findings (2 errors, 0 warnings) in 3 files; 0 skipped."


def test_clean_run_exits_zero(tmp_path: Path) -> None:
    write_files(tmp_path, {".gitignore": ".env\n.env.local\n", "ok.py": "x = 1\n"})
    run = run_cli(tmp_path, "check")
    assert run.code == 0
    assert run.stdout.strip() == "Found 0 findings (0 errors, 0 warnings) in 2 files; 0 skipped."


def test_exit_zero_keeps_output(tmp_path: Path) -> None:
    make_project(tmp_path)
    run = run_cli(tmp_path, "check", "--exit-zero")
    assert run.code == 0
    assert "TTAI101" in run.stdout


def test_missing_path_is_usage_error(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "check", "nope.py")
    assert run.code == 2
    assert "path not found: nope.py" in run.stderr
    assert "Traceback" not in run.stderr


def test_unknown_rule_is_usage_error(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "check", "--select", "TTAI999")
    assert run.code == 2
    assert "unknown rule 'TTAI999'" in run.stderr


def test_select_and_ignore(tmp_path: Path) -> None:
    write_files(tmp_path, {"app.py": f'T = "{PAT}"\nU = "http://api.toughtongueai.com"\n'})
    selected = run_cli(tmp_path, "check", "app.py", "--select", "TTAI3", "--format", "json")
    assert [f[0] for f in selected.findings()] == ["TTAI301"]
    ignored = run_cli(tmp_path, "check", "app.py", "--ignore", "TTAI101", "--format", "json")
    assert [f[0] for f in ignored.findings()] == ["TTAI301"]


def test_json_output_fields(tmp_path: Path) -> None:
    make_project(tmp_path)
    document = run_cli(tmp_path, "check", "--format", "json").json()
    first = document["findings"][0]
    assert set(first) >= {
        "rule",
        "name",
        "level",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "checklist",
        "fingerprint",
        "fixable",
    }
    assert (first["rule"], first["name"], first["path"], first["line"], first["column"]) == (
        "TTAI101",
        "hardcoded-token",
        "app.py",
        1,
        10,
    )
    assert first["end_column"] == 10 + len(PAT)
    assert first["checklist"] == "C1"
    assert document["summary"]["findings"] == 2


def test_fingerprint_survives_line_move(tmp_path: Path) -> None:
    write_files(tmp_path, {"app.py": f'T = "{PAT}"\n'})
    before = run_cli(tmp_path, "check", "--format", "json").json()["findings"][0]["fingerprint"]
    write_files(tmp_path, {"app.py": f'\n\nimport os\nT = "{PAT}"\n'})
    after = run_cli(tmp_path, "check", "--format", "json").json()["findings"][0]["fingerprint"]
    assert before == after


def test_no_secret_in_any_format(tmp_path: Path) -> None:
    write_files(tmp_path, {"app.py": f'A = "{PAT}"\nB = "{SK}"'})
    for output_format in ("text", "json", "sarif"):
        run = run_cli(tmp_path, "check", "--format", output_format)
        assert PAT not in run.stdout, output_format
        assert SK not in run.stdout, output_format
        assert PAT[9:] not in run.stdout, output_format
        assert SK[8:] not in run.stdout, output_format


def test_split_token_pieces_masked(tmp_path: Path) -> None:
    write_files(tmp_path, {"app.py": f'T = "sk_" "live_" "{SK[8:20]}" "{SK[20:]}"\n'})
    run = run_cli(tmp_path, "check")
    assert SK[8:20] not in run.stdout
    assert SK[20:] not in run.stdout
    assert "split across several literals" in run.stdout


def test_sarif_valid_and_relative(tmp_path: Path, sarif_schema: dict) -> None:
    make_project(tmp_path)
    document = run_cli(tmp_path, "check", "--format", "sarif").json()
    validate_sarif(document, sarif_schema)
    run = document["runs"][0]
    assert run["tool"]["driver"]["name"] == "ttai-guard"
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]][:2] == ["TTAI101", "TTAI102"]
    assert run["columnKind"] == "unicodeCodePoints"
    result = run["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    assert location["region"]["startLine"] == 1
    assert location["region"]["startColumn"] == 10
    assert result["ruleIndex"] == 0
    assert run["invocations"][0]["executionSuccessful"] is True


def test_sarif_rules_have_github_properties(tmp_path: Path, sarif_schema: dict) -> None:
    write_files(tmp_path, {".gitignore": ".env\n.env.local\n"})
    document = run_cli(tmp_path, "check", "--format", "sarif").json()
    validate_sarif(document, sarif_schema)
    for rule in document["runs"][0]["tool"]["driver"]["rules"]:
        assert "security" in rule["properties"]["tags"]
        assert float(rule["properties"]["security-severity"]) > 0
        assert rule["help"]["markdown"].startswith("## What it does")
    assert document["runs"][0]["results"] == []


def test_sarif_empty_directory(tmp_path: Path, sarif_schema: dict) -> None:
    run = run_cli(tmp_path, "check", "--format", "sarif", "--select", "TTAI1")
    assert run.code == 0
    validate_sarif(run.json(), sarif_schema)


def test_output_file(tmp_path: Path, sarif_schema: dict) -> None:
    make_project(tmp_path)
    run = run_cli(tmp_path, "check", "--format", "sarif", "--output", "out.sarif")
    assert run.code == 1
    assert run.stdout == ""
    validate_sarif(json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8")), sarif_schema)


def test_rules_command_lists_all(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "rules")
    assert run.code == 0
    assert [line.split()[0] for line in run.stdout.splitlines()] == [
        "TTAI101",
        "TTAI102",
        "TTAI201",
        "TTAI202",
        "TTAI203",
        "TTAI301",
        "TTAI302",
        "TTAI401",
        "TTAI402",
        "TTAI501",
    ]


def test_rules_command_prints_doc(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "rules", "ttai101")
    assert run.code == 0
    assert run.stdout.startswith("# TTAI101 hardcoded-token (error, checklist C1)")
    assert "## Known problems" in run.stdout


def test_version(tmp_path: Path) -> None:
    run = run_cli(tmp_path, "--version")
    assert run.code == 0
    assert run.stdout.startswith("ttai-guard, version ")


def test_verbose_lists_skipped(repo: Path) -> None:
    write_files(
        repo,
        {
            ".gitignore": ".env\n.env.local\nsecret.txt\n",
            "secret.txt": f"{PAT}\n",
            "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00",
            "node_modules/x/index.js": f"'{PAT}'\n",
        },
    )
    run = run_cli(repo, "check", "-v")
    assert run.code == 0
    assert "skipped secret.txt: ignored by .gitignore" in run.stderr
    assert "skipped logo.png: binary file type" in run.stderr
    assert "skipped node_modules: excluded by default" in run.stderr


def test_demo_app_reports_every_rule() -> None:
    run = run_cli(REPOSITORY_ROOT, "check", "fixtures/demo-app", "--format", "json")
    assert run.code == 1
    rules = {finding[0] for finding in run.findings()}
    assert rules >= {"TTAI101", "TTAI102", "TTAI301", "TTAI302", "TTAI401", "TTAI402"}
    assert ("TTAI101", "fixtures/demo-app/backend/app.py", 12, 15) in run.findings()
    assert ("TTAI201", "fixtures/demo-app/frontend/src/scenarios.js", 6, 26) in run.findings()
    assert ("TTAI202", "fixtures/demo-app/frontend/src/scenarios.js", 7, 57) in run.findings()


def test_pre_commit_style_file_list(repo: Path) -> None:
    names = [f"dir {i}/file {i}.py" for i in range(300)]
    write_files(repo, {name: "x = 1\n" for name in names})
    write_files(repo, {"dir 7/with space.py": f'T = "{PAT}"\n'})
    git(repo, "add", ".")
    run = run_cli(repo, "check", "--format", "json", *names, "dir 7/with space.py")
    assert run.code == 1
    assert run.findings() == [("TTAI101", "dir 7/with space.py", 1, 6)]


def test_parallel_scan_matches_serial(tmp_path: Path) -> None:
    files = {f"pkg/mod{i}.py": f'T = "{PAT}"\n' if i % 7 == 0 else "x = 1\n" for i in range(120)}
    files.update({".gitignore": ".env\n.env.local\n", "web/a.js": f"const t = '{SK}';\n"})
    write_files(tmp_path, files)
    serial = run_cli(tmp_path, "check", "--format", "json", "--jobs", "1").json()
    parallel = run_cli(tmp_path, "check", "--format", "json", "--jobs", "2").json()
    assert len(serial["findings"]) == 19
    assert parallel["findings"] == serial["findings"]
    assert parallel["summary"] == serial["summary"]


@pytest.mark.parametrize("output_format", ["text", "json", "sarif"])
def test_other_findings_mask_secret(tmp_path: Path, output_format: str) -> None:
    line = f'var T="{PAT[:14]}"+"{PAT[14:]}";fetch("http://api.toughtongueai.com/x");\n'
    write_files(tmp_path, {"a.js": line})
    run = run_cli(tmp_path, "check", "a.js", "--select", "TTAI3", "--format", output_format)
    assert run.code == 1
    assert PAT[14:] not in run.stdout
    assert PAT[:14] not in run.stdout


def test_credentials_masked_in_each_other(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"two.py": 'TTAI_TOKEN = "Qw8eRt5yUi2oPa7sDf1g"; TTAI_API_KEY = "Zx9cVb8nM7aS6dF5gH4j"\n'},
    )
    run = run_cli(tmp_path, "check", "two.py", "--format", "json")
    assert [f[0] for f in run.findings()] == ["TTAI102", "TTAI102"]
    assert "Qw8eRt5yUi2oPa7sDf1g" not in run.stdout
    assert "Zx9cVb8nM7aS6dF5gH4j" not in run.stdout


def test_statistics_counts_per_rule(tmp_path: Path) -> None:
    make_project(tmp_path)
    write_files(tmp_path, {"b.py": 'U = "http://api.toughtongueai.com"\n'})
    run = run_cli(tmp_path, "check", "--statistics")
    assert run.code == 1
    assert run.stdout.splitlines() == [
        "     2  TTAI101  [error]  hardcoded-token",
        "     1  TTAI301  [error]  insecure-api-url",
        "Found 3 findings (3 errors, 0 warnings) in 4 files; 0 skipped.",
    ]


def test_colour_only_when_asked_or_terminal(tmp_path: Path) -> None:
    make_project(tmp_path)
    piped = run_cli(tmp_path, "check")
    assert "\x1b[" not in piped.stdout
    coloured = run_cli(tmp_path, "check", "--color", "always")
    assert "\x1b[31m[error]\x1b[0m" in coloured.stdout
    never = run_cli(tmp_path, "check", "--color", "never")
    assert "\x1b[" not in never.stdout


@pytest.mark.parametrize(
    "arguments",
    [
        ["check", "--output", "/dev/null"],
        ["baseline", "--output", "/dev/null"],
        ["audit", "--output", "/dev/null"],
    ],
)
def test_output_to_device_keeps_device(tmp_path: Path, arguments: list[str]) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    before = os.stat("/dev/null")
    run = run_cli(tmp_path, arguments[0], str(tmp_path), *arguments[1:])
    assert run.code in (0, 1), run.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
