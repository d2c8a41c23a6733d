"""Normalization keeps an exact way back: every finding's span indexes the original text."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contentguard
from contentguard.config.resources import data_dir
from contentguard.config.settings import RulesetSettings
from contentguard.engine.normalize import NormalizedText

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
# Spellings the obfuscation views and number styles find (tests/data/obfuscation/pack.yaml).
_obfuscated = st.sampled_from(["下3滥", "下叁滥", "⑤星红旗", "Ⅵ合彩", "狗+东西", "狗 ＋ 东西", "sha逼", "SHABI",
                               "du场", "du 场", "nmsl", "zui好用", "体育菠菜", "威信同号", "伞兵", "亻尔妈死了",
                               "ffffuuuucccckkk", "嘻嘻哈哈", "傻傻傻逼逼逼", "+", "＋", "①", "㈠", "❶", "零", "壹"])
_pieces = st.one_of(_cjk, _traditional, _noise, _ascii, _tricky, _terms, _obfuscated, st.text(max_size=3))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pieces, max_size=40).map("".join), st.text(max_size=20), st.booleans(),
       st.sampled_from(["post", "comment"]))
def test_every_span_indexes_the_original_text(body, title, collapse_repeats, kind):
    guard = _span_guard(collapse_repeats)
    report = guard.check(contentguard.Document(title=title or None, body=body, kind=kind))
    for finding in report.findings:
        source = title if finding.field == "title" else body
        assert 0 <= finding.start < finding.end <= len(source)
        assert source[finding.start:finding.end] == finding.text


_GUARD: dict[bool, contentguard.Guard] = {}
OBFUSCATION_PACK = Path(__file__).parent / "data" / "obfuscation" / "pack.yaml"


def _span_guard(collapse_repeats: bool = False) -> contentguard.Guard:
    """The demo pack and the obfuscation pack (every view), with repeats collapsed or not."""
    if collapse_repeats not in _GUARD:
        rules_dir = None
        if collapse_repeats:
            import shutil
            import tempfile

            rules_dir = Path(tempfile.mkdtemp(prefix="contentguard-repeats-")) / "rules"
            shutil.copytree(data_dir("rules"), rules_dir)
            manifest = rules_dir / "ruleset.yaml"
            manifest.write_text(manifest.read_text(encoding="utf-8").replace(
                "collapse_repeats: false", "collapse_repeats: true"), encoding="utf-8")
        _GUARD[collapse_repeats] = contentguard.load(packs=[DEMO_PACK, OBFUSCATION_PACK], rules_dir=rules_dir,
                                                     config={"sentiment": "off"})
    return _GUARD[collapse_repeats]


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
    from contentguard.engine.normalize import _FOLD_TABLE

    return _FOLD_TABLE


# ---- number styles, noise between CJK characters, repeats (issue #9) ---------------------------

def test_number_styles_fold_to_one_character_each_in_the_keyed_view_only():
    view = _norm("下叁滥 下③滥 ⑴㈠❶Ⅱ 零售 第一")
    assert view.compact == "下叁滥下3滥1一12零售第一"
    assert view.keyed == "下3滥下3滥11120售第1"
    assert "一" in view.folded and "零" in view.folded  # patterns and messages see the text as written
    assert len(view.keyed) == len(view.compact)  # one for one: keyed indexes compact


def test_symbols_between_cjk_characters_are_noise_and_elsewhere_keep_their_meaning():
    assert _norm("狗+东西").compact == "狗东西"
    assert _norm("冰 $ 毒，网＋赌").compact == "冰毒,网赌"
    for text in ("C++ 入门", "价格¥99", "增长50%以上", "+86 138", "https://a.cn/x+y", "想了解的+微"):
        kept = [c for c in text if c in "+%¥"]
        assert kept and [c for c in _norm(text).compact if c in "+%¥"] == kept, text


def test_collapsed_repeats_map_back_to_the_whole_run():
    settings = _NORMALIZATION.model_copy(update={"collapse_repeats": True})
    view = NormalizedText("ffffuuuucccckkk 嘻嘻哈哈", settings)
    assert view.keyed == "fuck嘻嘻哈哈"
    assert view.keyed_to_compact(0, 4) == (0, 15)
    assert view.keyed_to_compact(1, 2) == (4, 8)
    assert view.keyed_to_compact(4, 8) == (15, 19)


def _opencc_t2s_entries(folder):
    """Every (key, value) of the dictionaries OpenCC's t2s chains, dumped with OpenCC's own opencc_dict."""
    import json
    import subprocess
    from pathlib import Path

    import opencc

    clib = Path(opencc.__file__).parent / "clib"
    share = clib / "share" / "opencc"
    config = json.loads((share / "t2s.json").read_text(encoding="utf-8"))
    files = [config["normalization"][0]["dict"]["file"]]
    files += [d["file"] for d in config["conversion_chain"][0]["dict"]["dicts"]]
    entries = []
    for name in files:
        out = folder / f"{name}.txt"
        subprocess.run([str(clib / "bin" / "opencc_dict"), "-i", str(share / name), "-o", str(out),
                        "-f", "ocd2", "-t", "text"], check=True, env={"LD_LIBRARY_PATH": str(clib / "lib64")})
        for line in out.read_text(encoding="utf-8").splitlines():
            key, value = line.split("\t")[:2]
            entries.append((key, value.split(" ")[0]))  # OpenCC takes the first of several values
    return entries


def t2s_changing_chars(entries) -> set[str]:
    """The characters normalization looks for before it runs OpenCC: every key character whose value differs,
    and for a key phrase whose value differs and that holds none of them, its rarest character (by jieba's
    dictionary) — a text holding none of these contains no key that t2s would change."""
    import os
    from collections import Counter

    import jieba

    frequency: Counter[str] = Counter()
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as handle:
        for line in handle:
            word, count = line.split(" ")[:2]
            for ch in word:
                frequency[ch] += int(count)
    changing = [(key, value) for key, value in entries if value != key]
    chars = {key for key, _ in changing if len(key) == 1}
    for key, _ in changing:
        if len(key) > 1 and chars.isdisjoint(key):
            chars.add(min(key, key=lambda ch: (frequency[ch], ch)))
    return chars


def test_opencc_char_set_matches_installed_dictionaries(tmp_path):
    """The shipped set (lexicons/obfuscation/opencc_t2s_chars.txt) is the one the installed OpenCC gives, and
    skipping OpenCC for a text without those characters changes nothing: every key that t2s changes, inside
    a simplified sentence, comes out exactly as OpenCC converts it."""
    import opencc

    from contentguard.config.resources import data_dir
    from contentguard.engine.normalize import _T2S

    entries = _opencc_t2s_entries(tmp_path)
    shipped = (data_dir("lexicons") / "obfuscation" / "opencc_t2s_chars.txt").read_text(encoding="utf-8")
    assert frozenset("".join(line.strip() for line in shipped.splitlines() if not line.startswith("#"))) == \
        t2s_changing_chars(entries)
    converter = opencc.OpenCC("t2s")
    for key, _ in entries:
        text = f"我们说{key}了"
        assert _T2S.convert(text) == converter.convert(text), key
    assert _T2S.convert("这是简体中文，没有繁体字。") == "这是简体中文，没有繁体字。"
    assert _T2S.convert("這是繁體中文") == "这是繁体中文"


if __name__ == "__main__":  # regenerate the shipped set: python tests/test_normalize.py
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        chars = "".join(sorted(t2s_changing_chars(_opencc_t2s_entries(Path(folder)))))
    header = ("# The characters contentguard looks for before it runs OpenCC t2s: every character that t2s\n"
              "# changes, and for each phrase it changes that holds none of them, its rarest character (by\n"
              "# jieba's dictionary). From the dictionaries of OpenCC 1.4.2 (Apache-2.0:\n"
              "# CJK_Compatibility_Ideographs, TSPhrases, TSCharactersExt, TSCharacters). A text with none of\n"
              "# them is unchanged by t2s.\n"
              "# Made by `python tests/test_normalize.py`; tests/test_normalize.py checks it.\n")
    out = Path(__file__).resolve().parent.parent / "lexicons" / "obfuscation" / "opencc_t2s_chars.txt"
    out.write_text(header + "\n".join(chars[i:i + 80] for i in range(0, len(chars), 80)) + "\n", encoding="utf-8")


# Characters that folding changes (full width, compatibility forms, case, number styles of the table) among
# ones it keeps, in and out of combining contexts.
_FOLDING_MIX = "好的中文ａＡAbß①❶Ⅱ㎏ﬁ\u0301e\u1100\u1161。，！？%+ 𝐀😀"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_FOLDING_MIX, max_size=30) | st.text(max_size=30))
def test_the_fold_fast_path_gives_the_translation_of_every_character(text):
    from contentguard.engine.normalize import _FOLD_TABLE, _translate

    for table in (_NORMALIZATION.fold_table, _FOLD_TABLE):  # with the number styles' exceptions and without
        assert _translate(text, table) == text.translate(table)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="好的中文ab1 +%$¥，。·*😀\u200b\ue000-_~", max_size=30) | st.text(max_size=30))
def test_texts_the_noise_search_skips_have_no_noise(text):
    """The characters that can begin noise (normalize._noise_candidates) spare the noise pattern only texts it
    would find nothing in: the compact view is the one the pattern gives."""
    from contentguard.engine.normalize import _NOISE_CANDIDATES, _noise_candidates

    candidates = _noise_candidates(_NORMALIZATION)
    assert candidates is not None and _NOISE_CANDIDATES[(_NORMALIZATION.noise, _NORMALIZATION.noise_between_cjk)]
    normalized = _norm(text)
    assert normalized.compact == _NORMALIZATION.noise_regex.sub("", normalized.folded)
    if _NORMALIZATION.noise_regex.search(normalized.folded):
        assert candidates.search(normalized.folded) or max(normalized.folded) > "\uffff"
