"""Precision and recall of the default packs on the blind, hand-labelled sample of real text.

    python benchmarks/evaluate_blind.py [--data ../shared/data] [--show]

tests/data/real_blind/ holds the labels (written before contentguard ever saw the texts) and the seeded
script that draws the texts from the shared corpora; no corpus text is stored in the project. This
script draws them again, checks that each drawn row is the row its label names, runs the default
Guard and prints per corpus: items, clean items with a finding of a labelled category (false alarms),
and per category the documents found (tp), wrongly flagged (fp) and missed (fn), with micro precision
and recall. A document counts for category C when a finding's category is C or C.sub; public-opinion
signals (opinion.*) are not violations and are left out. ``--show`` lists every disagreement.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BLIND = REPO / "tests" / "data" / "real_blind"
DEFAULT_DATA = REPO.parent / "shared" / "data"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import CATEGORIES, top_category  # noqa: E402


def _sampler():
    spec = importlib.util.spec_from_file_location("real_blind_sample", BLIND / "sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def draw(data: Path) -> list[dict]:
    """The sample's texts, drawn again from ``data`` exactly as sample.py draws them."""
    sampler = _sampler()
    drawn = []
    for i, (corpus, kind, rows_of, k) in enumerate(sampler.CORPORA):
        rows = list(rows_of(data))
        for index in sorted(sampler.random.Random(sampler.SEED + i).sample(range(len(rows)), k)):
            ref, title, body = rows[index]
            drawn.append({"corpus": corpus, "source": ref, "kind": kind, "title": title,
                          "body": body[:sampler.MAX_CHARS]})
    return drawn


def load(data: Path) -> list[dict]:
    labels = [json.loads(line) for line in (BLIND / "labels.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    drawn = draw(data)
    if len(drawn) != len(labels):
        raise SystemExit(f"{data}: drew {len(drawn)} texts for {len(labels)} labels; the corpora there differ from "
                         f"the ones the sample was labelled on")
    for label, text in zip(labels, drawn, strict=True):
        if label["source"] != text["source"]:
            raise SystemExit(f"{label['id']}: labelled {label['source']!r} but drew {text['source']!r}; "
                             f"the corpora in {data} differ from the labelled ones")
    return [{**text, **label} for label, text in zip(labels, drawn, strict=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--show", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    missing = [p for p in ("realtext", "sentiment", "abuse/cold") if not (args.data / p).is_dir()]
    if missing:
        print(f"evaluate_blind: {args.data} lacks {', '.join(missing)} (the shared corpora the sample is drawn "
              f"from; see tests/data/real_blind/README.md)", file=sys.stderr)
        return 2
    import contentguard

    items = load(args.data)
    guard = contentguard.load()
    documents = [contentguard.Document(id=i["id"], kind=i["kind"], title=i["title"] or None, body=i["body"])
                 for i in items]
    by_corpus: dict[str, dict] = defaultdict(lambda: {"items": 0, "clean": 0, "false_alarms": 0,
                                                      "counts": {c: [0, 0, 0] for c in CATEGORIES}})
    notes = []
    for item, report in zip(items, guard.check_batch(documents), strict=True):
        row = by_corpus[item["corpus"]]
        gold = set(item["labels"])
        found = defaultdict(list)
        for finding in report.findings:
            category = top_category(finding.category)
            if category in CATEGORIES:
                found[category].append(f"{finding.rule_id}「{finding.text}」")
        row["items"] += 1
        if not gold:
            row["clean"] += 1
            row["false_alarms"] += bool(found)
        for category in CATEGORIES:
            tp_fp_fn = row["counts"][category]
            if category in gold and category in found:
                tp_fp_fn[0] += 1
            elif category in found:
                tp_fp_fn[1] += 1
                notes.append(f"FP {item['id']} {category}: {', '.join(found[category])} | {item['note'][:60]}")
            elif category in gold:
                tp_fp_fn[2] += 1
                notes.append(f"FN {item['id']} {category}: {item['note'][:80]}")
    print(f"{'corpus':<26}{'items':>6}{'clean':>6}{'FA':>5}{'FA%':>7}{'tp':>5}{'fp':>5}{'fn':>5}"
          f"{'prec':>7}{'recall':>8}  per category (tp/fp/fn)")
    totals = [0, 0, 0]
    for corpus, row in by_corpus.items():
        tp = sum(c[0] for c in row["counts"].values())
        fp = sum(c[1] for c in row["counts"].values())
        fn = sum(c[2] for c in row["counts"].values())
        totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        precision = f"{tp / (tp + fp):.2f}" if tp + fp else "—"
        recall = f"{tp / (tp + fn):.2f}" if tp + fn else "—"
        detail = ", ".join(f"{c} {v[0]}/{v[1]}/{v[2]}" for c, v in row["counts"].items() if any(v))
        rate = row["false_alarms"] / row["clean"] if row["clean"] else 0.0
        print(f"{corpus:<26}{row['items']:>6}{row['clean']:>6}{row['false_alarms']:>5}{rate:>7.1%}{tp:>5}{fp:>5}"
              f"{fn:>5}{precision:>7}{recall:>8}  {detail}")
    tp, fp, fn = totals
    print(f"{'all':<26}{sum(r['items'] for r in by_corpus.values()):>6}"
          f"{sum(r['clean'] for r in by_corpus.values()):>6}{sum(r['false_alarms'] for r in by_corpus.values()):>5}"
          f"{'':>7}{tp:>5}{fp:>5}{fn:>5}{tp / max(tp + fp, 1):>7.2f}{tp / max(tp + fn, 1):>8.2f}")
    if args.show:
        print()
        print("\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
