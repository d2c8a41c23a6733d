"""What the words do: the context stage decides claim / promote / threaten / insult vs only-occurs."""

from __future__ import annotations

import pickle

import pytest

import contentguard
from contentguard.config.resources import data_dir
from contentguard.engine.context import ContextSettings, ContextStage
from contentguard.errors import ConfigError
from contentguard.packs import load_pack_source


def _found(guard, text, prefix=""):
    report = guard.check(text)
    return [f for f in report.findings if f.rule_id.startswith(prefix)], report


@pytest.mark.parametrize("text, label", [
    ("韭菜用什么肥料长得最好？", "question"),
    ("德阳市第一幼儿园举行开学典礼", "name"),
    ("建议开封后最好冷藏保存，你最好先试穿", None),
    ("这件风衣最大的好处在于短款且收腰的设计", "self-comparison"),
    ("12月50ETF遭遇年度最大赎回", None),
    ("这不是最好的时代，但我们在努力", None),
    ("采用100%纯棉面料，柔软透气", "composition"),
    ("任何宣称“根治”“永不复发”的牙周治疗广告都不可信", None),
])
def test_words_that_only_occur_are_not_claims(default_guard, text, label):
    findings, report = _found(default_guard, text, "advertising/")
    assert findings == [], findings
    if label is not None:
        assert label in {f.context.label for f in report.context_dropped}


@pytest.mark.parametrize("text, word", [
    ("这款连衣裙是今夏最美的单品", "最"),
    ("最吸睛的撞色设计，上身超显瘦", "最"),
    ("这款面霜最适合干皮的你", "最"),
    ("展示了最具个性时尚的风格魅力", "最"),
    ("经典百搭的卫衣绝对是秋季首选", "绝对"),
    ("垂感极佳的麻纱面料，上身显瘦", "极佳"),
    ("我们是全国第一家通过认证的门店", "全国第一家"),
    ("全网最低价，错过等一年", "全网最低"),
])
def test_claims_stand_with_their_exact_span_and_context(default_guard, text, word):
    findings, _ = _found(default_guard, text, "advertising/")
    assert word in {f.text for f in findings}
    for finding in findings:
        assert text[finding.start:finding.end] == finding.text
        assert finding.context is not None and finding.context.label == "claim"
        assert finding.context.reason and 0.0 <= finding.context.score <= 1.0


def test_a_dropped_hit_is_kept_countable_with_its_reason(default_guard):
    text = "德阳市第一幼儿园举行开学典礼"
    report = default_guard.check(text)
    (dropped,) = [f for f in report.context_dropped if f.rule_id == "advertising/absolute-terms"]
    assert dropped.text == text[dropped.start:dropped.end] == "第一"
    assert dropped.context.label == "name" and "name" in dropped.context.cues
    assert dropped.context.confidence_before == 1.0 and "→" in dropped.context.reason
    assert report.decision == "pass"
    again = contentguard.Report.model_validate_json(report.model_dump_json())
    assert again.context_dropped == report.context_dropped


def test_a_weak_context_lowers_the_likelihood_not_the_span():
    pack = {"pack": "demo", "rules": [{"id": "demo/word", "kind": "lexicon", "category": "demo", "severity": 3,
                                       "message": "{match}", "terms": ["甲乙"]}]}
    settings = ContextSettings.model_validate({"families": [{
        "name": "demo", "label": "claim", "rules": ["demo/*"], "prior": 0.5, "drop_below": 0.3, "review_below": 0.6,
        "cues": [{"label": "asked", "where": "sentence", "pattern": "[?？]", "weight": -0.3}]}]})
    (loaded,) = load_pack_source(pack)
    stage = ContextStage([loaded], settings)
    guard = contentguard.load(packs=[pack])
    document = contentguard.Document(body="甲乙很好")
    found = guard.check(document).findings
    kept, dropped = stage.decide(document, found)
    (finding,) = kept
    assert finding.text == "甲乙" and finding.context.score == 0.5 and finding.confidence == 0.5
    document = contentguard.Document(body="甲乙很好吗？")
    kept, dropped = stage.decide(document, guard.check(document).findings)
    assert kept == [] and dropped[0].context.label == "asked" and dropped[0].context.score == 0.2


