"""contentguard.gate: the publishing gate for CMS pipelines."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import contentguard
from contentguard import Document, PublishBlocked, gate

PACK = Path(__file__).parent / "data" / "cli" / "pack.yaml"


@pytest.fixture(scope="module")
def guard() -> contentguard.Guard:
    return contentguard.load(packs=[PACK])


def test_a_document_below_the_threshold_passes_and_its_report_is_returned(guard):
    report = gate(Document(id="p1", body="亲们好，今天上新"), fail_on="medium", guard=guard)
    assert report.risk.level == "low" and report.id == "p1"
    assert [f.rule_id for f in report.findings] == ["cli/informal"]


@pytest.mark.parametrize("body, fail_on, blocked", [
    ("亲们好", "low", True), ("亲们好", "medium", False),
    ("全网最低价", "medium", True), ("全网最低价", "high", False),
    ("参与网赌", "high", True), ("价格公道", "low", False),
])
def test_the_threshold_is_a_risk_level(guard, body, fail_on, blocked):
    if blocked:
        with pytest.raises(PublishBlocked):
            gate(body, fail_on=fail_on, guard=guard)
    else:
        assert gate(body, fail_on=fail_on, guard=guard).findings is not None


def test_publish_blocked_carries_the_report_and_says_why(guard):
    with pytest.raises(PublishBlocked) as caught:
        gate(Document(id="post-7", title="震惊", body="参与网赌"), guard=guard)
    blocked = caught.value
    assert blocked.report.risk.level == "high" and blocked.report.decision == "block"
    assert blocked.fail_on == "medium"
    assert {f.rule_id for f in blocked.report.findings} == {"cli/clickbait", "cli/gambling"}
    message = str(blocked)
    assert "'post-7'" in message and "risk high (threshold medium" in message and "cli/gambling「网赌」" in message
    assert isinstance(blocked, contentguard.ContentGuardError)
    # A task queue can carry it to another process.
    again = pickle.loads(pickle.dumps(blocked))
    assert again.report == blocked.report and str(again) == message


def test_a_document_that_cannot_be_checked_never_passes(guard):
    with pytest.raises(PublishBlocked) as caught:
        gate({"id": "x", "bodyy": "typo in the field name"}, fail_on="high", guard=guard)
    assert "could not be checked" in str(caught.value) and "bodyy" in str(caught.value)


def test_an_unknown_threshold_is_refused(guard):
    with pytest.raises(ValueError, match="fail_on must be one of low, medium, high"):
        gate("正文", fail_on="severe", guard=guard)


def test_without_a_guard_the_shipped_packs_are_compiled_once():
    from contentguard import gate as gate_module_function  # the package exports the function

    first = gate_module_function("今天天气很好，我们一起去公园散步。", fail_on="high")
    second = gate_module_function("今天天气很好。", fail_on="high")
    assert first.ruleset == second.ruleset
    import sys

    assert sys.modules["contentguard.gate"]._default_guard is not None
