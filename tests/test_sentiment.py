"""The sentiment stage with the real shipped model (no mocks)."""

from __future__ import annotations

import json
import pickle
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from contentguard.config.resources import data_dir
from contentguard.engine.sentiment import (
    EXTRACTOR_VERSION,
    FORMAT_VERSION,
    HEADER_FILE_NAME,
    LABELS,
    ModelError,
    Sentiment,
    SentimentModel,
)

SHIPPED_MODEL_DIR = data_dir("models") / "sentiment"


@pytest.fixture(scope="module")
def model() -> SentimentModel:
    return SentimentModel.load()


@pytest.fixture()
def model_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped model folder, free to damage."""
    target = tmp_path / "sentiment"
    shutil.copytree(SHIPPED_MODEL_DIR, target)
    return target


def _header(folder: Path) -> dict:
    return json.loads((folder / HEADER_FILE_NAME).read_text(encoding="utf-8"))


SAMPLE_TEXTS = [
    "",
    "   ",
    "[哈哈][哈哈]",
    "👍",
    "http://t.cn/A6Pw9VWQ",
    "//@某用户:转发微博",
    "物流很快，包装完好，客服态度也很好，下次还会再来买。" * 20,
    "ＡＢＣ１２３全角字符",
]


def test_scores_have_the_three_labels_and_sum_to_one(model: SentimentModel) -> None:
    for sentiment in model.predict(SAMPLE_TEXTS):
        assert set(sentiment.scores) == set(LABELS)
        assert abs(sum(sentiment.scores.values()) - 1.0) < 1e-6
        assert all(0.0 <= value <= 1.0 for value in sentiment.scores.values())
        assert sentiment.scores[sentiment.label] == max(sentiment.scores.values())
        Sentiment.model_validate(sentiment.model_dump())  # also valid when checked


def test_batch_and_single_predictions_agree(model: SentimentModel) -> None:
    texts = ["味道不错，送餐也快", "等了两个小时还没送到", "明天上午十点开会"]
    assert model.predict(texts) == [model.predict_one(text) for text in texts]
    assert model.predict([]) == []


@pytest.mark.parametrize(
    ("positive", "negative"),
    [
        ("好用", "不好用"),
        ("满意", "很不满意"),
        ("喜欢", "不喜欢"),
        ("推荐", "不推荐"),
        ("质量很好", "质量并不好"),
        ("太好了", "太差了"),
        ("这款耳机音质很好，推荐购买", "这款耳机音质并不好，不推荐购买"),
        ("服务态度很好，我很满意", "服务态度一般，我很不满意"),
        ("今天真开心[哈哈]", "今天真倒霉[泪]"),
    ],
)
def test_negation_and_degree_pairs_get_opposite_labels(model: SentimentModel, positive: str, negative: str) -> None:
    assert model.predict_one(positive).label == "positive", model.predict_one(positive)
    assert model.predict_one(negative).label == "negative", model.predict_one(negative)


@pytest.mark.parametrize(
    "announcement",
    [
        "本周六上午九点门店正常营业。",
        "新品发布会定于6月18日下午三点在上海举行。",
        "下周一起，客服热线服务时间调整为8:00至20:00。",
        "请各位会员于本月底前在小程序中完成信息核对。",
        "【通知】五一假期期间，订单将于5月6日起统一发货。",
    ],
)
def test_plain_announcements_are_neutral(model: SentimentModel, announcement: str) -> None:
    assert model.predict_one(announcement).label == "neutral", model.predict_one(announcement)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("房间有点小，不过服务很好，下次还住", "positive"),
        ("价格有点贵，但是味道真的很好", "positive"),
        ("包装挺好看的，可惜用了两天就坏了", "negative"),
    ],
)
def test_mixed_reviews_are_read_by_their_last_clause(model: SentimentModel, text: str, label: str) -> None:
    """People label a mixed review by what follows 但是 / 不过 / 可惜 (the contrast features)."""
    scores = model.predict_one(text).scores
    other = "positive" if label == "negative" else "negative"
    assert scores[label] > scores[other], scores


@pytest.mark.parametrize("notice", ["已发货", "订单已发货，请注意查收", "您的快递已到达驿站，请凭取件码取件"])
def test_delivery_notices_are_not_read_negative(model: SentimentModel, notice: str) -> None:
    """Below the grading's negative threshold (public_opinion.negative.min_probability, 0.5)."""
    assert model.predict_one(notice).scores["negative"] < 0.5, model.predict_one(notice)


