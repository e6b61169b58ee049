"""The audit report: a scan's findings mapped onto the security checklist.

The ToughTongue AI authentication guide ends with a security checklist of
seven items (C1 to C7). :func:`build_audit` gives each item a status from a
finished scan, and the ``render_*`` functions write the result as terminal
text, GitHub-flavoured Markdown or one self-contained HTML page.

Every string the renderers emit passes through
:func:`~ttai_guard.tokens.redact_text`, after control characters have been
written as ``\\xNN`` escapes.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from ttai_guard.finding import Finding
from ttai_guard.reporters import display_path, printable, summary_counts
from ttai_guard.rules.catalog import RULES
from ttai_guard.runner import ScanResult
from ttai_guard.tokens import redact_text

Status = Literal["pass", "fail", "manual", "not checked"]
STATUSES: tuple[Status, ...] = ("fail", "not checked", "manual", "pass")


@dataclass(frozen=True)
class _ItemSpec:
    """A checklist item's text, advice and the rules planned to check it."""

    id: str
    title: str
    # Rule IDs that are planned for the item but may not be in the catalog.
    planned_rules: tuple[str, ...]
    # True when part of the item can only be checked by a person, so a scan
    # without findings leaves the item "manual" rather than "pass".
    manual: bool
    advice: str


_CHECKLIST: tuple[_ItemSpec, ...] = (
    _ItemSpec(
        "C1",
        "Store tokens in environment variables",
        ("TTAI101", "TTAI102"),
        False,
        "Read the token at run time (os.environ['TTAI_TOKEN'], process.env.TTAI_TOKEN) "
        "and keep its value in a .env file that git ignores or in the deployment's "
        "secret store. Rotate every token that was ever committed, because it stays in "
        "the git history.",
    ),
    _ItemSpec(
        "C2",
        "Proxy API calls through your backend",
        ("TTAI201", "TTAI202", "TTAI203"),
        False,
        "Check by hand that browsers and mobile apps send their requests to your own "
        "backend, which adds the token, and that no client-side code or bundle calls "
        "the ToughTongue API with a token.",
    ),
    _ItemSpec(
        "C3",
        "Use HTTPS for all requests",
        ("TTAI301", "TTAI302"),
        False,
        "Use https:// for every ToughTongue URL and every request target. Plain http:// "
        "sends the bearer token in clear text to anyone on the network path.",
    ),
    _ItemSpec(
        "C4",
        "Rotate tokens periodically",
        ("TTAI501",),
        True,
        "Rotate tokens on a fixed schedule, and at once after any leak or after someone "
        "with access leaves. A scan of the current files cannot tell when a token was "
        "last rotated.",
    ),
    _ItemSpec(
        "C5",
        "Delete unused tokens",
        (),
        True,
        "Review the token list in the developer portal and delete every token that no "
        "running service uses.",
    ),
    _ItemSpec(
        "C6",
        "Monitor API usage",
        (),
        True,
        "Watch API usage in the developer portal for unexpected spikes, and revoke the "
        "token behind any usage that no deployment explains.",
    ),
    _ItemSpec(
        "C7",
        "Add .env and .env.local to .gitignore",
        ("TTAI401", "TTAI402"),
        False,
        "Add .env and .env.local (or the pattern .env*) to .gitignore. Remove a tracked "
        ".env file from the index with git rm --cached, then rotate the tokens it held.",
    ),
)


@dataclass(frozen=True)
class ChecklistItem:
    """One checklist item with its status, findings and advice.

    ``rules`` lists the catalog rules that check the item, and
    ``missing_rules`` the rules planned for it that are not built yet.
    ``notes`` explains a status that the findings alone do not explain.
    """

    id: str
    title: str
    status: Status
    findings: tuple[Finding, ...]
    rules: tuple[str, ...]
    missing_rules: tuple[str, ...]
    advice: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Audit:
    """A checklist audit of one repository.

    ``counts`` contains the scan totals of
    :func:`~ttai_guard.reporters.summary_counts`. ``complete`` is false when
    some files could not be read, and then no item passes.
    """

    root: Path
    generated_at: datetime
    items: tuple[ChecklistItem, ...]
    counts: dict[str, int]
    complete: bool
    unreadable: tuple[tuple[str, str], ...] = ()
    notices: tuple[str, ...] = ()
    other_findings: tuple[Finding, ...] = field(default=())

    def status_counts(self) -> dict[Status, int]:
        """Return how many items have each status, in the order of :data:`STATUSES`."""
        counted = Counter(item.status for item in self.items)
        return {status: counted.get(status, 0) for status in STATUSES}


