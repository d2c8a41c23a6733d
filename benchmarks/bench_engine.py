"""Speed and memory of the pipeline against jieba.lcut (HMM on), interleaved: A B A B …, medians.

    python benchmarks/bench_engine.py [--data ../shared/data/sentiment] [--docs 20000] [--rounds 3]

Three sets of text from the reviews of ../shared/data/sentiment (see its SOURCE.md):
short (--docs reviews as they are), long (reviews joined into posts of about 600 characters) and
very long (documents of 50,000 characters). On each set, every round runs every system once, in turn
(jieba.lcut; check_batch with sentiment on and off, with 1 worker and with a warm pool of 2), so that a slower or busier
moment of a shared machine falls on all of them alike; the medians over the rounds and their ratios to
jieba.lcut are printed. Then cold start (import + load(), the sentiment model's load, `contentguard scan`
of one small file: medians of fresh processes) and the peak RSS of one worker.
Figures, not pass/fail: the targets live in the issues and the closing notes.
"""

from __future__ import annotations

import argparse
import csv
import gc
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
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


def joined(reviews: list[str], length: int, count: int, start: int = 0) -> list[str]:
    """``count`` documents of about ``length`` characters, reviews joined in order."""
    documents, parts, size, i = [], [], 0, start
    while len(documents) < count:
        review = reviews[i % len(reviews)]
        i += 1
        parts.append(review)
        size += len(review)
        if size >= length:
            documents.append("".join(parts)[:length])
            parts, size = [], 0
    return documents


def megabytes(texts: list[str]) -> float:
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall seconds and this process's CPU seconds (the CPU figure is steadier on a busy shared machine; it
    leaves out the work of worker processes, so it is printed for the one-process systems only)."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - start, time.process_time() - cpu


def fresh_process_seconds(code: str, runs: int) -> list[float]:
    """Each run's printed figures (space separated) from a fresh interpreter."""
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        results.append([float(x) for x in out.split()])
    return [statistics.median(column) for column in zip(*results, strict=True)]


def cold_start(runs: int, sample: str) -> None:
    import_s, load_s = fresh_process_seconds(
        "import time; t0=time.perf_counter(); import contentguard; t1=time.perf_counter(); "
        "contentguard.load(); t2=time.perf_counter(); print(t1-t0, t2-t1)", runs)
    print(f"cold start (median of {runs} fresh processes): import contentguard {import_s:.3f} s + load() "
          f"{load_s:.3f} s = {import_s + load_s:.3f} s")
    model_s, first_s = fresh_process_seconds(
        "import time, contentguard; g=contentguard.load(); t0=time.perf_counter(); g._sentiment(); "
        "t1=time.perf_counter(); g.check('质量太差了，加微*信领取优惠'); t2=time.perf_counter(); print(t1-t0, t2-t1)",
        runs)
    print(f"  sentiment model load {model_s:.3f} s; first check() after it (jieba, lazy parts) {first_s:.3f} s")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.txt"
        path.write_text(sample, encoding="utf-8")
        # The installed console script, as a user or the pre-commit hook runs it.
        script = Path(sys.executable).parent / "contentguard"
        command = [str(script)] if script.is_file() else [sys.executable, "-c",
                                                         "from contentguard.cli import main; main()"]
        walls = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([*command, "scan", str(path)], capture_output=True, check=False)
            walls.append(time.perf_counter() - start)
    print(f"  contentguard scan one-small-file.txt ({len(sample)} chars, default flags): median wall "
          f"{statistics.median(walls):.3f} s (min {min(walls):.3f}, max {max(walls):.3f})")


