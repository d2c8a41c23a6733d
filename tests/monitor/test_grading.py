"""What the public says, graded, triaged and routed the way the social-media plan does it."""

from __future__ import annotations

from datetime import timedelta

import pytest

import contentguard
from contentguard import Document, Report
from contentguard.config.resources import data_dir
from contentguard.engine.assess import RiskMatrix
from contentguard.errors import ConfigError
from contentguard.report import Finding, Sentiment

MATRIX = RiskMatrix.from_file(data_dir("rules") / "risk_matrix.yaml")
ORDER = {"none": 0, "low": 1, "medium": 2, "high": 3}


def sentiment(negative: float) -> Sentiment:
    rest = (1 - negative) / 2
    return Sentiment(label="negative" if negative >= 0.5 else "neutral",
                     scores={"negative": negative, "neutral": rest, "positive": 1 - negative - rest})


def signal(category: str, text: str = "x") -> Finding:
    return Finding(rule_id=f"opinion/{category}", category=category, severity=2, field="body", start=0,
                   end=len(text), text=text, message="m")


@pytest.mark.parametrize("text", [
    "再不处理我就打12315投诉", "已经投诉到消协了", "等着315曝光吧", "我会找媒体曝光你们", "我已经找律师了",
    "不退钱就报警", "打市长热线反映", "我要去黑猫投诉", "向市场监管局举报你们",
])
def test_every_threat_to_escalate_is_medium_or_high(default_guard, text):
    report = default_guard.check(Document(body=text, kind="comment"))
    assert report.risk.level in ("medium", "high"), report.risk.explanation
    assert report.triage == "投诉" and report.risk.route in ("风控与合规组", "领导小组")


@pytest.mark.parametrize("text", [
    "吃了你们的外卖食物中毒，现在还在住院", "孩子用了面霜过敏了", "充电宝充电时起火了", "在门店摔倒受伤了",
    "吃完上吐下泻进了急诊", "出人命了你们管不管",
])
def test_every_safety_incident_is_high_and_goes_to_the_leading_group(default_guard, text):
    report = default_guard.check(Document(body=text, kind="comment"))
    assert report.risk.level == "high", report.risk.explanation
    assert report.risk.route == "领导小组" and report.deadline == timedelta(hours=1)
    assert report.decision == "review"  # answered, not hidden


@pytest.mark.parametrize("text", ["我不会投诉的，下次注意就好", "消费者可拨打12315热线维护权益",
                                  "12315平台今年共受理投诉1000万件", "今晚的315晚会曝光了哪些企业"])
def test_no_threat_when_negated_or_general(default_guard, text):
    report = default_guard.check(Document(body=text, kind="comment"))
    assert not [f for f in report.findings if f.category == "opinion.escalation"]


def test_one_negative_item_is_low_and_answered_within_two_hours():
    risk, decision, (label, deadline) = MATRIX.assess_response(Document(body="太差了", kind="comment"), [],
                                                               sentiment(0.95))
    assert (risk.level, decision, label, risk.route, deadline) == ("low", "pass", "投诉", "客服", timedelta(hours=2))
    calm, _, (label, _) = MATRIX.assess_response(Document(body="还行", kind="comment"), [], sentiment(0.2))
    assert (calm.level, label) == ("none", "互动")


def test_company_documents_have_no_triage_and_keep_the_matrix_grade():
    risk, decision, triage = MATRIX.assess_response(Document(body="太差了"), [], sentiment(0.95))
    assert (risk.level, decision, triage) == ("none", "pass", (None, None))


@pytest.mark.parametrize("category,level", [("opinion.complaint", "low"), ("opinion.escalation", "medium"),
                                            ("opinion.safety", "high"), ("opinion.legal", "high"),
                                            ("opinion.regulator", "high"), ("opinion.media", "high")])
def test_signal_categories_set_the_least_level(category, level):
    risk, _ = MATRIX.assess(Document(body="x", kind="review"), [signal(category)], sentiment(0.1))
    assert risk.level == level


@pytest.mark.parametrize("text,label,route,hours", [
    ("请问几点开门？", "咨询", "客服", 2),
    ("建议增加一个大杯的规格", "建设性意见", "产品部门", 72),
    # Spam is 无关 (nothing to answer) but is moderated at its level: the compliance group, within 2 hours.
    ("加微信领红包 vx123456", "无关", "风控与合规组", 2),
    ("好喜欢你们家的蛋糕", "互动", "客服", 24),
    ("我要投诉你们，等了三天没人管", "投诉", "客服", 2),
])
def test_triage_classes_routes_and_deadlines(default_guard, text, label, route, hours):
    report = default_guard.check(Document(body=text, kind="comment"))
    assert (report.triage, report.risk.route, report.deadline) == (label, route, timedelta(hours=hours))


def test_praise_in_a_review_is_no_riskier_than_a_complaint(default_guard):
    praise = default_guard.check(Document(body="最好吃的蛋糕，全网第一，首选", kind="review"))
    complaint = default_guard.check(Document(body="蛋糕难吃死了，又贵又差，不会再买了", kind="review"))
    assert ORDER[praise.risk.level] < ORDER[complaint.risk.level]
    assert praise.risk.level == "none"


def test_routes_are_named_as_the_plan_names_them():
    names = {*MATRIX.routes.values(), *(c.route for c in MATRIX.public_opinion.triage.classes.values()),
             *(e.route for e in MATRIX.public_opinion.escalation.values())}
    assert {"客服", "产品部门", "风控与合规组", "领导小组"} <= names
    assert not any("风险与合规" in name for name in names)


def test_report_json_carries_triage_and_deadline_and_old_json_loads(default_guard):
    report = default_guard.check(Document(body="再不退款我就打12315", kind="comment"))
    data = report.model_dump(mode="json")
    assert data["triage"] == "投诉" and data["deadline"] == "PT2H"
    assert Report.model_validate_json(report.model_dump_json()) == report
    data.pop("triage"), data.pop("deadline")
    assert Report.model_validate(data).triage is None


def test_a_triage_naming_an_undefined_class_is_a_config_error(tmp_path):
    text = (data_dir("rules") / "risk_matrix.yaml").read_text(encoding="utf-8").replace("default: 互动",
                                                                                       "default: 闲聊")
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="闲聊"):
        RiskMatrix.from_file(tmp_path / "m.yaml")


def test_watched_brand_in_a_mention_counts():
    guard = contentguard.load(config={"watchlist": {"brands": ["好味来"]}})
    report = guard.check(Document(body="好味来的面包吃出头发了", kind="mention"))
    assert "好味来" in [f.text for f in report.findings if f.category == "brand-mention"]
    assert report.risk.level == "medium"
