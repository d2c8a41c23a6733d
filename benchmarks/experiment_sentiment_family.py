"""Compare other small model families with the shipped sentiment recipe on the cross-corpus folds.

    python benchmarks/experiment_sentiment_family.py [--folds 酒店,weibo2018] [--families base,nbblend,...]

Every family is measured the way the shipped recipe is (benchmarks/train_sentiment.py): fitted without one corpus
(or category) and scored on it, near-duplicates of any training text dropped from the held-out side — never on a
split of a training corpus. Binary accuracy (P(positive) > P(negative)) on the held-out polar texts, and on the
mixed ones among them (但, 不过, 就是 …). Writes nothing: it is how the families named in the model card were
compared. Families (all over the same tokens as the shipped model, and the same fold, vocabulary and idf):

- ``base``: the shipped recipe (NB-scaled TF-IDF, multinomial logistic regression);
- ``nbblend``: base logits + beta x a multinomial naive Bayes fitted on the same features (a linear model too,
  so it would fold into the stored coefficients at no scoring cost); beta in BLEND_BETAS;
- ``shared``: base refitted on the tokens seen in at least two training corpora only (the corpus-specific tokens,
  such as product names of one shop category, cannot carry the weight then);
- ``sources``: one logistic regression per training domain (reviews, Weibo + hand-written), logits averaged;
- ``clause``: base, plus gamma x the base logits of the clause after the text's last contrast cue (但是, 不过 …),
  scored as a text of its own (clause-level scoring; gamma in CLAUSE_GAMMAS) — texts without a cue unchanged;
- ``mlp``: one hidden layer (MLP_HIDDEN ReLU units, sklearn MLPClassifier, adam, MLP_EPOCHS epochs, fixed seed)
  over the same NB-scaled features, on at most MLP_FEATURES columns (the most frequent) to keep the file small.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.naive_bayes import MultinomialNB  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from train_sentiment import (  # noqa: E402  (benchmarks/ is the script's folder, so it is on sys.path)
    CUES_FILE_NAME,
    DEFAULT_DATA_DIR,
    DEFAULT_OUT_DIR,
    DOMAIN_WEIGHT,
    FEATURE_SETTINGS,
    MAX_FEATURES,
    MIXED_MARKERS,
    REGULARIZATION_C,
    SEED,
    SUPPLEMENT_FILE_NAME,
    Corpus,
    TokenCounts,
    cross_corpus_folds,
    fit,
    load_corpora,
)

from contentguard.engine.sentiment import LABELS, FeatureCues, FeatureExtractor  # noqa: E402

BLEND_BETAS = (0.05, 0.1, 0.2, 0.4)
CLAUSE_GAMMAS = (0.25, 0.5, 1.0)
CLAUSE_SPLIT = re.compile(r"[，,。.！!？?；;～~…\s]+")
MLP_HIDDEN = 16
MLP_EPOCHS = (2, 4, 8)
MLP_FEATURES = 100_000
POSITIVE, NEGATIVE = LABELS.index("positive"), LABELS.index("negative")


def binary_accuracy(logits: np.ndarray, gold: np.ndarray) -> float:
    return float(np.mean((logits[:, POSITIVE] > logits[:, NEGATIVE]) == (gold == "positive")))


def label_logits(classifier: LogisticRegression, features: sp.csr_matrix) -> np.ndarray:
    """Log-probabilities in LABELS order; a label the classifier never saw (neutral, for reviews) gets log 1e-9."""
    out = np.full((features.shape[0], len(LABELS)), np.log(1e-9))
    log_probabilities = classifier.predict_log_proba(features)
    for index, label in enumerate(classifier.classes_):
        out[:, LABELS.index(label)] = log_probabilities[:, index]
    return out


def corpus_of(corpora: list[Corpus]) -> dict[str, str]:
    """Text -> the name of the corpus it is from (for the ``shared`` family)."""
    names: dict[str, str] = {}
    for corpus in corpora:
        for split in (corpus.train, corpus.validation, corpus.test):
            for text in split.texts:
                names.setdefault(text, corpus.name)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--folds", default="酒店,weibo2018",
                        help="only the folds whose name holds one of these words ('' = all four)")
    parser.add_argument("--families", default="base,nbblend,clause,shared,sources,mlp")
    args = parser.parse_args(argv)
    families = set(args.families.split(","))
    np.random.seed(SEED)
    random.seed(SEED)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    cues_path = DEFAULT_OUT_DIR / CUES_FILE_NAME
    cues = FeatureCues.parse(cues_path.read_text(encoding="utf-8"), str(cues_path))
    corpora = load_corpora(args.data, DEFAULT_OUT_DIR / SUPPLEMENT_FILE_NAME)
    source = corpus_of(corpora)
    counts = TokenCounts(FeatureExtractor(FEATURE_SETTINGS, cues))
    folds = cross_corpus_folds(corpora, args.data, DOMAIN_WEIGHT, only=tuple(filter(None, args.folds.split(","))))
    table: dict[str, dict[str, tuple[float, float]]] = {}
    for fold in folds:
        print(f"fold: {fold.name}", flush=True)
        texts, labels, weights = fold.train
        held = [t for t, _ in fold.held_out]
        gold = np.array([lab for _, lab in fold.held_out])
        mixed = np.array([any(m in t for m in MIXED_MARKERS) for t in held])
        row = table.setdefault(fold.name, {})

        def record(name: str, logits: np.ndarray, row: dict = row, gold: np.ndarray = gold,
                   mixed: np.ndarray = mixed) -> None:
            row[name] = (binary_accuracy(logits, gold), binary_accuracy(logits[mixed], gold[mixed]))
            print(f"  {name:28s} {row[name][0]:.4f}  mixed {row[name][1]:.4f}", flush=True)

        started = time.perf_counter()
        base = fit(texts, labels, weights, cues, counts=counts, max_features=MAX_FEATURES)
        print(f"  base fitted in {time.perf_counter() - started:.0f}s")
        base_logits = base.logits(held)
        record("base", base_logits)
        said_positive = base_logits[:, POSITIVE] > base_logits[:, NEGATIVE]
        recall = {label: float(np.mean(said_positive[gold == label] == (label == "positive")))
                  for label in ("positive", "negative")}
        print(f"  base recall: positive {recall['positive']:.4f}, negative {recall['negative']:.4f}; "
              f"neutral the top label on {np.mean(base_logits.argmax(axis=1) == LABELS.index('neutral')):.1%}")
        train_x, held_x = base.features(texts), base.features(held)
        label_array = np.array(labels)
        if "nbblend" in families:
            nb = MultinomialNB(alpha=1.0).fit(train_x, label_array, sample_weight=weights)
            assert list(nb.classes_) == list(LABELS)
            joint = nb.predict_joint_log_proba(held_x)
            joint -= joint.mean(axis=1, keepdims=True)
            record("nb alone", joint)
            for beta in BLEND_BETAS:
                record(f"base + {beta:g} nb", base_logits + beta * joint)
        if "clause" in families:
            contrast = re.compile("|".join(sorted(map(re.escape, cues.contrasts), key=len, reverse=True)))
            after = {}
            for index, text in enumerate(held):
                matches = list(contrast.finditer(text))
                last = matches[-1] if matches else None
                if last is not None and re.search(r"\w", text[last.end():]):
                    after[index] = text[last.end():]
            indices = np.array(sorted(after), dtype=np.int64)
            clause_logits = np.zeros_like(base_logits)
            if len(indices):
                clause_logits[indices] = base.logits([after[i] for i in indices.tolist()])
            print(f"  clause: {len(indices):,} of {len(held):,} held-out texts have a clause after a contrast cue")
            for gamma in CLAUSE_GAMMAS:
                record(f"base + {gamma:g} clause", base_logits + gamma * clause_logits)
            # Every clause (split at punctuation) scored on its own, the mean of their logits added.
            pieces, owners = [], []
            for index, text in enumerate(held):
                parts = [part for part in CLAUSE_SPLIT.split(text) if re.search(r"\w", part)]
                if len(parts) > 1:
                    pieces += parts
                    owners += [index] * len(parts)
            owner_array = np.array(owners, dtype=np.int64)
            mean_logits = np.zeros_like(base_logits)
            if pieces:
                piece_logits = base.logits(pieces)
                for column in range(len(LABELS)):
                    mean_logits[:, column] = np.bincount(owner_array, piece_logits[:, column], len(held))
                mean_logits /= np.maximum(np.bincount(owner_array, minlength=len(held)), 1)[:, None]
            for gamma in CLAUSE_GAMMAS:
                record(f"base + {gamma:g} clause mean", base_logits + gamma * mean_logits)
        if "sources" in families:
            domains = np.array(["review" if source.get(t, "supplement") in ("online_shopping", "waimai") else "other"
                                for t in texts])
            summed = np.zeros_like(base_logits)
            for domain in ("review", "other"):
                mask = domains == domain
                classifier = LogisticRegression(C=REGULARIZATION_C, max_iter=3000, random_state=SEED)
                classifier.fit(train_x[mask], label_array[mask], sample_weight=weights[mask])
                domain_logits = label_logits(classifier, held_x)
                record(f"sources: {domain} only", domain_logits)
                summed += domain_logits
            record("sources: mean", summed / 2)
        if "shared" in families:
            names = np.array([source.get(t, "supplement") for t in texts])
            binary = train_x.copy()
            binary.data[:] = 1.0
            seen_in = np.zeros(train_x.shape[1])
            for name in np.unique(names):
                seen_in += np.asarray(binary[names == name].sum(axis=0)).ravel() >= 2
            keep = seen_in >= 2
            print(f"  shared: {int(keep.sum()):,} of {len(keep):,} columns seen in >= 2 training corpora")
            mask = sp.diags(keep.astype(float))
            classifier = LogisticRegression(C=REGULARIZATION_C, max_iter=3000, random_state=SEED)
            classifier.fit(train_x @ mask, label_array, sample_weight=weights)
            record("shared", classifier.decision_function(held_x @ mask))
        if "mlp" in families:
            document_frequency = np.bincount(train_x.indices, minlength=train_x.shape[1])
            columns = np.sort(np.argsort(-document_frequency, kind="stable")[:MLP_FEATURES])
            small_train, small_held = train_x[:, columns], held_x[:, columns]
            mlp = MLPClassifier(hidden_layer_sizes=(MLP_HIDDEN,), alpha=1e-4, batch_size=256,
                                learning_rate_init=1e-3, max_iter=1, warm_start=True, shuffle=True,
                                random_state=SEED)
            done = 0
            started = time.perf_counter()
            for epochs in MLP_EPOCHS:
                while done < epochs:
                    mlp.fit(small_train, label_array, sample_weight=weights)
                    done += 1
                probabilities = mlp.predict_proba(small_held)
                record(f"mlp {MLP_HIDDEN} x {epochs} epochs", np.log(np.clip(probabilities, 1e-9, 1)))
            print(f"  mlp: {time.perf_counter() - started:.0f}s for {done} epochs")
    print("\nsummary (binary accuracy / mixed):")
    for fold_name, row in table.items():
        print(fold_name)
        for name, (accuracy, mixed_accuracy) in row.items():
            print(f"  {name:28s} {accuracy:.4f} / {mixed_accuracy:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
