"""Issue 12, grading: overlapping findings of one category are one piece of evidence; a draft with
only placeholders goes to review, never to 领导小组; in the company's voice an unfilled placeholder,
a share-for-reward and a contact lure need review under the CLI default (--fail-on medium), and so
does 全网最低价. The bounds are data (rules/risk_matrix.yaml company_voice)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import contentguard
from contentguard.cli import DEFAULT_FAIL_ON, cli
from contentguard.config.resources import data_dir
from contentguard.engine.assess import RiskMatrix
from contentguard.report import Finding


def finding(start: int, end: int, rule: str = "advertising/x", category: str = "exaggeration.absolute") -> Finding:
    return Finding(rule_id=rule, category=category, severity=3, field="body", start=start, end=end,
                   text="x" * (end - start), message="m", evidence="exact")


def test_overlapping_findings_of_one_category_do_not_agree():
    matrix = RiskMatrix.from_file(data_dir("rules") / "risk_matrix.yaml")
    document = contentguard.Document(body="x" * 40, kind="post")
    apart = matrix.assess(document, [finding(0, 2), finding(10, 12)], None)[0]
    overlapping = matrix.assess(document, [finding(0, 4), finding(2, 6, rule="advertising/y"), finding(3, 5)], None)[0]
    alone = matrix.assess(document, [finding(0, 4)], None)[0]
    assert apart.likelihood == alone.likelihood + 1  # two places agree
    assert overlapping.likelihood == alone.likelihood  # one place, three rules: no agreement
    assert "同类 1 处" in overlapping.explanation


def test_a_draft_of_placeholders_goes_to_review_not_the_leadership(default_guard):
    body = "尊敬的【姓名】您好，本次活动价格{{price}}元，详情请联系XXX。XXX XXX"
    draft = contentguard.Document(title="【标题】XXX", body=body, kind="post")
    report = default_guard.check(draft)
    assert report.findings and {f.category for f in report.findings} == {"quality.placeholder"}
    assert report.risk.level == "medium" and report.decision == "review"
    assert "领导小组" not in report.risk.route


@pytest.mark.parametrize("text", ["XXX", "尊敬的【姓名】您好", "本次价格{{price}}元", "分享到3个群即可解锁",
                                  "加微信qh888", "全网最低价"])
def test_company_voice_needs_review_under_the_default_fail_on(tmp_path, monkeypatch, text):
    monkeypatch.chdir(tmp_path)
    assert DEFAULT_FAIL_ON == "medium"
    result = CliRunner().invoke(cli, ["scan", "--format", "jsonl", "-"], input=text, catch_exceptions=False)
    line = json.loads(result.stdout.splitlines()[0])
    assert line["risk"]["level"] in ("medium", "high") and line["decision"] in ("review", "block"), line["risk"]
    assert result.exit_code == 1


def test_the_bounds_are_data():
    matrix = RiskMatrix.from_file(data_dir("rules") / "risk_matrix.yaml")
    assert matrix.company_voice.least["quality.placeholder"] == "medium"
    assert matrix.company_voice.most["quality.placeholder"] == "medium"
    loose = matrix.model_copy(update={"company_voice": type(matrix.company_voice)()})
    document = contentguard.Document(body="XXX", kind="post")
    placeholder = finding(0, 3, rule="quality/placeholder-patterns", category="quality.placeholder")
    placeholder = placeholder.model_copy(update={"evidence": "pattern"})
    assert loose.assess(document, [placeholder], None)[0].level == "low"
    assert matrix.assess(document, [placeholder], None)[0].level == "medium"
    # the public's voice is graded the plan's way: a placeholder in a comment is no review
    comment = contentguard.Document(body="XXX", kind="comment")
    assert matrix.assess(comment, [placeholder], None)[1] == "pass"
