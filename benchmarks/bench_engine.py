"""Speed and memory of the default pipeline, with jieba.lcut on the same text as the yardstick.

    python benchmarks/bench_engine.py [--data ../shared/data/sentiment] [--docs 20000] [--stream 0]

Prints: load time (cold, in a fresh process), throughput of check_batch (MB/s, documents/s)
with 1 and 2 workers, with sentiment scoring on and off, jieba.lcut's throughput and the
ratio, the median time of check() on a 200-character post, and peak memory. Text: the
reviews of ../shared/data/sentiment (see its SOURCE.md), as short documents and joined into
long posts. Figures, not pass/fail: targets live in the issues and the closing notes.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "sentiment"


def read_reviews(folder: Path) -> list[str]:
    files = [folder / "online_shopping_10_cats.csv", folder / "waimai_10k.csv"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        sys.exit(f"bench_engine: review files not found: {', '.join(missing)}\n"
                 f"Pass --data DIR with online_shopping_10_cats.csv and waimai_10k.csv "
                 f"(SophonPlus/ChineseNlpCorpus).")
    reviews = []
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reviews.extend(row["review"] for row in csv.DictReader(handle) if row.get("review"))
    return reviews


def megabytes(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def cold_load_seconds() -> tuple[float, float]:
    code = ("import time; t0=time.perf_counter(); import contentguard; t1=time.perf_counter(); "
            "contentguard.load(); t2=time.perf_counter(); print(t1-t0, t2-t1)")
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        runs.append(tuple(float(x) for x in out.split()))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def timed(fn) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the review CSV files")
    parser.add_argument("--docs", type=int, default=20000, help="number of short documents")
    parser.add_argument("--stream", type=int, default=0,
                        help="also stream this many generated documents and report memory along the way")
    args = parser.parse_args()

    import jieba

    import contentguard

    reviews = read_reviews(args.data)
    rng = random.Random(7)
    rng.shuffle(reviews)
    short = reviews[: args.docs]
    # Long posts: twelve reviews joined, about the length of an article.
    long_posts = ["".join(reviews[i: i + 12]) for i in range(0, len(reviews), 12)][: args.docs // 10]
    mean_short = statistics.mean(map(len, short))
    print(f"text: {len(short)} reviews ({megabytes(short):.2f} MB, mean {mean_short:.0f} chars); "
          f"{len(long_posts)} long posts ({megabytes(long_posts):.2f} MB, mean "
          f"{statistics.mean(map(len, long_posts)):.0f} chars)")

    import_s, load_s = cold_load_seconds()
    print(f"cold start: import contentguard {import_s:.3f} s, contentguard.load() {load_s:.3f} s (median of 3)")

    jieba.setLogLevel(60)
    jieba.initialize()
    jieba_rates = {}
    for name, texts in (("short", short), ("long", long_posts)):
        seconds = timed(lambda texts=texts: [jieba.lcut(t) for t in texts])
        jieba_rates[name] = megabytes(texts) / seconds
        print(f"jieba.lcut {name:5}: {jieba_rates[name]:6.2f} MB/s")

    for sentiment in ("all", "off"):
        guard = contentguard.load(config={"sentiment": sentiment})
        list(guard.check_batch(short[:200]))  # warm: jieba dictionary, sentiment model
        for name, texts in (("short", short), ("long", long_posts)):
            rates = {}
            for workers in (1, 2):
                seconds = timed(lambda g=guard, texts=texts, w=workers: sum(1 for _ in g.check_batch(texts, workers=w)))
                rates[workers] = megabytes(texts) / seconds
                print(f"check_batch sentiment={sentiment:3} {name:5} workers={workers}: {rates[workers]:6.2f} MB/s "
                      f"{len(texts) / seconds:8.0f} docs/s  (x{rates[workers] / jieba_rates[name]:.2f} jieba.lcut)")
            print(f"    2 workers / 1 worker: {rates[2] / rates[1]:.2f}x")

    guard = contentguard.load()
    post = "".join(reviews[:40])[:200]
    guard.check(post)
    samples = []
    for _ in range(1000):
        start = time.perf_counter()
        guard.check(post)
        samples.append(time.perf_counter() - start)
    print(f"check() of a 200-character post: median {statistics.median(samples) * 1e3:.3f} ms, "
          f"p95 {sorted(samples)[949] * 1e3:.3f} ms")

    if args.stream:
        def generated():
            for i in range(args.stream):
                yield reviews[i % len(reviews)]
        marks = []
        for i, _ in enumerate(guard.check_batch(generated(), workers=1)):
            if i % max(1, args.stream // 5) == 0:
                marks.append((i, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
        print("streaming peak RSS (MB) by documents done: " + ", ".join(f"{i}: {m:.0f}" for i, m in marks))

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: this process {own:.0f} MB, largest worker {children:.0f} MB")


if __name__ == "__main__":
    main()
