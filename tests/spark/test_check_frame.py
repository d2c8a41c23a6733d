"""check_frame on a real local Spark session gives, row for row, what Guard.check_batch gives."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from contentguard import Report
from contentguard.spark import RESULT_COLUMNS, check_arrow_batches, check_frame

DEVSET = Path(__file__).parent.parent / "data" / "devset.jsonl"


def expected_row(report: Report) -> dict:
    """The result columns as the issue lists them, straight from a check_batch report."""
    return {
        "decision": report.decision, "risk_level": report.risk.level, "impact": report.risk.impact,
        "likelihood": report.risk.likelihood, "route": report.risk.route,
        "sentiment": report.sentiment.label if report.sentiment else None,
        "findings": [(f.rule_id, f.category, f.severity, f.field, f.start, f.end, f.text, f.message)
                     for f in report.findings],
        "errors": [(e.code, e.message, e.rule_id) for e in report.errors],
        "ruleset_hash": report.ruleset.hash,
    }


def spark_row(row) -> dict:
    values = row.asDict(recursive=False)
    result = {name: values[name] for name in RESULT_COLUMNS}
    result["findings"] = [tuple(f) for f in result["findings"]]
    result["errors"] = [tuple(e) for e in result["errors"]]
    return result


def devset_rows() -> list[dict]:
    rows = []
    for line in DEVSET.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        rows.append({key: record.get(key) for key in ("id", "title", "body", "kind", "platform")})
    # Edge rows: a null, an empty and a blank text; a null kind (a post); an unknown kind; a null title.
    rows += [
        {"id": "null-body", "title": "震惊", "body": None, "kind": "comment", "platform": None},
        {"id": "empty-body", "title": None, "body": "", "kind": "comment", "platform": "weibo"},
        {"id": "blank-body", "title": "", "body": "   ", "kind": None, "platform": None},
        {"id": "bad-kind", "title": None, "body": "全网最低价", "kind": "tweet", "platform": None},
        {"id": None, "title": None, "body": "加微*信领取，赌博", "kind": None, "platform": None},
    ]
    return rows


def as_record(row: dict) -> dict:
    """The documented mapping: a null text is kept (an error), any other null field is absent."""
    return {key: value for key, value in row.items() if value is not None or key == "body"}


def test_every_row_matches_check_batch(spark, default_guard):
    rows = devset_rows()
    frame = spark.createDataFrame(
        [(i, r["id"], r["title"], r["body"], r["kind"], r["platform"], [i, i + 1]) for i, r in enumerate(rows)],
        "n long, id string, title string, body string, kind string, platform string, extra array<int>",
    ).repartition(3)
    checked = check_frame(frame, text="body", title="title", kind="kind", id="id", platform="platform",
                          guard=default_guard)
    assert checked.columns == [*frame.columns, *RESULT_COLUMNS]
    got = {row["n"]: row for row in checked.collect()}
    assert sorted(got) == list(range(len(rows)))  # every row, once

    expected = list(default_guard.check_batch([as_record(r) for r in rows], workers=1))
    for n, report in enumerate(expected):
        row = got[n]
        assert spark_row(row) == expected_row(report), rows[n]
        # The input columns come through untouched.
        assert (row["id"], row["body"], row["extra"]) == (rows[n]["id"], rows[n]["body"], [n, n + 1])
    assert len({row["ruleset_hash"] for row in got.values()}) == 1
    assert got[0]["ruleset_hash"] == default_guard.ruleset.hash

    by_id = {rows[n]["id"]: got[n] for n in got}
    assert by_id["null-body"]["decision"] == "review" and by_id["null-body"]["errors"][0]["code"] == "invalid-document"
    assert by_id["empty-body"]["decision"] == "pass" and not by_id["empty-body"]["errors"]
    assert "kind" in by_id["bad-kind"]["errors"][0]["message"]
    assert sum(bool(r["findings"]) for r in got.values()) > 100  # the devset is mostly violations


def test_non_string_columns(spark, demo_guard):
    """A number where text belongs is an error entry on that row (as in check_batch); a numeric id is cast."""
    frame = spark.createDataFrame([(7, 1.5, "赌博"), (8, None, "天气很好"), (9, 2.0, None)],
                                  "id long, body double, title string")
    checked = check_frame(frame, text="body", title="title", id="id", guard=demo_guard).orderBy("id").collect()
    records = [{"id": "7", "body": 1.5, "title": "赌博"}, {"id": "8", "body": None, "title": "天气很好"},
               {"id": "9", "body": 2.0}]
    expected = list(demo_guard.check_batch(records))
    assert [spark_row(row) for row in checked] == [expected_row(report) for report in expected]
    assert all(row["decision"] == "review" and row["errors"][0]["code"] == "invalid-document" for row in checked)
    assert "'7'" in checked[0]["errors"][0]["message"] and "body" in checked[0]["errors"][0]["message"]
    assert [row["body"] for row in checked] == [1.5, None, 2.0]

    with pytest.raises(Exception, match="no such column: body='text'"):
        check_frame(frame, text="text", guard=demo_guard)
    with pytest.raises(Exception, match="already has column"):
        check_frame(frame.withColumnRenamed("title", "decision"), guard=demo_guard)


class CountingBroadcast:
    """Stands in for a Spark Broadcast: counts how often the Guard is unpickled from it."""

    def __init__(self, guard):
        self.guard, self.loads = guard, 0

    @property
    def value(self):
        self.loads += 1
        return self.guard


def test_the_guard_is_loaded_once_per_process_and_reused_across_batches(demo_guard):
    import pyarrow as pa

    broadcast = CountingBroadcast(demo_guard)
    batch = pa.RecordBatch.from_pydict({"n": [1, 2], "__contentguard_body": ["赌博", None]})
    key = "test-key-" + demo_guard.ruleset.hash
    for _ in range(3):  # three tasks in the same Python worker
        out = list(check_arrow_batches(iter([batch, batch]), key, broadcast, {"body": "__contentguard_body"}, ["n"]))
        assert [b.num_rows for b in out] == [2, 2]
        expected = [r.decision for r in demo_guard.check_batch([{"body": "赌博"}, {"body": None}])]
        assert out[1].column("decision").to_pylist() == expected == [expected[0], "review"]
    assert broadcast.loads == 1


def test_import_contentguard_does_not_import_spark():
    code = ("import sys, contentguard, contentguard.cli; "
            "print(sorted(m for m in ('pyspark', 'pyarrow', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
