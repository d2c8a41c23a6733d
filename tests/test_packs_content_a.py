"""Behaviour of the default advertising, platform, clickbait and quality packs on whole posts,
through ``contentguard.load()`` (every rule's own examples are run by the shared example test;
these check the packs together on realistic documents: traps stay quiet, obfuscated and
traditional forms are caught, clickbait is judged in titles only, a sourced repost passes)."""

from __future__ import annotations

import pytest

import contentguard

MINE = ("exaggeration", "platform", "clickbait", "quality")


@pytest.fixture(scope="module")
def guard():
    return contentguard.load()


def categories(guard, document) -> set[str]:
    """Top-level categories of this file's packs found in a document."""
    report = guard.check(document)
    return {f.category.split(".", 1)[0] for f in report.findings} & set(MINE)


def rule_ids(guard, document) -> set[str]:
    return {f.rule_id for f in guard.check(document).findings}


# ---- traps: compliant posts full of words a naive filter would flag --------------------------------

TRAPS = [
    {"title": "一季度经营情况简报",
     "body": "最近，公司发布了第一季度经营数据。最终，营业收入同比增长12%，数据来源：公司2024年第一季度报告。"
             "这是我们第一次在季度报告中披露海外收入，我们将第一时间向投资者通报后续进展。"},
    {"title": "非遗进社区",
     "body": "本周六，国家级非物质文化遗产项目代表性传承人将来到门店现场演示。最后，感谢各位的支持！"},
    {"title": "投标须知",
     "body": "投标人须在截止日前缴纳投标保证金5万元，保证金将于开标后退还。"},
    {"title": "广告合规小课堂",
     "body": "《广告法》第九条规定，广告不得使用“国家级”“最高级”“最佳”等用语。"
             "因此我们在文案中避免使用“最”“第一”等绝对化用语。"},
    {"title": "新品小贴士",
     "body": "本品最佳食用期为开封后7天，建议开封后最好冷藏保存。本机为一级能效产品。"},
    {"title": "我们的服务理念",
     "body": "我们一直在努力做到最好，追求最好的服务，把客户的安全放在第一位。"},
    {"title": "欢迎关注", "body": "欢迎关注我们的公众号，也欢迎分享给身边需要的朋友。"},
    {"title": "原创｜春季新品", "body": "本文为原创，未经授权不得转载。"},
]


@pytest.mark.parametrize("document", TRAPS, ids=[d["title"] for d in TRAPS])
def test_traps_in_realistic_posts_do_not_fire(guard, document):
    assert categories(guard, document) == set()


# ---- obfuscated and traditional forms -------------------------------------------------------------

@pytest.mark.parametrize(("body", "category"), [
    ("國家級品質，值得信賴", "exaggeration"),
    ("１００％有效，用了都说好", "exaggeration"),
    ("这是最.好用的扫地机器人", "exaggeration"),
    ("全網最低價，買貴退差", "exaggeration"),
    ("保本保息，穩賺不賠", "exaggeration"),
    ("想了解的加微*信：sale_8888", "platform"),
    ("ＶＸ：abc_123456", "platform"),
    ("有需要的➕V", "platform"),
    ("加我威信 shop123456 详聊", "platform"),
    ("薇信 kefu2024 私聊下单", "platform"),
    ("轉發到朋友圈才能領取優惠券", "platform"),
    ("不轉不是中國人", "platform"),
    ("感謝XXX公司的大力支持", "quality"),
    ("希望大家再接再勵", "quality"),
])
def test_obfuscated_and_traditional_forms_are_caught(guard, body, category):
    assert category in categories(guard, {"title": "通知", "body": body})


def test_plain_invitation_is_not_inducement(guard):
    assert "platform" not in categories(guard, {"body": "欢迎关注我们的公众号，第一时间获取新品资讯。"})
    assert "platform" in categories(guard, {"body": "关注公众号后才能查看答案，转发到朋友圈即可领取红包。"})


# ---- clickbait is judged in titles only -----------------------------------------------------------

@pytest.mark.parametrize("title", ["震惊！这种水果千万不能空腹吃", "万万没想到，年会奖品是这个",
                                   "99%的人都不知道的冰箱清洁方法", "震驚！這種水果千萬不能空腹吃"])
def test_clickbait_titles_fire(guard, title):
    assert "clickbait" in categories(guard, {"title": title, "body": "正文如实介绍了相关知识。"})


def test_clickbait_words_in_body_do_not_fire(guard):
    body = "主持人开场说：“震惊！万万没想到，今年的奖品这么丰富。”据调查，99%的人都不知道这个小技巧。"
    document = {"title": "年会回顾", "body": body}
    assert "clickbait" not in categories(guard, document)


# ---- reposts --------------------------------------------------------------------------------------

def test_repost_without_source_fires_and_with_source_passes(guard):
    body = "心肺复苏的正确步骤：判断意识、呼叫120、胸外按压。"
    assert "quality.repost" in {f.category for f in guard.check({"title": "转载｜家庭急救知识", "body": body}).findings}
    sourced = {"title": "转载｜家庭急救知识", "body": body + "\n来源：中国红十字会总会官网"}
    assert "quality" not in categories(guard, sourced)
    # 来自网络 / 侵删 is not a source
    unsourced = {"title": "转载｜家庭急救知识", "body": body + "\n图片来自网络，侵删"}
    assert "quality" in categories(guard, unsourced)


# ---- tiers and suggestions ------------------------------------------------------------------------

def test_forbidden_tier_outranks_sensitive_tier(guard):
    findings = guard.check({"body": "行业第一品牌，技术处于行业领先水平。"}).findings
    severity = {f.rule_id: f.severity for f in findings}
    assert severity["advertising/absolute-terms"] == 4
    assert severity["advertising/comparative-claims"] == 2


def test_absolute_term_has_a_concrete_softer_suggestion(guard):
    [finding] = [f for f in guard.check({"body": "全网最低价，欢迎选购"}).findings
                 if f.rule_id == "advertising/absolute-terms"]
    assert "优惠价" in finding.suggestion
    assert finding.clause.startswith("《广告法》第九条")