@pytest.mark.parametrize("question", ["快递什么时候到", "请问几点开门？", "请问怎么申请退货", "包邮吗", "已发货"])
def test_questions_and_notices_are_not_graded_as_complaints(question: str) -> None:
    """The question treatment is the grading's: a question is triaged 咨询 (answered within 2 hours) unless
    it is plainly angry (P(negative) >= 0.75), so it gets no risk level; the model alone may still lean
    negative on some (快递什么时候到: words that come up mostly in complaints)."""
    import contentguard
    from contentguard import Document

    report = contentguard.load().check(Document(body=question, kind="comment"))
    assert report.risk.level == "none", (report.risk, report.sentiment)
    assert report.triage in ("咨询", "互动"), report.triage


def test_the_shipped_model_is_small() -> None:
    header = _header(SHIPPED_MODEL_DIR)
    names = [HEADER_FILE_NAME, header["arrays_file"], *header["files"]]
    assert sum((SHIPPED_MODEL_DIR / name).stat().st_size for name in names) < 5_000_000


def test_sentiment_is_frozen(model: SentimentModel) -> None:
    sentiment = model.predict_one("很好")
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error type is an implementation detail
        sentiment.label = "negative"  # type: ignore[misc]


def test_model_is_immutable(model: SentimentModel) -> None:
    with pytest.raises(AttributeError):
        model.path = Path("elsewhere")  # type: ignore[misc]
    with pytest.raises(ValueError):
        model._coefficients[0, 0] = 1.0  # arrays are read-only


def test_non_text_input_is_refused(model: SentimentModel) -> None:
    with pytest.raises(TypeError):
        model.predict("a single string, not a list")
    with pytest.raises(TypeError):
        model.predict([None])  # type: ignore[list-item]


def test_pickling_round_trip_predicts_the_same(model: SentimentModel) -> None:
    payload = pickle.dumps(model)
    assert len(payload) < 2_000  # the arrays are reloaded from the file, not shipped
    restored = pickle.loads(payload)
    texts = ["这家店的服务真的太差了", "还不错，下次再来", "周一闭馆"]
    assert restored.predict(texts) == model.predict(texts)
    np.testing.assert_array_equal(restored.predict_proba(texts), model.predict_proba(texts))


def test_concurrent_threads_get_the_same_answers(model: SentimentModel) -> None:
    texts = ["好用", "不好用", "本周六上午九点门店正常营业。", "太差了[怒]"] * 50
    expected = model.predict(texts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: model.predict(texts), range(8)))
    assert all(result == expected for result in results)


def test_loads_from_a_folder_or_a_header_path(model_copy: Path) -> None:
    assert SentimentModel.load(model_copy).predict_one("好用").label == "positive"
    assert SentimentModel.load(model_copy / HEADER_FILE_NAME).header.format_version == FORMAT_VERSION


def test_missing_model_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing") as error:
        SentimentModel.load(tmp_path / "nowhere" / HEADER_FILE_NAME)
    assert HEADER_FILE_NAME in str(error.value)


def test_missing_arrays_file_names_the_file(model_copy: Path) -> None:
    arrays_file = _header(model_copy)["arrays_file"]
    (model_copy / arrays_file).unlink()
    with pytest.raises(ModelError, match="missing") as error:
        SentimentModel.load(model_copy)
    assert arrays_file in str(error.value)


def test_corrupt_header_names_the_file(model_copy: Path) -> None:
    (model_copy / HEADER_FILE_NAME).write_text('{"format_version": 1, "labels": [', encoding="utf-8")
    with pytest.raises(ModelError, match="corrupt") as error:
        SentimentModel.load(model_copy)
    assert HEADER_FILE_NAME in str(error.value)


def test_damaged_arrays_file_names_the_file(model_copy: Path) -> None:
    arrays_path = model_copy / _header(model_copy)["arrays_file"]
    data = bytearray(arrays_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    arrays_path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="corrupt") as error:
        SentimentModel.load(model_copy)
    assert arrays_path.name in str(error.value)


def test_unreadable_arrays_with_a_matching_checksum_are_reported_corrupt(model_copy: Path) -> None:
    import hashlib

    header = _header(model_copy)
    arrays_path = model_copy / header["arrays_file"]
    arrays_path.write_bytes(b"not an npz archive")
    header["arrays_sha256"] = hashlib.sha256(arrays_path.read_bytes()).hexdigest()
    (model_copy / HEADER_FILE_NAME).write_text(json.dumps(header), encoding="utf-8")
    with pytest.raises(ModelError, match="corrupt") as error:
        SentimentModel.load(model_copy)
    assert arrays_path.name in str(error.value)


