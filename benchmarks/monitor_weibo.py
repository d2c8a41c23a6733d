"""Run the public-opinion watch on the shared Weibo posts and say what it finds.

    python benchmarks/monitor_weibo.py [--data ../shared/data/realtext/weibo2018_train.txt]
        [--out weibo-stream.jsonl] [--report weibo-report.html] [--window 1h] [--bucket 6h]

The file (`mid,label,text`, dengxiuqi/weibo2018) has no times, but a Weibo id carries its post's
time: seconds = (mid >> 22) + 515483463 (Weibo's id scheme since 2014; the posts decode to
2016-04 … 2018-05, mostly 2018-04-21 … 2018-05-01, as the corpus name says). The posts are read as
public mentions (kind mention, platform weibo), sorted by that time, and their #话题# are topics.

Prints: how many posts reach risk >= low by their human label (negative / positive), the triage
classes, the events by level, and the medium/high events with a sample of their posts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import contentguard
from contentguard.monitor import Event, render_period_report

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "realtext" / "weibo2018_train.txt"
WEIBO_EPOCH_OFFSET = 515483463
BEIJING = timezone(timedelta(hours=8))


def read_posts(path: Path) -> list[dict]:
    posts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split(",", 2)
        if len(parts) != 3 or not parts[0].isdigit():
            print(f"{path}:{number}: not `mid,label,text`; skipped", file=sys.stderr)
            continue
        mid, label, text = parts
        when = datetime.fromtimestamp((int(mid) >> 22) + WEIBO_EPOCH_OFFSET, BEIJING)
        posts.append({"id": mid, "label": label, "body": text, "kind": "mention", "platform": "weibo",
                      "created_at": when.isoformat()})
    posts.sort(key=lambda post: post["created_at"])
    return posts


def parse_duration(text: str) -> timedelta:
    units = {"m": 60, "h": 3600, "d": 86400}
    return timedelta(seconds=float(text[:-1]) * units[text[-1]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--out", type=Path, default=None, help="Write the events (JSONL) here.")
    parser.add_argument("--report", type=Path, default=None, help="Write the period report (HTML) here.")
    parser.add_argument("--window", default="1h")
    parser.add_argument("--bucket", default="6h")
    args = parser.parse_args()
    if not args.data.is_file():
        sys.exit(f"missing {args.data}: the shared Weibo posts (see ../shared/data/realtext/SOURCE.md)")
    posts = read_posts(args.data)
    labels = {post["id"]: post.pop("label") for post in posts}
    guard = contentguard.load()
    monitor = contentguard.Monitor(guard, window=parse_duration(args.window), bucket=parse_duration(args.bucket))
    by_label: dict[str, Counter] = {"0": Counter(), "1": Counter()}
    triage: dict[str, Counter] = {"0": Counter(), "1": Counter()}
    texts = {post["id"]: post["body"] for post in posts}
    events: list[Event] = []
    out = args.out.open("w", encoding="utf-8") if args.out else None
    started = time.perf_counter()
    original_observe = monitor.observe

    def observe(document, report, where=None):
        by_label[labels[document.id]][report.risk.level] += 1
        triage[labels[document.id]][report.triage] += 1
        return original_observe(document, report, where)

    monitor.observe = observe  # type: ignore[method-assign]
    for entry in monitor.run(posts):
        if out:
            out.write(entry.model_dump_json() + "\n")
        if isinstance(entry, Event):
            events.append(entry)
    seconds = time.perf_counter() - started
    if out:
        out.close()
    period = monitor.period_report()
    if args.report:
        args.report.write_text(render_period_report(period, "微博舆情监测（weibo2018 样例）"), encoding="utf-8")

    print(f"{len(posts)} Weibo posts, {period.first_at:%Y-%m-%d} … {period.last_at:%Y-%m-%d}, "
          f"checked and watched in {seconds:.1f} s ({len(posts) / seconds:.0f} posts/s, one process)")
    for label, name in (("0", "negative (human label)"), ("1", "positive (human label)")):
        counts = by_label[label]
        total = sum(counts.values())
        risky = total - counts["none"]
        print(f"  {name}: {total} posts, risk >= low {risky / total:.1%} "
              f"(low {counts['low']}, medium {counts['medium']}, high {counts['high']}); "
              f"triage {dict(triage[label].most_common())}")
    print(f"events: {len(set(e.event for e in events))} "
          f"({period.event_levels.get('high', 0)} reached high, "
          f"{period.event_levels.get('medium', 0)} medium, {period.low_events} stayed low); "
          f"warnings {period.warnings}, errors {period.errors}")
    last_of: dict[str, Event] = {}
    for event in events:
        if event.status != "closed":
            last_of[event.event] = event
    for summary in period.events[:15]:
        sample = last_of.get(summary.event)
        ids = sample.ids[-2:] if sample else ()
        print(f"  {summary.event} {summary.level:<6} {summary.by}「{summary.topic}」 peak {summary.peak_count} "
              f"(negative {summary.negative}) {summary.first_at:%m-%d %H:%M}–{summary.last_at:%H:%M}"
              f"{' spike' if summary.spike else ''} → {summary.route}")
        for post_id in ids:
            print(f"      {post_id}: {texts[post_id][:70]}")
    by_topic = Counter(s.topic for s in period.events)
    print("medium/high events by topic:", dict(by_topic.most_common(12)))
    print(json.dumps({"levels": period.levels, "triage": period.triage}, ensure_ascii=False))


if __name__ == "__main__":
    main()
