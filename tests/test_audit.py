"""The checklist audit: statuses from real scans, and the text, Markdown and HTML output."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import PAT, SK, write_files

from ttai_guard.audit import (
    Audit,
    ChecklistItem,
    build_audit,
    markdown_escape,
    render_html,
    render_markdown,
    render_text,
)
from ttai_guard.runner import ScanOptions, run_scan
from ttai_guard.tokens import redact

CLEAN_FILES = {
    ".gitignore": ".env\n.env.local\n",
    "app.py": (
        "import os\n"
        "\n"
        'TOKEN = os.environ["TTAI_TOKEN"]\n'
        'BASE_URL = "https://api.toughtongueai.com/api/public"\n'
    ),
}

TITLES = {
    "C1": "Store tokens in environment variables",
    "C2": "Proxy API calls through your backend",
    "C3": "Use HTTPS for all requests",
    "C4": "Rotate tokens periodically",
    "C5": "Delete unused tokens",
    "C6": "Monitor API usage",
    "C7": "Add .env and .env.local to .gitignore",
}

GENERATED_AT = datetime(2024, 5, 6, 7, 8, tzinfo=timezone.utc)


def audit_of(root: Path, files: dict[str, str | bytes]) -> Audit:
    write_files(root, files)
    result = run_scan(ScanOptions(paths=(str(root),), jobs=1))
    return build_audit(result, root, generated_at=GENERATED_AT)


def statuses(audit: Audit) -> dict[str, str]:
    return {item.id: item.status for item in audit.items}


def item(audit: Audit, item_id: str) -> ChecklistItem:
    return next(entry for entry in audit.items if entry.id == item_id)


def renderings(audit: Audit) -> dict[str, str]:
    return {
        "text": render_text(audit),
        "markdown": render_markdown(audit),
        "html": render_html(audit),
    }


@pytest.mark.parametrize(
    ("item_id", "expected"),
    [
        ("C1", "pass"),
        ("C2", "pass"),
        ("C3", "pass"),
        ("C4", "manual"),
        ("C5", "manual"),
        ("C6", "manual"),
        ("C7", "pass"),
    ],
)
def test_clean_project_status(repo: Path, item_id: str, expected: str) -> None:
    audit = audit_of(repo, CLEAN_FILES)
    assert statuses(audit)[item_id] == expected


def test_clean_project_totals(repo: Path) -> None:
    audit = audit_of(repo, CLEAN_FILES)
    assert audit.complete is True
    assert audit.counts["findings"] == 0
    assert audit.counts["files_scanned"] == 2
    assert audit.status_counts() == {"fail": 0, "not checked": 0, "manual": 3, "pass": 4}


def test_items_ordered_with_titles(repo: Path) -> None:
    audit = audit_of(repo, CLEAN_FILES)
    assert [(entry.id, entry.title) for entry in audit.items] == list(TITLES.items())


def test_item_rules_from_catalog(repo: Path) -> None:
    audit = audit_of(repo, CLEAN_FILES)
    assert item(audit, "C1").rules == ("TTAI101", "TTAI102")
    assert item(audit, "C3").rules == ("TTAI301", "TTAI302")
    assert item(audit, "C7").rules == ("TTAI401", "TTAI402")
    assert item(audit, "C5").rules == ()


@pytest.mark.parametrize("item_id", ["C2", "C4"])
def test_every_rule_built(repo: Path, item_id: str) -> None:
    audit = audit_of(repo, CLEAN_FILES)
    assert item(audit, item_id).missing_rules == ()


@pytest.mark.parametrize("item_id", ["C4", "C5", "C6"])
def test_unchecked_items_have_advice(repo: Path, item_id: str) -> None:
    audit = audit_of(repo, CLEAN_FILES)
    assert item(audit, item_id).advice != ""
    assert item(audit, item_id).advice in render_text(audit)


def test_token_fails_c1(repo: Path) -> None:
    audit = audit_of(repo, {**CLEAN_FILES, "config.py": f'TOKEN = "{PAT}"\n'})
    c1 = item(audit, "C1")
    assert c1.status == "fail"
    assert [(f.rule, f.path.name, f.line, f.column) for f in c1.findings] == [
        ("TTAI101", "config.py", 1, 10)
    ]
    assert statuses(audit)["C3"] == "pass"
    assert statuses(audit)["C7"] == "pass"


def test_http_url_fails_c3(repo: Path) -> None:
    files = {**CLEAN_FILES, "client.py": 'BASE_URL = "http://api.toughtongueai.com/api"\n'}
    audit = audit_of(repo, files)
    c3 = item(audit, "C3")
    assert c3.status == "fail"
    assert [(f.rule, f.path.name, f.line, f.column) for f in c3.findings] == [
        ("TTAI301", "client.py", 1, 13)
    ]
    assert statuses(audit)["C1"] == "pass"


def test_missing_gitignore_entry_fails_c7(repo: Path) -> None:
    audit = audit_of(repo, {**CLEAN_FILES, ".gitignore": "node_modules/\n"})
    c7 = item(audit, "C7")
    assert c7.status == "fail"
    assert [(f.rule, f.path.name, f.line) for f in c7.findings] == [("TTAI401", ".gitignore", 1)]
    assert statuses(audit)["C1"] == "pass"


def test_incomplete_scan_never_passes(repo: Path) -> None:
    write_files(repo, CLEAN_FILES)
    # A corrupt index makes `git ls-files` fail, so the scan is incomplete.
    (repo / ".git" / "index").write_bytes(b"not an index")
    result = run_scan(ScanOptions(paths=(str(repo),), jobs=1))
    audit = build_audit(result, repo, generated_at=GENERATED_AT)
    assert result.partial is True
    assert audit.complete is False
    assert "pass" not in statuses(audit).values()
    assert statuses(audit)["C1"] == "not checked"
    assert "could not be read, so this item cannot pass" in item(audit, "C1").notes[0]
    assert "The scan was incomplete" in render_text(audit)


def test_disabled_rule_blocks_pass(repo: Path) -> None:
    write_files(repo, CLEAN_FILES)
    enabled = frozenset({"TTAI101", "TTAI102", "TTAI301", "TTAI401", "TTAI402"})
    result = run_scan(ScanOptions(paths=(str(repo),), select=enabled, jobs=1))
    audit = build_audit(result, repo, enabled_rules=enabled, generated_at=GENERATED_AT)
    assert statuses(audit)["C3"] == "not checked"
    assert item(audit, "C3").notes[0] == "TTAI302 was not run in this scan."
    assert statuses(audit)["C1"] == "pass"


def test_text_table_rows(repo: Path) -> None:
    audit = audit_of(repo, {**CLEAN_FILES, "config.py": f'TOKEN = "{PAT}"\n'})
    lines = render_text(audit).splitlines()
    header = lines.index(next(line for line in lines if line.startswith("ID  Status")))
    rows = lines[header + 2 : header + 9]
    assert [row.split()[0] for row in rows] == list(TITLES)
    assert rows[0].split()[1] == "FAIL"
    assert rows[0].endswith(TITLES["C1"])
    assert "  config.py:1:10: TTAI101 [error] " in render_text(audit)


def test_text_header_lines(repo: Path) -> None:
    audit = audit_of(repo, CLEAN_FILES)
    lines = render_text(audit).splitlines()
    assert lines[0] == f"ttai-guard checklist audit of {repo}"
    assert lines[1] == "Generated 2024-05-06 07:08 UTC"


@pytest.mark.parametrize("token", [PAT, SK])
@pytest.mark.parametrize("kind", ["text", "markdown", "html"])
def test_renderings_hide_token(repo: Path, token: str, kind: str) -> None:
    prefix = "ttai_pat_" if token.startswith("ttai_pat_") else "sk_live_"
    body = token[len(prefix) :]
    files = {
        **CLEAN_FILES,
        "config.py": f'TOKEN = "{token}"\n',
        # A token in a file name reaches the report through the location.
        f"keys/{token}.txt": "nothing here\n",
    }
    audit = audit_of(repo, files)
    rendered = renderings(audit)[kind]
    assert token not in rendered
    assert body not in rendered
    assert body[:12] not in rendered
    expected_text = markdown_escape(redact(token)) if kind == "markdown" else redact(token)
    assert expected_text in rendered


@pytest.mark.parametrize(
    ("kind", "expected_text"),
    [
        ("text", "bad\\x1b[2Jname.py:1:6"),
        ("markdown", "bad\\\\x1b\\[2Jname.py:1:6"),
        ("html", "bad\\x1b[2Jname.py:1:6"),
    ],
)
def test_control_characters_escaped(repo: Path, kind: str, expected_text: str) -> None:
    name = "bad\x1b[2Jname.py"
    audit = audit_of(repo, {**CLEAN_FILES, name: 'U = "http://api.toughtongueai.com/x"\n'})
    rendered = renderings(audit)[kind]
    assert "\x1b" not in rendered
    assert expected_text in rendered


class TagCollector(HTMLParser):
    """Collect start tags, their attributes and the page text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(page: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(page)
    collector.close()
    return collector


def failing_audit(root: Path) -> Audit:
    files = {
        ".gitignore": "node_modules/\n",
        "config.py": f'TOKEN = "{PAT}"\n',
        "client.py": 'BASE_URL = "http://api.toughtongueai.com/api"\n',
        "weird <&>'\".py": 'U = "http://api.toughtongueai.com/x"\n',
    }
    return audit_of(root, files)


def test_html_is_well_formed(repo: Path) -> None:
    page = render_html(failing_audit(repo))
    root = ET.fromstring(page)
    assert root.tag == "html"
    assert root.find("head/title") is not None
    assert root.find("head/style") is not None


def test_html_has_every_item(repo: Path) -> None:
    page = parse_html(render_html(failing_audit(repo)))
    text = " ".join(page.text)
    for item_id, title in TITLES.items():
        assert item_id in text
        assert title in text
    section_ids = {attrs.get("id") for tag, attrs in page.tags if tag == "section"}
    assert section_ids == set(TITLES)


def test_html_badges_per_status(repo: Path) -> None:
    page = parse_html(render_html(failing_audit(repo)))
    classes = [attrs.get("class") for tag, attrs in page.tags if tag == "span"]
    # One badge per row of the table, per section, and per status in the tally.
    assert classes.count("badge fail") == 3 + 3 + 1
    assert classes.count("badge manual") == 3 + 3 + 1
    assert classes.count("badge not-checked") == 0 + 0 + 1
    assert classes.count("badge pass") == 1 + 1 + 1


def test_html_self_contained(repo: Path) -> None:
    page = parse_html(render_html(failing_audit(repo)))
    tag_names = {tag for tag, _ in page.tags}
    assert "script" not in tag_names
    assert "link" not in tag_names
    assert "img" not in tag_names
    assert "iframe" not in tag_names
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)