def _rules_for(item_id: str) -> tuple[str, ...]:
    return tuple(sorted(rule.id for rule in RULES.values() if rule.checklist == item_id))


def _build_item(
    spec: _ItemSpec,
    findings: list[Finding],
    complete: bool,
    unreadable_count: int,
    enabled_rules: frozenset[str] | None,
    notices: list[str],
) -> ChecklistItem:
    rules = _rules_for(spec.id)
    missing = tuple(rule for rule in spec.planned_rules if rule not in RULES)
    notes: list[str] = []
    disabled = [rule for rule in rules if enabled_rules is not None and rule not in enabled_rules]
    ran = [rule for rule in rules if rule not in disabled]
    for rule in disabled:
        notes.append(f"{rule} was not run in this scan.")
    for notice in notices:
        if any(notice.startswith(f"{rule} ") for rule in rules):
            notes.append(notice)

    status: Status
    if findings:
        status = "fail"
    elif spec.manual:
        status = "manual"
    elif not rules:
        status = "not checked"
        notes.append("No rule checks this item yet.")
    elif disabled:
        status = "not checked"
        if ran:
            notes.append("An item passes only when every rule that checks it ran.")
    elif not complete:
        status = "not checked"
        noun = "file" if unreadable_count == 1 else "files"
        notes.append(
            f"{unreadable_count} {noun} could not be read, so this item cannot pass. "
            "Fix the read errors and run the audit again."
        )
    else:
        status = "pass"
    return ChecklistItem(
        id=spec.id,
        title=spec.title,
        status=status,
        findings=tuple(findings),
        rules=rules,
        missing_rules=missing,
        advice=spec.advice,
        notes=tuple(notes),
    )


def build_audit(
    result: ScanResult,
    root: Path,
    *,
    enabled_rules: frozenset[str] | None = None,
    generated_at: datetime | None = None,
) -> Audit:
    """Map the findings of ``result`` onto checklist items C1 to C7.

    ``root`` is the scanned repository. Finding paths are shown relative to it.
    ``enabled_rules`` is the set of rule IDs the scan ran (``None`` means all
    of them). An item checked by a rule that did not run cannot pass.
    """
    by_item: dict[str, list[Finding]] = {spec.id: [] for spec in _CHECKLIST}
    other: list[Finding] = []
    for finding in result.findings:
        rule = RULES.get(finding.rule)
        if rule is not None and rule.checklist in by_item:
            by_item[rule.checklist].append(finding)
        else:
            other.append(finding)

    complete = not result.partial
    items = tuple(
        _build_item(
            spec,
            by_item[spec.id],
            complete,
            len(result.errors),
            enabled_rules,
            result.notices,
        )
        for spec in _CHECKLIST
    )
    unreadable = tuple((display_path(item.path, root), item.reason) for item in result.errors)
    return Audit(
        root=root,
        generated_at=generated_at or datetime.now(timezone.utc),
        items=items,
        counts=summary_counts(result),
        complete=complete,
        unreadable=unreadable,
        notices=tuple(result.notices),
        other_findings=tuple(other),
    )


# Shared helpers for the three renderers.


def _clean(text: str) -> str:
    """Return ``text`` safe to emit: control characters escaped, tokens redacted.

    Lone surrogates (from undecodable file names) become ``\\udcNN`` escapes,
    so the output can always be written as UTF-8.
    """
    text = redact_text(printable(text))
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _location(finding: Finding, root: Path) -> str:
    return f"{display_path(finding.path, root)}:{finding.line}:{finding.column}"


def _date(audit: Audit) -> str:
    return audit.generated_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _rules_label(item: ChecklistItem) -> str:
    parts = []
    if item.rules:
        parts.append(", ".join(item.rules))
    if item.missing_rules:
        parts.append(", ".join(item.missing_rules) + " (not built yet)")
    if not parts:
        return "manual review only"
    return "; ".join(parts)


def _status_label(status: Status) -> str:
    return status.upper()


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _summary_sentence(audit: Audit) -> str:
    counted = audit.status_counts()
    counts = audit.counts
    return (
        f"Of {len(audit.items)} checklist items, {counted['pass']} pass, "
        f"{counted['fail']} fail, {counted['manual']} need a manual review and "
        f"{counted['not checked']} could not be checked. "
        f"The scan read {_plural(counts['files_scanned'], 'file')}, skipped "
        f"{counts['files_skipped']} and found {_plural(counts['findings'], 'finding')}."
    )


