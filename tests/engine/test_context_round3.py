"""Round 3 of the context work (#8): game content, repetition in reviews, reported pay and violent topics.
Real jieba and the shipped rules/context.yaml; each case asserts what the finding (or the dropped hit) says."""

from __future__ import annotations

import pytest

import contentguard
from contentguard.engine.context import ContextSettings, VoiceSettings


def _ids(report):
    return {f.rule_id for f in report.findings}


def _dropped(report, rule_id):
    return [f for f in report.context_dropped if f.rule_id == rule_id]


def _assert_dropped_not_reported(guard, document, rule):
    """The context stage saw ``rule``'s hit in ``document`` and dropped it: no finding, a recorded drop."""
    report = guard.check(document)
    assert rule not in _ids(report)
    assert _dropped(report, rule)


def test_a_padded_review_is_no_flood_and_no_advert(default_guard):
    text = "最差的一次购物，最差的一次购物，最差的一次购物，最差的一次购物"
    report = default_guard.check(contentguard.Document(body=text, kind="review"))
    assert not any(f.category.startswith("exaggeration") for f in report.findings), report.findings
    assert "spam/flooding" not in _ids(report)
    (dropped,) = _dropped(report, "spam/flooding")
    assert dropped.context.label == "occurs" and not dropped.context.cues  # repetition alone lifts nothing
    assert text[dropped.start:dropped.end] == dropped.text


def test_a_repeated_lure_still_floods_and_still_advertises(default_guard):
    report = default_guard.check(contentguard.Document(body="全网最低价看我主页！" * 3, kind="comment"))
    assert "spam/flooding" in _ids(report)
    assert any(f.category.startswith("exaggeration") for f in report.findings)


def test_not_advertising_is_read_from_the_settings():
    assert VoiceSettings(advertiser_categories=("spam",), not_advertising=("spam/flooding",)).not_advertising == (
        "spam/flooding",)
    with pytest.raises(ValueError):
        ContextSettings.model_validate({"voice": {"not_advertising": "spam/flooding", "bogus": 1}})


@pytest.mark.parametrize("text", ["驾驶武装直升机，执行镇压恐怖分子的空战任务，3D射击游戏",
                                  "特种兵枪战手游，消灭恐怖分子，解救人质"])
def test_a_game_listing_describing_combat_is_game_content(default_guard, text):
    report = default_guard.check(contentguard.Document(body=text, kind="post", platform="app-store"))
    assert "sensitive/violence" not in _ids(report)
    (dropped,) = _dropped(report, "sensitive/violence")
    assert "game-content" in dropped.context.cues or "against" in dropped.context.cues


@pytest.mark.parametrize("kind", ["post", "comment"])
def test_weapons_offered_or_terror_praised_count_in_every_voice(default_guard, kind):
    for text in ("出售枪支弹药，货到付款", "恐怖分子干得好"):
        assert "sensitive/violence" in _ids(default_guard.check(contentguard.Document(body=text, kind=kind)))


def test_a_comment_naming_terrorists_only_mentions_them(default_guard):
    report = default_guard.check(contentguard.Document(body="听说那段视频是恐怖分子拍的，太残忍了", kind="comment"))
    assert "sensitive/violence" not in _ids(report)


def test_a_game_mechanic_for_items_is_content_but_for_money_is_gambling(default_guard):
    items = default_guard.check(contentguard.Document(body="新增宠物技能书；老虎机活动再次开启，摇出各种材料和道具"))
    assert "sensitive/gambling" not in _ids(items)
    (dropped,) = _dropped(items, "sensitive/gambling")[:1]
    assert "game-mechanic" in dropped.context.cues
    money = default_guard.check(contentguard.Document(body="老虎机活动开启，摇中直接兑换话费和实物大奖"))
    (finding,) = [f for f in money.findings if f.rule_id == "sensitive/gambling"]
    assert "real-prize" in finding.context.cues


@pytest.mark.parametrize("title", ["人社部称央企高管年薪300万封顶", "主持人否认年薪80万传闻"])
def test_a_title_reporting_someone_elses_pay_is_news(default_guard, title):
    _assert_dropped_not_reported(default_guard, contentguard.Document(title=title, kind="post"),
                                 "confidentiality/compensation")


def test_the_companys_own_pay_stays_a_leak(default_guard):
    report = default_guard.check(contentguard.Document(body="我们公司程序员月薪3万，别外传"))
    (finding,) = [f for f in report.findings if f.rule_id == "confidentiality/compensation"]
    assert "own" in finding.context.cues


@pytest.mark.parametrize("text, rule", [
    ("七天无理由退换，购物零风险", "advertising/financial-promise"),
    ("睡前听一段温柔治愈的故事，放下一天的疲惫", "advertising/medical-efficacy"),
    ("每日推送顶级期刊的最新论文摘要", "advertising/absolute-terms"),
])
def test_listing_words_that_claim_nothing(default_guard, text, rule):
    _assert_dropped_not_reported(default_guard, contentguard.Document(body=text), rule)


def test_a_real_investment_promise_and_a_real_cure_stay(default_guard):
    assert "advertising/financial-promise" in _ids(default_guard.check("资金0风险，稳赚不赔"))
    assert "advertising/medical-efficacy" in _ids(default_guard.check("本品可以治愈糖尿病"))


@pytest.mark.parametrize("text", ["少送了一份饮料少送了一份饮料少送了一份饮料", "降价了 11111111111111111111"])
def test_a_complaint_or_digits_repeated_in_a_review_is_no_flood(default_guard, text):
    _assert_dropped_not_reported(default_guard, contentguard.Document(body=text, kind="review"), "spam/flooding")


def test_an_in_game_role_is_no_claim_but_the_game_ranked_is(default_guard):
    role = default_guard.check("在游戏中你将扮演最好的厨师角色，经营自己的餐厅")
    assert not any(f.category.startswith("exaggeration") for f in role.findings), role.findings
    game = default_guard.check("这是史上最好玩的模拟经营游戏")
    assert any(f.category.startswith("exaggeration") for f in game.findings)


def test_the_listings_support_qq_is_not_personal_data_but_a_mobile_stays(default_guard):
    listing = default_guard.check("欢迎提出意见。如果使用中遇到任何问题，请添加QQ：2680966557")
    assert "privacy/qq-number" not in _ids(listing)
    mobile = default_guard.check("欢迎提出意见。如果使用中遇到任何问题，请打13912345678找小王")
    assert "privacy/mobile-number" in _ids(mobile)