@pytest.mark.parametrize("text", [
    "我要炸了，今天的作业写不完",
    "哈哈哈怕是要打死你了233333",
    "特别讨厌别人说河南人偷井盖之类的",
    "你骂别人傻帽？就事论事不行么",
    "新生儿窒息过久面临脑瘫，医生全力施救",
    "我是弱智吧、吃货吧的老用户",
    "莫少聪交代吸毒事件，四度鞠躬",
    "这块猪肉真想掐死你",
])
def test_hyperbole_quotes_rebuttals_and_reports_are_not_abuse_or_promotion(default_guard, text):
    report = default_guard.check(contentguard.Document(body=text, kind="comment"))
    assert not any(f.category.split(".")[0] in ("abuse", "sensitive") for f in report.findings), report.findings


@pytest.mark.parametrize("text, category", [
    ("再这样我砍死你", "abuse"),
    ("这家店再不退款，我明天就带汽油去把他们门店烧了，你等着", None),
    ("你个傻逼，滚", "abuse"),
    ("出售冰毒，加我微信私聊价格", "sensitive"),
])
def test_real_threats_insults_and_offers_stand(default_guard, text, category):
    report = default_guard.check(contentguard.Document(body=text, kind="comment"))
    if category:
        assert category in report.categories()
    assert all(f.context is None or f.context.score >= 0.4 for f in report.findings)


def test_the_shipped_context_settings_load_and_every_family_names_rules(default_guard):
    settings = ContextSettings.from_file(data_dir("rules") / "context.yaml")
    ids = [c.rule.id for c in default_guard.rules]
    import fnmatch
    for family in settings.families:
        assert any(fnmatch.fnmatch(rid, glob) for glob in family.rules for rid in ids), family.name