def _completeness_sentence(audit: Audit) -> str:
    if audit.complete:
        return "The scan was complete: there were no read errors."
    return (
        f"The scan was incomplete: {_plural(len(audit.unreadable), 'file')} could not "
        "be read, so no item can pass."
    )


def _item_explanation(item: ChecklistItem) -> list[str]:
    """Return the status notes and the advice of ``item`` as sentences."""
    lines = list(item.notes)
    lines.append(item.advice)
    return lines


# Text.


def render_text(audit: Audit) -> str:
    """Render ``audit`` as a table for a terminal, then findings and advice per item."""
    header = ("ID", "Status", "Findings", "Checked by", "Item")
    rows = [
        (
            item.id,
            _status_label(item.status),
            str(len(item.findings)),
            _rules_label(item),
            item.title,
        )
        for item in audit.items
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]

    def format_row(row: tuple[str, ...]) -> str:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        return "  ".join([*cells, row[-1]]).rstrip()

    lines = [
        f"ttai-guard checklist audit of {_clean(str(audit.root))}",
        f"Generated {_date(audit)}",
        "",
        format_row(header),
        format_row((*("-" * width for width in widths), "-" * len(header[-1]))),
    ]
    lines.extend(format_row(row) for row in rows)
    lines.append("")
    for item in audit.items:
        if item.status == "pass":
            continue
        lines.append(f"{item.id} {item.title}: {_status_label(item.status)}")
        for finding in item.findings:
            lines.append(
                f"  {_location(finding, audit.root)}: {finding.rule} "
                f"[{finding.level}] {finding.message}"
            )
        lines.extend(f"  {sentence}" for sentence in _item_explanation(item))
        lines.append("")
    if audit.other_findings:
        lines.append("Findings outside the checklist:")
        for finding in audit.other_findings:
            lines.append(f"  {_location(finding, audit.root)}: {finding.rule} {finding.message}")
        lines.append("")
    lines.append(_summary_sentence(audit))
    lines.append(_completeness_sentence(audit))
    for path, reason in audit.unreadable:
        lines.append(f"  not read: {path}: {reason}")
    return "\n".join(_clean(line) for line in lines) + "\n"


# Markdown.

# Characters that carry meaning in Markdown text or in a table row. A
# backslash before any ASCII punctuation character is a literal in CommonMark.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!{}()])")


