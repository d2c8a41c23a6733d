"""contentguard on Spark local[2] against Guard.check_batch(workers=2), on the same texts.

    python benchmarks/bench_spark.py [--data ../shared/data/sentiment] [--rows 200000] [--rounds 3]

Prints: Spark session start time; rows/s of check_frame on local[2] (read Parquet, check, write to
Spark's no-op sink) and of check_batch(workers=2) on the same rows, in interleaved rounds (A B A B),
with medians and the ratio; and the peak RSS (VmHWM) of a Spark Python worker against a plain
check_batch worker process.

"After the session starts" (the issue's target) is measured warm on both sides: before the timed
rounds, one untimed warm-up runs each system on a small slice, so Spark's Python workers hold the
Guard, jieba and the models, and check_batch runs in a warm ``guard.pool(2)`` that lives across its
rounds. The cold figures (a new pool per call; Spark's first job) are printed too. Texts: the reviews of ../shared/data/sentiment (see its SOURCE.md),
repeated in a shuffled order up to --rows. Figures, not pass/fail: the targets live in issue 16.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

# The review reader is bench_engine's (same files, same checks): the two benchmarks measure the same texts.
from bench_engine import read_reviews  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "sentiment"


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM) in MB, 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def spark_python_workers() -> list[int]:
    """Spark's Python worker processes on this machine (forked from pyspark.daemon)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"pyspark.daemon" in cmdline or b"pyspark.worker" in cmdline:
                pids.append(int(entry.name))
    return pids


def run_check_batch(guard, records: list[dict], workers: int, pool=None) -> tuple[float, float]:
    """Seconds for check_batch over the records (in ``pool`` when given, else a new pool of
    ``workers``); the peak RSS of its biggest worker, sampled near the end."""
    start = time.perf_counter()
    rss = 0.0
    sample_at = len(records) - 2000
    for n, _ in enumerate(guard.check_batch(records, workers=workers, pool=pool)):
        if n == sample_at:
            rss = max((peak_rss_mb(pid) for pid in children(os.getpid())), default=0.0)
    return time.perf_counter() - start, rss


def run_spark(spark, check_frame, guard, path: str, partitions: int) -> float:
    start = time.perf_counter()
    frame = spark.read.parquet(path)
    if frame.rdd.getNumPartitions() < partitions:
        frame = frame.repartition(partitions)
    check_frame(frame, text="body", id="id", guard=guard).write.format("noop").mode("overwrite").save()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the review CSV files")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds of each system, interleaved")
    parser.add_argument("--warm-rows", type=int, default=4000, help="rows of the untimed warm-up of each system")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--partitions", type=int, default=8, help="Parquet part files (= Spark partitions)")
    args = parser.parse_args()

    import pyarrow as pa
    import pyarrow.parquet as pq

    import contentguard

    reviews = read_reviews(args.data)
    rng = random.Random(16)
    texts = [reviews[rng.randrange(len(reviews))] for _ in range(args.rows)]
    records = [{"id": str(i), "body": text} for i, text in enumerate(texts)]
    chars = sum(map(len, texts))
    print(f"{len(texts):,} texts, {chars / len(texts):.0f} chars on average, "
          f"{sum(len(t.encode()) for t in texts) / 1e6:.1f} MB; machine: {os.cpu_count()} cores")

    folder = tempfile.mkdtemp(prefix="bench_spark_")
    size = -(-len(records) // args.partitions)
    for part in range(args.partitions):
        chunk = records[part * size:(part + 1) * size]
        pq.write_table(pa.table({"id": [r["id"] for r in chunk], "body": [r["body"] for r in chunk]}),
                       f"{folder}/part-{part:03d}.parquet")

    guard = contentguard.load()
    start = time.perf_counter()
    from contentguard.spark import check_frame, local_session

    spark = local_session(args.master, app_name="bench_spark")
    print(f"Spark session start ({args.master}): {time.perf_counter() - start:.1f} s (not counted below)")

    # Cold: what a first call costs (a new pool; Spark's Python workers start and unpickle the Guard).
    warm_folder = tempfile.mkdtemp(prefix="bench_spark_warm_")
    warm = records[:args.warm_rows]
    half = -(-len(warm) // 2)
    for part in range(2):
        chunk = warm[part * half:(part + 1) * half]
        pq.write_table(pa.table({"id": [r["id"] for r in chunk], "body": [r["body"] for r in chunk]}),
                       f"{warm_folder}/part-{part:03d}.parquet")
    cold_batch, _ = run_check_batch(guard, warm, workers=2)
    cold_spark = run_spark(spark, check_frame, guard, warm_folder, 2)
    print(f"untimed warm-up on {len(warm):,} rows: check_batch with a new pool {cold_batch:.1f} s, "
          f"Spark's first job {cold_spark:.1f} s")

    batch_times, spark_times, batch_rss = [], [], []
    with guard.pool(2) as pool:
        run_check_batch(guard, warm, workers=2, pool=pool)  # the pool's workers load jieba and the models
        for round_no in range(1, args.rounds + 1):
            seconds, rss = run_check_batch(guard, records, workers=2, pool=pool)
            batch_times.append(seconds)
            batch_rss.append(rss)
            print(f"round {round_no}: check_batch(pool of 2) {len(records) / seconds:8,.0f} rows/s ({seconds:.1f} s)",
                  flush=True)
            seconds = run_spark(spark, check_frame, guard, folder, args.partitions)
            spark_times.append(seconds)
            print(f"round {round_no}: spark {args.master:>16} {len(records) / seconds:8,.0f} rows/s ({seconds:.1f} s)",
                  flush=True)
    spark_rss = [peak_rss_mb(pid) for pid in spark_python_workers()]
    spark.stop()

    batch_rate = len(records) / statistics.median(batch_times)
    spark_rate = len(records) / statistics.median(spark_times)
    print()
    print(f"median rows/s, both warm: check_batch(pool of 2) {batch_rate:,.0f}; spark {args.master} "
          f"{spark_rate:,.0f}; ratio spark / check_batch = {spark_rate / batch_rate:.2f}")
    plain = max(batch_rss)
    worker = max(spark_rss) if spark_rss else 0.0
    print(f"peak RSS per Python worker: Spark {worker:.0f} MB (largest of {len(spark_rss)} pyspark processes: "
          f"{', '.join(f'{r:.0f}' for r in sorted(spark_rss))}); plain check_batch worker {plain:.0f} MB; "
          f"ratio {worker / plain:.2f}" if plain else "")


if __name__ == "__main__":
    main()
