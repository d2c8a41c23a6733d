"""Train contentguard's sentiment model and write it to models/sentiment/ with its model card.

    python benchmarks/train_sentiment.py [--data DIR] [--out DIR]

Data (read in place, never copied): the shared sentiment folder described by its SOURCE.md — two
review corpora (binary) and the SMP2020-EWECT Weibo posts (six emotions) — plus the hand-written
texts in models/sentiment/training_supplement.tsv. Every corpus gets fixed-seed train / validation /
test splits (see ``load_corpora``); the model is fitted on the train splits, its temperature is
calibrated on the validation splits, and the test splits are only reported.

The split logic here is imported by benchmarks/evaluate_sentiment.py, so both see the same held-out texts.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.optimize
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from contentguard.engine.sentiment import (  # noqa: E402  (after the path set-up for a plain checkout)
    HEADER_FILE_NAME,
    LABELS,
    FeatureCues,
    FeatureExtractor,
    FeatureSettings,
    ModelHeader,
    SentimentModel,
    encode_vocabulary,
)
from contentguard.models.artifact import MODEL_CARD_FILE_NAME, write_artifact  # noqa: E402  (after the path set-up)
from contentguard.models.sentiment import token_keys  # noqa: E402

DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "sentiment"
DEFAULT_OUT_DIR = REPO_ROOT / "models" / "sentiment"
CUES_FILE_NAME = "feature_cues.txt"
SUPPLEMENT_FILE_NAME = "training_supplement.tsv"
ARRAYS_FILE_NAME = "sentiment_model.npz"
#: The model's version in its header; bump it when the shipped model is retrained.
MODEL_VERSION = "2.0"
SEED = 20240611

# SMP2020-EWECT emotions -> our three labels. "surprise" is dropped from training and evaluation:
# in this data it is as often good news as bad ("竟然还有医院" / "卧槽 ??"), so forcing it into one
# polarity would teach noise; at prediction time such posts get whatever the text says.
EMOTION_TO_LABEL: dict[str, str | None] = {
    "happy": "positive",
    "angry": "negative",
    "sad": "negative",
    "fear": "negative",
    "neutral": "neutral",
    "surprise": None,
}
BINARY_TO_LABEL = {"1": "positive", "0": "negative"}

# Fraction of usual_eval (everyday Weibo, no training file of its own) used for training / validation;
# the rest is the test split.
USUAL_TRAIN_FRACTION = 0.5
USUAL_VALIDATION_FRACTION = 0.2
REVIEW_VALIDATION_FRACTION = 0.1
REVIEW_TEST_FRACTION = 0.1
SUPPLEMENT_HELD_OUT_FRACTION = 0.2

# Training weight of one text of each domain, relative to a review: Weibo posts would otherwise be
# drowned by ~60k reviews. Chosen on the validation splits (see the model card).
DOMAIN_WEIGHT = {"review": 1.0, "weibo": 2.0, "supplement": 8.0}
BALANCED_DOMAINS = frozenset({"review", "weibo"})
FEATURE_SETTINGS = FeatureSettings(
    char_ngram_max=3, negation_window=3, negated_ngram_max=2, word_features=False, lexicon_features=True,
    contrast_features=True,
)
MIN_DOCUMENT_FREQUENCY = 2
#: At most this many features (the highest document frequency): keeps the model file under 5 MB.
MAX_FEATURES = 200_000
REGULARIZATION_C = 10.0
# NB weighting (NBSVM-style, Wang & Manning 2012): every TF-IDF column is scaled by |r|**NB_EXPONENT,
# r the log-count ratio positive vs negative on the training texts (weighted sums, add-NB_ALPHA
# smoothing), before the logistic regression; the scale is folded into the stored coefficients, so
# prediction is unchanged. NB_EXPONENT = 0 turns it off. Chosen on the validation splits.
NB_EXPONENT = 0.75
NB_ALPHA = 1.0


@dataclass
class Split:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # "negative" / "neutral" / "positive"

    def add(self, text: str, label: str) -> None:
        self.texts.append(text)
        self.labels.append(label)

    def __len__(self) -> int:
        return len(self.texts)


@dataclass
class Corpus:
    name: str
    domain: str  # "review", "weibo" or "supplement": decides training weight and which metrics apply
    source: str
    train: Split
    validation: Split
    test: Split
    notes: str = ""


class MissingDataError(SystemExit):
    pass


def _require(path: Path, what: str) -> Path:
    if not path.exists():
        raise MissingDataError(
            f"error: {what} not found: {path}\n"
            "Pass the shared sentiment folder with --data DIR (it holds online_shopping_10_cats.csv, "
            "waimai_10k.csv and smp2020-ewect/*.json; see its SOURCE.md)."
        )
    return path


def _read_binary_reviews(path: Path) -> tuple[list[str], list[str], int]:
    """Unique non-empty reviews with one label; reviews seen with both labels are dropped."""
    labels_by_text: dict[str, set[str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            text = (row["review"] or "").replace("\ufeff", "").strip()
            if text:
                labels_by_text.setdefault(text, set()).add(BINARY_TO_LABEL[row["label"]])
    conflicting = sum(len(labels) > 1 for labels in labels_by_text.values())
    kept = [(text, labels.pop()) for text, labels in labels_by_text.items() if len(labels) == 1]
    return [text for text, _ in kept], [label for _, label in kept], conflicting


def _split_reviews(name: str, path: Path) -> Corpus:
    texts, labels, conflicting = _read_binary_reviews(path)
    rest_texts, test_texts, rest_labels, test_labels = train_test_split(
        texts, labels, test_size=REVIEW_TEST_FRACTION, random_state=SEED, stratify=labels
    )
    train_texts, val_texts, train_labels, val_labels = train_test_split(
        rest_texts,
        rest_labels,
        test_size=REVIEW_VALIDATION_FRACTION / (1 - REVIEW_TEST_FRACTION),
        random_state=SEED,
        stratify=rest_labels,
    )
    return Corpus(
        name=name,
        domain="review",
        source=path.name,
        train=Split(train_texts, train_labels),
        validation=Split(val_texts, val_labels),
        test=Split(test_texts, test_labels),
        notes=f"deduplicated; {conflicting} texts with both labels dropped; stratified 80/10/10",
    )


def _read_weibo(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return [(post["content"].strip(), post["label"]) for post in json.load(stream)]


def _weibo_split(posts: list[tuple[str, str]], exclude: set[str] = frozenset(), unique: bool = False) -> Split:
    split = Split()
    seen: set[str] = set()
    for text, emotion in posts:
        label = EMOTION_TO_LABEL[emotion]
        if label is None or not text or text in exclude or (unique and text in seen):
            continue
        seen.add(text)
        split.add(text, label)
    return split


def load_supplement(path: Path) -> list[tuple[str, str]]:
    rows = []
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, separator, text = line.partition("\t")
        if not separator or label not in LABELS:
            raise ValueError(f"{path}:{line_number}: expected '<label><TAB><text>', got {line!r}")
        rows.append((text.strip(), label))
    return rows


def load_corpora(data_dir: Path, supplement_path: Path = DEFAULT_OUT_DIR / SUPPLEMENT_FILE_NAME,
                 weibo2018: Path | None = None) -> list[Corpus]:
    """All corpora with their fixed-seed splits (the same for training and evaluation)."""
    _require(data_dir, "shared sentiment data folder")
    weibo2018 = weibo2018 or DEFAULT_WEIBO2018
    shopping = _split_reviews("online_shopping", _require(data_dir / "online_shopping_10_cats.csv", "review corpus"))
    waimai = _split_reviews("waimai", _require(data_dir / "waimai_10k.csv", "delivery review corpus"))

    weibo_dir = _require(data_dir / "smp2020-ewect", "SMP2020-EWECT Weibo folder")
    virus_train = _read_weibo(_require(weibo_dir / "virus_train.json", "Weibo training file"))
    virus_eval = _read_weibo(_require(weibo_dir / "virus_eval_labeled.json", "Weibo validation file"))
    virus_test = _read_weibo(_require(weibo_dir / "virus_test_labeled.json", "Weibo test file"))
    usual = _read_weibo(_require(weibo_dir / "usual_eval_labeled.json", "everyday Weibo file"))

    train_texts = {text for text, _ in virus_train}
    virus = Corpus(
        name="weibo_virus",
        domain="weibo",
        source="smp2020-ewect virus_train / virus_eval_labeled / virus_test_labeled",
        train=_weibo_split(virus_train, unique=True),
        validation=_weibo_split(virus_eval, exclude=train_texts),
        # Posts already in the training file (388 of 3,000, mostly reposted slogans) are not held out.
        test=_weibo_split(virus_test, exclude=train_texts | {text for text, _ in virus_eval}),
        notes="official files as train / validation / test; surprise dropped; validation and test "
        "without the posts that also occur verbatim in an earlier file",
    )

    usual_emotions = [emotion for _, emotion in usual]
    usual_rest, usual_test = train_test_split(
        usual,
        test_size=1 - USUAL_TRAIN_FRACTION - USUAL_VALIDATION_FRACTION,
        random_state=SEED,
        stratify=usual_emotions,
    )
    usual_train, usual_validation = train_test_split(
        usual_rest,
        test_size=USUAL_VALIDATION_FRACTION / (USUAL_TRAIN_FRACTION + USUAL_VALIDATION_FRACTION),
        random_state=SEED,
        stratify=[emotion for _, emotion in usual_rest],
    )
    everyday = Corpus(
        name="weibo_usual",
        domain="weibo",
        source="smp2020-ewect usual_eval_labeled",
        train=_weibo_split(usual_train),
        validation=_weibo_split(usual_validation),
        test=_weibo_split(usual_test),
        notes="stratified 50/20/30 split of the 2,000 labelled everyday posts; surprise dropped",
    )

    supplement_rows = load_supplement(supplement_path)
    random.Random(SEED).shuffle(supplement_rows)
    n_held_out = round(len(supplement_rows) * SUPPLEMENT_HELD_OUT_FRACTION)
    supplement = Corpus(
        name="supplement",
        domain="supplement",
        source=f"models/sentiment/{SUPPLEMENT_FILE_NAME} (written for contentguard)",
        train=Split([t for t, _ in supplement_rows[n_held_out:]], [lab for _, lab in supplement_rows[n_held_out:]]),
        validation=Split(),
        test=Split([t for t, _ in supplement_rows[:n_held_out]], [lab for _, lab in supplement_rows[:n_held_out]]),
        notes=f"hand-written notices, questions and slang; {n_held_out} held out (fixed seed)",
    )
    posts = read_weibo2018(weibo2018)
    post_texts = [text for text, _ in posts]
    post_labels = [label for _, label in posts]
    rest_texts, test_texts, rest_labels, test_labels = train_test_split(
        post_texts, post_labels, test_size=REVIEW_TEST_FRACTION, random_state=SEED, stratify=post_labels
    )
    train_texts, val_texts, train_labels, val_labels = train_test_split(
        rest_texts, rest_labels, test_size=REVIEW_VALIDATION_FRACTION / (1 - REVIEW_TEST_FRACTION),
        random_state=SEED, stratify=rest_labels,
    )
    # The test split without near-duplicates of any training post (reposts of one text are common).
    kept = drop_near_duplicates(list(zip(test_texts, test_labels, strict=True)), train_texts + val_texts)
    weibo2018_corpus = Corpus(
        name="weibo2018",
        domain="weibo",
        source="realtext/weibo2018_train.txt (dengxiuqi/weibo2018 train.txt)",
        train=Split(train_texts, train_labels),
        validation=Split(val_texts, val_labels),
        test=Split([t for t, _ in kept], [lab for _, lab in kept]),
        notes="binary posts; stratified 80/10/10; test without near-duplicates of train + validation",
    )
    return [shopping, waimai, virus, everyday, weibo2018_corpus, supplement]


# --------------------------------------------------------------------------------------------------
# Cross-corpus validation: corpora held out whole, near-duplicates of the training texts dropped
# --------------------------------------------------------------------------------------------------

#: The review category held out of training to measure reviews of an unseen kind (hotel reviews).
HELD_OUT_CATEGORY = "酒店"
DEFAULT_WEIBO2018 = REPO_ROOT.parent / "shared" / "data" / "realtext" / "weibo2018_train.txt"
#: Two texts are near-duplicates when their normalized forms (letters, digits and CJK only, case-folded)
#: are equal or share their first or their last NEAR_DUPLICATE_PREFIX characters (reposts add or cut
#: a comment at one end).
NEAR_DUPLICATE_PREFIX = 20


def read_category_reviews(path: Path, category: str) -> list[tuple[str, str]]:
    """The unique reviews of one category of online_shopping_10_cats.csv, with their labels."""
    by_text: dict[str, set[str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            text = (row["review"] or "").replace("\ufeff", "").strip()
            if text and row["cat"] == category:
                by_text.setdefault(text, set()).add(BINARY_TO_LABEL[row["label"]])
    return [(text, labels.pop()) for text, labels in by_text.items() if len(labels) == 1]


def read_weibo2018(path: Path) -> list[tuple[str, str]]:
    """dengxiuqi/weibo2018 posts (``mid,label,text``, split on the first two commas only)."""
    posts = []
    for line in _require(path, "weibo2018 posts").read_text(encoding="utf-8").splitlines():
        parts = line.split(",", 2)
        if len(parts) == 3 and parts[1] in BINARY_TO_LABEL:
            posts.append((parts[2].strip(), BINARY_TO_LABEL[parts[1]]))
    return posts


def _normalized(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def drop_near_duplicates(pairs: list[tuple[str, str]], training_texts: list[str]) -> list[tuple[str, str]]:
    """The pairs whose text is no near-duplicate of a training text (see NEAR_DUPLICATE_PREFIX)."""
    seen = {_normalized(text) for text in training_texts}
    n = NEAR_DUPLICATE_PREFIX
    prefixes = {text[:n] for text in seen if len(text) >= n}
    suffixes = {text[-n:] for text in seen if len(text) >= n}
    kept = []
    for text, label in pairs:
        normalized = _normalized(text)
        if normalized in seen or (len(normalized) >= n and (normalized[:n] in prefixes or normalized[-n:] in suffixes)):
            continue
        kept.append((text, label))
    return kept


@dataclass
class Fold:
    """One cross-corpus fold: a training set without one corpus (or category), and that corpus as validation."""

    name: str
    train: tuple[list[str], list[str], np.ndarray]
    held_out: list[tuple[str, str]]  # polar texts only (binary accuracy), near-duplicates of training dropped


def cross_corpus_folds(corpora: list[Corpus], data_dir: Path, domain_weight: dict[str, float],
                       only: tuple[str, ...] = ()) -> list[Fold]:
    """Train on some corpora, validate on another that shares no text with them (never a split of the same
    corpus): the 酒店 category of the shopping reviews, the weibo2018 posts, the SMP2020 posts (polar ones),
    the waimai delivery reviews. Near-duplicates of any training text are dropped from the held-out side."""
    hotel = read_category_reviews(data_dir / "online_shopping_10_cats.csv", HELD_OUT_CATEGORY)
    hotel_texts = {text for text, _ in hotel}
    everything = ("train", "validation", "test")

    def without(names: set[str], drop_texts: set[str] = frozenset()) -> tuple[list[str], list[str], np.ndarray]:
        texts, labels, weights = training_set([c for c in corpora if c.name not in names], domain_weight,
                                              splits=everything)
        keep = [i for i, text in enumerate(texts) if text not in drop_texts]
        return [texts[i] for i in keep], [labels[i] for i in keep], weights[keep]

    def polar(names: set[str]) -> list[tuple[str, str]]:
        return [(t, lab) for c in corpora if c.name in names for split in everything
                for t, lab in zip(getattr(c, split).texts, getattr(c, split).labels, strict=True) if lab != "neutral"]

    plans = [
        (f"{HELD_OUT_CATEGORY} reviews (category held out)", set(), hotel_texts, hotel),
        ("weibo2018 posts (corpus held out)", {"weibo2018"}, set(), polar({"weibo2018"})),
        ("SMP2020 Weibo posts, polar (corpus held out)", {"weibo_virus", "weibo_usual"}, set(),
         polar({"weibo_virus", "weibo_usual"})),
        ("waimai delivery reviews (corpus held out)", {"waimai"}, set(), polar({"waimai"})),
    ]
    folds = []
    for name, names, drop_texts, pairs in plans:
        if only and not any(key in name for key in only):
            continue
        train = without(names, drop_texts)
        unique = list(dict((text, label) for text, label in pairs).items())
        folds.append(Fold(name, train, drop_near_duplicates(unique, train[0])))
    return folds


# --------------------------------------------------------------------------------------------------
# Metrics (shared with evaluate_sentiment.py)
# --------------------------------------------------------------------------------------------------


def split_metrics(labels: list[str], probabilities: np.ndarray) -> dict[str, float]:
    """Binary accuracy on the positive / negative texts, three-way accuracy and macro-F1 when neutral is there.

    Binary: positive vs negative texts only, predicted positive when P(positive) > P(negative)
    (the neutral column is ignored, as the review corpora have no neutral class).
    """
    gold = np.array(labels)
    positive, neutral, negative = (LABELS.index(name) for name in ("positive", "neutral", "negative"))
    metrics: dict[str, float] = {}
    polar = gold != "neutral"
    if polar.any():
        predicted_positive = probabilities[polar, positive] > probabilities[polar, negative]
        metrics["binary_accuracy"] = float(np.mean(predicted_positive == (gold[polar] == "positive")))
    predicted = np.array(LABELS)[probabilities.argmax(axis=1)]
    metrics["three_way_accuracy"] = float(accuracy_score(gold, predicted))
    if (gold == "neutral").any():
        metrics["macro_f1"] = float(f1_score(gold, predicted, labels=list(LABELS), average="macro"))
    metrics["n"] = float(len(gold))
    del neutral
    return metrics


# --------------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------------


def training_set(
    corpora: list[Corpus], domain_weight: dict[str, float], splits: tuple[str, ...] = ("train",)
) -> tuple[list[str], list[str], np.ndarray]:
    """Texts, labels and sample weights from the given splits of every corpus.

    A text weighs its domain's weight (per text, relative to a review); within the review and Weibo
    domains the labels are also balanced (each label present gets the same total weight there). The
    hand-written texts are not balanced: their few polar examples must not weigh like hundreds.
    """
    texts: list[str] = []
    labels: list[str] = []
    weights: list[float] = []
    for domain in sorted({corpus.domain for corpus in corpora}):
        parts = [getattr(c, split) for c in corpora if c.domain == domain for split in splits]
        domain_texts = [text for part in parts for text in part.texts]
        domain_labels = [label for part in parts for label in part.labels]
        counts = Counter(domain_labels)
        for text, label in zip(domain_texts, domain_labels, strict=True):
            balance = len(domain_labels) / (len(counts) * counts[label]) if domain in BALANCED_DOMAINS else 1.0
            texts.append(text)
            labels.append(label)
            weights.append(domain_weight[domain] * balance)
    weight_array = np.array(weights)
    return texts, labels, weight_array / weight_array.mean()


def fit_temperature(logits: np.ndarray, labels: list[str], weights: np.ndarray) -> float:
    """Temperature minimising the weighted log-loss of softmax(logits / T) (Guo et al., 2017)."""
    gold = np.array([LABELS.index(label) for label in labels])

    def loss(log_temperature: float) -> float:
        scaled = logits / np.exp(log_temperature)
        scaled = scaled - scaled.max(axis=1, keepdims=True)
        log_probabilities = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
        return float(-(weights * log_probabilities[np.arange(len(gold)), gold]).sum() / weights.sum())

    result = scipy.optimize.minimize_scalar(loss, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(result.x))


def nb_scale(
    features: sp.csr_matrix, labels: list[str], weights: np.ndarray, alpha: float, exponent: float
) -> np.ndarray:
    """Per-column |r| ** exponent, r = log((p / |p|_1) / (q / |q|_1)) with p, q = alpha + the weighted
    column sums over the positive / negative texts (the L2-normalised TF-IDF rows the model sees).

    The sign of r is dropped: with an L2 penalty symmetric in each weight, scaling a column by r or by
    |r| gives the same fit up to the weight's sign, and |r| also suits the neutral column.
    """
    gold = np.asarray(labels)
    sums = []
    for label in ("positive", "negative"):
        mask = gold == label
        sums.append(alpha + np.asarray(features[mask].T @ weights[mask]).ravel())
    p, q = sums
    return np.abs(np.log((p / p.sum()) / (q / q.sum()))) ** exponent


class TokenCounts:
    """Token counts of every text seen, computed once per text: the folds of the cross-corpus validation
    and the final fit all reuse them (tokenizing ~100k texts is the slow part of a fit).

    Columns are global (every token ever seen); a fit picks its own vocabulary among them.
    """

    def __init__(self, extractor: FeatureExtractor) -> None:
        self.extractor = extractor
        self.columns: dict[str, int] = {}
        self.tokens: list[str] = []
        self.row_of: dict[str, int] = {}
        self._indices: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []

    def _add(self, text: str) -> int:
        columns = self.columns
        ids = []
        for token in self.extractor.tokens(text):
            column = columns.get(token)
            if column is None:
                column = columns[token] = len(self.tokens)
                self.tokens.append(token)
            ids.append(column)
        unique, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
        self._indices.append(unique)
        self._counts.append(counts.astype(np.float64))
        row = self.row_of[text] = len(self._indices) - 1
        return row

    def matrix(self, texts: list[str]) -> sp.csr_matrix:
        """Counts, one row per text, one column per token seen so far (texts tokenized on first sight)."""
        row_of = self.row_of
        rows = [row_of[text] if text in row_of else self._add(text) for text in texts]
        indices = [self._indices[row] for row in rows]
        lengths = np.fromiter(map(len, indices), dtype=np.int64, count=len(indices))
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        return sp.csr_matrix(
            (np.concatenate([self._counts[r] for r in rows]) if rows else np.zeros(0),
             np.concatenate(indices) if rows else np.zeros(0, dtype=np.int64), indptr),
            shape=(len(texts), len(self.tokens)),
        )


def _tf_idf_rows(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf x idf, L2-normalised rows: what TfidfVectorizer(sublinear_tf=True) and the model compute."""
    counts = counts.tocsr(copy=True)
    counts.data = (np.log(counts.data) + 1.0) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0.0] = 1.0
    counts.data /= np.repeat(norms, np.diff(counts.indptr))
    return counts


