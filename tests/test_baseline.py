"""The baseline command and check --baseline."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import PAT, SK, run_cli, write_files

GITIGNORE = ".env\n.env.local\n"
OTHER = "ttai_" + "pat_" + "Hn3Kd8Qw2Xz7Lp5Vb1Mr6Tc9Yf4Gs0Ju2Ea"


def setup_project(root: Path) -> None:
    write_files(
        root,
        {
            ".gitignore": GITIGNORE,
            "app.py": f'A = "{PAT}"\nB = "{PAT}"\n',
            "web/api.js": 'fetch("http://status.acme-corp.io/ping");\n',
        },
    )


def test_baseline_hides_accepted_findings(tmp_path: Path) -> None:
    setup_project(tmp_path)
    written = run_cli(tmp_path, "baseline")
    assert written.code == 0
    assert written.stdout.strip() == "Wrote 3 baseline entries to .ttai-guard-baseline.json."
    run = run_cli(tmp_path, "check", "--baseline", ".ttai-guard-baseline.json")
    assert run.code == 0
    assert run.stdout.startswith("Found 0 findings")


def test_baseline_holds_no_secret_and_is_sorted(tmp_path: Path) -> None:
    setup_project(tmp_path)
    run_cli(tmp_path, "baseline")
    text = (tmp_path / ".ttai-guard-baseline.json").read_text(encoding="utf-8")
    assert PAT not in text
    assert PAT[9:] not in text
    entries = json.loads(text)["findings"]
    assert [(e["path"], e["rule"], e["count"]) for e in entries] == [
        ("app.py", "TTAI101", 2),
        ("web/api.js", "TTAI302", 1),
    ]
    run_cli(tmp_path, "baseline")
    assert (tmp_path / ".ttai-guard-baseline.json").read_text(encoding="utf-8") == text


def test_baseline_survives_line_moves(tmp_path: Path) -> None:
    setup_project(tmp_path)
    run_cli(tmp_path, "baseline")
    write_files(tmp_path, {"app.py": f'import os\n\n\nA = (\n    "{PAT}"\n)\nB = "{PAT}"\n'})
    run = run_cli(tmp_path, "check", "--baseline", ".ttai-guard-baseline.json")
    assert run.code == 0


def test_new_secret_on_same_line_reported(tmp_path: Path) -> None:
    setup_project(tmp_path)
    run_cli(tmp_path, "baseline")
    write_files(tmp_path, {"app.py": f'A = "{OTHER}"\nB = "{PAT}"\n'})
    run = run_cli(tmp_path, "check", "--baseline", ".ttai-guard-baseline.json", "--format", "json")
    assert run.code == 1
    assert run.findings() == [("TTAI101", "app.py", 1, 6)]


def test_extra_copy_of_secret_reported(tmp_path: Path) -> None:
    setup_project(tmp_path)
    run_cli(tmp_path, "baseline")
    write_files(tmp_path, {"app.py": f'A = "{PAT}"\nB = "{PAT}"\nC = "{PAT}"\n'})
    run = run_cli(tmp_path, "check", "--baseline", ".ttai-guard-baseline.json", "--format", "json")
    assert len(run.findings()) == 1


def test_stale_entries_listed_with_verbose(tmp_path: Path) -> None:
    setup_project(tmp_path)
    run_cli(tmp_path, "baseline")
    write_files(tmp_path, {"web/api.js": 'fetch("https://status.acme-corp.io/ping");\n'})
    run = run_cli(tmp_path, "check", "--baseline", ".ttai-guard-baseline.json", "-v")
    assert run.code == 0
    assert "stale baseline entry: TTAI302 in web/api.js" in run.stderr


def test_baseline_from_configuration(tmp_path: Path) -> None:
    setup_project(tmp_path)
    write_files(tmp_path, {"ttai-guard.toml": 'baseline = "ci/accepted.json"\n'})
    (tmp_path / "ci").mkdir()
    assert run_cli(tmp_path, "baseline").stdout.strip().endswith("ci/accepted.json.")
    write_files(tmp_path, {"new.py": f'N = "{SK}"\n'})
    run = run_cli(tmp_path, "check", "--format", "json")
    assert run.findings() == [("TTAI101", "new.py", 1, 6)]


def test_check_never_writes_baseline(tmp_path: Path) -> None:
    setup_project(tmp_path)
    run_cli(tmp_path, "check")
    assert not (tmp_path / ".ttai-guard-baseline.json").exists()


def test_invalid_baseline_is_usage_error(tmp_path: Path) -> None:
    setup_project(tmp_path)
    write_files(tmp_path, {"bad.json": "{not json"})
    run = run_cli(tmp_path, "check", "--baseline", "bad.json")
    assert run.code == 2
    assert "invalid baseline: " in run.stderr
    assert "bad.json: invalid JSON" in run.stderr
