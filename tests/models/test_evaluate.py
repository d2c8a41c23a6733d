"""The shared evaluation helpers agree with scikit-learn and pick thresholds as documented."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from contentguard.models.evaluate import (
    best_f1_threshold,
    binary_metrics,
    calibration,
    metrics_at,
    multiclass_metrics,
    threshold_for_precision,
)


def test_binary_metrics_agree_with_scikit_learn() -> None:
    rng = np.random.default_rng(7)
    gold = rng.integers(0, 2, 500)
    predicted = np.where(rng.random(500) < 0.8, gold, 1 - gold)
    result = binary_metrics(gold, predicted)
    assert np.isclose(result["precision"], precision_score(gold, predicted))
    assert np.isclose(result["recall"], recall_score(gold, predicted))
    assert np.isclose(result["f1"], f1_score(gold, predicted))
    assert np.isclose(result["accuracy"], accuracy_score(gold, predicted))
    assert result["tp"] + result["fp"] + result["fn"] + result["tn"] == 500


def test_thresholds_for_precision_and_f1() -> None:
    gold = np.array([1, 1, 1, 0, 1, 0, 0, 0])
    scores = np.array([0.9, 0.8, 0.7, 0.65, 0.6, 0.4, 0.3, 0.1])
    assert threshold_for_precision(gold, scores, 1.0) == 0.7  # three right, the fourth is wrong
    assert threshold_for_precision(gold, scores, 0.8) == 0.6  # 4 of 5 at 0.6
    assert metrics_at(gold, scores, 0.6)["precision"] == 0.8
    assert threshold_for_precision(gold, scores, 1.0, min_positives=4) is None
    assert best_f1_threshold(gold, scores) == 0.6


def test_calibration_of_perfectly_calibrated_and_overconfident_scores() -> None:
    rng = np.random.default_rng(3)
    probabilities = rng.random(20_000)
    gold = rng.random(20_000) < probabilities
    assert calibration(gold, probabilities)["ece"] < 0.02
    overconfident = np.where(probabilities > 0.5, 1.0, 0.0)
    assert calibration(gold, overconfident)["ece"] > 0.2


def test_multiclass_accuracy_and_macro_f1() -> None:
    gold = ["a", "a", "b", "c"]
    predicted = ["a", "b", "b", "c"]
    result = multiclass_metrics(gold, predicted, ["a", "b", "c"])
    assert result["accuracy"] == 0.75
    assert np.isclose(result["macro_f1"], f1_score(gold, predicted, average="macro"))
