"""The company's voice in context (#8): channels decide whether an official contact diverts users,
and titles decide whether a clickbait word hooks. Real jieba and the shipped rules/context.yaml."""

from __future__ import annotations

import pytest

import contentguard
from contentguard.config.resources import data_dir
from contentguard.engine.context import ChannelSettings, ContextSettings
from contentguard.errors import ConfigError

OFFICIAL = "有任何问题或建议，请联系我们官方QQ群470194515，客服电话4008001489"


def _rules(report, prefix):
    return [f for f in report.findings if f.rule_id.startswith(prefix)]


def _dropped(report, prefix):
    return [f for f in report.context_dropped if f.rule_id.startswith(prefix)]


@pytest.mark.parametrize("platform, channel", [
    (None, "own"), ("", "own"), ("website", "own"), ("App-Store", "own"),
    ("douyin", "third-party"), (" Weibo ", "third-party"), ("小红书", "third-party"),
    ("some-new-platform", "third-party"),
])
def test_the_shipped_channels_class_each_platform(platform, channel):
    settings = ContextSettings.from_file(data_dir("rules") / "context.yaml")
    assert settings.channels.of(platform) == channel


@pytest.mark.parametrize("platform", [None, "website", "app-store"])
def test_an_official_contact_on_the_companys_own_channel_is_not_diverting(default_guard, platform):
    report = default_guard.check(contentguard.Document(body=OFFICIAL, platform=platform))
    assert not _rules(report, "platform/outside-contact")
    (dropped,) = _dropped(report, "platform/outside-contact")
    assert OFFICIAL[dropped.start:dropped.end] == dropped.text
    assert dropped.context.label == "official-contact"
    assert "channel: own" in dropped.context.reason and "站外导流" in dropped.context.reason


@pytest.mark.parametrize("platform", ["douyin", "xiaohongshu", "kuaishou", "weibo", "unknown-app"])
def test_the_same_contact_on_a_third_party_platform_stays_a_finding(default_guard, platform):
    report = default_guard.check(contentguard.Document(body=OFFICIAL, platform=platform))
    (finding,) = _rules(report, "platform/outside-contact")
    assert finding.text == "QQ群470194515"
    assert "official-contact" not in finding.context.cues


def test_the_publics_voice_never_gets_the_official_exemption(default_guard):
    report = default_guard.check(contentguard.Document(body=OFFICIAL, kind="comment", platform="website"))
    assert _rules(report, "platform/outside-contact")


@pytest.mark.parametrize("text", [
    "如有问题请加我私人微信 abc12345 领取资料",      # a person's handle with a reward
    "QQ群号：123456789，进群领福利",                 # no official word: a lure
])
def test_a_private_contact_or_a_lure_is_not_official_anywhere(default_guard, text):
    report = default_guard.check(contentguard.Document(body=text, platform="website"))
    assert _rules(report, "platform/outside-contact")


def test_a_published_service_contact_is_not_personal_data_but_a_persons_is(default_guard):
    company = default_guard.check("联系我们QQ客服594620696，邮箱postmaster@akuan.tech")
    assert not _rules(company, "privacy/")
    assert [f.context.label for f in _dropped(company, "privacy/qq-number")] == ["official-contact"]
    person = default_guard.check("有问题加我QQ 345678912")
    assert _rules(person, "privacy/qq-number")
    comment = default_guard.check(contentguard.Document(body="意见反馈加我QQ 3204761645", kind="comment"))
    assert _rules(comment, "privacy/qq-number")


def test_a_company_may_judge_unnamed_platforms_as_third_party(tmp_path):
    text = (data_dir("rules") / "context.yaml").read_text(encoding="utf-8")
    assert "\n  unnamed: own\n" in text
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "context.yaml").write_text(text.replace("\n  unnamed: own\n", "\n  unnamed: third-party\n"),
                                        encoding="utf-8")
    settings = ContextSettings.from_file(rules / "context.yaml")
    assert settings.channels.of(None) == "third-party" and settings.channels.of("website") == "own"


def test_channel_settings_are_checked():
    with pytest.raises(ValueError, match="listed in both"):
        ChannelSettings(classes={"own": ("web",), "third-party": ("WEB",)})
    bad = {"channels": {"classes": {"own": ["web"]}},
           "families": [{"name": "x", "label": "l", "rules": ["a/*"],
                         "cues": [{"label": "c", "weight": -0.5, "pattern": "x", "channels": ["owned"]}]}]}
    with pytest.raises(ValueError, match="not channel classes"):
        ContextSettings.model_validate(bad)


