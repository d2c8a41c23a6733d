"""Evaluate the shipped sentiment model against SnowNLP on the held-out splits, and time it.

    python benchmarks/evaluate_sentiment.py [--data DIR] [--model PATH] [--split test|validation]
    python benchmarks/evaluate_sentiment.py --cross-corpus [--refit] [--weibo2018 PATH]

--cross-corpus measures what a split of the same corpora cannot: text that shares nothing with the
training data. The shipped model, SnowNLP and "always positive" on the Weibo test splits (weibo2018,
SMP2020; near-duplicates of any training text dropped); with --refit, the training recipe refitted
without one corpus and scored on it (the 酒店 category of the shopping reviews, the weibo2018 posts, the
SMP2020 posts, the waimai delivery reviews), also on the mixed texts among them (但, 不过 …); and the
share of neutral questions and delivery notices the shipped model reads as negative.

Prints, per corpus and split: binary accuracy (positive vs negative texts only) and three-way
macro-F1 (where the corpus has neutral texts), ours beside SnowNLP's on the same texts, then the
prediction throughput of our model (texts/s, one core, batch). The splits come from
benchmarks/train_sentiment.py (fixed seed), so these are texts the model was not trained on.

SnowNLP (a benchmark-only dependency) gives one score P(positive) in [0, 1]. Binary: positive when
> 0.5. Three-way: neutral when the score falls in a band [low, high] chosen on the Weibo validation
splits to maximise SnowNLP's own macro-F1 — the fairest three-way reading of a binary model.

Other model families (naive Bayes blend, one hidden layer, per-domain heads, shared tokens, clause-level
scoring) were compared with the shipped recipe on the same cross-corpus folds by
benchmarks/experiment_sentiment_family.py; their figures are in models/sentiment/MODEL_CARD.md.

Note SnowNLP's shipped sentiment model was itself trained on product reviews, possibly overlapping
the review corpora here, which would flatter its review figures.
"""

from __future__ import annotations

import os

# One core: keep BLAS from spreading the sparse-dense products over threads.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from train_sentiment import (  # noqa: E402  (benchmarks/ is the script's folder, so it is on sys.path)
    CUES_FILE_NAME,
    DEFAULT_DATA_DIR,
    DEFAULT_OUT_DIR,
    DEFAULT_WEIBO2018,
    DOMAIN_WEIGHT,
    MIXED_MARKERS,
    SUPPLEMENT_FILE_NAME,
    Corpus,
    drop_near_duplicates,
    load_corpora,
    split_metrics,
)

from contentguard.engine.sentiment import LABELS, SentimentModel  # noqa: E402

THROUGHPUT_TEXTS = 20_000
THROUGHPUT_BATCH = 1_000
SNOWNLP_BAND_GRID = np.round(np.arange(0.05, 0.96, 0.05), 2)


def snownlp_scores(texts: list[str]) -> np.ndarray:
    from snownlp import SnowNLP

    return np.array([SnowNLP(text).sentiments if text.strip() else 0.5 for text in texts])


def snownlp_probabilities(scores: np.ndarray, band: tuple[float, float]) -> np.ndarray:
    """SnowNLP's score as rows in LABELS order for split_metrics.

    Positive / negative columns are score and 1 - score, so the binary reading is score > 0.5; the
    neutral column is 1 inside the band (so it wins the three-way argmax there) and 0 outside.
    """
    low, high = band
    rows = np.zeros((len(scores), len(LABELS)))
    rows[:, LABELS.index("positive")] = scores
    rows[:, LABELS.index("negative")] = 1.0 - scores
    rows[:, LABELS.index("neutral")] = ((scores >= low) & (scores <= high)).astype(float)
    return rows


def choose_snownlp_band(corpora: list[Corpus]) -> tuple[float, float]:
    labels: list[str] = []
    texts: list[str] = []
    for corpus in corpora:
        if corpus.domain == "weibo":
            labels += corpus.validation.labels
            texts += corpus.validation.texts
    scores = snownlp_scores(texts)
    best, best_f1 = (0.5, 0.5), -1.0
    for low in SNOWNLP_BAND_GRID:
        for high in SNOWNLP_BAND_GRID[SNOWNLP_BAND_GRID >= low]:
            f1 = split_metrics(labels, snownlp_probabilities(scores, (low, high)))["macro_f1"]
            if f1 > best_f1:
                best, best_f1 = (float(low), float(high)), f1
    return best


def _cell(value: float | None) -> str:
    return f"{value:8.3f}" if value is not None else f"{'–':>8}"


