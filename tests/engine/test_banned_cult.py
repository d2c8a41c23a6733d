"""A banned cult's slogan is prohibited in any voice: the public's comment is held for review, the company's
post is blocked; a warning or an anti-cult notice that names the cult is neither."""

from __future__ import annotations


def test_a_cult_slogan_in_a_comment_is_held_for_review(default_guard):
    report = default_guard.check({"body": "法轮大法好", "kind": "comment"})
    assert [f.rule_id for f in report.findings] == ["sensitive/banned-cult"]
    assert (report.risk.level, report.decision) == ("medium", "review")


def test_a_cult_slogan_in_the_companys_post_is_blocked(default_guard):
    report = default_guard.check({"body": "法轮大法好", "kind": "post"})
    assert (report.risk.level, report.decision) == ("high", "block")


def test_a_warning_that_names_the_cult_is_no_finding(default_guard):
    for text in ("我奶奶以前被法轮功骗过，大家小心", "反邪教宣传进社区，警方提醒远离法轮功"):
        report = default_guard.check({"body": text, "kind": "comment"})
        assert not any(f.rule_id == "sensitive/banned-cult" for f in report.findings), text