def markdown_escape(text: str) -> str:
    """Return cleaned ``text`` with Markdown syntax characters backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _clean(text))


def _markdown_table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Return a GitHub-flavoured table. Cells must already be escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def render_markdown(audit: Audit) -> str:
    """Render ``audit`` as a checklist table followed by one section per item."""
    lines = [
        "# ttai-guard checklist audit",
        "",
        f"- Repository: {markdown_escape(str(audit.root))}",
        f"- Generated: {markdown_escape(_date(audit))}",
        f"- {markdown_escape(_summary_sentence(audit))}",
        f"- {markdown_escape(_completeness_sentence(audit))}",
        "",
    ]
    rows = [
        (
            markdown_escape(item.id),
            markdown_escape(item.title),
            f"**{markdown_escape(_status_label(item.status))}**",
            str(len(item.findings)),
            markdown_escape(_rules_label(item)),
        )
        for item in audit.items
    ]
    lines.extend(_markdown_table(("ID", "Item", "Status", "Findings", "Checked by"), rows))
    for item in audit.items:
        lines.extend(
            [
                "",
                f"## {markdown_escape(item.id)} {markdown_escape(item.title)}",
                "",
                f"Status: **{markdown_escape(_status_label(item.status))}**. "
                f"Checked by: {markdown_escape(_rules_label(item))}.",
                "",
            ]
        )
        if item.findings:
            lines.extend(_markdown_findings(item.findings, audit.root))
            lines.append("")
        for sentence in _item_explanation(item):
            lines.extend([markdown_escape(sentence), ""])
        lines.pop()
    if audit.other_findings:
        lines.extend(["", "## Findings outside the checklist", ""])
        lines.extend(_markdown_findings(audit.other_findings, audit.root))
    lines.extend(_markdown_scan_section(audit))
    return "\n".join(lines) + "\n"


def _markdown_findings(findings: tuple[Finding, ...], root: Path) -> list[str]:
    rows = [
        (
            markdown_escape(_location(finding, root)),
            markdown_escape(finding.rule),
            markdown_escape(finding.level),
            markdown_escape(finding.message),
        )
        for finding in findings
    ]
    return _markdown_table(("Location", "Rule", "Level", "Message"), rows)


def _markdown_scan_section(audit: Audit) -> list[str]:
    counts = audit.counts
    lines = [
        "",
        "## Scan",
        "",
        f"- Files scanned: {counts['files_scanned']}",
        f"- Files skipped: {counts['files_skipped']}",
        f"- Files that could not be read: {counts['files_unreadable']}",
    ]
    for path, reason in audit.unreadable:
        lines.append(f"  - {markdown_escape(path)}: {markdown_escape(reason)}")
    for notice in audit.notices:
        lines.append(f"- Notice: {markdown_escape(notice)}")
    return lines


# HTML.

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1f2328; background: #fff; margin: 0 auto; max-width: 72rem;
  padding: 2rem 2.5rem; line-height: 1.5; }
h1 { font-size: 1.75rem; margin: 0 0 0.5rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; padding-bottom: 0.3rem;
  border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.05rem; margin: 1.75rem 0 0.5rem; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem;
  margin: 0 0 1rem; }
dl.meta dt { font-weight: 600; color: #57606a; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.summary { font-size: 1.05rem; }
.banner { padding: 0.75rem 1rem; border-radius: 6px; margin: 1rem 0; }
.banner.complete { background: #dafbe1; border: 1px solid #4ac26b; }
.banner.incomplete { background: #fff8c5; border: 1px solid #d4a72c; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: 0.45rem 0.75rem;
  border: 1px solid #d0d7de; }
th { background: #f6f8fa; }
td.count { text-align: right; }
td.rule { white-space: nowrap; }
.rule-name { color: #57606a; font-size: 0.85rem; }
ul.tallies { list-style: none; display: flex; flex-wrap: wrap; gap: 1.25rem; padding: 0;
  margin: 1rem 0 0.5rem; }
ul.tallies li { display: flex; align-items: center; gap: 0.5rem; }
.tally { font-size: 1.35rem; font-weight: 700; }
td.loc, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: 0.875rem; }
code { overflow-wrap: anywhere; }
.badge { display: inline-block; min-width: 6.5rem; text-align: center; padding: 0.1rem 0.6rem;
  border-radius: 999px; font-size: 0.8rem; font-weight: 700; letter-spacing: 0.03em;
  color: #fff; white-space: nowrap; }
.badge.pass { background: #1a7f37; }
.badge.fail { background: #cf222e; }
.badge.manual { background: #9a6700; }
.badge.not-checked { background: #6e7781; }
section.item { border-left: 4px solid #d0d7de; padding: 0 0 0 1rem; margin: 1.5rem 0; }
section.item.fail { border-left-color: #cf222e; }
section.item.pass { border-left-color: #1a7f37; }
section.item.manual { border-left-color: #9a6700; }
section.item h3 { margin-top: 0; display: flex; gap: 0.75rem; align-items: center; }
p.advice { margin: 0.5rem 0; }
p.note { margin: 0.5rem 0; color: #57606a; }
pre.snippet { margin: 0.25rem 0 0; padding: 0.25rem 0.5rem; background: #f6f8fa;
  border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
footer { margin-top: 2.5rem; color: #57606a; font-size: 0.875rem; }
@media print { body { padding: 0; } .badge { border: 1px solid #000; } }
"""


def _h(text: str) -> str:
    """Return ``text`` cleaned and escaped for HTML text or an attribute value."""
    return html.escape(_clean(text), quote=True)


def _badge(status: Status) -> str:
    css_class = status.replace(" ", "-")
    return f'<span class="badge {css_class}">{_h(_status_label(status))}</span>'


