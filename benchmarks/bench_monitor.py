"""The monitor on a day-long stream of 100,000 comments: comments/s on one core, and memory over the stream.

    python benchmarks/bench_monitor.py [--comments 100000] [--check-sample 2000]

The stream: 100,000 comments over 24 hours on 600 posts (each busy for a few hours), a fifth of them
negative, a tenth naming a watched brand, and one burst of complaints on one post at 14:00. Comment
texts come from a pool of 60 distinct comments, each checked by the Guard once; the stream's
documents get their own ids, posts and times, so the monitor does all its work per comment.

Prints:
- the monitor stage: comments/s of ``Monitor.observe`` over the whole stream (one core), events emitted;
- memory: Python heap (tracemalloc, a second pass) and the monitor's windows every 10,000 comments —
  flat once the first window and baseline have filled;
- the whole pipeline: comments/s of ``Monitor.run`` (Guard checks + monitor) on a sample, one core,
  which is what ``contentguard monitor`` does per comment (the Guard's checks dominate).
"""

from __future__ import annotations

import argparse
import os
import random
import time
import tracemalloc
from datetime import datetime, timedelta, timezone

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import contentguard  # noqa: E402
from contentguard import Document  # noqa: E402

BRAND = "好味来"
CALM = ["味道不错，下次还来", "服务很好，点赞", "包装很精致", "好吃，推荐给朋友了", "环境干净，上菜快",
        "请问几点开门？", "有没有外卖？", "建议出个小份的", "第一次来，感觉还可以", "和朋友一起来的，很开心",
        "性价比很高", "甜品很好吃", "店员很热情", "装修很有特色", "排队的人好多",
        "周末人有点多", "停车方便", "离地铁站很近", "分量很足", "会员活动很划算",
        "新品好喝", "颜值很高", "拍照很好看", "老顾客了，一直支持", "孩子很喜欢",
        "咖啡很香", "面包很松软", "蛋糕不腻", "价格公道", "下次带家人来"]
ANGRY = ["太难吃了，差评", "服务态度太差了", "等了一个小时还没上菜", "菜是凉的，必须差评", "又贵又难吃",
         "我要投诉你们，没人管", "吃了拉肚子", "面包里有头发", "再不退款我就打12315", "骗子，虚假宣传",
         "服务员态度恶劣", "再也不会来了", "分量越来越少", "东西不新鲜", "卫生太差了"]


def make_pool(guard):
    texts = [(t, False) for t in CALM] + [(t, True) for t in ANGRY]
    texts += [(f"{BRAND}的{t}", angry) for t, angry in texts[:15]]
    documents = [Document(body=t, kind="comment") for t, _ in texts]
    reports = list(guard.check_batch(documents))
    return [(t, angry, r) for (t, angry), r in zip(texts, reports, strict=True)]


def stream(count: int, pool, seed: int = 18):
    rng = random.Random(seed)
    calm = [p for p in pool if not p[1]]
    angry = [p for p in pool if p[1]]
    start = datetime(2026, 3, 2, tzinfo=timezone(timedelta(hours=8)))
    day = 24 * 3600
    for i in range(count):
        seconds = day * i / count
        hour = seconds / 3600
        if 14 <= hour < 14.33 and rng.random() < 0.5:  # the burst: complaints on one post
            post, (text, _, report) = "p-burst", rng.choice(angry)
        else:
            post = f"p{int(hour * 25) + rng.randrange(0, 20)}"  # ~600 posts, each busy a few hours
            text, _, report = rng.choice(angry) if rng.random() < 0.2 else rng.choice(calm)
        document = Document(id=f"c{i}", body=text, kind="comment", thread=post,
                            created_at=start + timedelta(seconds=seconds))
        yield document, report.model_copy(update={"id": document.id})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--check-sample", type=int, default=2_000)
    args = parser.parse_args()
    guard = contentguard.load(config={"watchlist": {"brands": [BRAND]}})
    pool = make_pool(guard)
    items = list(stream(args.comments, pool))

    monitor = contentguard.Monitor(guard)
    events = 0
    started, cpu = time.perf_counter(), time.process_time()
    for document, report in items:
        events += len(monitor.observe(document, report))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    period = monitor.period_report()
    print(f"monitor stage: {args.comments} comments over 24 h in {seconds:.2f} s wall, {cpu:.2f} s CPU = "
          f"{args.comments / seconds:,.0f} comments/s wall, {args.comments / cpu:,.0f} comments/s of CPU "
          f"(one core; wall time suffers on a shared machine); {events} event changes, "
          f"{period.event_levels.get('high', 0)} events reached high, "
          f"{period.event_levels.get('medium', 0)} medium, {period.low_events} low")

    tracemalloc.start()
    monitor = contentguard.Monitor(guard)
    base = tracemalloc.get_traced_memory()[0]
    print("memory every 10,000 comments (heap above the start, KiB | posts/topics kept | items in windows):")
    row = []
    for i, (document, report) in enumerate(items, 1):
        monitor.observe(document, report)
        if i % 10_000 == 0:
            row.append(f"{(tracemalloc.get_traced_memory()[0] - base) // 1024} | {monitor.open_windows} | "
                       f"{monitor.live_items}")
    tracemalloc.stop()
    print("  " + "\n  ".join(f"{(k + 1) * 10_000:>7}: {r}" for k, r in enumerate(row)))

    sample = [Document(id=d.id, body=d.body + f" #{k % 997}", kind="comment", thread=d.thread,
                       created_at=d.created_at) for k, (d, _) in enumerate(items[:args.check_sample])]
    monitor = contentguard.Monitor(guard)
    started, cpu = time.perf_counter(), time.process_time()
    for _ in monitor.run(sample):
        pass
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"whole pipeline (Guard checks + monitor), {len(sample)} comments: {len(sample) / seconds:,.0f} "
          f"comments/s wall, {len(sample) / cpu:,.0f} comments/s of CPU, one core")


if __name__ == "__main__":
    main()
