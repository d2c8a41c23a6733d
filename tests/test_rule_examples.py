"""Every rule of every shipped pack carries match / no_match examples, and they hold."""

from __future__ import annotations

import pytest

import contentguard
from contentguard.packs import shipped_pack_names

PACKS = shipped_pack_names()


def test_there_are_shipped_packs():
    assert PACKS, "rules/packs/ holds no pack"


@pytest.mark.parametrize("pack", PACKS)
def test_examples_of_every_rule(pack):
    guard = contentguard.load(packs=[pack])
    without = [r.rule.id for r in guard.rules if not (r.rule.examples.match and r.rule.examples.no_match)]
    assert not without, f"rules without both match and no_match examples: {without}"
    count, failures = guard.test_examples()
    assert count > 0
    assert not failures, "\n".join(str(f) for f in failures)


def test_every_rule_says_why():
    guard = contentguard.load()
    for compiled in guard.rules:
        rule = compiled.rule
        assert rule.message and rule.suggestion and rule.clause, f"{rule.id} lacks message, suggestion or clause"