def render_html(audit: Audit) -> str:
    """Render ``audit`` as one self-contained XHTML-compatible page.

    The page has inline CSS only, with no scripts and no external resources, so
    it can be opened offline or attached to a ticket.
    """
    title = f"ttai-guard checklist audit: {audit.root.name or audit.root}"
    banner_class = "complete" if audit.complete else "incomplete"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f"<title>{_h(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>ttai-guard checklist audit</h1>",
        '<dl class="meta">',
        f"<dt>Repository</dt><dd><code>{_h(str(audit.root))}</code></dd>",
        f"<dt>Generated</dt><dd>{_h(_date(audit))}</dd>",
        "</dl>",
        _html_tally(audit),
        f'<p class="summary">{_h(_summary_sentence(audit))}</p>',
        f'<p class="banner {banner_class}">{_h(_completeness_sentence(audit))}</p>',
        "</header>",
        "<main>",
        "<h2>Checklist</h2>",
        "<table>",
        "<thead><tr><th>ID</th><th>Item</th><th>Status</th><th>Findings</th>"
        "<th>Checked by</th></tr></thead>",
        "<tbody>",
    ]
    for item in audit.items:
        parts.append(
            f'<tr><td><a href="#{_h(item.id)}">{_h(item.id)}</a></td>'
            f"<td>{_h(item.title)}</td><td>{_badge(item.status)}</td>"
            f'<td class="count">{len(item.findings)}</td><td>{_h(_rules_label(item))}</td></tr>'
        )
    parts.extend(["</tbody>", "</table>", "<h2>Items</h2>"])
    for item in audit.items:
        parts.extend(_html_item(item, audit.root))
    if audit.other_findings:
        parts.append("<h2>Findings outside the checklist</h2>")
        parts.extend(_html_findings(audit.other_findings, audit.root))
    parts.extend(["</main>", *_html_footer(audit), "</body>", "</html>"])
    return "\n".join(parts) + "\n"


def _html_tally(audit: Audit) -> str:
    """Return one badge per status with the number of items that have it."""
    tallies = [
        f'<li>{_badge(status)}<span class="tally">{count}</span></li>'
        for status, count in audit.status_counts().items()
    ]
    return '<ul class="tallies">' + "".join(tallies) + "</ul>"


def _html_item(item: ChecklistItem, root: Path) -> list[str]:
    css_class = item.status.replace(" ", "-")
    parts = [
        f'<section class="item {css_class}" id="{_h(item.id)}">',
        f"<h3>{_badge(item.status)}<span>{_h(item.id)} {_h(item.title)}</span></h3>",
        f'<p class="note">Checked by: {_h(_rules_label(item))}</p>',
    ]
    if item.findings:
        parts.extend(_html_findings(item.findings, root))
    parts.extend(f'<p class="note">{_h(note)}</p>' for note in item.notes)
    parts.append(f'<p class="advice"><strong>What to do:</strong> {_h(item.advice)}</p>')
    parts.append("</section>")
    return parts


def _html_inline(text: str) -> str:
    """Return escaped ``text`` with each pair of backticks rendered as ``<code>``.

    Rule messages quote values in backticks. Text with an odd number of
    backticks is escaped as it is.
    """
    pieces = _clean(text).split("`")
    if len(pieces) % 2 == 0:
        return html.escape("`".join(pieces), quote=True)
    rendered = []
    for index, piece in enumerate(pieces):
        escaped = html.escape(piece, quote=True)
        rendered.append(f"<code>{escaped}</code>" if index % 2 else escaped)
    return "".join(rendered)


def _html_location(finding: Finding, root: Path) -> str:
    """Return the escaped location with line-break opportunities after each ``/``."""
    return _h(_location(finding, root)).replace("/", "/<wbr />")


def _html_findings(findings: tuple[Finding, ...], root: Path) -> list[str]:
    parts = [
        '<table class="findings">',
        "<thead><tr><th>Location</th><th>Rule</th><th>Level</th><th>Message</th></tr></thead>",
        "<tbody>",
    ]
    for finding in findings:
        rule = RULES.get(finding.rule)
        rule_cell = _h(finding.rule)
        if rule is not None:
            rule_cell += f'<br /><span class="rule-name">{_h(rule.name)}</span>'
        message = _html_inline(finding.message)
        if finding.snippet:
            message += f'<pre class="snippet">{_h(finding.snippet)}</pre>'
        parts.append(
            f'<tr><td class="loc">{_html_location(finding, root)}</td>'
            f'<td class="rule">{rule_cell}</td><td>{_h(finding.level)}</td>'
            f"<td>{message}</td></tr>"
        )
    parts.extend(["</tbody>", "</table>"])
    return parts


def _html_footer(audit: Audit) -> list[str]:
    counts = audit.counts
    parts = [
        "<footer>",
        "<h2>Scan</h2>",
        "<ul>",
        f"<li>Files scanned: {counts['files_scanned']}</li>",
        f"<li>Files skipped: {counts['files_skipped']}</li>",
        f"<li>Files that could not be read: {counts['files_unreadable']}</li>",
    ]
    parts.extend(
        f"<li>Not read: <code>{_h(path)}</code>: {_h(reason)}</li>"
        for path, reason in audit.unreadable
    )
    parts.extend(f"<li>Notice: {_h(notice)}</li>" for notice in audit.notices)
    parts.extend(["</ul>", "</footer>"])
    return parts
