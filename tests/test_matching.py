"""Matching semantics from the core-engine issue, on the engine's own demo pack."""

from __future__ import annotations

import pytest

import contentguard
from contentguard import Document


def texts(guard, text, rule=None):
    report = guard.check(text)
    return [f.text for f in report.findings if rule is None or f.rule_id == rule]


def test_leftmost_longest_and_every_occurrence(demo_guard):
    assert texts(demo_guard, "我的世界很大，我的天", "demo/banned") == ["我的世界", "我的"]
    assert texts(demo_guard, "赌博、赌博", "demo/banned") == ["赌博", "赌博"]


def test_allow_term_covering_a_hit_suppresses_it(demo_guard):
    assert texts(demo_guard, "三黄片", "demo/banned") == []
    assert texts(demo_guard, "地铁口交易", "demo/banned") == []
    assert texts(demo_guard, "三黄片不是黄片", "demo/banned") == ["黄片"]


def test_short_allow_term_inside_a_longer_hit_does_not_suppress():
    pack = {"pack": "t", "rules": [{"id": "t/x", "kind": "lexicon", "category": "sensitive", "severity": 2,
                                    "message": "{match}", "terms": ["网上赌场"], "allow": ["赌场"]}]}
    guard = contentguard.load(packs=[pack])
    assert texts(guard, "网上赌场") == ["网上赌场"]


@pytest.mark.parametrize("text,expected", [
    ("I have a video", []), ("Middlesex", []), ("测av试", ["av"]), ("1av2", ["av"]), ("AV", ["AV"]),
    ("69", ["69"]), ("695", []), ("1699", []), ("第69号", ["69"]),
])
def test_ascii_terms_whole_words_and_digit_terms_whole_numbers(demo_guard, text, expected):
    assert texts(demo_guard, text, "demo/banned") == expected


@pytest.mark.parametrize("text,expected", [
    ("傻@逼", "傻@逼"), ("<p>傻逼</p>", "傻逼"), ("毛---主---席", "毛---主---席"), ("賭 博", "賭 博"),
    ("ＦＵＣＫ", "ＦＵＣＫ"), ("微\u200b信", "微\u200b信"), ("微😀信", "微😀信"), (" *赌博* ", "赌博"),
])
def test_noise_is_skipped_inside_but_never_starts_or_ends_a_hit(demo_guard, text, expected):
    assert texts(demo_guard, text, "demo/banned") == [expected]


def test_terms_written_in_traditional_or_full_width_still_match():
    pack = {"pack": "t", "rules": [{"id": "t/x", "kind": "lexicon", "category": "sensitive", "severity": 2,
                                    "message": "{match}", "terms": ["賭博", "ＶＸ"]}]}
    guard = contentguard.load(packs=[pack])
    assert texts(guard, "赌博 加vx") == ["赌博", "vx"]


def test_hits_never_cross_a_hard_break(demo_guard):
    assert texts(demo_guard, "赌。博", "demo/banned") == []
    assert texts(demo_guard, "赌\n博", "demo/banned") == []


@pytest.mark.parametrize("text,expected", [
    ("最近很忙", []), ("最后一天", []), ("最终结果", []), ("第一次见面", []), ("第一季度营收", []),
    ("第一时间通知", []), ("第一品牌", ["第一"]), ("全网第一", ["第一"]), ("这是最好的", ["最好"]),
    ("最 好看", ["最"]), ("本品是全网最低价", ["最低价"]), ("最.好", ["最.好"]),
])
def test_word_boundaries_keep_everyday_words_quiet(demo_guard, text, expected):
    assert texts(demo_guard, text, "demo/absolute") == expected


def test_allow_context_exempts_a_hit_in_its_sentence(demo_guard):
    assert texts(demo_guard, "我们追求最好的服务", "demo/absolute") == []
    assert texts(demo_guard, "我们追求卓越。这是最好的产品", "demo/absolute") == ["最好"]


def test_pattern_with_validator(demo_guard):
    report = demo_guard.check("身份证11010519491231002X，订单号110105194912310021，电话13812345678")
    found = {(f.rule_id, f.text, f.evidence) for f in report.findings}
    assert found == {("demo/idcard", "11010519491231002X", "validated"), ("demo/phone", "13812345678", "pattern")}


def test_combination_needs_all_cues_within_distance(demo_guard):
    assert texts(demo_guard, "内部数据显示本季度毛利率38%", "demo/internal-figure") == ["内部数据显示本季度毛利率38%"]
    far = "内部数据" + "，这是很长的一段无关的话" * 3 + "毛利率38%"
    assert texts(demo_guard, far, "demo/internal-figure") == []
    assert texts(demo_guard, "内部数据没有说明", "demo/internal-figure") == []


def test_document_context_exemption_looks_at_every_field(demo_guard):
    doc = Document(title="摘自公司年度报告", body="内部数据显示本季度毛利率38%")
    assert [f for f in demo_guard.check(doc).findings if f.rule_id == "demo/internal-figure"] == []


def test_scope_keeps_title_rules_out_of_the_body(demo_guard):
    assert texts(demo_guard, "震惊！这个产品", "demo/clickbait") == []
    report = demo_guard.check(Document(title="震惊！这个产品", body="正文"))
    assert [(f.field, f.text) for f in report.findings] == [("title", "震惊")]


def test_finding_carries_message_suggestion_and_evidence(demo_guard):
    report = demo_guard.check("這是最好的")
    finding = report.findings[0]
    assert finding.message == "绝对化用语「最好」"
    assert finding.suggestion == "很好"  # the term's own suggestion beats the rule's
    assert finding.evidence == "exact"
    report = demo_guard.check("最.好")
    assert report.findings[0].evidence == "obfuscated"
    assert demo_guard.check("賭博").findings[0].evidence == "folded"