@dataclass
class TrainedModel:
    counts: TokenCounts
    columns: np.ndarray  # the global TokenCounts columns of the model's vocabulary, in model column order
    idf: np.ndarray
    classifier: LogisticRegression
    temperature: float = 1.0
    # Column scale the classifier was fitted on (None: unscaled). Applied after the L2 normalisation,
    # so folding it into the coefficients (see ``coefficients``) predicts exactly the same.
    feature_scale: np.ndarray | None = None

    @property
    def vocabulary(self) -> list[str]:
        tokens = self.counts.tokens
        return [tokens[column] for column in self.columns.tolist()]

    def features(self, texts: list[str]) -> sp.csr_matrix:
        counts = self.counts.matrix(texts)[:, self.columns]
        features = _tf_idf_rows(counts, self.idf)
        return features if self.feature_scale is None else features @ sp.diags(self.feature_scale)

    def coefficients(self) -> np.ndarray:
        """(n_labels, n_features) coefficients on the unscaled TF-IDF features: w · (s ⊙ x) = (w ⊙ s) · x."""
        coef = self.classifier.coef_
        return coef if self.feature_scale is None else coef * self.feature_scale

    def logits(self, texts: list[str]) -> np.ndarray:
        return self.classifier.decision_function(self.features(texts))

    def probabilities(self, texts: list[str]) -> np.ndarray:
        logits = self.logits(texts) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)


