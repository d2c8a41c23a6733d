"""Normalization keeps an exact way back: every finding's span indexes the original text."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contentguard
from contentguard.normalize import NormalizedText
from contentguard.resources import data_dir
from contentguard.settings import RulesetSettings

DEMO_PACK = Path(__file__).parent / "data" / "demo_pack.yaml"
_NORMALIZATION = RulesetSettings.from_file(data_dir("rules") / "ruleset.yaml").normalization


def _norm(text: str) -> NormalizedText:
    return NormalizedText(text, _NORMALIZATION)


def test_folding_covers_traditional_full_width_and_case():
    view = _norm("國家級 ＶＸ １００％ 賭博")
    assert view.folded == "国家级 vx 100% 赌博"
    assert view.compact == "国家级vx100%赌博"


def test_noise_inside_terms_is_removed_but_hard_breaks_stay():
    view = _norm("微*信 最.好 毛---主---席 微\u200b信😀号，第一\n行")
    assert view.compact == "微信最好毛主席微信号,第一\n行"


def test_expanding_characters_keep_exact_maps():
    text = "ß㎏最好"
    view = _norm(text)
    assert view.folded == "sskg最好"
    start = view.folded.index("最好")
    assert view.folded_to_original(start, start + 2) == (2, 4)
    assert view.folded_to_original(0, 2) == (0, 1)  # both s come from ß


def test_clause_and_sentence_bounds():
    view = _norm("第一句话。第二句，话！第三")
    start = view.folded.index("二")
    assert view.clause_bounds(start, start + 1) == (5, 8)
    assert view.sentence_bounds(start, start + 1) == (5, 10)


_cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
_traditional = st.sampled_from(list("國家級賭博發財網絡極品頂級優質廣告"))
_noise = st.sampled_from(list(" *._-@#~\u200b\u200d\ufe0f😀🔥！，。\n<>/") + ["---"])
_ascii = st.sampled_from(list(string.ascii_letters + string.digits + "%"))
_tricky = st.sampled_from(["ß", "㎏", "①", "ﬁ", "Ⅻ", "½", "İ", "ＶＸ", "１００％", "\u0301", "\ud7ff", "\U0002a6a5"])
_terms = st.sampled_from(["赌博", "賭 博", "微*信", "最.好", "第一", "我的世界", "av", "69", "傻@逼", "黄片",
                          "毛---主---席", "内部数据显示毛利率38%", "13812345678", "11010519491231002X"])
_pieces = st.one_of(_cjk, _traditional, _noise, _ascii, _tricky, _terms, st.text(max_size=3))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pieces, max_size=40).map("".join), st.text(max_size=20))
def test_every_span_indexes_the_original_text(body, title):
    guard = _span_guard()
    report = guard.check(contentguard.Document(title=title or None, body=body))
    for finding in report.findings:
        source = title if finding.field == "title" else body
        assert 0 <= finding.start < finding.end <= len(source)
        assert source[finding.start:finding.end] == finding.text


_GUARD: list[contentguard.Guard] = []


def _span_guard() -> contentguard.Guard:
    if not _GUARD:
        _GUARD.append(contentguard.load(packs=[DEMO_PACK]))
    return _GUARD[0]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_random_unicode_never_breaks_spans(text):
    report = _span_guard().check(text)
    for finding in report.findings:
        assert text[finding.start:finding.end] == finding.text


def test_long_text_with_expansions_maps_every_character_like_the_per_character_reference():
    import random

    rng = random.Random(5)
    alphabet = list("最好赌博国家级網絡测试abcXYZ 123，。") + ["ß", "㎏", "①", "ﬁ", "…", "＄"]
    text = "".join(rng.choice(alphabet) for _ in range(7000))
    view = _norm(text)
    # Reference: fold each character alone and note where each output character came from.
    origins = [i for i, ch in enumerate(text) for _ in ch.translate(_fold_table())]
    assert len(view.folded) == len(origins)
    for i in range(0, len(origins), 7):
        assert view.folded_to_original(i, i + 1) == (origins[i], origins[i] + 1)
    assert view.folded_to_original(0, len(view.folded)) == (0, len(text))


def _fold_table():
    from contentguard.normalize import _FOLD_TABLE

    return _FOLD_TABLE
