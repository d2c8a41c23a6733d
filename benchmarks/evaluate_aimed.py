"""Abuse precision in the public's voice on hand-judged findings, and the offensive-model gate check (#11).

Usage (from the repository root):

    python benchmarks/evaluate_aimed.py                  # tests/data/real_sample/public_voice_aimed.jsonl
    python benchmarks/evaluate_aimed.py --labels tests/data/real_sample/public_voice.jsonl --sample abuse-

For each labelled sample (see tests/data/real_sample/README.md): precision *before* (the share of `y`:
every labelled item was a finding when drawn) and *after* (the share of `y` among the items the current
engine still reports on the same line, rule and span), and the `y` items lost.

``--gate`` also tests the idea of issue #11 that the COLD offensive model's probability of the hit's
sentence could tell an aimed insult from a mood, a thing or a quotation: it prints, over the insult findings
(abuse/insult, abuse/insult-phrase), the ROC AUC of that probability against the labels and the precision
and the share of correct hits kept at several floors.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

import contentguard

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate_real import CORPORA, DEFAULT_DATA, SAMPLE_DIR  # noqa: E402
from mine_public_abuse import smp_weibo  # noqa: E402

KIND = {"weibo": "mention", "smp_weibo": "mention", "shopping_reviews": "review", "waimai_reviews": "review",
        "shopping_rest": "review", "cold_comments": "comment"}
INSULT = ("abuse/insult", "abuse/insult-phrase")


def corpus_texts(data: Path, wanted: set[str]) -> dict[tuple[str, str], str]:
    texts: dict[tuple[str, str], str] = {}
    for corpus in CORPORA:
        if corpus.name in wanted:
            texts.update(((corpus.name, str(line)), text) for line, text in corpus.read(data / corpus.path))
    if "smp_weibo" in wanted:
        texts.update((("smp_weibo", line), text) for line, text in smp_weibo(data))
    if "shopping_rest" in wanted:
        with (data / "sentiment" / "online_shopping_10_cats.csv").open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                text = row.get("review") or ""
                if text.strip():
                    texts[("shopping_rest", str(reader.line_num))] = text.lstrip("\ufeff")
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--labels", default=str(SAMPLE_DIR / "public_voice_aimed.jsonl"))
    parser.add_argument("--sample", default="", help="only samples whose name starts with this")
    parser.add_argument("--gate", action="store_true", help="also test the offensive-model floor on the insult hits")
    args = parser.parse_args(argv)
    with open(args.labels, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    records = [r for r in records if r["sample"].startswith(args.sample) and r["rule_id"].startswith("abuse/")]
    texts = corpus_texts(Path(args.data), {r["corpus"] for r in records})
    guard = contentguard.load()
    reported: dict[tuple[str, str], set[tuple[str, int]]] = {}
    for key in sorted({(r["corpus"], str(r["line"])) for r in records}):
        report = guard.check(contentguard.Document(id=":".join(key), kind=KIND[key[0]], body=texts[key]))
        reported[key] = {(f.rule_id, f.start) for f in report.findings}
    by_sample: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_sample[r["sample"]].append(r)
        by_sample[f"{r['sample']} {r['corpus']}"].append(r)
    print(f"{'sample':40s} {'n':>4s} {'before':>7s} {'still':>6s} {'after':>6s} {'y lost':>6s}")
    for name, items in sorted(by_sample.items()):
        still = [r for r in items if (r["rule_id"], r["start"]) in reported[(r["corpus"], str(r["line"]))]]
        yes = sum(r["label"] == "y" for r in items)
        yes_still = sum(r["label"] == "y" for r in still)
        after = f"{yes_still / len(still):.3f}" if still else "-"
        print(f"{name:40s} {len(items):4d} {yes / len(items):7.3f} {len(still):6d} {after:>6s} {yes - yes_still:6d}")
    if args.gate:
        gate(records, texts, guard)
    return 0


def gate(records: list[dict], texts: dict[tuple[str, str], str], guard) -> None:
    from sklearn.metrics import roc_auc_score

    from contentguard.engine.kinds.model import ModelStage, model_folder
    from contentguard.models.linear import load_model

    model = load_model(model_folder("offensive"))
    column = list(model.labels).index("offensive")
    stage: ModelStage = guard._models
    items = [r for r in records if r["rule_id"] in INSULT]
    sentences = []
    for r in items:
        text = texts[(r["corpus"], str(r["line"]))]
        spans = [(a, b) for a, b in stage.sentences(text) if a <= r["start"] < b]
        a, b = spans[0] if spans else (0, len(text))
        sentences.append(text[a:b])
    probabilities = [float(row[column]) for row in model.predict_proba(sentences)]
    labels = [r["label"] == "y" for r in items]
    print(f"\noffensive-model probability of the insult hit's sentence ({len(items)} hits, {sum(labels)} aimed): "
          f"ROC AUC {roc_auc_score(labels, probabilities):.3f}")
    for floor in (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9):
        kept = [y for y, p in zip(labels, probabilities, strict=True) if p >= floor]
        print(f"  floor {floor:.1f}: kept {len(kept):3d}, precision {sum(kept) / max(1, len(kept)):.3f}, "
              f"aimed hits kept {sum(kept) / max(1, sum(labels)):.2f}")


if __name__ == "__main__":
    sys.exit(main())
