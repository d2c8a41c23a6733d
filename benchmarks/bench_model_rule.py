"""Throughput of the shipped pipeline with and without the `model` rule (abuse/offensive-model), interleaved.

    python benchmarks/bench_model_rule.py [--data ../shared/data] [--docs 5000] [--rounds 5]

Two Guards built from the same packs, one with abuse/offensive-model disabled through the configuration
(``disable_rules``), check the same documents in alternating rounds (so machine load hits both alike):
reviews from ../shared/data/sentiment as public comments, and Weibo posts from
../shared/data/realtext/weibo2018_train.txt as comments too, i.e. every document is one the model scores
(the worst case; company posts skip the rule). Sentiment scoring is on in both, as shipped. Prints
documents/s and MB/s of each (median of the rounds) and the drop with the model rule.
"""

from __future__ import annotations

import argparse
import csv
import gc
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

import contentguard  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"


def texts(data: Path, n: int) -> list[str]:
    out: list[str] = []
    for name in ("online_shopping_10_cats.csv", "waimai_10k.csv"):
        path = data / "sentiment" / name
        if not path.is_file():
            sys.exit(f"bench_model_rule: {path} is missing (pass --data)")
        with path.open(encoding="utf-8-sig", newline="") as stream:
            rows = [row["review"] for row in csv.DictReader(stream) if row.get("review")]
        out.extend(rows[:: max(1, len(rows) // (n // 3))][: n // 3])
    weibo = data / "realtext" / "weibo2018_train.txt"
    if weibo.is_file():
        with weibo.open(encoding="utf-8") as stream:
            posts = [line.rstrip("\n").split(",", 2)[-1] for line in stream]
        out.extend(posts[: n - len(out)])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    documents = [{"body": text, "kind": "comment"} for text in texts(args.data, args.docs)]
    megabytes = sum(len(d["body"].encode("utf-8")) for d in documents) / 1e6
    guards = {
        "without model rule": contentguard.load(config={"disable_rules": ["abuse/offensive-model"]}),
        "with model rule": contentguard.load(),
    }
    for guard in guards.values():  # warm up: models, jieba, caches
        list(guard.check_batch(documents[:200]))
    seconds: dict[str, list[float]] = {name: [] for name in guards}
    for _ in range(args.rounds):
        for name, guard in guards.items():
            gc.collect()
            start = time.perf_counter()
            for _report in guard.check_batch(documents):
                pass
            seconds[name].append(time.perf_counter() - start)
    print(f"{len(documents):,} comments, {megabytes:.2f} MB, {args.rounds} interleaved rounds, 1 worker")
    median = {name: statistics.median(values) for name, values in seconds.items()}
    for name, value in median.items():
        print(f"  {name:<20} {len(documents) / value:8,.0f} docs/s  {megabytes / value:6.3f} MB/s")
    drop = 1 - median["without model rule"] / median["with model rule"]
    print(f"  throughput drop with the model rule: {drop:.1%}")


if __name__ == "__main__":
    main()
