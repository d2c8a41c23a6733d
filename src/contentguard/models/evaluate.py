"""Evaluation helpers shared by benchmarks/ and tests: plain numpy, no scikit-learn needed.

- :func:`binary_metrics`: precision / recall / F1 of the positive class, accuracy, the confusion counts;
- :func:`metrics_at`: the same for scores cut at a threshold (score >= threshold is positive);
- :func:`threshold_for_precision`: the lowest threshold whose precision reaches a target;
- :func:`best_f1_threshold`: the threshold with the highest F1;
- :func:`calibration`: expected calibration error and the reliability table of binary probabilities;
- :func:`multiclass_metrics`: accuracy and macro-F1 over labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "best_f1_threshold",
    "binary_metrics",
    "calibration",
    "metrics_at",
    "multiclass_metrics",
    "threshold_for_precision",
]


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else 0.0


def binary_metrics(gold: Sequence[int] | np.ndarray, predicted: Sequence[int] | np.ndarray) -> dict[str, Any]:
    """Precision, recall and F1 of class 1, accuracy, and tp / fp / fn / tn / n. Empty input gives zeros."""
    gold_array = np.asarray(gold).astype(bool)
    predicted_array = np.asarray(predicted).astype(bool)
    if gold_array.shape != predicted_array.shape:
        raise ValueError(f"gold has {gold_array.shape} values, predicted {predicted_array.shape}")
    tp = int(np.sum(gold_array & predicted_array))
    fp = int(np.sum(~gold_array & predicted_array))
    fn = int(np.sum(gold_array & ~predicted_array))
    tn = int(np.sum(~gold_array & ~predicted_array))
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, tp + fn)
    return {
        "precision": precision,
        "recall": recall,
        "f1": _ratio(2 * precision * recall, precision + recall),
        "accuracy": _ratio(tp + tn, len(gold_array)),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "n": int(len(gold_array)),
    }


def metrics_at(gold: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray, threshold: float) -> dict:
    """:func:`binary_metrics` of ``scores >= threshold``, with the threshold in the result."""
    result = binary_metrics(gold, np.asarray(scores) >= threshold)
    result["threshold"] = float(threshold)
    return result


def _curve(gold: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds, tp, fp) for every distinct score, highest first: predicting score >= threshold."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_gold = scores[order], gold[order].astype(bool)
    tp = np.cumsum(sorted_gold)
    fp = np.cumsum(~sorted_gold)
    last = np.r_[np.nonzero(np.diff(sorted_scores))[0], len(sorted_scores) - 1]  # end of each tie group
    return sorted_scores[last], tp[last], fp[last]


def threshold_for_precision(
    gold: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray, target: float, min_positives: int = 1
) -> float | None:
    """The lowest threshold at which precision is >= target (most recall at that precision), or None.

    ``min_positives``: ignore thresholds that flag fewer texts than this (precision of 1 flagged text
    says little).
    """
    gold_array, score_array = np.asarray(gold), np.asarray(scores, dtype=float)
    if not len(gold_array):
        return None
    thresholds, tp, fp = _curve(gold_array, score_array)
    flagged = tp + fp
    ok = (tp >= target * flagged) & (flagged >= min_positives)
    if not ok.any():
        return None
    return float(thresholds[np.nonzero(ok)[0][-1]])


def best_f1_threshold(gold: Sequence[int] | np.ndarray, scores: Sequence[float] | np.ndarray) -> float:
    """The threshold (one of the scores) with the highest F1 of class 1."""
    gold_array, score_array = np.asarray(gold), np.asarray(scores, dtype=float)
    thresholds, tp, fp = _curve(gold_array, score_array)
    positives = int(gold_array.astype(bool).sum())
    f1 = 2 * tp / np.maximum(tp + fp + positives, 1)
    return float(thresholds[int(np.argmax(f1))])


def calibration(
    gold: Sequence[int] | np.ndarray, probabilities: Sequence[float] | np.ndarray, bins: int = 10
) -> dict[str, Any]:
    """Expected calibration error of P(class 1) over equal-width bins, and the table behind it.

    Each table row: bin range, number of texts, mean predicted probability, observed rate of class 1.
    """
    gold_array = np.asarray(gold).astype(float)
    probability_array = np.asarray(probabilities, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(probability_array, edges[1:-1]), 0, bins - 1)
    table = []
    error = 0.0
    for b in range(bins):
        inside = index == b
        count = int(inside.sum())
        if not count:
            continue
        mean_probability = float(probability_array[inside].mean())
        observed = float(gold_array[inside].mean())
        error += count * abs(mean_probability - observed)
        table.append({"low": float(edges[b]), "high": float(edges[b + 1]), "n": count,
                      "mean_probability": mean_probability, "observed": observed})
    return {"ece": _ratio(error, len(gold_array)), "bins": table}


def multiclass_metrics(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 over ``labels`` and per-label precision / recall / F1."""
    gold_array, predicted_array = np.asarray(gold), np.asarray(predicted)
    per_label = {label: binary_metrics(gold_array == label, predicted_array == label) for label in labels}
    return {
        "accuracy": _ratio(int(np.sum(gold_array == predicted_array)), len(gold_array)),
        "macro_f1": float(np.mean([m["f1"] for m in per_label.values()])) if labels else 0.0,
        "per_label": per_label,
    }