def fit(
    texts: list[str],
    labels: list[str],
    weights: np.ndarray,
    cues: FeatureCues,
    settings: FeatureSettings = FEATURE_SETTINGS,
    regularization_c: float = REGULARIZATION_C,
    min_df: int = MIN_DOCUMENT_FREQUENCY,
    nb_exponent: float = NB_EXPONENT,
    nb_alpha: float = NB_ALPHA,
    max_features: int | None = None,
    counts: TokenCounts | None = None,
) -> TrainedModel:
    """TF-IDF over FeatureExtractor tokens (NB-scaled when nb_exponent > 0), then a weighted multinomial
    logistic regression. ``counts``: a shared TokenCounts (same settings and cues) to reuse tokenizations.

    The vocabulary: tokens in >= min_df training texts, at most the max_features with the highest document
    frequency; idf smoothed as scikit-learn's (ln((1 + n) / (1 + df)) + 1)."""
    if counts is None:
        counts = TokenCounts(FeatureExtractor(settings, cues))
    started = time.perf_counter()
    matrix = counts.matrix(texts)
    document_frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    kept = np.flatnonzero(document_frequency >= min_df)
    if max_features is not None and len(kept) > max_features:
        order = np.lexsort((kept, -document_frequency[kept]))  # highest df first, ties by column
        kept = np.sort(kept[order[:max_features]])
    idf = np.log((1.0 + len(texts)) / (1.0 + document_frequency[kept])) + 1.0
    features = _tf_idf_rows(matrix[:, kept], idf)
    print(f"  {features.shape[1]:,} features from {len(texts):,} texts ({time.perf_counter() - started:.0f}s)")
    scale = nb_scale(features, labels, weights, nb_alpha, nb_exponent) if nb_exponent > 0 else None
    if scale is not None:
        features = features @ sp.diags(scale)
    started = time.perf_counter()
    classifier = LogisticRegression(C=regularization_c, max_iter=3000, random_state=SEED)
    classifier.fit(features, labels, sample_weight=weights)
    if list(classifier.classes_) != list(LABELS):
        raise RuntimeError(f"unexpected class order {classifier.classes_}")
    print(f"  logistic regression fitted ({time.perf_counter() - started:.0f}s)")
    return TrainedModel(counts, kept, idf, classifier, feature_scale=scale)


