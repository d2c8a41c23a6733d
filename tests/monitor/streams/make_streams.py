"""Writes the synthetic streams in this folder (input.jsonl of each case); seeded, so the files are reproducible.

    python tests/monitor/streams/make_streams.py      (expected.jsonl: see tests/monitor/test_streams.py)

burst          a post with a calm baseline for six hours, then twenty complaints in twenty minutes
drift          a post whose comment volume grows slowly over twelve hours, a third of them negative
scattered      single complaints three hours apart, about nothing in common
out_of_order   late and missing timestamps, a line that is not JSON and a record whose text is not text
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).parent
ZONE = timezone(timedelta(hours=8))
START = datetime(2026, 3, 2, 8, 0, tzinfo=ZONE)
CALM = ["味道不错，下次还来", "服务很好，点赞", "包装很精致，送人很有面子", "好吃，推荐给朋友了", "环境干净，上菜快"]
ANGRY = ["太难吃了，差评", "服务态度太差了", "等了一个小时还没上菜，再也不来了", "菜是凉的，必须差评",
         "又贵又难吃，差评"]


def record(number: int, when: datetime | None, body: str, thread: str | None = None) -> dict:
    item: dict = {"id": f"c{number}", "kind": "comment", "body": body}
    if when is not None:
        item["created_at"] = when.isoformat()
    if thread is not None:
        item["thread"] = thread
    return item


def burst(rng: random.Random) -> list[dict]:
    items = []
    for minute in range(0, 6 * 60, 30):  # two calm comments an hour
        items.append(record(len(items) + 1, START + timedelta(minutes=minute), rng.choice(CALM), "p1"))
    for second in range(0, 20 * 60, 60):  # then one complaint a minute for twenty minutes
        items.append(record(len(items) + 1, START + timedelta(hours=6, seconds=second), rng.choice(ANGRY), "p1"))
    return items


def drift(rng: random.Random) -> list[dict]:
    items = []
    for hour in range(12):
        count = hour + 1
        for k in range(count):
            when = START + timedelta(hours=hour, minutes=60 * k / count)
            body = ANGRY[(hour + k) % len(ANGRY)] if (hour + k) % 3 == 0 else rng.choice(CALM)
            items.append(record(len(items) + 1, when, body, "p2"))
    return items


def scattered(rng: random.Random) -> list[dict]:
    items = []
    for k in range(8):
        items.append(record(len(items) + 1, START + timedelta(hours=3 * k), ANGRY[k % len(ANGRY)]))
        items.append(record(len(items) + 1, START + timedelta(hours=3 * k, minutes=70), rng.choice(CALM)))
    return items


def out_of_order(rng: random.Random) -> list[str]:
    lines = []
    times = [0, 5, 10, 3, 15, None, 20, 25, 1, 30]
    for k, minute in enumerate(times):
        when = START + timedelta(minutes=minute) if minute is not None else None
        body = ANGRY[k % len(ANGRY)] if k % 2 else rng.choice(CALM)
        lines.append(json.dumps(record(k + 1, when, body, "p3"), ensure_ascii=False))
    lines.insert(4, "{not json")
    lines.insert(7, json.dumps({"id": "bad", "body": 42, "created_at": START.isoformat()}))
    lines.append(json.dumps({"id": "c99", "body": "退钱！我要投诉", "thread": "p3", "created_at": "next tuesday"},
                            ensure_ascii=False))
    return lines


def main() -> None:
    rng = random.Random(18)
    for name, make in (("burst", burst), ("drift", drift), ("scattered", scattered)):
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        lines = [json.dumps(item, ensure_ascii=False) for item in make(rng)]
        (folder / "input.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = HERE / "out_of_order"
    folder.mkdir(exist_ok=True)
    (folder / "input.jsonl").write_text("\n".join(out_of_order(rng)) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
