"""The risk matrix: boundary cells, decisions, escalation routes, explanation, a replaced file."""

from __future__ import annotations

import pytest
import yaml

import contentguard
from contentguard import Document
from contentguard.config.resources import data_dir
from contentguard.engine.assess import RiskMatrix
from contentguard.report import Finding, Sentiment

MATRIX = RiskMatrix.from_file(data_dir("rules") / "risk_matrix.yaml")


def finding(severity: int, evidence: str = "exact", field: str = "body", category: str = "exaggeration",
            confidence: float = 1.0, start: int = 0) -> Finding:
    return Finding(rule_id="t/r", category=category, severity=severity, field=field, start=start, end=start + 1,
                   text="x",
                   message="m", evidence=evidence, confidence=confidence)


@pytest.mark.parametrize("severity,evidence,field,level,decision", [
    (1, "exact", "body", "low", "pass"),          # impact 1 × likelihood 3
    (2, "exact", "body", "low", "pass"),          # 2 × 3
    (2, "obfuscated", "body", "medium", "review"),  # 2 × 4: hiding a term raises likelihood
    (3, "exact", "body", "medium", "review"),     # 3 × 3
    (3, "pattern", "body", "low", "pass"),        # 3 × 2
    (4, "exact", "body", "medium", "review"),     # 4 × 3
    (4, "validated", "body", "high", "block"),    # 4 × 4
    (4, "exact", "title", "high", "block"),       # title +1 → 5 × 3
    (5, "pattern", "body", "medium", "review"),   # 5 × 2
    (5, "exact", "body", "high", "block"),        # 5 × 3
])
def test_boundary_cells(severity, evidence, field, level, decision):
    risk, got = MATRIX.assess(Document(title="t", body="b"), [finding(severity, evidence, field)], None)
    assert (risk.level, got) == (level, decision)
    assert risk.route == MATRIX.routes[level]
    assert f"影响 {risk.impact} × 可能性 {risk.likelihood} = {level}" in risk.explanation


def test_no_findings_is_none_and_pass():
    risk, decision = MATRIX.assess(Document(body="x"), [], None)
    assert (risk.level, decision, risk.impact, risk.likelihood) == ("none", "pass", 0, 0)


def test_agreeing_findings_and_negative_comments_raise_likelihood():
    doc = Document(body="x", kind="comment")
    one, _ = MATRIX.assess(doc, [finding(3, category="abuse")], None)
    two, _ = MATRIX.assess(doc, [finding(3, category="abuse"), finding(3, category="abuse", start=5)], None)
    assert two.likelihood == one.likelihood + 1
    same_span, _ = MATRIX.assess(doc, [finding(3, category="abuse")] * 2, None)
    assert same_span.likelihood == one.likelihood  # two rules on one span are one piece of evidence
    angry = Sentiment(label="negative", scores={"negative": 0.9, "neutral": 0.05, "positive": 0.05})
    upset, _ = MATRIX.assess(doc, [finding(3, category="abuse")], angry)
    assert upset.likelihood == one.likelihood + 1 and "负面情绪" in upset.explanation
    post, _ = MATRIX.assess(Document(body="x"), [finding(3, category="abuse")], angry)
    assert post.likelihood == one.likelihood  # the sentiment signal is for comments


def test_platform_weight_from_configuration_raises_impact():
    doc = Document(body="x", platform="weibo")
    base, _ = MATRIX.assess(doc, [finding(3)], None)
    weighted, _ = MATRIX.assess(doc, [finding(3)], None, {"weibo": 1})
    assert weighted.impact == base.impact + 1


def test_a_replaced_matrix_file_changes_levels_and_routes(tmp_path):
    from tests.conftest import DEMO_PACK

    data = yaml.safe_load((data_dir("rules") / "risk_matrix.yaml").read_text(encoding="utf-8"))
    data["levels"] = {i: ["high"] * 5 for i in range(1, 6)}
    data["routes"]["high"] = "立即上报董事会"
    path = tmp_path / "strict.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    guard = contentguard.load(packs=[DEMO_PACK], config={"risk_matrix": str(path)})
    report = guard.check("震惊")  # no finding: still none
    assert report.risk.level == "none"
    report = guard.check("我的世界")
    assert (report.risk.level, report.decision, report.risk.route) == ("high", "block", "立即上报董事会")


def test_an_invalid_matrix_file_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("levels: {1: [low]}\n", encoding="utf-8")
    with pytest.raises(contentguard.ConfigError, match="bad.yaml: invalid risk matrix"):
        RiskMatrix.from_file(path)


def test_every_report_explains_its_level_in_json(demo_guard):
    report = demo_guard.check(Document(title="震惊", body="本品是全网最低价"))
    data = report.model_dump(mode="json")
    assert set(data["risk"]) >= {"level", "impact", "likelihood", "route", "explanation", "contributions"}
    assert len(data["risk"]["contributions"]) == len(report.findings)