def calibrate(model: TrainedModel, corpora: list[Corpus]) -> float:
    """Temperature fitted on the validation splits, each corpus counting equally whatever its size."""
    with_validation = [c for c in corpora if len(c.validation)]
    texts = [text for c in with_validation for text in c.validation.texts]
    labels = [label for c in with_validation for label in c.validation.labels]
    weights = np.concatenate([np.full(len(c.validation), 1.0 / len(c.validation)) for c in with_validation])
    return fit_temperature(model.logits(texts), labels, weights)


def export(model: TrainedModel, out_dir: Path, corpora: list[Corpus], settings: FeatureSettings) -> Path:
    """Write the NPZ arrays and the JSON header (no pickle anywhere)."""
    tokens = model.vocabulary
    # Columns in the order of their token keys: the sorted keys are then the model's whole lookup structure,
    # and loading it is np.load only (see contentguard.models.sentiment.SortedKeys).
    keys = token_keys(tokens)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    if len(keys) > 1 and not bool(np.all(keys[1:] > keys[:-1])):
        raise RuntimeError("two vocabulary tokens share a key (a 64-bit hash collision): change the vocabulary")
    arrays = {
        "vocabulary_utf8": encode_vocabulary([tokens[i] for i in order.tolist()]),
        "token_keys": keys,
        "idf": model.idf[order].astype(np.float32),
        "coefficients": np.ascontiguousarray(model.coefficients().T[order].astype(np.float32)),
        "intercepts": model.classifier.intercept_.astype(np.float32),
    }
    card = out_dir / MODEL_CARD_FILE_NAME
    if not card.is_file():  # a model folder needs a card to load; main() writes the full one after evaluating
        card.write_text("# Sentiment model card\n\nProvisional: written by benchmarks/train_sentiment.py before "
                        "the evaluation that fills it in.\n", encoding="utf-8")
    # The shared model path (contentguard.models.artifact): NPZ without pickle, checksums in the header.
    return write_artifact(
        out_dir,
        {
            "name": "sentiment",
            "version": MODEL_VERSION,
            "labels": LABELS,
            "features": settings.model_dump(mode="json"),
            "cues_file": CUES_FILE_NAME,
            "n_features": len(tokens),
            "temperature": model.temperature,
            "sklearn_version": sklearn.__version__,
            "trained_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "training_data": [
                f"{c.name}: {c.source} ({len(c.train) + len(c.validation):,} texts: train + validation splits)"
                for c in corpora
            ],
        },
        arrays,
        header_file=HEADER_FILE_NAME,
        arrays_file=ARRAYS_FILE_NAME,
        files=(CUES_FILE_NAME,),
        header_type=ModelHeader,
    )