def test_html_escapes_file_names(repo: Path) -> None:
    rendered = render_html(failing_audit(repo))
    page = parse_html(rendered)
    assert "weird <&>'\".py:1:6" in "".join(page.text)
    assert "weird &lt;&amp;&gt;&#x27;&quot;.py" in rendered


def test_html_header_facts(repo: Path) -> None:
    page = parse_html(render_html(failing_audit(repo)))
    text = "".join(page.text)
    assert str(repo) in text
    assert "2024-05-06 07:08 UTC" in text
    assert "Of 7 checklist items, 1 pass, 3 fail" in text
    assert "Files that could not be read: 0" in text
    assert "Files skipped: " in text


_ROW_SPLIT = re.compile(r"(?<!\\)\|")


def markdown_tables(document: str) -> list[list[str]]:
    """Return each run of consecutive lines that start with ``|``."""
    tables: list[list[str]] = []
    current: list[str] = []
    for line in document.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_markdown_tables_well_formed(repo: Path) -> None:
    document = render_markdown(failing_audit(repo))
    tables = markdown_tables(document)
    # The checklist, then one findings table for each of C1, C3 and C7.
    assert len(tables) == 4
    for table in tables:
        widths = {len(_ROW_SPLIT.split(row)) for row in table}
        assert len(widths) == 1, table
        assert re.fullmatch(r"\|(---\|)+", table[1]), table[1]
        for row in table:
            assert row.endswith(" |") or row == table[1], row


def test_markdown_checklist_rows(repo: Path) -> None:
    document = render_markdown(failing_audit(repo))
    checklist = markdown_tables(document)[0]
    assert checklist[0] == "| ID | Item | Status | Findings | Checked by |"
    assert len(checklist) == 2 + 7
    assert (
        checklist[2]
        == "| C1 | Store tokens in environment variables | **FAIL** | 1 | TTAI101, TTAI102 |"
    )
    assert checklist[3] == (
        "| C2 | Proxy API calls through your backend | **PASS** | 0 | TTAI201, TTAI202, TTAI203 |"
    )


def test_markdown_sections_per_item(repo: Path) -> None:
    document = render_markdown(failing_audit(repo))
    headings = [line for line in document.splitlines() if line.startswith("## C")]
    assert headings == [f"## {item_id} {title}" for item_id, title in TITLES.items()]


def test_markdown_finding_row(repo: Path) -> None:
    document = render_markdown(failing_audit(repo))
    c3_table = markdown_tables(document)[2]
    assert c3_table[2].startswith("| client.py:1:13 | TTAI301 | error | Plain ")
    assert "| weird \\<\\&\\>'\".py:1:6 | TTAI301 |" in c3_table[3]
