"""The batch fast path of SentimentModel.transform against the reference path, with the real shipped model.

``transform`` counts plain character n-grams through integer keys and one vectorized lookup in the stored
sorted token keys instead of building every n-gram string (the other tokens are keyed the same way, batch
at once); it must give exactly the matrix of ``_transform_reference``
(every token of ``FeatureExtractor.tokens`` through the vocabulary dict), so the model needs no
retraining. Checked on real texts from the shared sentiment folder beside the repository and on
hand-written edge cases.
"""

from __future__ import annotations

import csv
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from contentguard.engine.sentiment import FeatureSettings, SentimentModel

SHARED_SENTIMENT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sentiment"
REAL_TEXT_FILES = (
    "online_shopping_10_cats.csv",
    "waimai_10k.csv",
    "smp2020-ewect/usual_eval_labeled.json",
    "smp2020-ewect/virus_eval_labeled.json",
)
TEXTS_PER_FILE = 1_500

# Hand-written texts (not taken from any corpus): always checked, and all that is checked when the
# shared data folder is missing.
BASE_PHRASES = [
    "味道不错，送餐也快",
    "等了两个小时还没送到",
    "明天上午十点开会",
    "质量并不好，不是很满意",
    "不错不错，下次还来",
    "没有想象中那么差",
    "别买了，真的不值",
    "特别好用，推荐！",
    "客服态度很差，但是物流很快",
    "东西一般般吧",
    "這個產品真的很好用，服務態度也很棒",
    "太失望了，再也不會買了",
    "ＡＢＣ１２３全角字符，ｈｅｌｌｏ　ｗｏｒｌｄ",
    "省心省力",
    "糟心透了",
    "有没有人知道这个怎么用？",
    "是不是快递丢了",
    "就这？呵呵",
    "不好用不好用不好用",
    "好好好好好好好好",
    "哈哈哈哈哈哈哈哈哈哈",
    "！！！！！！？？？",
    "。。。。。。",
    "Great product, not bad at all!",
    "NOT GOOD. Would NOT recommend",
    "价格¥199，比上次便宜了20%",
    "第１２３４５６７８９０单",
    "٣ 个阿拉伯数字 ٤٥ 和 ๑๒ 泰文数字",
    "¬好 ¬不 ¬",
    "<url> <emo+> <word-> [哈哈] w:好",
    "𠀀𠀁𪚥 扩展区汉字",
    "𝕳𝖊𝖑𝖑𝖔 数学字母",
    "e\u0301 组合字符 a\u0308",
    "零宽\u200b空格\u200d连接",
    "\ufeff带BOM的文本",
]
DECORATIONS = [
    "{}",
    "{}👍",
    "😡{}😡😡",
    "{}[哈哈][哈哈]",
    "[泪]{}[怒]",
    "[不存在的表情]{}",
    "{} http://t.cn/A6Pw9VWQ",
    "{}https://example.com/a?b=1&c=2 后面",
    "www.example.com {}",
    "//@某用户:{}",
    "@小明 @小红-1 {} @",
    "{}\t{}",
    "  {}  \n\n  ",
    "{}\u3000{}",
    "{}\u2028{}\x1c{}",
    "{}\r\n第二行",
    "{}0123456789",
    "{}❤️❤️❤️",
    "{}🇨🇳👨‍👩‍👧",
    "{}\U0010ffff\U000e0001",
    "{}\x00{}",
]
EDGE_CASES = [
    "",
    " ",
    "   \t\n\r\x0b\x0c  ",
    "\u3000\u3000",
    "a",
    "好",
    "😀",
    "\U0010ffff",
    "\ud800",
    "a\udfffb",
    "[哈哈]",
    "[]",
    "[[哈哈]]",
    "http://",
    "@",
    "//@:",
    "¬",
    "¬¬¬",
    "00000",
    "aaaaaaaaaaaa",
    "ａａａａａ",
    "不",
    "不不不不",
    "没有没有没有",
    "物流很快，包装完好，客服态度也很好，下次还会再来买。" * 40,
    " ".join("不好吃" for _ in range(200)),
]


