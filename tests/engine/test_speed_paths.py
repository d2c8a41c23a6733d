"""The fast paths of issue #13 give the results of the slow ones: pattern gates, the compile cache, the
shared jieba dictionary, patterns compiled on first use."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import jieba
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import contentguard
from contentguard.engine.lazyregex import BranchSubsets, LazyPattern, top_level_branches
from contentguard.engine.literals import (
    branch_literal_sets,
    minimum_length,
    repeat_gate,
    required_literal_sets,
    required_literals,
    untimed_length,
)
from contentguard.engine.match import _repeats
from contentguard.engine.tokenize import WordSegmenter, shared_tokenizer

SRC = Path(__file__).resolve().parents[2] / "src"
FLOODING = r"((\w)((?!\2)\w)((?!\2|\3)\w)\w{1,27}?[,.!?;:。，！？；：]*)\1{2,}"


def test_pattern_analysis_gives_lengths_repeats_and_class_gates():
    assert minimum_length(FLOODING) == 12
    assert repeat_gate(FLOODING) == (4, 3)
    assert repeat_gate(r"((?![哈嘿])\w)\1{14,}") == (1, 15)
    assert repeat_gate(r"最(?=\p{Han})") is None
    assert minimum_length(r"\{\{[^{}\n]{0,30}\}\}") == 4
    # A class too large to multiply into strings still gates the pattern, one character at a time.
    provinces = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
    assert required_literals(f"[{provinces}]\\d{{5}}") == frozenset(provinces)
    # A small Unicode property is written out (an emoji wall needs an emoji); a large one (Han) gates nothing.
    emoji = required_literals(r"(?:\p{Extended_Pictographic}[\ufe0f\p{Emoji_Modifier}\s]*){15,}")
    assert emoji is not None and "😀" in emoji and "a" not in emoji
    assert required_literals(r"\p{Han}+") is None
    assert required_literals(r"\[\p{Han}+\]") == frozenset("[")  # an escaped bracket opens no class
    # Syntax only the regex module knows: no claim.
    assert minimum_length(r"\m\w+\M") == 0 and repeat_gate(r"\m(\w)\1+\M") is None


def test_a_pattern_is_gated_on_each_part_it_needs():
    # Both ends of a pattern are required: the text must hold one string of each set, the most selective first.
    sets = required_literal_sets(r"(?:同事|客服)[^。]{0,16}?(?:住院|确诊|癌)")
    assert sets == (frozenset({"同事", "客服"}), frozenset({"住院", "确诊", "癌"}))
    assert required_literals(r"(?:同事|客服)[^。]{0,16}?(?:住院|确诊|癌)") == frozenset({"同事", "客服"})
    # A set that a chosen one implies adds nothing (each of abc, abd holds ab); what is optional is no gate.
    # (\d+ needs a digit: the least selective set, last.)
    sets = required_literal_sets(r"(?:abc|abd)\d+ab\d+yz(?:uv)?")
    assert sets[:2] == (frozenset({"abc", "abd"}), frozenset({"yz"})) and len(sets) == 3 and "7" in sets[2]
    assert required_literal_sets(r"\p{Han}+") == ()


def test_an_alternation_is_gated_branch_by_branch():
    # Each branch needs its own strings: a text with 悄悄 but neither 跟 nor 告诉, and no 暂不, cannot match.
    assert branch_literal_sets(r"(?:悄悄|偷偷)(?:跟|告诉)|暂不(?:公开|公布)") == (
        (frozenset({"悄悄", "偷偷"}), frozenset({"跟", "告诉"})), (frozenset({"暂不公开", "暂不公布"}),))
    assert branch_literal_sets(r"(?:悄悄|偷偷)跟") == ()  # no alternation as a whole
    assert branch_literal_sets(r"\p{Han}+|暂不") == ()  # a branch without a literal may match anywhere
    # \d needs one of the digits the regex module's \d matches (Unicode Nd, not only 0-9): a character gate.
    digits = required_literals(r"\d{3,5}")
    assert digits is not None and {"0", "9", "٣", "३", "𝟘"} <= digits and "a" not in digits and "一" not in digits
    assert all(regex.fullmatch(r"\d", digit) for digit in digits)
    first, second = branch_literal_sets(r"\d+万|暂不")
    assert first == (frozenset("万"), digits) and second == (frozenset({"暂不"}),)


TWO_PART = r"(?:同事|客服|不)[^。]{0,4}?(?:住院|癌|1)"
BRANCHES = r"(?:同事|客服)[^。]{0,2}?住院|不[^。]?(?:好|癌)|1了"
_TWO_PART_GUARD: list = []


def _two_part_guard() -> contentguard.Guard:
    if not _TWO_PART_GUARD:
        _TWO_PART_GUARD.append(contentguard.load(packs=[{"pack": "gates", "version": "1", "rules": [{
            "id": "gates/two-part", "kind": "pattern", "category": "privacy", "severity": 2, "message": "m",
            "patterns": [TWO_PART]}, {
            "id": "gates/branches", "kind": "pattern", "category": "privacy", "severity": 2, "message": "m",
            "patterns": [BRANCHES]}]}]))
    return _TWO_PART_GUARD[0]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="同事客服住院癌不1了好。", max_size=30))
def test_patterns_gated_on_several_parts_find_every_match(text):
    # Gates on both required parts, one of them mixing single characters (不, 1: a class search) with words
    # (同事, 住院: the automaton), and gates branch by branch never skip a text the pattern matches.
    findings = _two_part_guard().check(text).findings
    for rule_id, pattern in (("gates/two-part", TWO_PART), ("gates/branches", BRANCHES)):
        found = [(f.start, f.end) for f in findings if f.rule_id == rule_id]
        # (a hit that stops inside a number reports the whole number: 不1 of 不11 is 不11)
        expected = [(m.start(), regex.match(r"\d*", text[m.end():]).end() + m.end()
                     if m.group().endswith("1") else m.end()) for m in regex.finditer(pattern, text)]
        assert found == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="好差的啊，。ab1", max_size=80))
def test_repeat_gate_never_skips_a_text_the_pattern_matches(text):
    pattern = regex.compile(FLOODING, regex.IGNORECASE)
    width, times = repeat_gate(FLOODING)
    if pattern.search(text):
        assert len(text) >= minimum_length(FLOODING)
        assert _repeats(text, width, times)


def test_patterns_behind_the_new_gates_still_report():
    guard = contentguard.load()
    cases = {
        "spam/flooding": {"body": "好物推荐好物推荐好物推荐好物推荐", "kind": "comment"},  # the repeat gate
        "privacy/plate-number": {"body": "粤B·D12345 违停在门口"},  # a class of 24 letters
        "platform/outside-contact-symbol": {"body": "想了解的➕V详聊"},  # a noise character
        "spam/emoji-wall": {"body": "好" + "😀🎉🔥" * 6, "kind": "comment"},  # a written-out property
    }
    for rule_id, document in cases.items():
        assert rule_id in [f.rule_id for f in guard.check(document).findings]
    assert guard.check({"body": "好物推荐，好物真的值得推荐", "kind": "comment"}).findings == ()


def test_untimed_length_bounds_the_worst_case_and_keeps_the_limit_where_it_can_fire():
    # A pattern of bounded parts searches a 600-character post without a time limit ...
    assert untimed_length(r"(?:分享|转发)[^，。！？]{0,8}(?:好友|群)") >= 600
    assert untimed_length(r"\d{11}") >= 10_000
    # ... one that backtracks without bound keeps the limit but on a few characters; nested repeats and
    # alternations that overlap grow exponentially and get almost nothing.
    assert 10 < untimed_length(r".*a.*b") < 100
    assert untimed_length(r"(a+)+b") <= 4 and untimed_length(r"(a|aa)*b") <= 10
    # What re cannot read as the regex module does keeps the limit always: fuzzy matching, V1 sets, \\m.
    for pattern in (r"x{e<=1}", r"(?:foo){i<=1,d<=1}", r"(?V1)[[a-z]--[aeiou]]", r"\m\w+\M", r"(?R)?x"):
        assert untimed_length(pattern) == 0, pattern
    # The bound is a real worst case: a text just past it that does backtrack still fits the limit's budget.
    pattern = r"(?:x|a)[^,]{0,10}?(?:a|aa)[^,]{0,12}?(?:a|aa)[^,]{0,8}?b"
    assert 0 < untimed_length(pattern) < 300


def test_a_pattern_that_backtracks_without_bound_still_runs_out_of_time():
    pack = {"pack": "redos", "version": "1", "rules": [{
        "id": "redos/nested", "kind": "pattern", "category": "quality", "severity": 2, "message": "m",
        "patterns": [r"(?:a|aa)+(?:a|aa)+c"]}]}
    guard = contentguard.load(packs=[pack])
    report = guard.check("a" * 40 + "bc")  # the c it needs is there (its gate opens), not after the a's
    assert [e.code for e in report.errors] == ["pattern-timeout"] and report.decision != "pass"
    assert guard.check("aaac").findings  # a short text runs without the limit and still matches


def _run(code: str, cache: str) -> str:
    env = {**os.environ, "CONTENTGUARD_CACHE_DIR": cache, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


def test_compile_cache_is_json_and_changes_no_report(tmp_path):
    code = ("import contentguard, json\n"
            "g = contentguard.load()\n"
            "texts = ['本品是全网最低价，加微*信领取', '這是繁體的最好產品', '哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈哈', "
            "'质量太差了，再也不买', 'du场上线了']\n"
            "print(json.dumps([r.model_dump(mode='json') for r in g.check_batch(texts)], ensure_ascii=False))\n")
    cold = _run(code, str(tmp_path / "cache"))
    files = list((tmp_path / "cache").glob("compiled-*.json"))
    assert len(files) == 1
    stored = json.loads(files[0].read_text(encoding="utf-8"))  # JSON, never pickle
    assert {"regex", "pattern-analysis/2", "term-forms", "term-variants-keyed", "yaml"} <= set(stored)
    warm = _run(code, str(tmp_path / "cache"))
    off = _run(code, "off")
    assert cold == warm == off
    assert not (tmp_path / "off").exists()
    # A broken cache file is ignored (and replaced), not an error.
    files[0].write_text("{not json", encoding="utf-8")
    assert _run(code, str(tmp_path / "cache")) == off


def test_segmenter_over_the_shared_dictionary_segments_like_a_private_copy():
    words = ["全网最低价", "微信号", "最高级", "du场"]
    segmenter = WordSegmenter(words)
    private = jieba.Tokenizer()
    private.initialize()
    for word in sorted(words):
        private.add_word(word)
    texts = ["本品是全网最低价的产品", "加我微信号领取", "这是最高级别的服务", "欢迎来du场玩", "行业第一的保温杯"]
    for text in texts:
        assert segmenter.tokens(text) == private.lcut(text, HMM=False)
    # jieba's add_word wrote the terms and their prefixes into the segmenter's own mapping, as it does into
    # a private copy's FREQ (same counts, same total)
    built = segmenter._get()
    assert built.total == private.total
    assert all(private.FREQ[word] == count for word, count in built.added.items())
    assert {w for w in private.FREQ if w not in built.dictionary} <= set(built.added)
    shared = shared_tokenizer()
    # the shared dictionary is not changed by the segmenter's words, and refuses words of its own
    assert "全网最低价" not in shared.dictionary and not shared.added
    assert shared.lcut("本品是全网最低价的产品") == jieba.Tokenizer().lcut("本品是全网最低价的产品", HMM=False)
    try:
        shared.add_word("全网最低价")
    except TypeError as error:
        assert "read-only" in str(error)
    else:
        raise AssertionError("the shared tokenizer must refuse added words")
    assert "全网最低价" not in shared.dictionary and not shared.added


def test_lazy_patterns_compile_on_first_use_and_pickle_as_text():
    lazy = LazyPattern(r"(?P<n>\d+)元", regex.IGNORECASE)
    assert lazy._compiled is None
    copy = pickle.loads(pickle.dumps(lazy))
    assert copy._compiled is None and copy.pattern == lazy.pattern
    assert [m.group("n") for m in copy.finditer("价格199元，运费10元")] == ["199", "10"]
    assert copy.groupindex == {"n": 1}


def _devset_texts() -> list[str]:
    path = Path(__file__).resolve().parents[1] / "data" / "devset.jsonl"
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        texts += [record[key] for key in ("title", "body") if record.get(key)]
    return texts + ["iPhone15Pro 最新款 3.14% c++ a_b  \r\n 第1名", "ａｂｃ１２３", "", " "]


def test_tokenizer_and_tagger_give_what_jieba_gives_without_hmm():
    import jieba.posseg

    from contentguard.engine.tokenize import JiebaDictionary, Tokenizer

    reference = jieba.Tokenizer()
    tagger = jieba.posseg.POSTokenizer(reference)
    texts = _devset_texts()
    # both ways of looking words up: bisecting the sorted arrays, then the plain dict
    dictionary = JiebaDictionary.shared()
    bisecting = Tokenizer(JiebaDictionary(dictionary.blob, dictionary.freqs, dictionary.tag_codes,
                                          dictionary.tag_names, dictionary.total))
    for text in texts[:10]:
        expected = reference.lcut(text, HMM=False)
        assert bisecting.lcut(text) == expected, text
        assert bisecting.tag(text) == [(p.word, p.flag) for p in tagger.lcut(text, HMM=False)], text
    assert bisecting.dictionary._dict is None  # still bisecting the stored bytes
    for text in texts:
        expected = reference.lcut(text, HMM=False)
        assert bisecting.lcut(text) == expected == shared_tokenizer().lcut(text), text
        assert bisecting.tag(text) == [(p.word, p.flag) for p in tagger.lcut(text, HMM=False)], text
    assert bisecting.dictionary._dict is not None  # past the threshold: the word list and the plain dict
    assert bisecting.jieba.FREQ is not bisecting.dictionary._dict  # an unfrozen tokenizer keeps its mapping
    shared = shared_tokenizer()
    if shared.dictionary._dict is not None:  # the frozen shared tokenizer reads the plain dict itself
        assert shared.jieba.FREQ is shared.dictionary._dict
    assert all(bisecting.tag(text) == shared_tokenizer().tag(text) for text in texts[:50])
    try:
        shared_tokenizer().lcut("文本", HMM=True)
    except ValueError as error:
        assert "HMM" in str(error)
    else:
        raise AssertionError("HMM=True must be refused, not ignored")


def test_jieba_dictionary_is_stored_as_npz_and_a_broken_file_is_rebuilt(tmp_path):
    code = ("from contentguard.engine.tokenize import JiebaDictionary, WordSegmenter, shared_tokenizer\n"
            "print(shared_tokenizer().tag('这家店的保温杯行业第一'))\n"
            "print(WordSegmenter(['全网最低价', '行业第一']).tokens('本品是全网最低价的产品'))\n"
            "print('small use, no word list:', JiebaDictionary.shared()._words is None)\n")
    cold = _run(code, str(tmp_path / "cache"))
    files = list((tmp_path / "cache").glob("jieba-*.npz"))
    assert len(files) == 1
    import numpy as np

    with np.load(files[0], allow_pickle=False) as stored:  # plain arrays: loads without pickle
        assert {"words", "freqs", "tags", "tag_names", "total"} <= set(stored.files)
    assert _run(code, str(tmp_path / "cache")) == cold == _run(code, "off")
    files[0].write_bytes(b"not an npz")
    assert _run(code, str(tmp_path / "cache")) == cold
    assert "('保温杯', 'nz')" in cold and "('第一', 'm')" in cold and "'全网最低价'" in cold
    assert "small use, no word list: True" in cold


def test_jieba_imports_without_pkg_resources_and_the_global_posseg_tags_as_jieba_does(tmp_path):
    """The first tag imports jieba.posseg without its default tagger reading dict.txt; that tagger (anyone
    else's jieba.posseg.cut in the process) still tags as a tagger that read dict.txt, user words included."""
    code = ("import sys\n"
            "from contentguard.engine.tokenize import pos_tags\n"
            "print(pos_tags('这家店的保温杯行业第一'))\n"
            "print('pkg_resources imported:', 'pkg_resources' in sys.modules)\n"
            "import jieba, jieba.posseg\n"
            "jieba.setLogLevel(60)\n"
            "reference = jieba.posseg.POSTokenizer(jieba.Tokenizer())\n"
            "texts = ['这家店的保温杯行业第一', '本品是全网最低价的产品，iPhone15Pro 3.14%', '欢迎来du场玩']\n"
            "same = lambda: all(jieba.posseg.lcut(t, HMM=h) == reference.lcut(t, HMM=h)\n"
            "                   for t in texts for h in (0, 1))\n"
            "print('global posseg as jieba:', same())\n"
            "jieba.add_word('全网最低价', tag='nz'); reference.tokenizer.add_word('全网最低价', tag='nz')\n"
            "tagged = [tuple(p) for p in jieba.posseg.lcut(texts[1])]\n"
            "print('with a user word:', same(), ('全网最低价', 'nz') in tagged)\n"
            "import pkg_resources\n")
    out = _run(code, str(tmp_path / "cache"))
    assert "('保温杯', 'nz')" in out
    assert "pkg_resources imported: False" in out
    assert "global posseg as jieba: True" in out
    assert "with a user word: True True" in out


def test_a_one_file_scan_imports_only_what_it_uses(tmp_path):
    """`contentguard scan post.md` with default flags (sentiment on) imports neither scipy (prediction is numpy),
    the worker pool (one worker), the HTML reader (not an HTML file) nor numpy.ma (#13); an HTML file loads its
    reader on demand."""
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: 秋季新品发布\n---\n我们的新款保温杯保温效果出色，欢迎到门店选购。\n", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<html><title>新品</title><body><p>保温效果行业第一</p></body></html>", encoding="utf-8")
    unwanted = ("scipy", "concurrent.futures.process", "multiprocessing", "contentguard.pool", "html.parser",
                "contentguard.inputs.html", "numpy.ma")
    code = ("import sys\n"
            "from contentguard.cli import main\n"
            "sys.argv = ['contentguard', 'scan', '-q', '--format', 'json', sys.argv[1]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            f"print('loaded:', sorted(m for m in {unwanted!r} if m in sys.modules))\n"
            "print('sentiment:', 'contentguard.models.sentiment' in sys.modules)\n")
    env = {**os.environ, "CONTENTGUARD_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(SRC)}
    runs = {path.suffix: subprocess.run([sys.executable, "-c", code, str(path)], env=env, capture_output=True,
                                        text=True, check=True).stdout for path in (post, page)}
    assert "loaded: []" in runs[".md"] and "sentiment: True" in runs[".md"]
    assert "'contentguard.inputs.html'" in runs[".html"] and "scipy" not in runs[".html"]
    assert '"sentiment"' in runs[".md"]  # the report was written, sentiment included


def test_compile_cache_file_keeps_what_is_used_and_drops_the_oldest_unused(tmp_path, monkeypatch):
    # Each "process" is a fresh store over the same file; a ruleset edit is a new set of keys.
    from contentguard.engine import compilecache
    monkeypatch.setenv("CONTENTGUARD_CACHE_DIR", str(tmp_path))

    def run(keys, section="patterns"):
        store = compilecache._Store()
        computed = []
        for key in keys:
            store.get(section, key, lambda key=key: computed.append(key) or f"value of {key}")
        store.save()
        return computed, store._path

    first = [f"a{i}" for i in range(10)]
    assert run(first)[0] == first                        # all worked out the first time
    second = [f"b{i}" for i in range(10)]
    computed, path = run(second)
    assert computed == second
    assert run(first)[0] == []                           # a second configuration keeps the first's values
    for edit in range(6):                                # many rule edits, each asking for new values
        run([f"e{edit}-{i}" for i in range(10)])
    stored = json.loads(path.read_text(encoding="utf-8"))["patterns"]
    assert len(stored) <= 10 * (compilecache._KEEP_UNUSED + 1)
    assert "e5-0" in stored and "a0" not in stored       # the newest stay, the oldest unused fall off
    assert run(["e5-1", "a0"])[0] == ["a0"]              # a dropped value is only worked out again
    untouched = compilecache._Store()                    # a process that never asks for a section keeps it
    untouched.get("other", "x", lambda: 1)
    untouched.save()
    assert "e5-1" in json.loads(path.read_text(encoding="utf-8"))["patterns"]


ALTERNATION = r"(?<![客])同事[^。]{0,3}?(?:住院|癌)|不[^。]?(?:好|癌)|客服(?:说|讲)|1了|(?:住院|癌)[^。]{0,2}同事"


def test_top_level_branches_split_only_plain_alternations():
    assert top_level_branches(r"a|b(?:c|d)|[|]x|\|y") == ("a", "b(?:c|d)", "[|]x", r"\|y")
    assert top_level_branches(r"[]|]a|(?<![我])b") == ("[]|]a", "(?<![我])b")
    # A capturing or named group, an inline flag, a group around the whole: not split.
    for pattern in (r"(a|b)", r"(?:a|b)", r"a(b)|c", r"(?i)a|b", r"(?P<n>a)|b"):
        assert top_level_branches(pattern) == ()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="同事客服住院癌不1了好说讲。", max_size=40))
