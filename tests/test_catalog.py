"""Every rule has a unique ID and name and documentation in the ruff shape."""

from __future__ import annotations

import re

import pytest

from ttai_guard.rules.catalog import DOC_SECTIONS, RULES


def test_ids_and_names_unique() -> None:
    assert len({rule.id for rule in RULES.values()}) == len(RULES)
    assert len({rule.name for rule in RULES.values()}) == len(RULES)


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_identity(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule.id == rule_id
    assert re.fullmatch(r"TTAI[1-5]\d\d", rule.id)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)+", rule.name)
    assert rule.level in ("error", "warning", "note")
    assert re.fullmatch(r"C[1-7]", rule.checklist)
    assert 0.0 < float(rule.security_severity) <= 10.0
    assert "security" in rule.tags


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_doc_sections_in_order(rule_id: str) -> None:
    doc = RULES[rule_id].doc
    positions = [doc.find(section + "\n") for section in DOC_SECTIONS]
    assert -1 not in positions, [s for s, p in zip(DOC_SECTIONS, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


@pytest.mark.parametrize("rule_id", list(RULES))
def test_rule_doc_has_examples(rule_id: str) -> None:
    doc = RULES[rule_id].doc
    example = doc.split("## Example\n", 1)[1].split("## Use instead\n", 1)[0]
    fix = doc.split("## Use instead\n", 1)[1].split("## Known problems\n", 1)[0]
    assert "```" in example
    assert "```" in fix
    assert "CWE-" in doc.split("## References\n", 1)[1]
