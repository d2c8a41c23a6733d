"""COLD dev figures of the shipped offensive-language model beside the plain TF-IDF baseline, and its flag
rate on real Weibo posts and reviews.

    python benchmarks/evaluate_offensive.py [--data DIR] [--sample N] [--sample-out FILE]

1. COLD dev.csv (never used for fitting; the model's choices were made on it, so these figures are
   optimistic for COLD test, which is not available here): precision / recall / F1 of "offensive" and
   accuracy at 0.5 and at the shipped rule's threshold (rules/packs/abuse.yaml), expected calibration
   error, for the shipped model (whole comment and per-sentence as the rule scores) and for the plain
   baseline: character 1-3-gram TF-IDF + logistic regression (scikit-learn defaults), fitted on COLD train.
2. Real text without labels: the first 10,000 posts of realtext/weibo2018_train.txt and 10,000 reviews
   (online_shopping_10_cats.csv, waimai_10k.csv, every n-th row), checked as public comments by the
   Guard with the abuse pack: how many the model rule flags, how many the lexicon rules flag, and a
   seeded sample of the model's flags written to a TSV for a person to judge (precision on real text).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

import contentguard  # noqa: E402
from contentguard.models.evaluate import binary_metrics, calibration  # noqa: E402
from contentguard.models.linear import load_model  # noqa: E402
from contentguard.packs import load_pack_file, shipped_pack_dir  # noqa: E402

DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
RULE_ID = "abuse/offensive-model"
SEED = 20261207


def read_cold(path: Path) -> tuple[list[str], np.ndarray]:
    if not path.is_file():
        raise SystemExit(f"COLD file {path} is missing (see ../shared/data/abuse/cold/SOURCE.md)")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    return [row["TEXT"] for row in rows], np.array([int(row["label"]) for row in rows])


def line(name: str, gold: np.ndarray, scores: np.ndarray, threshold: float) -> str:
    m = binary_metrics(gold, scores >= threshold)
    return (f"{name:<44} thr {threshold:.2f}  P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  "
            f"acc {m['accuracy']:.3f}")


def real_texts(data: Path, n: int = 10_000) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    weibo = data / "realtext" / "weibo2018_train.txt"
    if weibo.is_file():
        posts = []
        with weibo.open(encoding="utf-8") as stream:
            for row in stream:
                parts = row.rstrip("\n").split(",", 2)
                if len(parts) == 3 and parts[2].strip():
                    posts.append(parts[2])
                if len(posts) >= n:
                    break
        out["weibo2018"] = posts
    else:
        print(f"(missing {weibo}: no Weibo figures)")
    reviews: list[str] = []
    for name in ("online_shopping_10_cats.csv", "waimai_10k.csv"):
        path = data / "sentiment" / name
        if not path.is_file():
            print(f"(missing {path})")
            continue
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = [row[-1] for row in csv.reader(stream)][1:]
        step = max(1, len(rows) // (n // 2))
        reviews.extend(rows[::step][: n // 2])
    if reviews:
        out["reviews"] = reviews
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sample", type=int, default=100, help="model flags per corpus written for judging")
    # The sample quotes shared corpus texts, which the project does not store: by default it goes to the
    # system's temporary folder, never into the working tree.
    parser.add_argument("--sample-out", type=Path,
                        default=Path(tempfile.gettempdir()) / "contentguard_offensive_flags_sample.tsv")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args(argv)

    rule = next(r for r in load_pack_file(shipped_pack_dir() / "abuse.yaml").rules if r.id == RULE_ID)
    model = load_model(rule.model)
    column = model.labels.index(rule.label)
    dev_texts, dev_labels = read_cold(args.data / "abuse" / "cold" / "dev.csv")
    started = time.perf_counter()
    scores = model.predict_proba(dev_texts)[:, column]
    seconds = time.perf_counter() - started
    print(f"COLD dev: {len(dev_texts):,} comments ({int(dev_labels.sum()):,} offensive); "
          f"model {model.name} {model.header.version}, {len(dev_texts) / seconds:,.0f} comments/s")
    print(line("shipped model, whole comment", dev_labels, scores, 0.5))
    print(line("shipped model, whole comment", dev_labels, scores, rule.threshold))
    guard = contentguard.load(packs=[{"pack": "only", "rules": [rule.model_dump(exclude={"examples"})]}])
    flagged = np.array([bool(r.findings) for r in guard.check_batch(
        [{"body": text, "kind": "comment"} for text in dev_texts])])
    print(line("the rule as shipped (sentences, exemptions)", dev_labels, flagged.astype(float), 0.5)
          .replace("thr 0.50", f"thr {rule.threshold:.2f}"))
    print(f"{'':<44} ECE {calibration(dev_labels, scores)['ece']:.4f} (whole comment, 10 bins)")
    for name, packs in (("abuse pack without the model rule", {"disable_rules": [RULE_ID]}), ("abuse pack", {})):
        pack_guard = contentguard.load(packs=["abuse"], config=packs)
        any_abuse = np.array([any(f.category.split(".")[0] == "abuse" for f in r.findings) for r in
                              pack_guard.check_batch([{"body": text, "kind": "comment"} for text in dev_texts])])
        shown = line(f"{name} (any abuse finding)", dev_labels, any_abuse.astype(float), 0.5)
        print(shown.replace("thr 0.50", "        "))
    if not args.skip_baseline:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        train_texts, train_labels = read_cold(args.data / "abuse" / "cold" / "train.csv")
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        baseline = LogisticRegression(max_iter=2000).fit(vectorizer.fit_transform(train_texts), train_labels)
        baseline_scores = baseline.predict_proba(vectorizer.transform(dev_texts))[:, 1]
        print(line("baseline char 1-3 TF-IDF + LR", dev_labels, baseline_scores, 0.5))
        print(f"{'':<44} ECE {calibration(dev_labels, baseline_scores)['ece']:.4f}")

    full = contentguard.load(packs=["abuse"])
    rng = random.Random(SEED)
    with args.sample_out.open("w", encoding="utf-8") as sample_out:
        sample_out.write("corpus\tprobability\tsentence\ttext\tjudgement\n")
        for corpus, texts in real_texts(args.data).items():
            reports = list(full.check_batch([{"body": text, "kind": "comment"} for text in texts]))
            model_hits = [(r.findings, text) for r, text in zip(reports, texts, strict=True)
                          if any(f.rule_id == RULE_ID for f in r.findings)]
            lexicon_hits = sum(1 for r in reports if any(f.rule_id != RULE_ID for f in r.findings))
            print(f"{corpus}: {len(texts):,} texts; model rule flags {len(model_hits):,} "
                  f"({len(model_hits) / len(texts):.2%}); other abuse rules flag {lexicon_hits:,} "
                  f"({lexicon_hits / len(texts):.2%})")
            for findings, text in rng.sample(model_hits, min(args.sample, len(model_hits))):
                finding = next(f for f in findings if f.rule_id == RULE_ID)
                clean = text.replace("\t", " ").replace("\n", " ")
                sample_out.write(f"{corpus}\t{finding.confidence:.3f}\t{finding.text}\t{clean}\t\n")
    print(f"sample of the model's flags for judging: {args.sample_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
