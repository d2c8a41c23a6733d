"""contentguard on Spark local[2] against Guard.check_batch(workers=2), on the same texts.

    python benchmarks/bench_spark.py [--data ../shared/data/sentiment] [--rows 200000] [--rounds 2]

Prints: Spark session start time; rows/s of check_frame on local[2] (read Parquet, check, write to
Spark's no-op sink) and of check_batch(workers=2) on the same rows, in interleaved rounds (A B A B),
with medians and the ratio; and the peak RSS (VmHWM) of a Spark Python worker against a plain
check_batch worker process. Texts: the reviews of ../shared/data/sentiment (see its SOURCE.md),
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


def run_check_batch(guard, records: list[dict], workers: int) -> tuple[float, float]:
    """Seconds for check_batch over the records; the peak RSS of its biggest worker, sampled near the end."""
    start = time.perf_counter()
    rss = 0.0
    sample_at = len(records) - 2000
    for n, _ in enumerate(guard.check_batch(records, workers=workers)):
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
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each system, interleaved")
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

    batch_times, spark_times, batch_rss = [], [], []
    for round_no in range(1, args.rounds + 1):
        seconds, rss = run_check_batch(guard, records, workers=2)
        batch_times.append(seconds)
        batch_rss.append(rss)
        print(f"round {round_no}: check_batch(workers=2) {len(records) / seconds:8,.0f} rows/s ({seconds:.1f} s)",
              flush=True)
        seconds = run_spark(spark, check_frame, guard, folder, args.partitions)
        spark_times.append(seconds)
        print(f"round {round_no}: spark {args.master:>14} {len(records) / seconds:8,.0f} rows/s ({seconds:.1f} s)",
              flush=True)
    spark_rss = [peak_rss_mb(pid) for pid in spark_python_workers()]
    spark.stop()

    batch_rate = len(records) / statistics.median(batch_times)
    spark_rate = len(records) / statistics.median(spark_times)
    print()
    print(f"median rows/s: check_batch(workers=2) {batch_rate:,.0f}; spark {args.master} {spark_rate:,.0f}; "
          f"ratio spark / check_batch = {spark_rate / batch_rate:.2f}")
    print(f"first round (workers cold in both): ratio {batch_times[0] / spark_times[0]:.2f}; later rounds: Spark "
          f"reuses its Python workers, check_batch starts a new pool per call")
    plain = max(batch_rss)
    worker = max(spark_rss) if spark_rss else 0.0
    print(f"peak RSS per Python worker: Spark {worker:.0f} MB (largest of {len(spark_rss)} pyspark processes: "
          f"{', '.join(f'{r:.0f}' for r in sorted(spark_rss))}); plain check_batch worker {plain:.0f} MB; "
          f"ratio {worker / plain:.2f}" if plain else "")


if __name__ == "__main__":
    main()