def test_searching_only_the_open_branches_finds_what_the_whole_alternation_finds(text):
    # Issue #13: a combination part searches only the branches whose required strings are in the text; a
    # branch that can match nowhere in the text never wins a position, so the matches are the same.
    branches = top_level_branches(ALTERNATION)
    needs = branch_literal_sets(ALTERNATION)
    assert len(branches) == len(needs) == 5
    chosen = tuple(i for i, sets in enumerate(needs) if all(any(s in text for s in literals) for literals in sets))
    whole = [m.span() for m in regex.finditer(ALTERNATION, text, regex.IGNORECASE)]
    if not chosen:
        assert whole == []
        return
    subset = BranchSubsets(branches, regex.IGNORECASE).get(chosen)
    assert [m.span() for m in subset.finditer(text)] == whole


def test_a_combination_part_searched_branch_by_branch_reports_as_the_whole_part():
    guard = contentguard.load(packs=[{"pack": "subsets", "version": "1", "rules": [{
        "id": "subsets/both", "kind": "combination", "category": "privacy", "severity": 2, "message": "m",
        "within": 10, "all_of": [{"pattern": ALTERNATION}, {"pattern": r"住院|癌|好"}]}]}])
    cue = next(c for c in guard._matcher._cues if c.spec.pattern == ALTERNATION)
    assert cue.subsets is not None and len(cue.subsets.branches) == 5
    whole = pickle.loads(pickle.dumps(guard))  # the same rules, its part searched whole
    object.__setattr__(next(c for c in whole._matcher._cues if c.spec.pattern == ALTERNATION), "subsets", None)
    texts = ["听说同事上周住院了，不过客服说不好", "癌症病房的同事不好过", "客服说1了", "同事。住院"]
    for text in texts:
        assert guard.check(text).findings == whole.check(text).findings
    assert any(guard.check(text).findings for text in texts)
    assert cue.subsets._compiled and all(len(chosen) < 5 for chosen in cue.subsets._compiled)  # subsets ran