Results = dict[tuple[str, str], dict[str, float]]


def evaluate(probabilities: Callable[[list[str]], np.ndarray], corpora: list[Corpus], split_name: str) -> Results:
    results = {}
    for corpus in corpora:
        split: Split = getattr(corpus, split_name)
        if len(split):
            results[(corpus.name, split_name)] = split_metrics(split.labels, probabilities(split.texts))
    return results


def _format(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _results_table(results: Results) -> list[str]:
    lines = [
        "| corpus | split | n | binary accuracy | three-way accuracy | macro-F1 |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for (name, split_name), metrics in results.items():
        lines.append(
            f"| {name} | {split_name} | {int(metrics['n']):,} | {_format(metrics.get('binary_accuracy'))} | "
            f"{_format(metrics.get('three_way_accuracy'))} | {_format(metrics.get('macro_f1'))} |"
        )
    return lines


#: Other model families compared with the recipe (benchmarks/experiment_sentiment_family.py); copied into the card.
FAMILIES_MEASURED = [
    "Other model families, measured on 2026-12-07 by the same folds over the same tokens, vocabulary and idf",
    "(`benchmarks/experiment_sentiment_family.py --folds FOLDS --families NAME`; binary accuracy with 酒店 /",
    "weibo2018 / SMP2020 / waimai held out; the recipe above in the same runs: 0.874 / 0.772 / 0.838 / 0.861).",
    "None beats the recipe by more than the refit noise (about 0.003: the order in which texts are first seen",
    "breaks vocabulary ties) on both the 酒店 and the weibo2018 fold, so the shipped model is unchanged:",
    "- multinomial naive Bayes on the same features, its centred log-likelihoods added to the logits × β (still",
    "  linear, so it would fold into the stored coefficients at no scoring cost; the recipe in that run: 0.874 /",
    "  0.772 / 0.835 / 0.859): β 0.05: 0.875 / 0.772 / 0.837 / 0.861, β 0.2: 0.874 / 0.771 / 0.840 / 0.864,",
    "  β 0.4: 0.871 / 0.768 / 0.842 / 0.867; naive Bayes alone 0.840 / 0.720 / 0.853 / 0.866 — better on the",
    "  short SMP2020 posts and delivery reviews, worse on the hotel reviews and far worse on weibo2018;",
    "- one hidden layer (16 ReLU units over the 100,000 most frequent features, scikit-learn MLPClassifier, adam,",
    "  2 / 4 / 8 epochs): 酒店 0.869 / 0.872 / 0.863, weibo2018 0.759 / 0.762 / 0.756: it fits the training",
    "  corpora better and transfers worse;",
    "- per-domain heads (one logistic regression on the reviews, one on Weibo + hand-written, logits averaged):",
    "  0.870 / 0.762 (the review head alone 0.875 / 0.722, the Weibo head alone 0.804 / 0.752, so routing by",
    "  document kind — the review head for reviews, the Weibo head for posts — gives 0.875 / 0.752);",
    "- only the tokens seen in at least two training corpora (104,567 / 72,367 of the 200,000 columns): 0.872 / 0.763;",
    "- clause-level scoring, the clause after the text's last contrast cue (但是, 不过 …) scored as a text of its",
    "  own and its logits added × γ: γ 0.25 / 0.5 / 1: 0.868 / 0.864 / 0.853 on 酒店, 0.772 / 0.772 / 0.772",
    "  on weibo2018, 0.839 / 0.838 / 0.839 on SMP2020, 0.863 / 0.863 / 0.862 on waimai (hotel reviews are not",
    "  labelled by what follows 但是 alone); the mean of every clause's logits (split at punctuation) added × γ:",
    "  γ 0.25: 0.875 / 0.771 / 0.839 / 0.864, γ 1: 0.871 / 0.769 / 0.841 / 0.869 — better on the short delivery",
    "  reviews and SMP2020 posts, worse on the hotel reviews and weibo2018, at 1.6x the scoring time (20,000",
    "  shopping reviews, batches of 1,000, one thread, busy 2-core machine: 4.9 s, 7.6 s with every clause);",
    "- jieba words beside the character n-grams (`train_sentiment.py --variant word_features=1 --folds",
    "  酒店,weibo2018`): 0.873 / 0.772, at ~2.5x the scoring time.",
    "",
    "Self-training on unlabelled Weibo posts was not tried: the only Weibo text at hand beyond SMP2020 is",
    "weibo2018, which is labelled and already in training. No family lifts the weibo2018 fold by more than 0.001:",
    "the gap on unseen Weibo posts (0.77 held out, 0.84 with weibo2018 trained on) looks like one of data (what",
    "each corpus calls positive, its topics and emoticons), not of the classifier over these features; nor of a",
    "threshold or prior: the recipe's errors on the held-out weibo2018 posts are balanced (recall 0.748 on the",
    "positive posts, 0.801 on the negative ones; neutral the top label on 8.8%).",
]


def write_model_card(
    out_dir: Path,
    model: SentimentModel,
    corpora: list[Corpus],
    fold_rows: list[dict[str, Any]],
    test_results: Results,
    training_seconds: float,
) -> None:
    header = model.header
    features = header.features
    files = (HEADER_FILE_NAME, ARRAYS_FILE_NAME, CUES_FILE_NAME)
    size_mb = sum((out_dir / name).stat().st_size for name in files) / 1e6
    words = (
        "jieba words (private `jieba.Tokenizer`, HMM off)"
        if features.word_features
        else "no word features (jieba words added ~0.3 points on validation but cut throughput by ~2.5x)"
    )
    lines = [
        "# Sentiment model card",
        "",
        "Written by `benchmarks/train_sentiment.py`; loaded by `contentguard.engine.sentiment.SentimentModel`.",
        "",
        "## What it is",
        "",
        "Three labels — negative / neutral / positive — for Chinese short texts (posts, comments, reviews),",
        "with probabilities calibrated by one temperature fitted on the held-out sides of the cross-corpus folds.",
        "A multinomial",
        "logistic regression over TF-IDF (sublinear tf, L2) features from `contentguard.models.sentiment.FeatureExtractor`"
        + (":" if NB_EXPONENT <= 0 else ","),
        *(
            []
            if NB_EXPONENT <= 0
            else [
                "NB-weighted (Wang & Manning 2012): each TF-IDF column, after the L2 normalisation, is scaled by",
                f"|r|^{NB_EXPONENT:g}, r the positive-vs-negative log-count ratio on the training texts",
                f"(weighted sums, add-{NB_ALPHA:g} smoothing); the scale is folded into the stored coefficients, so",
                "prediction is a plain TF-IDF · coefficients product:",
            ]
        ),
        "",
        f"- character 1–{features.char_ngram_max}-grams of the NFKC-normalised, lower-cased text (digits → 0,",
        f"  runs of one character cut to {features.max_char_repeat}, URLs and @mentions replaced);",
        f"- negation scope: the up to {features.negation_window} characters after a negator (不, 没有, 并不, 别…,",
        f"  not 不错 / 特别…) also give `¬`-prefixed 1–{features.negated_ngram_max}-grams, up to punctuation or 但/却;",
        "- Weibo bracket emoticons ([哈哈], [泪], [怒]…) as whole tokens, plus one shared positive / negative",
        "  token for the cue-listed emoticons and emoji, so rare or unseen ones borrow from frequent ones;",
        "- one shared positive / negative token for the cue-listed sentiment words (省心, 糟心…), `¬`-prefixed",
        "  inside a negation scope, so rare words borrow from the list as a whole;",
        *(["- the clause after the text's last contrast cue (但是, 不过, 可惜…) also gives `»`-prefixed 1–2-grams",
           "  and sentiment-word tokens, so a mixed review can lean on what follows 但是, as people label it;"]
          if features.contrast_features else []),
        f"- {words}.",
        "",
        "The negator, emoticon and sentiment-word cues are in `feature_cues.txt` (written for contentguard); the",
        "header records its checksum, and a model is refused with a different cue file.",
        "",
        "The vocabulary is stored as sorted 64-bit token keys (exact for 1–3 characters, a 64-bit hash beyond),",
        "with the columns in that order: loading is `np.load` and shape checks (0.11–0.14 s measured on a busy",
        "2-core machine, best of three loads); a batch's tokens are keyed and looked up in one vectorised pass.",
        "",
        f"- trained: {header.trained_at} with scikit-learn {header.sklearn_version}, "
        f"in {training_seconds:.0f} s (wall clock: the four cross-corpus folds and the final fit)",
        f"- file format version {header.format_version}; {header.n_features:,} features "
        f"(document frequency >= {MIN_DOCUMENT_FREQUENCY}, at most the {MAX_FEATURES:,} most frequent); "
        f"C = {REGULARIZATION_C}; "
        + (f"NB exponent {NB_EXPONENT:g}, alpha {NB_ALPHA:g}; " if NB_EXPONENT > 0 else "")
        + f"temperature = {header.temperature:.3f}",
        f"- files: `{HEADER_FILE_NAME}` (header), `{ARRAYS_FILE_NAME}` (arrays, loaded without pickle),",
        f"  `{CUES_FILE_NAME}` (cues): {size_mb:.1f} MB in all",
        "",
        "## Data",
        "",
        "Read in place from the shared sentiment folder (see its SOURCE.md); nothing is copied into the",
        "repository.",
        "",
        "| corpus | source | train | validation | test | splits |",
        "|---|---|---:|---:|---:|---|",
    ]
    for corpus in corpora:
        lines.append(
            f"| {corpus.name} | {corpus.source} | {len(corpus.train):,} | {len(corpus.validation):,} | "
            f"{len(corpus.test):,} | {corpus.notes} |"
        )
    lines += [
        "",
        f"Split seed {SEED}. Class mapping: review label 1 → positive, 0 → negative; Weibo happy → positive;",
        "angry, sad, fear → negative; neutral → neutral; **surprise is dropped** from training and evaluation",
        "(in this data it is as often good news as bad, so either polarity would be noise).",
        "",
        f"Hand-written texts (`{SUPPLEMENT_FILE_NAME}`, written for contentguard, not taken from anywhere):",
        "corporate notices and announcements, neutral factual sentences and customer questions (the review",
        "corpora have no neutral class), and a few current slang / emoticon posts with their polarity.",
        "Their held-out part is written by the same hand, so its figure is a sanity check, not a benchmark.",
        "",
        "Training weights, per text relative to a review: "
        + ", ".join(f"{domain} {weight:g}" for domain, weight in DOMAIN_WEIGHT.items())
        + " (so Weibo is not drowned by",
        "~60k reviews); labels balanced within the review and Weibo domains. Feature settings, C and the",
        "weights are measured by cross-corpus validation (below), never on a split of a training corpus; only",
        "two variants were compared (hand-written weight 4 and 8: within 0.003 on every fold), so the recipe is",
        "measured more than tuned. The shipped model is fitted on train + validation of every corpus; the test",
        "splits were never used for a choice.",
        "",
        "Variants measured on 2026-12-07 by the same folds (`train_sentiment.py --variant NAME=VALUE --folds",
        "酒店,weibo2018`; 酒店 / weibo2018 held out; binary accuracy; the recipe above: 0.874 / 0.772):",
        "C = 3: 0.875 / 0.771; Weibo weight 4: 0.872 / 0.767; NB exponent 0.5: 0.873 / 0.771;",
        "NB exponent 1.0: 0.873 / 0.769; document frequency >= 3: 0.874 / 0.772; at most 100,000 / 400,000 features:",
        "0.872 / 0.766 and 0.874 / 0.773; «-prefixed features for the text",
        "before the last contrast cue (`pre_contrast_features`): 0.872 / 0.769 (SMP2020 fold 0.838, its mixed posts",
        "0.781 against 0.768). None is better on both folds, so the recipe is unchanged: the gap on unseen Weibo",
        "posts is not one of regularisation, vocabulary size or weighting (differences of 0.001-0.002 are noise:",
        "a refit of the same recipe moves that much with the order of vocabulary ties).",
        "",
        *FAMILIES_MEASURED,
        "",
        "## Measured figures",
        "",
        "Binary accuracy: positive vs negative texts only (P(positive) > P(negative)). Macro-F1: three-way,",
        "on the Weibo posts and the hand-written set (the only ones with neutral texts). Three-way accuracy",
        "on the review corpora counts a 'neutral' answer as wrong.",
        "",
        "Held-out test splits, shipped model:",
        "",
        *_results_table(test_results),
        "",
        "Cross-corpus validation (how the recipe is measured): the recipe refitted without one corpus (or",
        "category) and scored on it, near-duplicates of any training text dropped (normalized text equal, or",
        f"sharing its first or last {NEAR_DUPLICATE_PREFIX} letters). 'mixed': the held-out texts with a contrast",
        "marker (但, 不过, 就是, 可惜…). SnowNLP on the same texts: `evaluate_sentiment.py --cross-corpus --refit`.",
        "",
        "| held out | n | binary accuracy | mixed: n | mixed: accuracy | always positive |",
        "|---|---:|---:|---:|---:|---:|",
        *[f"| {row['name']} | {row['n']:,} | {row['accuracy']:.3f} | {row['mixed_n']:,} | "
          f"{_format(row['mixed_accuracy'])} | {row['all_positive']:.3f} |" for row in fold_rows],
        "",
        "SnowNLP on the same splits and the prediction throughput: `python benchmarks/evaluate_sentiment.py`.",
        "",
        "## Limits",
        "",
        "- Delivery reviews (waimai) stay below 0.93 binary accuracy; their labels are noisy (for example",
        "  positive reviews that only repeat a complaint) and short texts leave a bag of n-grams little to use.",
        "- Irony and sarcasm are only caught when a cue carries it ([微笑], 呵呵, 就这…).",
        "- The Weibo training data is mostly from early 2020 (epidemic topics); newer slang is thin.",
        "- Neutral is learned from Weibo neutral posts and the hand-written notices; neutral text far from",
        "  both may get a polar label, usually with a low probability.",
        "- Mixed reviews: the contrast features help, but the 但是 itself leans positive in the review data, so",
        "  '位置不错，但是早餐太差' still reads positive (0.72) while '位置不错，早餐太差' reads negative (0.61);",
        "  scoring the clause after 但是 on its own and adding it did not help on the folds (see above).",
        "- Questions: notices (已发货) read neutral, but a question made of complaint words (快递什么时候到)",
        "  can read negative (0.68). The grading treats questions: the risk matrix triages them 咨询 unless",
        "  P(negative) >= 0.75, so they get no risk level (tested in tests/test_sentiment.py).",
        "- Unseen Weibo sources: 0.77 on weibo2018 when it is held out of training; with its train split in",
        "  training, 0.84 on its own test split (near-duplicates dropped) — below the 0.85 target.",
        "",
    ]
    (out_dir / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")


MIXED_MARKERS = ("但", "不过", "就是", "可惜", "美中不足", "唯一")


def run_folds(folds: list[Fold], cues: FeatureCues, counts: TokenCounts, settings: FeatureSettings = FEATURE_SETTINGS,
              **fit_options: Any) -> tuple[list[dict[str, Any]], np.ndarray, list[str], np.ndarray]:
    """Fit the recipe on each fold's training side and score its held-out side.

    Returns a row per fold (name, n, accuracy, accuracy on the mixed texts, always-positive), and the held-out
    logits, labels and weights (each fold counting equally) for the temperature."""
    rows, logits, labels, weights = [], [], [], []
    for fold in folds:
        print(f"fold: {fold.name}")
        model = fit(*fold.train, cues, settings, counts=counts, **{"max_features": MAX_FEATURES, **fit_options})
        texts = [t for t, _ in fold.held_out]
        gold = [lab for _, lab in fold.held_out]
        fold_logits = model.logits(texts)
        probabilities = model.probabilities(texts)
        mixed = [i for i, t in enumerate(texts) if any(marker in t for marker in MIXED_MARKERS)]
        polar = [lab for lab in gold if lab != "neutral"]
        rows.append({
            "name": fold.name, "n": len(polar),
            "accuracy": split_metrics(gold, probabilities)["binary_accuracy"],
            "mixed_n": sum(gold[i] != "neutral" for i in mixed),
            "mixed_accuracy": split_metrics([gold[i] for i in mixed], probabilities[mixed]).get("binary_accuracy")
            if mixed else None,
            "all_positive": float(np.mean(np.array(polar) == "positive")),
        })
        print(f"  {rows[-1]}")
        logits.append(fold_logits)
        labels += gold
        weights.append(np.full(len(gold), 1.0 / len(gold)))
    return rows, np.vstack(logits), labels, np.concatenate(weights)


def measure_variant(data_dir: Path, out_dir: Path, variant: str, only: tuple[str, ...]) -> int:
    """Binary accuracy of the recipe changed by ``variant`` on the cross-corpus folds (the shipped recipe's
    figures are in the model card). How the variants listed there were measured; writes nothing."""
    fit_options: dict[str, Any] = {}
    settings, weights = FEATURE_SETTINGS, dict(DOMAIN_WEIGHT)
    for item in filter(None, variant.split(",")):
        name, _, value = item.partition("=")
        if name in ("regularization_c", "nb_exponent", "nb_alpha"):
            fit_options[name] = float(value)
        elif name in ("min_df", "max_features"):
            fit_options[name] = int(value)
        elif name == "weibo_weight":
            weights["weibo"] = float(value)
        elif name in FeatureSettings.model_fields:
            settings = FeatureSettings(**{**settings.model_dump(), name: value})
        else:
            raise SystemExit(f"error: unknown variant setting {name!r} in --variant {variant!r}")
    np.random.seed(SEED)
    random.seed(SEED)
    cues_path = _require(out_dir / CUES_FILE_NAME, "feature cue file")
    cues = FeatureCues.parse(cues_path.read_text(encoding="utf-8"), str(cues_path))
    corpora = load_corpora(data_dir, out_dir / SUPPLEMENT_FILE_NAME)
    folds = cross_corpus_folds(corpora, data_dir, weights, only=only)
    rows, *_ = run_folds(folds, cues, TokenCounts(FeatureExtractor(settings, cues)), settings, **fit_options)
    print(f"variant {variant}:")
    for row in rows:
        print(f"  {row['name']:50s} {row['accuracy']:.4f}  mixed {_format(row['mixed_accuracy'])}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="shared sentiment data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR, help="model folder (holds feature_cues.txt)")
    parser.add_argument(
        "--variant", default=None, metavar="NAME=VALUE,...",
        help="measure a variant of the recipe on the cross-corpus folds only (nothing is written), e.g. "
        "'regularization_c=3', 'nb_exponent=0.5', 'min_df=3', 'max_features=100000', 'weibo_weight=4', "
        "'pre_contrast_features=1'",
    )
    parser.add_argument("--folds", default="", help="with --variant: only the folds whose name holds one of "
                        "these comma-separated words (e.g. '酒店,weibo2018'); default all four")
    args = parser.parse_args(argv)
    if args.variant is not None:
        return measure_variant(args.data, args.out, args.variant, tuple(filter(None, args.folds.split(","))))

    np.random.seed(SEED)
    random.seed(SEED)
    out_dir: Path = args.out
    cues_path = _require(out_dir / CUES_FILE_NAME, "feature cue file")
    corpora = load_corpora(args.data, out_dir / SUPPLEMENT_FILE_NAME)
    for c in corpora:
        print(f"{c.name}: train {len(c.train):,}, validation {len(c.validation):,}, test {len(c.test):,}")
    cues = FeatureCues.parse(cues_path.read_text(encoding="utf-8"), str(cues_path))
    counts = TokenCounts(FeatureExtractor(FEATURE_SETTINGS, cues))
    started = time.perf_counter()

    print("cross-corpus folds: fit without one corpus (or category), score it")
    folds = cross_corpus_folds(corpora, args.data, DOMAIN_WEIGHT)
    fold_rows, fold_logits, fold_labels, fold_weights = run_folds(folds, cues, counts)
    temperature = fit_temperature(fold_logits, fold_labels, fold_weights)
    print(f"  temperature {temperature:.3f} (fitted on the held-out sides of the folds)")

    print("fit on the train + validation splits of every corpus")
    final = fit(*training_set(corpora, DOMAIN_WEIGHT, splits=("train", "validation")), cues, counts=counts,
                max_features=MAX_FEATURES)
    final.temperature = temperature
    header_path = export(final, out_dir, corpora, FEATURE_SETTINGS)
    training_seconds = time.perf_counter() - started
    print(f"trained in {training_seconds:.0f}s; wrote {header_path}")

    model = SentimentModel.load(header_path)
    check_texts = [text for c in corpora for split in (c.validation, c.test) for text in split.texts[:300]]
    if not np.allclose(model.predict_proba(check_texts), final.probabilities(check_texts), atol=1e-4):
        raise RuntimeError("the exported model does not reproduce the trained one (see SentimentModel.transform)")
    test_results = evaluate(model.predict_proba, corpora, "test")
    for (name, split_name), metrics in test_results.items():
        figures = "  ".join(f"{key} {value:.3f}" for key, value in metrics.items() if key != "n")
        print(f"  {name:16s} {split_name:10s} {figures}")
    write_model_card(out_dir, model, corpora, fold_rows, test_results, training_seconds)
    print(f"wrote {out_dir / 'MODEL_CARD.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