def handwritten_texts() -> list[str]:
    texts = list(EDGE_CASES)
    for index, phrase in enumerate(BASE_PHRASES):
        for offset in range(0, len(DECORATIONS), 3):  # 7 decorations per phrase, different for each phrase
            decoration = DECORATIONS[(index + offset) % len(DECORATIONS)]
            texts.append(decoration.format(*([phrase] * decoration.count("{}"))))
    return texts


def real_texts() -> list[str]:
    """Up to TEXTS_PER_FILE texts from each shared corpus file, spread over the file."""
    missing = [name for name in REAL_TEXT_FILES if not (SHARED_SENTIMENT_DIR / name).is_file()]
    if missing:
        warnings.warn(
            f"shared sentiment data missing: {', '.join(str(SHARED_SENTIMENT_DIR / name) for name in missing)}; "
            "the fast path is checked on the hand-written texts only",
            stacklevel=2,
        )
    texts: list[str] = []
    for name in REAL_TEXT_FILES:
        if name in missing:
            continue
        path = SHARED_SENTIMENT_DIR / name
        if name.endswith(".csv"):
            with path.open(encoding="utf-8", newline="") as stream:
                rows = [row["review"] for row in csv.DictReader(stream) if row.get("review")]
        else:
            rows = [post["content"] for post in json.loads(path.read_text(encoding="utf-8"))]
        step = max(len(rows) // TEXTS_PER_FILE, 1)
        texts.extend(rows[::step][:TEXTS_PER_FILE])
    return texts


@pytest.fixture(scope="module")
def model() -> SentimentModel:
    return SentimentModel.load()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return real_texts() + handwritten_texts()


def assert_identical(fast: sp.csr_matrix, slow: sp.csr_matrix) -> None:
    assert fast.shape == slow.shape
    assert (fast != slow).nnz == 0
    # Stronger than equal values: the same stored structure and bits.
    assert np.array_equal(fast.indptr, slow.indptr)
    assert np.array_equal(fast.indices, slow.indices)
    assert np.array_equal(fast.data.view(np.uint64), slow.data.view(np.uint64))


def test_the_checked_texts_are_many_and_varied(texts: list[str]) -> None:
    assert len(handwritten_texts()) >= 250
    if not any((SHARED_SENTIMENT_DIR / name).is_file() for name in REAL_TEXT_FILES):
        return  # real_texts() has warned, naming the missing files
    assert len(texts) >= 5_000


def test_fast_transform_equals_the_reference(model: SentimentModel, texts: list[str]) -> None:
    assert_identical(model.transform(texts), model._transform_reference(texts))


def test_fast_transform_is_independent_of_batching(model: SentimentModel, texts: list[str]) -> None:
    for sample, batch_size in ((texts[-400:], 1), (texts, 7), (texts, 1000)):
        batches = [model.transform(sample[start : start + batch_size]) for start in range(0, len(sample), batch_size)]
        assert_identical(sp.vstack(batches, format="csr"), model._transform_reference(sample))


def test_empty_and_blank_batches(model: SentimentModel) -> None:
    for batch in ([], [""], ["", " ", "\n"], ["", "好", ""]):
        assert_identical(model.transform(batch), model._transform_reference(batch))
    assert model.transform([]).shape == (0, model.header.n_features)


def test_predictions_are_unchanged(model: SentimentModel, texts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    fast = model.predict(texts)
    fast_probabilities = model.predict_proba(texts)
    monkeypatch.setattr(SentimentModel, "_rows", SentimentModel._reference_rows)
    assert np.array_equal(model.predict_proba(texts), fast_probabilities)
    assert model.predict(texts) == fast


def test_the_scipy_free_product_equals_scipys_to_the_last_bit(model: SentimentModel, texts: list[str]) -> None:
    """Prediction multiplies TfIdfRows by the coefficients without scipy (#13): the same sums in the same
    order as scipy's CSR product, so the logits are bit for bit what ``transform(texts) @ coefficients`` gives."""
    for batch in (texts, texts[:1], texts[7:40], []):
        rows = model._rows(batch)
        assert np.array_equal(rows.dot(model._coefficients), np.asarray(model.transform(batch) @ model._coefficients))
        assert_identical(rows.tocsr(), model.transform(batch))


@pytest.mark.parametrize("char_ngram_max", [1, 2, 3, 4])
def test_other_settings_and_vocabularies_agree_too(model: SentimentModel, char_ngram_max: int) -> None:
    """1- and 2-gram settings use shorter keys; beyond 3 characters the model counts through the dict.

    Some columns are renamed: to tokens spanning a segment or text boundary of these very texts (and
    other tokens holding whitespace), which no n-gram may match, and to an astral-plane bigram that occurs.
    """
    features = FeatureSettings(**{**model.header.features.model_dump(), "char_ngram_max": char_ngram_max})
    texts = handwritten_texts()
    spanning = sorted(_boundary_spanning_trigrams(model, texts))
    assert len(spanning) >= 20
    n_features = model.header.n_features
    renamed = {token: n_features - 1 - offset for offset, token in enumerate([" ", "了\t", "😡😡", *spanning[:20]])}
    vocabulary = {token: column for token, column in model.vocabulary.items() if column < n_features - len(renamed)}
    vocabulary.update(renamed)
    assert sorted(vocabulary.values()) == list(range(n_features))
    variant = SentimentModel(
        header=model.header.model_copy(update={"features": features}),
        path=model.path,
        header_sha256=model._header_sha256,
        extractor=type(model.feature_extractor)(features, model.feature_extractor.cues),
        vocabulary=vocabulary,
        idf=model._idf,
        coefficients=model._coefficients,
        intercepts=model._intercepts,
    )
    fast = variant.transform(texts)
    assert_identical(fast, variant._transform_reference(texts))
    assert fast[:, [column for token, column in renamed.items() if token != "😡😡"]].nnz == 0
    if char_ngram_max >= 2:
        assert fast[:, [renamed["😡😡"]]].nnz > 0


def test_sorted_keys_find_every_short_vocabulary_token_and_nothing_else(model: SentimentModel) -> None:
    table = model.keys
    short = {token: column for token, column in model.vocabulary.items() if 1 <= len(token) <= 3}
    probes = list(short) + ["\U0010ffff", "\ud800", "𠀀𠀁𪚥", "zq\x00", "\x00", "¬¬¬"]
    keys = np.array([_key(token) for token in probes], dtype=np.int64)
    positions, columns = table.lookup(keys)
    found = {probes[position]: int(column) for position, column in zip(positions, columns, strict=True)}
    assert found == {token: short[token] for token in probes if token in short}


def _key(token: str) -> int:
    key = 0
    for character in token:
        key = (key << 21) | (ord(character) + 1)
    return key


def _boundary_spanning_trigrams(model: SentimentModel, texts: list[str]) -> set[str]:
    """'x y' for the last and first characters around each segment boundary and between consecutive texts."""
    cleaned = [" ".join(model.feature_extractor._text_tokens(text)[1].split()) for text in texts]
    joined = " ".join(cleaned)
    return {joined[i - 1 : i + 2] for i, character in enumerate(joined) if character == " " and 0 < i < len(joined) - 1}


def test_every_vocabulary_token_is_found_by_its_key_in_its_column(model: SentimentModel) -> None:
    from contentguard.models.sentiment import token_keys

    tokens = list(model.vocabulary)
    positions, columns = model.keys.lookup(token_keys(tokens))
    assert positions.tolist() == list(range(len(tokens)))
    assert columns.tolist() == [model.vocabulary[token] for token in tokens]
    absent = ["<never-a-token>", "¬¬¬¬¬", "\U0010ffff" * 5]
    assert model.keys.lookup(token_keys(absent))[0].size == 0


def test_the_shipped_model_loads_without_building_its_vocabulary() -> None:
    """Loading is np.load and checks only: the prediction path never decodes the vocabulary's tokens into a
    dict (that was what took 4.6 s). How fast it loads is a figure for benchmarks/bench_cli.py, not a test."""
    loaded = SentimentModel.load()
    assert loaded._vocabulary_cache is None
    assert loaded.predict_proba(["物流很快，质量不错"]).shape[0] == 1
    assert loaded._vocabulary_cache is None


@pytest.mark.parametrize("pre_contrast", [False, True])
def test_batch_keys_are_the_keys_of_every_token_of_every_text(model: SentimentModel, pre_contrast: bool) -> None:
    """The batch path keys each text's tokens exactly as token_keys keys tokens(): the same multiset per row,
    vocabulary or not (so it also holds for tokens the shipped vocabulary lacks, and for other settings)."""
    from contentguard.models.sentiment import FeatureExtractor, token_keys

    texts = handwritten_texts() + ["位置不错，但是早餐太差", "但是", "好但是", "不过不过好", "可惜 可惜了 但是好"]
    features = FeatureSettings(**{**model.header.features.model_dump(), "pre_contrast_features": pre_contrast})
    extractor = FeatureExtractor(features, model.feature_extractor.cues)
    keyed = extractor.batch_keys(texts)
    assert keyed is not None
    rows, keys = keyed
    for row, text in enumerate(texts):
        expected = np.sort(token_keys(extractor.tokens(text)))
        assert np.array_equal(np.sort(keys[rows == row]), expected), text


def test_find_gives_the_hits_of_a_binary_search(model: SentimentModel, texts: list[str]) -> None:
    """find (a direct table for single characters, a hash table for the rest) against np.searchsorted in the
    sorted keys, on a real batch plus the keys around the tables' edges (0 is the empty token's key)."""
    keyed = model.feature_extractor.batch_keys(texts[:3000])
    assert keyed is not None
    keys = np.concatenate([keyed[1], np.array([0, 1, -1, 2**21, 2**62], dtype=np.int64)])
    positions, columns = model.keys.find(keys)
    order = np.argsort(positions)
    table = model.keys.keys
    found = np.minimum(np.searchsorted(table, keys), len(table) - 1)
    expected_positions = np.flatnonzero(table[found] == keys)
    assert np.array_equal(positions[order], expected_positions)
    assert np.array_equal(columns[order], found[expected_positions])  # the stored columns are in key order
    assert len(expected_positions) > len(keys) // 2
    assert np.array_equal(model.keys.lookup(keys)[0], expected_positions)


def test_small_lookups_search_the_sorted_keys_and_large_ones_build_the_tables(model: SentimentModel,
                                                                              texts: list[str]) -> None:
    """A one-file scan looks up a few hundred keys: binary search, no tables (#13). Once the keys looked up
    reach the vocabulary's size the tables are built; both ways give the same hits, with or without columns."""
    from contentguard.models.sentiment import SortedKeys

    keyed = model.feature_extractor.batch_keys(texts[:3000])
    assert keyed is not None
    edges = np.array([0, 1, -1, 2**21, 2**62, int(model.keys.keys[0]), int(model.keys.keys[-1])], dtype=np.int64)
    stored = model.keys.keys
    keys = np.concatenate([keyed[1][: len(stored) // 2], edges])
    for columns in (None, np.arange(len(stored), dtype=np.int64)[::-1].copy()):
        lookup = SortedKeys(stored, columns)
        searched = lookup.lookup(keys)
        assert lookup._tables is None  # fewer keys than the vocabulary: no tables yet
        for _ in range(len(stored) // len(keys)):
            lookup.find(keys[:1])
        lookup.find(keys)
        assert lookup._tables is not None  # the running count reached the vocabulary's size
        built = lookup.lookup(keys)
        assert all(np.array_equal(a, b) for a, b in zip(searched, built, strict=True))
        assert len(searched[0]) > len(keys) // 2
        assert 0 not in keys[searched[0]]
