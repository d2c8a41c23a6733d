"""Voice: who speaks decides which rules judge a document (engine/context.py, packs' ``voices``)."""

from __future__ import annotations

import pytest

import contentguard
from contentguard.errors import PackError
from contentguard.packs import load_pack_source

REVIEW = "这是当地最好的酒店，全网最低价"


def _ids(report: contentguard.Report) -> set[str]:
    return {f.rule_id for f in report.findings}


def test_a_plain_string_is_a_company_post_and_its_absolute_terms_are_claims(default_guard):
    report = default_guard.check(REVIEW)
    assert report.voice == "company"
    assert "advertising/absolute-terms" in _ids(report)
    assert {f.voice for f in report.findings} == {"company"}


@pytest.mark.parametrize("kind", ["review", "comment", "mention"])
def test_the_public_voice_gets_no_advertising_finding(default_guard, kind):
    report = default_guard.check(contentguard.Document(body=REVIEW, kind=kind))
    assert report.voice == "public"
    assert not any(f.category.startswith("exaggeration") for f in report.findings), report.findings


@pytest.mark.parametrize("kind", ["reply", "staff_post"])
def test_the_accounts_replies_and_staff_posts_speak_for_the_company(default_guard, kind):
    report = default_guard.check(contentguard.Document(body=REVIEW, kind=kind))
    assert report.voice == "company"
    assert "advertising/absolute-terms" in _ids(report)


def test_a_given_voice_overrides_the_kind(default_guard):
    report = default_guard.check(contentguard.Document(body=REVIEW, kind="post", voice="public"))
    assert not any(f.category.startswith("exaggeration") for f in report.findings)


def test_an_advert_in_the_comments_answers_to_the_advertising_law(default_guard):
    # spam makes the comment an advertisement; its author is an advertiser
    report = default_guard.check(contentguard.Document(body="全网最低价大牌护肤品，正品保证，看我主页", kind="comment"))
    categories = {f.category.split(".")[0] for f in report.findings}
    assert {"spam", "exaggeration"} <= categories
    assert {f.voice for f in report.findings} == {"public"}


def test_public_voice_is_still_moderated(default_guard):
    report = default_guard.check(contentguard.Document(body="傻逼客服，身份证号110101199003074514", kind="review"))
    assert {"abuse", "privacy"} <= report.categories()


def test_clickbait_and_quality_judge_only_the_company(default_guard):
    title = contentguard.Document(title="震惊！所有人都要注意了", body="[待补充]", kind="post")
    assert {"clickbait", "quality"} <= default_guard.check(title).categories()
    public = title.model_copy(update={"kind": "mention"})
    assert not {"clickbait", "quality"} & default_guard.check(public).categories()


PACK = """
pack: voiced
voices: [public]
rules:
  - id: voiced/default
    kind: lexicon
    category: demo
    severity: 2
    message: "{match}"
    terms: [甲乙丙]
  - id: voiced/own
    kind: lexicon
    category: demo
    severity: 2
    message: "{match}"
    terms: [丁戊己]
    voices: [company]
"""


def test_rules_take_the_packs_voices_unless_they_name_their_own():
    (pack,) = load_pack_source(PACK)
    assert {rule.id: rule.voices for rule in pack.rules} == {"voiced/default": ("public",),
                                                           "voiced/own": ("company",)}
    guard = contentguard.load(packs=[PACK])
    assert _ids(guard.check("甲乙丙丁戊己")) == {"voiced/own"}
    assert _ids(guard.check({"body": "甲乙丙丁戊己", "kind": "comment"})) == {"voiced/default"}


def test_a_pack_without_voices_judges_every_voice():
    guard = contentguard.load(packs=[PACK.replace("voices: [public]\n", "").replace("    voices: [company]\n", "")])
    assert _ids(guard.check("甲乙丙")) == _ids(guard.check({"body": "甲乙丙", "kind": "review"})) == {"voiced/default"}
    assert _ids(guard.check({"body": "甲乙丙", "kind": "news"})) == {"voiced/default"}


def test_an_unknown_or_empty_voice_is_a_clear_pack_error():
    with pytest.raises(PackError, match=r"voiced/own.*voices"):
        load_pack_source(PACK.replace("voices: [company]", "voices: [customer]"))
    with pytest.raises(PackError, match=r"voiced/own.*voices.*at least one voice"):
        load_pack_source(PACK.replace("voices: [company]", "voices: []"))


def test_every_shipped_rule_names_its_voices_and_advertising_never_judges_the_public(default_guard):
    for compiled in default_guard.rules:
        assert compiled.rule.voices, compiled.rule.id
        if compiled.rule.category.startswith("exaggeration"):
            assert "public" not in compiled.rule.voices, compiled.rule.id


NEWS_TITLES = ["东部第一的猛龙客场告负", "沪指创年内最大跌幅", "最具性价比单反相机售6290元"]


@pytest.mark.parametrize("title", NEWS_TITLES)
def test_a_news_outlets_own_title_is_the_press_and_no_advertiser(default_guard, title):
    news = default_guard.check(contentguard.Document(title=title, kind="news"))
    assert news.voice == "press"
    assert not any(f.category.startswith("exaggeration") for f in news.findings), news.findings


def test_the_same_price_title_from_a_seller_stays_an_advertising_claim(default_guard):
    seller = default_guard.check(contentguard.Document(title="全网最低价单反相机售6290元", kind="post"))
    assert seller.voice == "company"
    assert any(f.category.startswith("exaggeration") for f in seller.findings), seller.findings
    news = default_guard.check(contentguard.Document(title="全网最低价单反相机售6290元", kind="news"))
    assert not any(f.category.startswith("exaggeration") for f in news.findings)


def test_the_press_still_answers_for_clickbait_and_prohibited_content(default_guard):
    report = default_guard.check(contentguard.Document(title="震惊！所有人都要注意了", body="[待补充]", kind="news"))
    assert {"clickbait", "quality"} <= report.categories()
    assert {f.voice for f in report.findings} == {"press"}
    personal = default_guard.check(contentguard.Document(body="身份证号110101199003074514", kind="news"))
    assert "privacy" in personal.categories()


def test_the_press_reporting_another_companys_pay_or_deal_is_no_leak(default_guard):
    for title in ("Nvidia裁员360人盘后股价跌8%", "帝亚吉欧洽谈收购金快活龙舌兰酒"):
        news = default_guard.check(contentguard.Document(title=title, kind="news"))
        assert "confidentiality" not in news.categories(), title
    staff = default_guard.check(contentguard.Document(body="我们公司下个月要裁员360人，先别外传", kind="staff_post"))
    assert "confidentiality" in staff.categories()


def test_every_shipped_rule_that_judges_the_press_is_no_advertising_rule(default_guard):
    assert any("press" in c.rule.voices for c in default_guard.rules)
    for compiled in default_guard.rules:
        if compiled.rule.category.startswith("exaggeration"):
            assert "press" not in compiled.rule.voices, compiled.rule.id
