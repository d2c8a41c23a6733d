"""The monitor on synthetic streams with known events (fixture folders: input.jsonl and expected.jsonl).

Each folder's expected.jsonl is what the monitor emits, cut to the fields that say what happened. After a
deliberate change, rewrite them with ``CONTENTGUARD_REGEN=1 pytest tests/monitor/test_streams.py`` and read
the diff: the behaviour tests below say what must stay true whatever the numbers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import contentguard
from contentguard.inputs import InputOptions, read_items
from contentguard.monitor import Event, StreamError, StreamWarning

STREAMS = Path(__file__).parent / "streams"
CASES = sorted(p.name for p in STREAMS.iterdir() if (p / "input.jsonl").is_file())
EVENT_FIELDS = ("type", "event", "status", "level", "by", "topic", "count", "negative", "spike", "route",
                "deadline")


@pytest.fixture(scope="module")
def guard():
    return contentguard.load()


def run(guard, case: str):
    monitor = contentguard.Monitor(guard)
    options = InputOptions(default_kind="comment")
    outputs = list(monitor.run(read_items([str(STREAMS / case / "input.jsonl")], options)))
    return monitor, outputs


def project(entry) -> dict:
    data = entry.model_dump(mode="json")
    if isinstance(entry, Event):
        return {name: data[name] for name in EVENT_FIELDS}
    where = (data.get("where") or "").rsplit(":", 1)[-1]  # the line number, not the machine's path
    return {"type": data["type"], "id": data["id"], "line": where, "message": data["message"]}


@pytest.mark.parametrize("case", CASES)
def test_stream_gives_the_expected_events(guard, case):
    _, outputs = run(guard, case)
    got = [project(entry) for entry in outputs]
    expected_file = STREAMS / case / "expected.jsonl"
    if os.environ.get("CONTENTGUARD_REGEN"):
        expected_file.write_text("".join(json.dumps(g, ensure_ascii=False) + "\n" for g in got), encoding="utf-8")
    expected = [json.loads(line) for line in expected_file.read_text(encoding="utf-8").splitlines() if line]
    assert got == expected


def test_burst_is_a_spike_and_high(guard):
    monitor, outputs = run(guard, "burst")
    thread = [e for e in outputs if isinstance(e, Event) and e.by == "thread"]
    assert [e.level for e in thread][:1] == ["low"] and thread[-1].level == "high" and thread[-1].spike
    assert "medium" in [e.level for e in thread]  # several complaints come before the spike
    assert thread[-1].route == "领导小组"
    report = monitor.period_report()
    assert any(s.spike and s.level == "high" for s in report.events)


def test_slow_drift_is_never_a_spike(guard):
    _, outputs = run(guard, "drift")
    events = [e for e in outputs if isinstance(e, Event)]
    assert events and not any(e.spike for e in events)
    assert max(("none", "low", "medium", "high").index(e.level) for e in events) <= 2


def test_scattered_single_complaints_stay_low_and_close(guard):
    monitor, outputs = run(guard, "scattered")
    events = [e for e in outputs if isinstance(e, Event)]
    assert {e.level for e in events if e.status != "closed"} == {"low"}
    opened = [e for e in events if e.status == "opened"]
    assert len(opened) == 8 and all(e.count == 1 and e.route == "客服" for e in opened)
    assert {e.event for e in events if e.status == "closed"} >= {e.event for e in opened[:-1]}
    report = monitor.period_report()
    assert report.events == () and report.low_events == 8


def test_late_missing_and_bad_records_are_counted_warned_or_errors(guard):
    monitor, outputs = run(guard, "out_of_order")
    warnings = [e for e in outputs if isinstance(e, StreamWarning)]
    errors = [e for e in outputs if isinstance(e, StreamError)]
    assert len([w for w in warnings if "out of order" in w.message]) == 2  # c4 (08:03) and c9 (08:01)
    assert len([w for w in warnings if "no created_at" in w.message]) == 2  # c6, and c99 whose time is no time
    assert any("next tuesday" in w.message for w in warnings)
    assert len(errors) == 2 and any("invalid JSON" in e.message for e in errors)
    report = monitor.period_report()
    assert report.public_items == 11 and report.errors == 2  # every readable item counted


def test_memory_stays_bounded_as_windows_expire(guard):
    from datetime import datetime, timedelta, timezone

    from contentguard import Document
    from contentguard.report import Report

    monitor = contentguard.Monitor(guard)
    template = guard.check(contentguard.Document(body="太难吃了，差评", kind="comment"))
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    sizes = []
    for i in range(6000):
        document = Document(id=f"c{i}", kind="comment", body="x", thread=f"p{i // 50}",
                            created_at=start + timedelta(seconds=30 * i))
        monitor.observe(document, Report.model_validate(template.model_dump() | {"id": document.id}))
        if i % 1000 == 999:
            sizes.append((monitor.open_windows, monitor.live_items))
    # Fifty hours of stream: an hour's window holds 120 items; a post quiet for longer than the baseline
    # (24 windows) is forgotten, so once a day has passed the number of posts kept stops growing.
    assert all(live <= 121 for _, live in sizes)
    after_a_day = [keys for keys, _ in sizes[3:]]  # at 4000, 5000 and 6000 items: 33, 41 and 50 hours
    assert max(after_a_day) - min(after_a_day) <= 2 and max(after_a_day) <= 24 * 60 // 25 + 5