def test_a_bad_channel_in_a_context_file_is_a_clear_error(tmp_path):
    path = tmp_path / "context.yaml"
    path.write_text("channels: {classes: {own: [web]}}\nfamilies:\n  - {name: x, label: l, rules: [a/*], cues: "
                    "[{label: c, weight: -0.5, pattern: x, channels: [owned]}]}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="context.yaml.*owned"):
        ContextSettings.from_file(path)


@pytest.mark.parametrize("title, label", [
    ("齐秦揭秘和王祖贤分手内幕：一直没有勇气结婚", "how-to"),
    ("李小冉再谈鄢颇遇袭案 适当时会公开内幕", "reported"),
    ("7月11日盘前必读：CPI高企抑制股指反弹", "rubric"),
    ("安全专家揭秘网游账号被盗四大途径", "how-to"),
    ("陈好是民间股神还是另有内幕", "question"),
    ("成年鳄鱼死在排污河边吓坏附近居民", "news-subject"),
])
def test_ordinary_and_news_titles_do_not_hook(default_guard, title, label):
    report = default_guard.check(contentguard.Document(title=title))
    assert not _rules(report, "clickbait/sensational-title")
    dropped = _dropped(report, "clickbait/sensational-title")
    assert dropped and all(label in f.context.cues for f in dropped)
    assert all(title[f.start:f.end] == f.text and "title-hook" in f.context.reason for f in dropped)


@pytest.mark.parametrize("title, word", [
    ("震惊！这种水果千万不能空腹吃", "震惊"),
    ("太可怕了！你家的冰箱可能正在养细菌", "太可怕了"),
    ("万万没想到，公司年会的奖品是这个", "万万没想到"),
    ("震惊：你每天用的牙刷竟是细菌窝", "震惊"),
])
def test_real_hooks_stay_with_their_reason(default_guard, title, word):
    (finding, *_) = [f for f in _rules(default_guard.check(contentguard.Document(title=title)),
                                       "clickbait/sensational-title") if f.text == word]
    assert title[finding.start:finding.end] == word
    assert finding.context.label == "hook" and finding.context.score >= 0.6


@pytest.mark.parametrize("title, prefix", [
    ("天治基金扶正最年轻总经理", "advertising/"),
    ("耳目一新：世界上最漂亮的十张纸币(组图)", "advertising/"),
    ("Twitter CEO否认曾与谷歌进行收购谈判", "confidentiality/"),
    ("英国空军机密文件失窃 包括高官吸毒召妓等信息", "confidentiality/"),
    ("张柏芝首度谈艳照 怒斥：有人不老实扮好人(图)", "sensitive/"),
    ("满文军担心孩子知道自己吸毒 老板宋柯帮忙打点", "sensitive/"),
    ("基地组织称袭击美驻阿情报机构是报复行动", "sensitive/"),
    ("胡锦涛称要规划上合组织成立10周年庆祝活动", "sensitive/"),
])
def test_a_news_title_reports_someone_else(default_guard, title, prefix):
    report = default_guard.check(contentguard.Document(title=title))
    assert not _rules(report, prefix), [(f.rule_id, f.text, f.context) for f in _rules(report, prefix)]
    assert _dropped(report, prefix)
    assert report.decision != "block"


@pytest.mark.parametrize("document, rule", [
    ({"title": "新品上市：最轻薄的办公本"}, "advertising/absolute-terms"),
    ({"body": "我们正在和阿里巴巴洽谈融资，估值50亿，别外传"}, "confidentiality/deal"),
    ({"body": "下个月要换总经理了，新来的据说是集团派下来的"}, "confidentiality/personnel-rumour"),
    # the news cues are the company's voice only: a commenter offering drugs is not reporting
    ({"body": "冰毒有货，老板私聊", "kind": "comment"}, "sensitive/drugs"),
])
def test_the_speakers_own_claims_and_leaks_stand(default_guard, document, rule):
    report = default_guard.check(contentguard.Document(**document))
    assert [f for f in report.findings if f.rule_id == rule]


# --- cvoice2 (#8): app descriptions and the press ---------------------------------------------------

@pytest.mark.parametrize("text, label", [
    ("段位从青铜一路升到最强王者", "name"),
    ("放款快，最快1小时到账", "bound"),
])
def test_a_game_rank_and_a_bound_on_a_figure_are_no_claims(default_guard, text, label):
    report = default_guard.check(text)
    assert not _rules(report, "advertising/")
    assert label in {f.context.label for f in _dropped(report, "advertising/")}


def test_a_superlative_without_a_figure_stays_a_claim(default_guard):
    report = default_guard.check("全国放款最快的贷款平台，最强的额度")
    assert _rules(report, "advertising/")


def test_a_word_for_a_disability_describing_someone_in_a_report_is_no_insult(default_guard):
    title = "智障青年坠楼身亡祖母被告上法庭(图)"
    report = default_guard.check(contentguard.Document(title=title, kind="news"))
    assert not _rules(report, "abuse/")
    (dropped,) = _dropped(report, "abuse/insult")
    assert title[dropped.start:dropped.end] == "智障" and dropped.context.label == "describes-disability"
    # called at someone, the same word is still an insult, in the press's voice too
    assert _rules(default_guard.check(contentguard.Document(title="你就是个智障", kind="news")), "abuse/insult")


@pytest.mark.parametrize("title", ["男子开网站组织并介绍同性卖淫", "台湾保钓者五月前往钓鱼岛宣示主权"])
def test_the_press_reports_vice_and_politics_without_promoting_them(default_guard, title):
    report = default_guard.check(contentguard.Document(title=title, kind="news"))
    assert not _rules(report, "sensitive/")
    assert _dropped(report, "sensitive/")


def test_the_press_offering_vice_is_still_a_finding(default_guard):
    report = default_guard.check(contentguard.Document(body="注册送彩金，百家乐真人荷官", kind="news"))
    assert {f.voice for f in _rules(report, "sensitive/")} == {"press"}


@pytest.mark.parametrize("text", ["修复漏洞官网www.flower.one花友qq群143321242",
                                  "网站http//www.juhuiy.cn/微信juhuiy QQ群197677250客服QQ263993271投诉建议"])
def test_a_group_listed_among_the_companys_official_channels_is_its_community(default_guard, text):
    own = default_guard.check(text)
    assert not _rules(own, "platform/outside-contact")
    assert "listed-with-official" in {c for f in _dropped(own, "platform/outside-contact") for c in f.context.cues}
    third = default_guard.check(contentguard.Document(body=text, platform="douyin"))
    assert _rules(third, "platform/outside-contact")


def test_a_listed_group_with_a_reward_stays_a_lure(default_guard):
    report = default_guard.check("邮箱liihong@neusoft.edu.cn QQ群389894940提出您宝贵的建议，更有好礼相送")
    assert _rules(report, "platform/outside-contact")