def test_configuration_allowlist_and_severity_and_switches(tmp_path):
    from tests.conftest import DEMO_PACK

    lexicon = tmp_path / "extra.txt"
    lexicon.write_text("# source: test\n蓝鲸计划\t某项目\t代号\n", encoding="utf-8")
    guard = contentguard.load(packs=[DEMO_PACK], config={
        "allowlist": ["我的世界"], "severity": {"demo/banned": 5}, "disable_rules": ["demo/phone"],
        "lexicons": {"demo/banned": [str(lexicon)]}, "watchlist": {"confidential": ["X-2000"]},
    })
    report = guard.check("我的世界 13812345678 蓝鲸计划 X-2000")
    found = {(f.rule_id, f.text, f.severity) for f in report.findings}
    assert not any(text in ("我的世界", "我的") for _, text, _ in found)  # the allowlist covers both hits
    assert guard.check("我的天").findings[0].severity == 5
    assert not any(rule == "demo/phone" for rule, _, _ in found)
    assert ("demo/banned", "蓝鲸计划", 5) in found
    assert ("config/confidential-watchlist", "X-2000", 5) in found


def test_configuration_errors_name_the_key():
    from tests.conftest import DEMO_PACK

    with pytest.raises(contentguard.ConfigError, match="severity.demo/nothing"):
        contentguard.load(packs=[DEMO_PACK], config={"severity": {"demo/nothing": 3}})
    with pytest.raises(contentguard.ConfigError, match="disable_rules"):
        contentguard.load(packs=[DEMO_PACK], config={"disable_rules": ["nope/*"]})
    with pytest.raises(contentguard.ConfigError, match="unknown key"):
        contentguard.load(packs=[DEMO_PACK], config={"pakcs": ["x"]})


def test_config_file_in_pyproject(tmp_path):
    from tests.conftest import DEMO_PACK

    (tmp_path / "pyproject.toml").write_text(
        f'[tool.contentguard]\npacks = []\nextra_packs = ["{DEMO_PACK.as_posix()}"]\ndisable_rules = ["demo/banned"]\n',
        encoding="utf-8")
    from contentguard.config import discover_config

    found = discover_config(tmp_path)
    guard = contentguard.load(config=found)
    assert [r.rule.id for r in guard.rules if not r.rule.enabled] == ["demo/banned"]
    assert texts(guard, "赌博") == []


def test_a_guard_with_no_packs_checks_and_passes():
    guard = contentguard.load(packs=[])
    report = guard.check("任何文字")
    assert report.findings == () and report.risk.level == "none"


def test_context_windows_clause_sentence_and_combination_in_one_sentence():
    pack = {"pack": "t", "rules": [
        {"id": "t/clause", "kind": "lexicon", "category": "exaggeration", "severity": 2, "message": "{match}",
         "terms": ["最好"], "allow_contexts": [{"terms": ["理念"], "within": "clause"}]},
        {"id": "t/sentence", "kind": "lexicon", "category": "exaggeration", "severity": 2, "message": "{match}",
         "terms": ["第一"], "allow_contexts": [{"terms": ["理念"], "within": "sentence"}]},
        {"id": "t/combo", "kind": "combination", "category": "platform", "severity": 2, "message": "{match}",
         "all_of": [{"terms": ["转发"]}, {"terms": ["领取"]}], "within": "sentence"},
    ]}
    guard = contentguard.load(packs=[pack])
    assert texts(guard, "我们的理念，做最好的", "t/clause") == ["最好"]
    assert texts(guard, "我们的理念，做第一的", "t/sentence") == []
    assert texts(guard, "我们的理念。做第一的", "t/sentence") == ["第一"]
    assert texts(guard, "转发本文，即可领取", "t/combo") == ["转发本文，即可领取"]
    assert texts(guard, "转发本文。到店领取", "t/combo") == []


def test_a_combination_cue_inside_the_anchor_does_not_count():
    pack = {"pack": "t", "rules": [
        {"id": "t/combo", "kind": "combination", "category": "spam", "severity": 2, "message": "{match}",
         "all_of": [{"terms": ["跟着老师"]}, {"terms": ["老师"]}], "within": 10},
    ]}
    guard = contentguard.load(packs=[pack])
    assert texts(guard, "跟着老师买", "t/combo") == []
    assert texts(guard, "跟着老师买，老师说的", "t/combo") == ["跟着老师买，老师"]


def test_a_pattern_stopping_inside_a_number_reports_the_whole_number():
    pack = {"pack": "numbers", "rules": [
        {"id": "numbers/margin", "kind": "pattern", "category": "confidentiality", "severity": 3,
         "patterns": [r"毛利率\d"], "message": "{match}"},
        {"id": "numbers/code", "kind": "pattern", "category": "privacy", "severity": 3,
         "patterns": [r"编号\d{2}(?=\d)"], "message": "{match}"}]}
    guard = contentguard.load(packs=[], extra_packs=[pack])
    text = "本季度毛利率38.5%，编号123456，毛利率7。"
    report = guard.check(Document(body=text))
    found = {f.rule_id: [] for f in report.findings}
    for finding in report.findings:
        assert text[finding.start:finding.end] == finding.text
        found[finding.rule_id].append(finding.text)
    assert found["numbers/margin"] == ["毛利率38.5", "毛利率7"]
    assert found["numbers/code"] == ["编号123456"]
