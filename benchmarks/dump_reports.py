"""Reports of a fixed document set as JSON lines: run it from two checkouts and compare the files.

    PYTHONPATH=OLD/src python benchmarks/dump_reports.py old.jsonl
    PYTHONPATH=src     python benchmarks/dump_reports.py new.jsonl && cmp old.jsonl new.jsonl
    (--reviews N: how many reviews; --config JSON: e.g. '{"sentiment": "off"}' or a watchlist;
     --batch N: check N documents per check_batch call, so small calls' paths are compared too, e.g. the
     sentiment model's binary search before its lookup tables are built)

The set: every document of tests/data/{devset,holdout,fresh,fresh2,obfuscated}.jsonl, 4,000 reviews
and 300 posts of ~600 characters joined from them (../shared/data/sentiment, see bench_engine.py). Each
report is dumped without its ruleset block (the hash changes whenever a rule file does). Used to show
that a speed change (issue #13) changes no report.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from bench_engine import DEFAULT_DATA, joined, read_reviews

import contentguard

REPO = Path(__file__).resolve().parent.parent
SETS = ("devset", "holdout", "fresh", "fresh2", "obfuscated")
FIELDS = ("id", "title", "body", "kind", "platform", "voice")


def documents(data: Path, count: int = 4000) -> list:
    docs: list = []
    for name in SETS:
        for line in (REPO / "tests" / "data" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            record = record.get("document") or record
            docs.append({k: v for k, v in record.items() if k in FIELDS})
    reviews = read_reviews(data)
    random.Random(11).shuffle(reviews)
    return docs + reviews[:count] + joined(reviews, 600, 300, start=count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--reviews", type=int, default=4000)
    parser.add_argument("--config", type=json.loads, default=None, help="configuration as JSON")
    parser.add_argument("--batch", type=int, default=0, help="documents per check_batch call (default: all)")
    args = parser.parse_args()
    guard = contentguard.load(config=args.config)
    docs = documents(args.data, args.reviews)
    size = args.batch if args.batch > 0 else max(len(docs), 1)
    with args.output.open("w", encoding="utf-8") as handle:
        for start in range(0, len(docs), size):
            for report in guard.check_batch(docs[start : start + size]):
                dumped = report.model_dump(mode="json")
                dumped.pop("ruleset", None)
                handle.write(json.dumps(dumped, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