def throughput(model: SentimentModel, texts: list[str]) -> tuple[float, float]:
    """Texts per second of wall-clock time and of this process's CPU time (one thread, batches)."""
    repeated = (texts * (THROUGHPUT_TEXTS // max(len(texts), 1) + 1))[:THROUGHPUT_TEXTS]
    model.predict(repeated[:THROUGHPUT_BATCH])  # warm-up: caches, lazily built state
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(repeated), THROUGHPUT_BATCH):
        model.predict(repeated[start : start + THROUGHPUT_BATCH])
    return len(repeated) / (time.perf_counter() - wall), len(repeated) / (time.process_time() - cpu)


# Texts that are neither praise nor complaint: questions and delivery / service notices (written here for
# contentguard). A model that reads them as negative turns every question into a complaint.
NEUTRAL_PROBES = [
    "请问几点开门？", "快递什么时候到", "请问有大码吗", "这个可以开发票吗", "周末营业吗？", "订单已发货，请注意查收",
    "您的快递已到达驿站，请凭取件码取件", "明天上午十点配送", "请问怎么申请退货", "有没有优惠券", "包邮吗",
    "亲，商品已经打包好了", "预计三天内送达", "在吗？想问一下尺码", "外卖放在门卫处了", "发什么快递？",
    "能不能改地址", "今天下单明天能到吗", "请问会员怎么办理", "物流单号是多少",
]
#: public_opinion.negative.min_probability in the shipped risk matrix: an item at or above it is graded negative.
NEGATIVE_GRADE_PROBABILITY = 0.5


def _binary_accuracy(positive_probability: np.ndarray, labels: list[str]) -> float:
    return float(np.mean((positive_probability > 0.5) == (np.array(labels) == "positive")))


def _ours_positive(probabilities: np.ndarray) -> np.ndarray:
    pos, neg = LABELS.index("positive"), LABELS.index("negative")
    return probabilities[:, pos] / (probabilities[:, pos] + probabilities[:, neg])


def cross_corpus(model: SentimentModel, corpora: list[Corpus], data_dir: Path, refit: bool, snownlp: bool) -> None:
    """Figures on text that shares nothing with the training data, and on neutral questions and notices."""
    print(f"{'held-out set':<58}{'n':>7}{'ours':>9}{'SnowNLP':>9}{'all positive':>14}")

    def show(name: str, pairs: list[tuple[str, str]], positive: np.ndarray) -> None:
        texts = [t for t, _ in pairs]
        labels = [lab for _, lab in pairs]
        ours = _binary_accuracy(positive, labels)
        theirs = _binary_accuracy(snownlp_scores(texts), labels) if snownlp else None
        majority = float(np.mean(np.array(labels) == "positive"))
        print(f"{name:<58}{len(pairs):>7}{ours:>9.3f}{_cell(theirs)[-9:]:>9}{majority:>14.3f}", flush=True)

    # The shipped model on the held-out test splits of the Weibo corpora (near-duplicates of training dropped).
    trained_on = [text for c in corpora for split in (c.train, c.validation) for text in split.texts]
    for corpus in corpora:
        if corpus.domain != "weibo":
            continue
        pairs = [(t, lab) for t, lab in zip(corpus.test.texts, corpus.test.labels, strict=True) if lab != "neutral"]
        pairs = drop_near_duplicates(pairs, trained_on)
        show(f"{corpus.name} test split, shipped model", pairs,
             _ours_positive(model.predict_proba([t for t, _ in pairs])))
    if refit:
        from train_sentiment import FEATURE_SETTINGS, MAX_FEATURES, TokenCounts, cross_corpus_folds, fit

        from contentguard.engine.sentiment import FeatureCues, FeatureExtractor

        cues_path = DEFAULT_OUT_DIR / CUES_FILE_NAME
        cues = FeatureCues.parse(cues_path.read_text(encoding="utf-8"), str(cues_path))
        counts = TokenCounts(FeatureExtractor(FEATURE_SETTINGS, cues))
        print("refits of the training recipe, each without the corpus it is scored on (minutes each):")
        for fold in cross_corpus_folds(corpora, data_dir, DOMAIN_WEIGHT):
            refitted = fit(*fold.train, cues, counts=counts, max_features=MAX_FEATURES)
            texts = [t for t, _ in fold.held_out]
            show(f"{fold.name}, refit", fold.held_out, _ours_positive(refitted.probabilities(texts)))
            mixed = [(t, lab) for t, lab in fold.held_out if any(marker in t for marker in MIXED_MARKERS)]
            show(f"  mixed ones ({'/'.join(MIXED_MARKERS)})", mixed,
                 _ours_positive(refitted.probabilities([t for t, _ in mixed])))
    probabilities = model.predict_proba(NEUTRAL_PROBES)
    predicted = np.array(LABELS)[probabilities.argmax(axis=1)]
    negative = [text for text, label in zip(NEUTRAL_PROBES, predicted, strict=True) if label == "negative"]
    strong = int(np.sum(probabilities[:, LABELS.index("negative")] >= NEGATIVE_GRADE_PROBABILITY))
    print(f"neutral questions and notices read as negative by the shipped model: {len(negative)} of "
          f"{len(NEUTRAL_PROBES)} ({'、'.join(negative[:8])}{' …' if len(negative) > 8 else ''}); "
          f"P(negative) >= {NEGATIVE_GRADE_PROBABILITY} (what the grading counts as negative): {strong}")
    if snownlp:
        scores = snownlp_scores(NEUTRAL_PROBES)
        print(f"  SnowNLP (score < 0.5): {int(np.sum(scores < 0.5))} of {len(NEUTRAL_PROBES)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA_DIR, help="shared sentiment data folder")
    parser.add_argument("--model", type=Path, default=None, help="model header or folder (default: shipped)")
    parser.add_argument(
        "--split", choices=("test", "validation"), default="test", help="held-out split to report (default test)"
    )
    parser.add_argument("--no-snownlp", action="store_true", help="skip the SnowNLP comparison")
    parser.add_argument("--cross-corpus", action="store_true",
                        help="only the cross-corpus figures: unseen weibo2018 posts, neutral questions and notices")
    parser.add_argument("--refit", action="store_true",
                        help="with --cross-corpus: refit the recipe without the 酒店 category and score the held-out "
                             "hotel reviews and weibo2018 posts (slow)")
    parser.add_argument("--weibo2018", type=Path, default=DEFAULT_WEIBO2018, help="weibo2018_train.txt")
    args = parser.parse_args(argv)
    if args.cross_corpus:
        model = SentimentModel.load(args.model)
        corpora = load_corpora(args.data, DEFAULT_OUT_DIR / SUPPLEMENT_FILE_NAME, args.weibo2018)
        cross_corpus(model, corpora, args.data, args.refit, not args.no_snownlp)
        return 0

    model = SentimentModel.load(args.model)
    corpora = load_corpora(args.data, DEFAULT_OUT_DIR / SUPPLEMENT_FILE_NAME)
    print(f"model: {model.path} (trained {model.header.trained_at}, {model.header.n_features:,} features)")
    band = None
    if not args.no_snownlp:
        band = choose_snownlp_band(corpora)
        print(f"SnowNLP neutral band chosen on the Weibo validation splits: [{band[0]:.2f}, {band[1]:.2f}]")

    print()
    print(f"{'corpus':<16}{'split':<11}{'n':>6}  {'binary accuracy':^26}  {'three-way macro-F1':^26}")
    print(f"{'':<33}{'ours':>8}{'SnowNLP':>9}{'Δ':>9}  {'ours':>8}{'SnowNLP':>9}{'Δ':>9}")
    for corpus in corpora:
        split = getattr(corpus, args.split)
        if not len(split):
            continue
        ours = split_metrics(split.labels, model.predict_proba(split.texts))
        theirs: dict[str, float] = {}
        if band is not None:
            scores = snownlp_scores(split.texts)
            theirs = split_metrics(split.labels, snownlp_probabilities(scores, band))
        row = f"{corpus.name:<16}{args.split:<11}{int(ours['n']):>6}  "
        for metric in ("binary_accuracy", "macro_f1"):
            mine, other = ours.get(metric), theirs.get(metric)
            delta = mine - other if mine is not None and other is not None else None
            row += f"{_cell(mine)} {_cell(other)} {_cell(delta)}  "
        print(row.rstrip())

    print()
    short_texts = [text for corpus in corpora if corpus.name != "online_shopping" for text in corpus.test.texts]
    all_texts = [text for corpus in corpora for text in corpus.test.texts]
    for name, texts in (("Weibo posts + delivery reviews", short_texts), ("all test texts", all_texts)):
        mean_length = sum(map(len, texts)) / len(texts)
        wall_rate, cpu_rate = throughput(model, texts)
        print(
            f"throughput, {name} (mean {mean_length:.0f} chars), batches of {THROUGHPUT_BATCH:,}, one thread: "
            f"{wall_rate:,.0f} texts/s wall clock, {cpu_rate:,.0f} texts per CPU second"
        )
    if band is not None:
        sample = short_texts[:1000]
        started = time.perf_counter()
        snownlp_scores(sample)
        print(f"SnowNLP on the same short texts: {len(sample) / (time.perf_counter() - started):,.0f} texts/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
