"""The `model` rule kind with the shipped offensive-language model (no mocks): spans, thresholds from the
pack, batches, pickling, deference to the lexicon, counter-statements, a broken model file."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

import contentguard
from contentguard import Document
from contentguard.errors import PackError
from contentguard.models.artifact import shipped_model_dir
from contentguard.packs import load_pack_file, shipped_pack_dir

RULE_ID = "abuse/offensive-model"


def _pack(threshold: float = 0.5, model: str = "offensive", **extra: object) -> dict:
    rule = {"id": "test/offensive", "kind": "model", "category": "abuse", "severity": 3, "model": model,
            "label": "offensive", "threshold": threshold, "scope": ["comment"], "voices": ["public"],
            "message": "疑似攻击性言论「{match}」（概率 {note}）", **extra}
    return {"pack": "test", "rules": [rule]}


@pytest.fixture(scope="module")
def guard() -> contentguard.Guard:
    return contentguard.load(packs=["abuse"])


@pytest.fixture(scope="module")
def model_only() -> contentguard.Guard:
    return contentguard.load(packs=[_pack()])


def comment(text: str) -> Document:
    return Document(body=text, kind="comment")


def test_the_shipped_rule_is_data_in_the_abuse_pack() -> None:
    pack = load_pack_file(shipped_pack_dir() / "abuse.yaml")
    rule = next(rule for rule in pack.rules if rule.id == RULE_ID)
    assert rule.kind == "model" and rule.model == "offensive" and rule.scope == ("comment",)
    assert rule.voices == ("public",) and 0.5 <= rule.threshold < 1
    assert rule.examples.match and rule.examples.no_match


def test_the_highest_scoring_sentence_is_the_span(model_only: contentguard.Guard) -> None:
    text = "今天天气不错。  黑人都是垃圾，滚出去！我们去公园散步吧。"
    report = model_only.check(comment(text))
    [finding] = report.findings
    assert finding.text == text[finding.start:finding.end] == "黑人都是垃圾，滚出去"
    assert finding.evidence == "model" and finding.rule_id == "test/offensive"
    assert 0.5 <= finding.confidence <= 1 and f"{finding.confidence:.2f}" in finding.message
    assert finding.voice == "public"


def test_threshold_comes_from_the_pack() -> None:
    text = "你妈卖逼"  # a middling probability: neither 0 nor 1 once rounded
    low = contentguard.load(packs=[_pack(threshold=0.05)]).check(comment(text))
    probability = low.findings[0].confidence
    assert 0.1 < probability < 0.95
    above = contentguard.load(packs=[_pack(threshold=probability + 0.001)]).check(comment(text))
    below = contentguard.load(packs=[_pack(threshold=probability - 0.001)]).check(comment(text))
    assert above.findings == () and below.findings[0].confidence == probability


def test_scope_and_voice_are_respected(model_only: contentguard.Guard) -> None:
    text = "黑人都是垃圾，滚出去"
    assert model_only.check(comment(text)).findings
    assert model_only.check(Document(body=text)).findings == ()  # a company post: not the rule's voice or scope


def test_kinds_come_from_the_pack() -> None:
    text = "黑人都是垃圾，滚出去"
    limited = contentguard.load(packs=[_pack(kinds=["comment", "mention"])])
    assert limited.check(comment(text)).findings and limited.check(Document(body=text, kind="mention")).findings
    assert limited.check(Document(body=text, kind="review")).findings == ()  # a product review: not scored
    everywhere = contentguard.load(packs=[_pack()])
    assert everywhere.check(Document(body=text, kind="review")).findings


def test_the_shipped_rule_leaves_product_reviews_to_the_lexicons(guard: contentguard.Guard) -> None:
    text = "女拳真恶心，一群直男癌"
    assert [f.rule_id for f in guard.check(comment(text)).findings] == [RULE_ID]
    assert [f for f in guard.check(Document(body=text, kind="review")).findings if f.rule_id == RULE_ID] == []


def test_batch_equals_single_checks(model_only: contentguard.Guard) -> None:
    texts = ["黑人都是垃圾，滚出去", "谢谢客服，问题解决了", "女拳真恶心。", "不应该歧视女性", "", "   ",
             "河南人都是骗子！！素质低", "周末去爬山。天气很好"] * 4
    documents = [comment(text) for text in texts]
    batch = list(model_only.check_batch(documents, chunk_size=7))
    single = [model_only.check(document) for document in documents]
    assert batch == single
    assert any(report.findings for report in batch)


def test_guard_with_a_model_rule_pickles_and_runs_in_workers(guard: contentguard.Guard) -> None:
    restored = pickle.loads(pickle.dumps(guard))
    text = comment("地域黑的河南人都是骗子，素质低")
    assert restored.check(text) == guard.check(text)
    documents = [comment("黑人都是垃圾，滚出去"), comment("谢谢，很满意")] * 3
    assert list(guard.check_batch(documents, workers=2)) == [guard.check(d) for d in documents]


@pytest.mark.parametrize("text", ["不应该歧视女性", "地域黑要不得", "反对种族歧视，人人平等", "歧视黑人是不对的",
                                  "不要地域黑，河南人也有好人", "男女平等，不应该有性别歧视"])
def test_statements_against_discrimination_do_not_fire(guard: contentguard.Guard, text: str) -> None:
    assert [f for f in guard.check(comment(text)).findings if f.rule_id == RULE_ID] == []


def test_one_offence_one_finding_the_lexicon_span_wins(guard: contentguard.Guard) -> None:
    report = guard.check(comment("你就是个傻逼"))
    assert [f.rule_id for f in report.findings] == ["abuse/insult"]
    # A different sentence with no lexicon hit is a second offence of its own.
    two = guard.check(comment("你就是个傻逼。女拳真恶心"))
    assert sorted(f.rule_id for f in two.findings) == ["abuse/insult", RULE_ID]


def test_a_broken_model_file_is_a_clear_error_and_never_a_pass(tmp_path: Path) -> None:
    folder = tmp_path / "offensive"
    shutil.copytree(shipped_model_dir("offensive"), folder)
    npz = next(folder.glob("*.npz"))
    data = bytearray(npz.read_bytes())
    data[len(data) // 2] ^= 0xFF
    npz.write_bytes(bytes(data))
    guard = contentguard.load(packs=[_pack(model=str(folder))])
    report = guard.check(comment("黑人都是垃圾，滚出去"))
    [error] = report.errors
    assert error.code == "model-unavailable" and npz.name in error.message and "checksum" in error.message
    assert report.decision == "review"  # unchecked is never "pass" (risk_matrix.yaml `incomplete`)
    polite = guard.check(comment("谢谢"))
    assert polite.errors and polite.decision == "review"  # every document it should have scored says so
    assert [r.decision for r in guard.check_batch([comment("谢谢")] * 3)] == ["review"] * 3


def test_unknown_model_and_label_are_pack_errors(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="no model folder"):
        contentguard.load(packs=[_pack(model="no-such-model")])
    guard = contentguard.load(packs=[{**_pack(), "rules": [{**_pack()["rules"][0], "label": "toxic"}]}])
    report = guard.check(comment("黑人都是垃圾，滚出去"))
    [error] = report.errors
    assert error.code == "model-unavailable" and "no label 'toxic'" in error.message
    assert report.decision == "review"


def test_model_rule_examples_run_like_every_rule(guard: contentguard.Guard) -> None:
    count, failures = guard.test_examples()
    assert count > 0 and not [f for f in failures if f.rule_id == RULE_ID]
