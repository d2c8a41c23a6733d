"""The trained context classifier: shipped through the shared model path, and deciding the traps of issue 8."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import contentguard
from contentguard.config.resources import data_dir
from contentguard.engine.context import ContextSettings, ContextStage
from contentguard.errors import ConfigError, ModelError
from contentguard.models.artifact import MODEL_CARD_FILE_NAME, shipped_model_dir
from contentguard.models.context import ContextExample, ContextModel, context_tokens, load_context_model


@pytest.fixture(scope="module")
def cues_only_guard(tmp_path_factory) -> contentguard.Guard:
    """The shipped rules with the model section removed from context.yaml: the hand cues decide alone."""
    rules = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(data_dir("rules"), rules)
    context = rules / "context.yaml"
    text, removed = re.subn(r"\nmodel:\n(?:  .*\n)+", "\n", context.read_text(encoding="utf-8"))
    assert removed == 1
    context.write_text(text, encoding="utf-8")
    return contentguard.load(rules_dir=rules)


def _post(guard, text):
    return guard.check(contentguard.Document(id="t", kind="post", body=text))


def _probabilities(report) -> dict[str, float]:
    found = {}
    for finding in (*report.findings, *report.context_dropped):
        reason = finding.context.reason if finding.context else ""
        match = re.search(r"context model p=([0-9.]+)", reason)
        if match and finding.rule_id != "advertising/absolute-productive":
            found[finding.text] = float(match.group(1))
    return found


def test_the_shipped_model_loads_once_through_the_shared_path():
    folder = shipped_model_dir("context")
    assert (folder / MODEL_CARD_FILE_NAME).is_file()
    assert sum(p.stat().st_size for p in folder.iterdir()) < 2_000_000
    model = load_context_model()
    assert load_context_model() is model
    assert model.labels == ("occurs", "violates")
    assert model.header.metrics["selection"] == "leave-one-corpus-group-out"


def test_a_changed_array_file_is_a_clear_error_naming_it(tmp_path: Path):
    folder = tmp_path / "context"
    shutil.copytree(shipped_model_dir("context"), folder)
    npz = folder / "context.npz"
    data = bytearray(npz.read_bytes())
    data[len(data) // 2] ^= 0xFF
    npz.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"context\.npz is corrupt: its checksum does not match"):
        ContextModel.load(folder)


def test_a_model_without_its_card_is_refused(tmp_path: Path):
    folder = tmp_path / "context"
    shutil.copytree(shipped_model_dir("context"), folder)
    (folder / MODEL_CARD_FILE_NAME).unlink()
    with pytest.raises(ModelError, match="MODEL_CARD.md"):
        ContextModel.load(folder)


def test_features_are_words_tags_and_cues_on_both_sides():
    example = ContextExample(window="建议开封后最好冷藏保存", offset=5, hit="最好", family="absolute", cues=("modal",))
    tokens = context_tokens(example)
    assert tokens == context_tokens(example)  # deterministic
    assert "h:最好" in tokens and "c:modal" in tokens and "fc:absolute|modal" in tokens
    assert any(t.startswith("r1w:") for t in tokens) and any(t.startswith("r1p:") for t in tokens)
    assert any(t.startswith("l1w:") for t in tokens) and any(t.startswith("l1p:") for t in tokens)


@pytest.mark.parametrize("text, hit", [
    ("第一感觉很不错", "第一"),                      # ordinal
    ("德阳市第一幼儿园举行开学典礼", "第一"),          # a name
    ("韭菜用什么肥料长得最好？", "最好"),              # a question
    ("这真的是最好的吗？", "最好"),                    # a question
    ("并非全国领先", "领先"),                          # negation
    ("美国成为全球最大石油生产国", "最大"),            # a news fact
    ("他曾是联盟最好的中锋", "最好"),                  # a fact about the past
    ("特别讨厌别人说河南人偷井盖", "偷井盖"),          # a slur argued against
])
def test_the_model_itself_judges_the_traps_harmless(default_guard, text, hit):
    report = _post(default_guard, text)
    assert _probabilities(report)[hit] < 0.3
    assert hit not in {f.text for f in report.findings}
    (dropped,) = [f for f in report.context_dropped if f.text == hit and f.rule_id != "advertising/absolute-productive"]
    assert text[dropped.start:dropped.end] == hit
    assert "context model p=" in dropped.context.reason and f"{hit} used as" in dropped.context.reason


@pytest.mark.parametrize("text, hit", [
    ("全网最低价，错过等一年", "全网最低"),
    ("这款是全网最好用的吸尘器", "最好用"),
    ("我们是行业第一品牌", "第一品牌"),
    ("你就是个傻逼", "傻逼"),
])
def test_the_model_lets_claims_and_insults_stand_with_exact_spans(default_guard, text, hit):
    report = _post(default_guard, text)
    # More likely than not a violation (行业第一品牌: 0.58 since the public's voice joined the training data)
    assert _probabilities(report)[hit] > 0.5
    (finding,) = [f for f in report.findings if f.text == hit]
    assert text[finding.start:finding.end] == hit
    assert finding.context.label in {"claim", "insult"}
    assert finding.context.score >= 0.55


@pytest.mark.parametrize("text, hit", [
    ("上海第一食品商店开业", "第一"),                  # a name the cue list does not know
    ("美国成为全球最大石油生产国", "最大"),            # news: a fact about someone else
    ("中国成为全球最大的汽车市场", "最大"),
    ("他曾是联盟最好的中锋", "最好"),                  # a fact about the past
    ("湖人一战验出联盟第一真金", "第一"),              # the news voice on a team's rank
])
def test_the_classifier_changes_the_decision_of_the_cues(default_guard, cues_only_guard, text, hit):
    assert hit in {f.text for f in _post(cues_only_guard, text).findings}
    report = _post(default_guard, text)
    assert hit not in {f.text for f in report.findings}
    assert hit in {f.text for f in report.context_dropped}


def test_model_families_must_exist():
    settings = ContextSettings.model_validate({"model": {"families": ["nope"]}, "families": []})
    with pytest.raises(ConfigError, match="unknown families"):
        ContextStage((), settings)


def test_a_missing_model_folder_is_a_configuration_error_at_load(tmp_path: Path):
    rules = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), rules)
    context = rules / "context.yaml"
    context.write_text(context.read_text(encoding="utf-8").replace("  name: context\n", "  name: no-such-model\n"),
                       encoding="utf-8")
    with pytest.raises(ConfigError, match="no-such-model.*no model folder"):
        contentguard.load(rules_dir=rules)


def test_the_public_voice_has_its_own_copy_of_every_feature_when_the_model_asks_for_it():
    public = ContextExample(window="今天真他妈冷", offset=2, hit="他妈", family="insult", voice="public")
    company = ContextExample(window="今天真他妈冷", offset=2, hit="他妈", family="insult", voice="company")
    shared = context_tokens(public)
    assert shared == context_tokens(company)  # without the setting the voice changes nothing (shipped models)
    voiced = context_tokens(public, voice=True)
    assert voiced[:len(shared)] == shared and "v:public" in voiced
    assert {f"P|{token}" for token in shared} <= set(voiced)
    assert context_tokens(company, voice=True) == shared  # the company's voice is the shared standard


def test_a_voiced_model_scores_the_same_words_differently_in_the_public_voice(tmp_path: Path):
    from contentguard.models.context import ContextFeatureSettings

    folder = tmp_path / "context"
    ContextModel.save(folder, version="t", vocabulary=["h:他妈", "P|h:他妈"], coefficients=[2.0, -4.0],
                      intercept=0.0, settings=ContextFeatureSettings(voice=True), families=["insult"])
    (folder / MODEL_CARD_FILE_NAME).write_text("# test card\n", encoding="utf-8")
    model = ContextModel.load(folder)
    said = {voice: model.probability(ContextExample(window="今天真他妈冷", offset=2, hit="他妈", family="insult",
                                                    voice=voice))[0] for voice in ("company", "public")}
    assert said["company"] > 0.85 and said["public"] < 0.15
    assert model.predict_proba([ContextExample("今天真他妈冷", 2, "他妈", "insult", voice="public")])[0, 1] \
        == pytest.approx(said["public"])
