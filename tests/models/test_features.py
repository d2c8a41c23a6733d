"""TextFeaturizer: the vectorized transform gives exactly the reference matrix; the linear model round-trips."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from contentguard.models.artifact import MODEL_CARD_FILE_NAME
from contentguard.models.features import TextFeatureSettings, TextFeaturizer
from contentguard.models.linear import LinearTextModel, load_model

TEXTS = ["河南人都是骗子，素质低", "谢谢客服！！！！！问题解决了", "黑人 都是 垃圾", "ＡＢＣ１２３全角", "",
         "   ", "😡😡😡 气死了 http://t.cn/abc @某人: 回复", "不应该歧视女性", "𠮷野家的牛肉饭", "a\tb\nc",
         "女拳真恶心，一群直男癌", "周末去爬山。天气很好"]


@pytest.mark.parametrize("settings", [TextFeatureSettings(char_ngram_max=4), TextFeatureSettings(char_ngram_max=2),
                                      TextFeatureSettings(char_ngram_max=5, word_ngram_max=2)])
def test_fast_transform_equals_the_reference(settings: TextFeatureSettings) -> None:
    featurizer = TextFeaturizer(settings).fit(TEXTS * 2, min_df=1)
    fast, reference = featurizer.transform(TEXTS), featurizer.transform_reference(TEXTS)
    assert fast.shape == reference.shape and fast.nnz == reference.nnz > 0
    assert abs(fast - reference).max() < 1e-12
    assert np.allclose(np.asarray(fast.multiply(fast).sum(axis=1)).ravel()[[0, 1]], 1.0)


def test_the_shipped_model_agrees_with_its_reference_path_on_real_comments() -> None:
    model = load_model("offensive")
    texts = [*TEXTS, *(text * 3 for text in TEXTS)]
    featurizer = model.featurizer
    assert abs(featurizer.transform(texts) - featurizer.transform_reference(texts)).max() < 1e-12


def test_prediction_without_scipy_gives_scipys_logits_to_the_last_bit() -> None:
    """decision_function multiplies TfIdfRows without scipy (#13); scipy's CSR product gives the same bits."""
    model = load_model("offensive")
    texts = [*TEXTS, *(text * 3 for text in TEXTS)]
    expected = np.asarray(model.featurizer.transform(texts) @ model._coefficients) + model._intercepts
    assert np.array_equal(model.decision_function(texts), expected)
    assert model.decision_function([]).shape == (0, 1)


def test_a_check_with_sentiment_and_the_offensive_model_imports_no_scipy() -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    code = ("import sys, contentguard\n"
            "g = contentguard.load()\n"
            "report = list(g.check_batch(['这家店真不错，行业第一', '你这个傻逼客服，垃圾']))\n"
            "assert report[0].sentiment is not None\n"
            "from contentguard.models.linear import load_model\n"
            "load_model('offensive').predict_proba(['你这个傻逼'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))\n")
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(src)},
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_saved_linear_model_predicts_as_it_was_trained(tmp_path: Path) -> None:
    labels = np.array([1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0] * 2)
    featurizer = TextFeaturizer(TextFeatureSettings(char_ngram_max=3)).fit(TEXTS * 2, min_df=1)
    from sklearn.linear_model import LogisticRegression

    classifier = LogisticRegression(C=10).fit(featurizer.transform(TEXTS * 2), labels)
    folder = tmp_path / "toy"
    folder.mkdir()
    (folder / MODEL_CARD_FILE_NAME).write_text("# toy\n", encoding="utf-8")
    LinearTextModel.save(folder, name="toy", version="0.1", labels=("no", "yes"), featurizer=featurizer,
                         coefficients=classifier.coef_.T, intercepts=classifier.intercept_)
    model = LinearTextModel.load(folder)
    expected = classifier.predict_proba(featurizer.transform(TEXTS))
    np.testing.assert_allclose(model.predict_proba(TEXTS), expected, atol=1e-4)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_proba(TEXTS), model.predict_proba(TEXTS))
