"""Train contentguard's offensive-language model on COLD and write models/offensive/ with its model card.

    python benchmarks/train_offensive.py [--data DIR] [--out DIR] [--quick]

Data (read in place, never copied): COLD train.csv and dev.csv (../shared/data/abuse/cold/, see its
SOURCE.md; Apache-2.0). The model is fitted on train.csv only; every choice (character n-gram length,
NB weighting, C, class weights) is made on dev.csv; COLD's test split is not used here at all.

Model: logistic regression (liblinear, seeded) over TF-IDF character 1..n-grams from
``contentguard.models.features.TextFeaturizer`` (the same code predicts), optionally NB-weighted
(Wang & Manning 2012: each column scaled by |r|^e, r the offensive-vs-safe log-count ratio; the scale is
folded into the stored coefficients). Written through ``LinearTextModel.save`` (JSON header + NPZ,
checksums, no pickle).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from contentguard.models.evaluate import binary_metrics, calibration  # noqa: E402
from contentguard.models.features import TextFeatureSettings, TextFeaturizer  # noqa: E402
from contentguard.models.linear import LinearTextModel  # noqa: E402

DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "abuse" / "cold"
DEFAULT_OUT_DIR = REPO_ROOT / "models" / "offensive"
SEED = 20261207
LABELS = ("safe", "offensive")
MODEL_VERSION = "1.0"
MIN_DF = 2
MAX_FEATURES = 200_000
NB_ALPHA = 1.0
# The grid searched on dev.csv (the first entry of each list is the --quick choice).
GRID = {
    "char_ngram_max": [4, 3],
    "nb_exponent": [0.5, 0.0, 1.0],
    "C": [10.0, 3.0, 30.0],
    # COLD train is balanced (13,003 safe, 12,723 offensive): "balanced" weights change next to nothing.
    "class_weight": [None],
}


def read_cold(path: Path) -> tuple[list[str], np.ndarray]:
    if not path.is_file():
        raise SystemExit(f"COLD file {path} is missing: put COLD's train.csv and dev.csv there (see SOURCE.md)")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    try:
        return [row["TEXT"] for row in rows], np.array([int(row["label"]) for row in rows])
    except (KeyError, ValueError) as error:
        raise SystemExit(f"{path}: not COLD's format (columns split, topic, label, TEXT): {error}") from None


def nb_scale(features: sp.csr_matrix, labels: np.ndarray, exponent: float) -> np.ndarray:
    if exponent <= 0:
        return np.ones(features.shape[1])
    positive = np.asarray(features[labels == 1].sum(axis=0)).ravel() + NB_ALPHA
    negative = np.asarray(features[labels == 0].sum(axis=0)).ravel() + NB_ALPHA
    ratio = np.log((positive / positive.sum()) / (negative / negative.sum()))
    return np.abs(ratio) ** exponent


def fit(features: sp.csr_matrix, labels: np.ndarray, scale: np.ndarray, c: float, class_weight) -> LogisticRegression:
    classifier = LogisticRegression(C=c, solver="liblinear", max_iter=5000, class_weight=class_weight,
                                    random_state=SEED)
    return classifier.fit(features @ sp.diags(scale), labels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--quick", action="store_true", help="no search: the first value of every grid list")
    args = parser.parse_args(argv)
    started = time.time()
    train_texts, train_labels = read_cold(args.data / "train.csv")
    dev_texts, dev_labels = read_cold(args.data / "dev.csv")
    print(f"COLD train {len(train_texts):,} texts, dev {len(dev_texts):,} texts")

    grid = {name: values[:1] for name, values in GRID.items()} if args.quick else GRID
    results = []
    best = None
    for n_max in grid["char_ngram_max"]:
        featurizer = TextFeaturizer(TextFeatureSettings(char_ngram_max=n_max))
        featurizer.fit(train_texts, min_df=MIN_DF, max_features=MAX_FEATURES)
        train_features, dev_features = featurizer.transform(train_texts), featurizer.transform(dev_texts)
        for exponent in grid["nb_exponent"]:
            scale = nb_scale(train_features, train_labels, exponent)
            for c, class_weight in itertools.product(grid["C"], grid["class_weight"]):
                classifier = fit(train_features, train_labels, scale, c, class_weight)
                probabilities = classifier.predict_proba(dev_features @ sp.diags(scale))[:, 1]
                metrics = binary_metrics(dev_labels, probabilities >= 0.5)
                choice = {"char_ngram_max": n_max, "nb_exponent": exponent, "C": c, "class_weight": class_weight}
                results.append((choice, metrics))
                print(f"  {choice}: dev F1 {metrics['f1']:.4f} accuracy {metrics['accuracy']:.4f}", flush=True)
                if best is None or (metrics["f1"], metrics["accuracy"]) > (best[1]["f1"], best[1]["accuracy"]):
                    best = (choice, metrics, featurizer, scale, classifier, probabilities)
    assert best is not None
    choice, metrics, featurizer, scale, classifier, probabilities = best
    print(f"chosen on dev: {choice}")
    coefficients = (classifier.coef_[0] * scale).reshape(-1, 1)  # NB scale folded in: plain TF-IDF · w
    dev_calibration = calibration(dev_labels, probabilities)
    header_path = LinearTextModel.save(
        args.out, name="offensive", version=MODEL_VERSION, labels=LABELS, featurizer=featurizer,
        coefficients=coefficients, intercepts=classifier.intercept_,
        extra={
            "sklearn_version": sklearn.__version__,
            "trained_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "training_data": [f"COLD train.csv ({len(train_texts):,} comments; selection on dev.csv, "
                              f"{len(dev_texts):,} comments)"],
            "metrics": {"dev_f1": round(metrics["f1"], 4), "dev_accuracy": round(metrics["accuracy"], 4),
                        "dev_precision": round(metrics["precision"], 4), "dev_recall": round(metrics["recall"], 4),
                        "dev_ece": round(dev_calibration["ece"], 4), "choice": choice},
        },
    )
    if not (args.out / "MODEL_CARD.md").is_file():
        stub = "# Offensive-language model card\n\nProvisional: see benchmarks/train_offensive.py.\n"
        (args.out / "MODEL_CARD.md").write_text(stub, encoding="utf-8")
    exported = LinearTextModel.load(header_path)
    check = exported.predict_proba(dev_texts[:500])[:, 1]
    assert np.allclose(check, probabilities[:500], atol=1e-3), "the exported model must predict as trained"
    size = sum(p.stat().st_size for p in args.out.iterdir() if p.suffix in (".json", ".npz"))
    print(f"wrote {header_path} ({size / 1e6:.1f} MB, {len(featurizer.vocabulary):,} features) "
          f"in {time.time() - started:.0f} s")
    print(f"dev: F1 {metrics['f1']:.4f} accuracy {metrics['accuracy']:.4f} precision {metrics['precision']:.4f} "
          f"recall {metrics['recall']:.4f} ECE {dev_calibration['ece']:.4f}")
    print("the model card (models/offensive/MODEL_CARD.md) takes these figures and those of "
          "benchmarks/evaluate_offensive.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