def test_wrong_format_version_names_the_file_and_both_versions(model_copy: Path) -> None:
    header = _header(model_copy)
    header["format_version"] = FORMAT_VERSION + 1
    (model_copy / HEADER_FILE_NAME).write_text(json.dumps(header), encoding="utf-8")
    with pytest.raises(ModelError, match="format version") as error:
        SentimentModel.load(model_copy)
    message = str(error.value)
    assert HEADER_FILE_NAME in message
    assert str(FORMAT_VERSION + 1) in message and str(FORMAT_VERSION) in message


def test_edited_cue_file_is_refused(model_copy: Path) -> None:
    cues_path = model_copy / _header(model_copy)["cues_file"]
    cues_path.write_text(cues_path.read_text(encoding="utf-8") + "negator\t甭想\n", encoding="utf-8")
    with pytest.raises(ModelError, match="retrain") as error:
        SentimentModel.load(model_copy)
    assert cues_path.name in str(error.value)


def test_model_from_another_feature_extraction_version_is_refused(model_copy: Path) -> None:
    header = _header(model_copy)
    header["features"]["extractor_version"] = EXTRACTOR_VERSION - 1
    (model_copy / HEADER_FILE_NAME).write_text(json.dumps(header), encoding="utf-8")
    with pytest.raises(ModelError, match="feature extraction version") as error:
        SentimentModel.load(model_copy)
    assert HEADER_FILE_NAME in str(error.value)


def test_nb_scaled_training_folds_exactly_into_the_stored_coefficients(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """train_sentiment fits on NB-scaled TF-IDF columns and stores w ⊙ s: the exported model, predicted
    with the unchanged SentimentModel code, must give the training pipeline's probabilities."""
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "train_sentiment.py"
    assert script.is_file(), f"the training script is part of the repository: {script}"
    spec = importlib.util.spec_from_file_location("train_sentiment_under_test", script)
    train = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, train)  # dataclasses look their module up there
    spec.loader.exec_module(train)
    from contentguard.engine.sentiment import FeatureCues

    shutil.copy(SHIPPED_MODEL_DIR / train.CUES_FILE_NAME, tmp_path / train.CUES_FILE_NAME)
    cues = FeatureCues.parse((tmp_path / train.CUES_FILE_NAME).read_text(encoding="utf-8"), "cues")
    texts = [
        "很好吃，送得快",
        "太难吃了，不会再点",
        "不好吃",
        "味道不错[哈哈]",
        "送餐慢，凉了[怒]",
        "今天下午三点开会",
        "服务很好",
        "明天发布新版本",
        "差评，难吃",
        "好评！",
    ] * 3
    labels = [
        "positive",
        "negative",
        "negative",
        "positive",
        "negative",
        "neutral",
        "positive",
        "neutral",
        "negative",
        "positive",
    ] * 3
    trained = train.fit(texts, labels, np.ones(len(texts)), cues, min_df=1, nb_exponent=0.5, nb_alpha=1.0)
    assert trained.feature_scale is not None and not np.allclose(trained.feature_scale, 1.0)
    trained.temperature = 1.3
    header_path = train.export(trained, tmp_path, [], train.FEATURE_SETTINGS)
    exported = SentimentModel.load(header_path)
    probe = ["不太好吃", "很快，很好", "新版本明天发布", "凉了", "[哈哈]"]
    np.testing.assert_allclose(exported.predict_proba(probe), trained.probabilities(probe), atol=1e-5)


def test_check_batch_gives_every_document_the_sentiment_of_its_single_check() -> None:
    """Sentiment is featurised once per batch (one vectorised pass over the joined texts); a document's scores
    must not depend on its neighbours: check_batch and check agree exactly, on real-looking mixed input."""
    import contentguard
    from contentguard import Document

    bodies = [
        "位置不错，但是早餐太差", "等了两个小时还没送到[怒]", "订单已发货，请注意查收", "", "   ",
        "//@某用户:不好用 http://t.cn/A6Pw9VWQ", "第一行\n第二行不太满意", "ＡＢＣ全角，还不错！！！！", "e\u0301 好评",
        "质量并不好，不是很满意😡", "快递什么时候到", "哈哈哈哈哈哈[哈哈]",
    ]
    guard = contentguard.load()
    documents = [Document(id=str(i), body=body, kind="comment") for i, body in enumerate(bodies)]
    batch = guard.check_batch(documents)
    for document, report in zip(documents, batch, strict=True):
        assert report.sentiment == guard.check(document).sentiment, document.body