def test_a_bad_context_file_is_a_clear_error(tmp_path):
    path = tmp_path / "context.yaml"
    path.write_text("families:\n  - {name: x, label: claim, rules: [a/*], cues: [{label: c, weight: 2, pattern: x}]}\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=r"context.yaml.*families.0.cues.0.weight"):
        ContextSettings.from_file(path)
    bad = "families:\n  - {name: x, label: claim, rules: [a/*], cues: [{label: c, weight: 1, pattern: '('}]}\n"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid regex"):
        ContextSettings.from_file(path)


def test_the_guard_with_its_context_stage_pickles(default_guard):
    clone = pickle.loads(pickle.dumps(default_guard))
    text = "德阳市第一幼儿园举行开学典礼，这款连衣裙是今夏最美的单品"
    assert clone.check(text) == default_guard.check(text)


def _demo_stage(family: dict):
    pack = {"pack": "demo", "rules": [{"id": "demo/word", "kind": "lexicon", "category": "demo", "severity": 3,
                                       "message": "{match}", "terms": ["甲乙"]}]}
    settings = ContextSettings.model_validate({"families": [{
        "name": "demo", "label": "promote", "rules": ["demo/*"], "drop_below": 0.4, "review_below": 0.6, **family}]})
    (loaded,) = load_pack_source(pack)
    return ContextStage([loaded], settings), contentguard.load(packs=[pack])


def test_a_family_prior_may_differ_by_voice_and_a_cue_may_judge_one_voice():
    stage, guard = _demo_stage({"prior": 0.7, "priors": {"public": 0.3}, "cues": [
        {"label": "offer", "where": "sentence", "pattern": "私聊", "weight": 0.3},
        {"label": "against", "where": "sentence", "pattern": "反对", "weight": -0.5, "voices": ["public"]}]})

    def decide(body, kind):
        document = contentguard.Document(body=body, kind=kind)
        return stage.decide(document, guard.check(document).findings)

    kept, dropped = decide("甲乙很好", "post")
    assert kept[0].context.score == 0.7 and dropped == []
    kept, dropped = decide("甲乙很好", "comment")
    assert kept == [] and dropped[0].context.label == "mentions" and dropped[0].context.score == 0.3
    assert "public voice" in dropped[0].context.reason
    kept, _ = decide("甲乙，私聊", "comment")
    assert kept[0].context.score == 0.6 and kept[0].text == "甲乙"
    kept, _ = decide("反对甲乙", "post")  # the cue judges only the public's voice
    assert kept[0].context.score == 0.7
    _, dropped = decide("反对甲乙", "review")
    assert dropped[0].context.label == "against"


def test_around_and_preceding_cues_read_across_punctuation():
    stage, guard = _demo_stage({"prior": 0.7, "cues": [
        {"label": "aimed", "where": "around", "pattern": "你", "weight": 0.2},
        {"label": "sentence-only", "where": "sentence", "pattern": "你", "weight": 0.1}]})
    document = contentguard.Document(body="甲乙！你想怎样", kind="comment")
    (finding,), _ = stage.decide(document, guard.check(document).findings)
    assert finding.context.cues == ("aimed",) and finding.context.score == 0.9
    stage, guard = _demo_stage({"prior": 0.7, "cues": [
        {"label": "title", "where": "preceding", "pattern": "\\{%[^%]*$", "weight": -0.5},
        {"label": "clause-only", "where": "before", "pattern": "\\{%", "weight": -0.1}]})
    document = contentguard.Document(body="{%“儿媳妇，甲乙！”%}", kind="mention")
    _, (dropped,) = stage.decide(document, guard.check(document).findings)
    assert dropped.context.cues == ("title",) and dropped.context.score == 0.2


def test_a_bad_voice_prior_is_a_clear_error(tmp_path):
    path = tmp_path / "context.yaml"
    path.write_text("families:\n  - {name: x, label: claim, rules: [a/*], priors: {public: 1.5}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"context.yaml.*families.0.priors"):
        ContextSettings.from_file(path)


@pytest.mark.parametrize("text, kind", [
    ("婚姻就是一场赌博，赌他会不会一直对你好，祝我们永远幸福！", "mention"),
    ("在港澳码头就能看到很大的金龙酒店/娱乐城的标志，服务很好", "review"),
    ("中共中央总书记、国家主席习近平来到紧邻三峡大坝的宜昌市", "mention"),
    ("一些艺人确实很恶心，来大陆圈钱，还有人说她台独", "comment"),
    ("有些事情我们一生是绝对不能碰的，如毒品、传销等", "mention"),
    ("mlgb又延误了，假期最后一晚在凄风苦雨的等航班", "mention"),
    ("草泥马 网恋被人抢了对象", "mention"),
    ("什么狗屁质量，打开就坏了", "review"),
    ("减肥什么的……都去死吧", "mention"),
    ("放歌的那个小哥，你出来下，我保证不打死你", "mention"),
])
def test_the_public_naming_a_topic_or_venting_is_no_finding(default_guard, text, kind):
    report = default_guard.check(contentguard.Document(body=text, kind=kind))
    assert not any(f.category.split(".")[0] in ("abuse", "sensitive") for f in report.findings), report.findings


@pytest.mark.parametrize("text, category", [
    ("麻古和摇头丸哪里能买？有没有靠谱渠道，急！", "sensitive"),
    ("这里有du场，jia v详聊", "sensitive"),
    ("台湾独立万岁，不认这个政权", "sensitive"),
    ("主内平安！末日审判快到了，赶紧悔改信主，链接私信我", "sensitive"),
    ("CNM！你想恶心死老纸啊", "abuse"),
    ("送餐的是个SB，吃的全都撒出来了", "abuse"),
    ("cnm，等了三个月的货还没到", "abuse"),
])
def test_promotion_agitation_and_aimed_abuse_by_the_public_stand(default_guard, text, category):
    report = default_guard.check(contentguard.Document(body=text, kind="comment"))
    assert category in report.categories(), report.findings


# #11 round 3 (aimed): fruit's looks, goods, "bullshit!", a quotation, a named hot search, a saying, a book's
# character: the public's insulting word aimed at no one leaves the findings, with the cue that says why.
@pytest.mark.parametrize("text, kind, label", [
    ("苹果不是一般的差，长得丑，还很干没水分", "review", "produce"),
    ("店里卖的就是狗屎", "review", "thing"),
    ("狗屁，为啥多收了我50块。", "review", "thing"),
    ("哈哈哈 “拿着红包滚远点，莫挨老子”", "mention", "quoted"),
    ("当年浙江滚出中国这个热搜我永远记得", "mention", "quoted"),
    ("请记住，总说对不起的都是人渣", "mention", "saying"),
    ("韦公元这个人物，他是个得道的土鳖，是个农民企业家", "review", "fiction"),
    ("这颜色也特么是狗屎，买黑色的送条灰色的", "review", "thing"),
    ("下楼时一不小心踩到狗屎了", "review", "literal"),
    ("希望大家过个好年，让肺炎君滚蛋", "mention", "thing"),
    ("当时我失恋导致脑残，异地恋太难", "mention", "self"),
    ("人生在世，遇到几个人渣都是难免的", "review", "saying"),
    ("//@二逼瓦西里:转发支持。", "mention", "handle"),
    ("她未来公公在今早突然暴毙了", "mention", "literal"),
    ("洗了头皮痒死全家都说我怎么网上买东西", "review", "split"),
    ("再喝这牌子的奶纯傻逼", "review", "self"),
    ("无按键太傻逼", "review", "thing"),
    ("太他 妈的瘦了 懒得退", "review", "intensifier"),     # hit_noise: 他 妈的 is 他妈的 to the cues
    ("真他、妈、的坑，和网上差别太大", "mention", "intensifier"),
])
def test_public_insults_aimed_at_no_one_are_dropped_with_their_reason(default_guard, text, kind, label):
    report = default_guard.check(contentguard.Document(body=text, kind=kind))
    assert not any(f.category.split(".")[0] == "abuse" for f in report.findings), report.findings
    dropped = [f for f in report.context_dropped if f.category.split(".")[0] == "abuse"]
    assert dropped and all(label in f.context.cues for f in dropped), [(f.text, f.context) for f in dropped]


@pytest.mark.parametrize("text", [
    "世界上怎么会有这种傻逼",          # a saying's words, but pointed at someone (这种)
    "京东卖东西的都是傻逼",            # the sellers, not the goods
    "长得丑的客服还敢骂人",            # looks of a person, no fruit
    "狗屁客服，问什么都不回",          # 狗屁 before a person
    "这衣服的卖家就是狗屎",            # the seller, not the goods
    "你的病毒快滚回去吧傻逼",          # said to the reader
    "你这个脑残的家伙",                # a person called so
    "谁再买这牌子谁是傻逼",            # whoever buys it: aimed at others, not a vow
    "骗人的商家死全家",                # a curse on the seller
    "你个傻 逼",                       # an obfuscated insult at the reader
])
def test_public_insults_aimed_at_someone_stand_next_to_those_cues(default_guard, text):
    report = default_guard.check(contentguard.Document(body=text, kind="review"))
    assert "abuse" in report.categories(), (report.findings, report.context_dropped)


def test_hit_noise_is_a_regex_checked_when_the_settings_load(tmp_path):
    path = tmp_path / "context.yaml"
    path.write_text("families:\n  - {name: x, label: insult, rules: [a/*], hit_noise: '[unclosed'}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"context.yaml.*families.0.hit_noise"):
        ContextSettings.from_file(path)