def peak_rss_one_worker(texts: list[str]) -> float:
    code = ("import resource, sys, contentguard; texts = sys.stdin.read().split('\\n'); g = contentguard.load(); "
            "sum(1 for _ in g.check_batch(texts, workers=1)); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code], input="\n".join(t.replace("\n", " ") for t in texts),
                         capture_output=True, text=True, check=True).stdout
    return float(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the review CSV files")
    parser.add_argument("--docs", type=int, default=20000, help="short documents (reviews)")
    parser.add_argument("--long", type=int, default=2000, help="documents of about 600 characters")
    parser.add_argument("--very-long", type=int, default=10, help="documents of 50,000 characters")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per set")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh processes for each cold-start figure")
    parser.add_argument("--skip-cold", action="store_true", help="throughput only")
    args = parser.parse_args()

    import jieba

    import contentguard

    reviews = read_reviews(args.data)
    rng = random.Random(7)
    rng.shuffle(reviews)
    sets = {
        "short": reviews[: args.docs],
        "long": joined(reviews, 600, args.long, start=args.docs),
        "very long": joined(reviews, 50_000, args.very_long),
    }
    for name, texts in sets.items():
        print(f"{name:9}: {len(texts):6} documents, mean {statistics.mean(map(len, texts)):7.0f} chars, "
              f"{megabytes(texts):.2f} MB")

    jieba.setLogLevel(60)
    jieba.initialize()
    guards = {sentiment: contentguard.load(config={"sentiment": sentiment}) for sentiment in ("all", "off")}
    for guard in guards.values():
        list(guard.check_batch(sets["short"][:200]))  # warm: jieba dictionary, sentiment model

    # The 2-worker figures use warm pools (Guard.pool): started here, once, with jieba and the models loaded
    # in each worker's initializer, and reused by every round, as a server or a long CLI run uses them.
    pools = {sentiment: guard.pool(2) for sentiment, guard in guards.items()}
    for pool in pools.values():
        sum(1 for _ in pool.check_batch(sets["short"][:2000]))  # every worker has had its first chunks

    def pipeline(sentiment: str, workers: int) -> Callable[[list[str]], object]:
        if workers > 1:
            return lambda texts: sum(1 for _ in pools[sentiment].check_batch(texts))
        return lambda texts: sum(1 for _ in guards[sentiment].check_batch(texts, workers=workers))

    systems: dict[str, Callable[[list[str]], object]] = {
        "jieba.lcut (HMM)": lambda texts: [jieba.lcut(t, HMM=True) for t in texts],
        "sentiment on, 1 worker": pipeline("all", 1),
        "sentiment off, 1 worker": pipeline("off", 1),
        "sentiment on, 2 workers": pipeline("all", 2),
        "sentiment off, 2 workers": pipeline("off", 2),
    }
    print(f"\nthroughput, MB/s: median of {args.rounds} interleaved rounds; ×jieba = ratio of the medians")
    for set_name, texts in sets.items():
        size = megabytes(texts)
        seconds: dict[str, list[float]] = defaultdict(list)
        cpu_seconds: dict[str, list[float]] = defaultdict(list)
        for _ in range(args.rounds):
            for system, run in systems.items():
                wall, cpu = timed(lambda run=run, texts=texts: run(texts))
                seconds[system].append(wall)
                cpu_seconds[system].append(cpu)
        medians = {system: size / statistics.median(values) for system, values in seconds.items()}
        cpu_medians = {system: size / statistics.median(values) for system, values in cpu_seconds.items()}
        jieba_rate = medians["jieba.lcut (HMM)"]
        jieba_cpu_rate = cpu_medians["jieba.lcut (HMM)"]
        print(f"{set_name}:")
        for system, rate in medians.items():
            docs = len(texts) * rate / size
            cpu = "" if "2 workers" in system else \
                f"  CPU {cpu_medians[system]:6.2f} MB/s ×{cpu_medians[system] / jieba_cpu_rate:5.2f}"
            print(f"  {system:26} {rate:7.2f} MB/s {docs:9.0f} docs/s  ×{rate / jieba_rate:5.2f} jieba.lcut  "
                  f"(rounds: {', '.join(f'{size / s:.2f}' for s in seconds[system])}){cpu}")
        for sentiment in ("on", "off"):
            one, two = medians[f"sentiment {sentiment}, 1 worker"], medians[f"sentiment {sentiment}, 2 workers"]
            print(f"  2 workers / 1 worker, sentiment {sentiment}: {two / one:.2f}x")

    for pool in pools.values():
        pool.close()
    if not args.skip_cold:
        print()
        cold_start(args.cold_runs, "".join(reviews[:3])[:200])
    print(f"peak RSS, one worker over the short set: {peak_rss_one_worker(sets['short']):.0f} MB")


if __name__ == "__main__":
    main()
